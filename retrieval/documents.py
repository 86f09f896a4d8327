"""Reading a corpus directory into `Document`s, and finding the quotable paragraphs of each.

A bad file never stops a load: it becomes a `Skipped` record with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BadDocument, CorpusError
from .models import Document, Skipped
from .sentences import split_paragraphs

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
DEFAULT_MAX_FILE_BYTES = 5_000_000

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)
# "President: Barack Obama" / "Speaker: ..." as the first line of a transcript.
_SPEAKER_HEADER = re.compile(
    r"\A[ \t]*(?:President|Vice President|Speaker|Senator|Governor|Secretary|Prime Minister|Chancellor)"
    r"[ \t]*:[ \t]*([^\r\n]{2,80}?)[ \t]*(?:\r?\n|\Z)"
)
_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\b|_)")
_BOILERPLATE_LINE = re.compile(
    r"^\s*(related (content|articles?|stories|coverage|links|reading)|read more|more on this story|"
    r"advertisement|share this( article| story)?|sign up( for)?\b.*newsletter.*|"
    r"click here\b.*|follow us on\b.*|subscribe( now)?\b.*|(top|more) stories)\s*:?\s*$",
    re.I,
)


def load_corpus(
    root: Path,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    known: Mapping[str, Document] | None = None,
) -> tuple[list[Document], list[Skipped]]:
    """Every readable document under `root`, sorted by source, and the files skipped with why.

    `known` maps sources to documents already ingested: a file whose bytes still hash
    to a known document's `sha256` is not parsed again; that document is returned as is.
    Hidden files and directories (name starting with ".") are ignored; any other file
    that is not loaded is reported in the skipped list.
    """
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(f"corpus directory not found: {root}")
    real_root = root.resolve()
    known = known or {}
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for path, problem in sorted(_corpus_files(root, real_root), key=lambda item: str(item[0])):
        source = path.relative_to(root).as_posix()
        try:
            source.encode("utf-8")
        except UnicodeEncodeError:
            source = source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            problem = problem or "the file name is not valid UTF-8; rename the file"
        if problem is None:
            try:
                documents.append(load_document(path, source, real_root, max_file_bytes, known.get(source)))
                continue
            except BadDocument as exc:
                problem = str(exc)
        log.warning("skipped %s: %s", source, problem)
        skipped.append(Skipped(source, problem))
    return documents, skipped


def _corpus_files(root: Path, real_root: Path):
    """(path, None) for each candidate file; (path, reason) for what is found but cannot be loaded."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in list(dirnames):
            if (here / name).is_symlink():  # os.walk does not descend into them: say so
                dirnames.remove(name)
                target = _resolve(here / name)
                if target is None or not target.is_relative_to(real_root):
                    yield here / name, f"symlink leaves the corpus root (points to {target or 'a loop'})"
                else:
                    yield here / name, "symlinked directory inside the corpus: not followed (its files are read where they are)"
        for name in filenames:
            if name.startswith("."):
                continue
            path = here / name
            suffix = Path(name).suffix.lower()
            if suffix in SUFFIXES:
                yield path, None
            else:
                supported = ", ".join(sorted(SUFFIXES))
                yield path, f"unsupported file type {suffix or '(no extension)'}; supported: {supported}"


def _resolve(path: Path) -> Path | None:
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return None


def load_document(
    path: Path,
    source: str,
    real_root: Path,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    known: Document | None = None,
) -> Document:
    if path.is_symlink():
        target = _resolve(path)
        if target is None:
            raise BadDocument("symlink loop")
        if not target.is_relative_to(real_root):
            raise BadDocument(f"symlink leaves the corpus root (points to {target})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadDocument(f"cannot read: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise BadDocument("not a regular file")
    if size > max_file_bytes:
        raise BadDocument(_too_big(size, max_file_bytes))
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_file_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise BadDocument(f"cannot read: {exc.strerror or exc}") from exc
    if len(raw) > max_file_bytes:
        raise BadDocument(_too_big(len(raw), max_file_bytes))
    sha = hashlib.sha256(raw).hexdigest()
    if known is not None and known.sha256 == sha:
        return known  # the text as it was ingested, with its metadata: nothing to parse again
    if b"\x00" in raw:
        raise BadDocument("binary file (contains NUL bytes)")
    text = decode(raw, source)
    if not text.strip():
        raise BadDocument("empty or whitespace-only file")
    if path.suffix.lower() in HTML_SUFFIXES:
        return parse_html(text, source, sha)
    doc = parse_text(text, source, sha)
    if not text[doc.body_start :].strip():
        raise BadDocument("no text besides the front matter and title")
    return doc


def _too_big(size: int, cap: int) -> str:
    return f"file is larger than the {cap / 1e6:g} MB cap ({size / 1e6:.1f} MB; set POLICYBOT_MAX_FILE_MB to change it)"


def decode(raw: bytes, source: str) -> str:
    """UTF-8 with the BOM stripped, else cp1252 with a warning. Newlines are kept as they are."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise BadDocument(f"cannot be decoded as UTF-8 or cp1252 (byte 0x{raw[exc.start]:02x} at {exc.start})") from exc
    log.warning("%s is not valid UTF-8; decoded as cp1252", source)
    return text


def parse_text(text: str, source: str, sha256: str = "") -> Document:
    meta, body_start = _front_matter(text, source)
    speaker = _clean(meta.get("speaker"))
    header = _SPEAKER_HEADER.match(text, body_start)
    if header and not speaker:
        speaker = header.group(1).strip()
    if header:
        body_start = header.end()
    title = _clean(meta.get("title"))
    first_line = _first_line(text, body_start)
    if first_line is not None:
        line_start, line_end = first_line
        line = text[line_start:line_end].strip()
        if title is None and not header:
            title = line
            if text[line_end:].strip():  # a one-line file is its own title and its own body
                body_start = line_end
        elif title is not None and line == title:
            body_start = line_end  # the headline repeats the front-matter title: not quotable
    if title is None:
        title = _title_from_filename(source)
    published = _iso_date(meta.get("published"), source) or _date_from_filename(source)
    return Document(
        source=source,
        text=text,
        title=title,
        outlet=_clean(meta.get("outlet")),
        url=_clean(meta.get("url")),
        published=published,
        speaker=speaker,
        body_start=body_start,
        sha256=sha256,
    )


@dataclass(frozen=True)
class HtmlArticle:
    """What trafilatura finds in a page: the article's text (paragraphs separated by blank lines) and its metadata."""

    text: str
    title: str | None
    outlet: str | None
    url: str | None  # the canonical URL when the page names one
    published: str | None
    author: str | None
    transcript: bool  # the page calls itself a transcript, remarks or speech: its author is its speaker


def extract_html(html: str, url: str | None = None) -> HtmlArticle:
    """The article in `html`; BadDocument when it cannot be parsed or holds no sentence to quote."""
    import trafilatura  # heavy import; only HTML needs it

    try:
        extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura and lxml raise many kinds on malformed pages
        raise BadDocument(f"the HTML cannot be parsed: {' '.join(str(exc).split())[:200]}") from exc
    if extracted is None or not (extracted.text or "").strip():
        raise BadDocument("no article text could be extracted from the HTML")
    lines = [line.strip() for line in extracted.text.splitlines() if line.strip()]
    title = _clean(extracted.title)
    if title and lines and lines[0] == title:
        lines = lines[1:]
    if not any(len(line.split()) >= 5 for line in lines):  # menus and captions: no sentence to quote
        raise BadDocument("no article text could be extracted from the HTML")
    return HtmlArticle(
        # The extracted text is what we store and quote; blank lines mark its paragraphs.
        text="\n\n".join(lines) + "\n",
        title=title,
        outlet=_clean(extracted.sitename) or _clean(extracted.hostname),
        url=_canonical_url(html) or _clean(extracted.url),
        published=_html_date(extracted.date),
        author=_clean(extracted.author),
        transcript=_looks_like_transcript(extracted),
    )


def parse_html(html: str, source: str, sha256: str = "") -> Document:
    article = extract_html(html)
    return Document(
        source=source,
        text=article.text,
        title=article.title or _title_from_filename(source),
        outlet=article.outlet,
        url=article.url,
        published=article.published or _date_from_filename(source),
        speaker=article.author if article.transcript else None,
        body_start=0,
        sha256=sha256,
    )


def _canonical_url(html: str) -> str | None:
    """The page's <link rel="canonical">, which names the article better than og:url (no tracking tags)."""
    import lxml.html
    from urllib.parse import urljoin

    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8"))
    except Exception:
        return None
    base = None
    for meta in tree.xpath('//meta[@property="og:url" or @name="og:url"]'):
        base = _clean(meta.get("content"))
    for link in tree.xpath("//link[@rel][@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = _clean(link.get("href"))
            if href:
                return urljoin(base, href) if base else href
    return None


def _html_date(value) -> str | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip()[:10]).isoformat()
    except ValueError:
        return None


def _looks_like_transcript(extracted) -> bool:
    # An HTML author is a byline, not a speaker, unless the page calls itself a transcript.
    return bool(re.search(r"\b(transcript|remarks|speech)\b", extracted.title or "", re.I))


def _front_matter(text: str, source: str) -> tuple[dict, int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        if re.match(r"\A---[ \t]*\r?\n", text):
            raise BadDocument("broken front matter: no closing '---' line")
        return {}, 0
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        meta = _plain_front_matter(match.group(1))
        if meta is None:
            raise BadDocument(f"broken front matter: {problem}") from exc
        # A hand-written title such as `title: "Quoted words": who said them` is not YAML, but its meaning is plain.
        log.warning("%s: front matter is not valid YAML (%s); read as plain 'key: value' lines", source, problem)
    if not isinstance(meta, dict):
        raise BadDocument("broken front matter: expected 'key: value' lines")
    return {str(k).lower(): v for k, v in meta.items()}, match.end()


_PLAIN_FIELD = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*")


def _plain_front_matter(block: str) -> dict | None:
    """`key: value` on every non-blank line, split at the first colon; None when the block is not like that."""
    meta = {}
    for line in block.splitlines():
        if not line.strip():
            continue
        field = _PLAIN_FIELD.fullmatch(line)
        if field is None:
            return None
        meta[field.group(1)] = field.group(2)
    return meta


def _first_line(text: str, start: int) -> tuple[int, int] | None:
    for match in re.finditer(r"[^\r\n]*", text[start:]):
        if match.group().strip():
            return start + match.start(), start + match.end()
    return None


def _clean(value) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _iso_date(value, source: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise BadDocument(f"broken front matter: published is not an ISO date: {text!r}") from None


def _date_from_filename(source: str) -> str | None:
    match = _DATE_PREFIX.match(Path(source).name)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def _title_from_filename(source: str) -> str:
    stem = Path(source).stem
    stem = _DATE_PREFIX.sub("", stem).strip("-_ ")
    words = re.split(r"[-_\s]+", stem)
    return " ".join(words).capitalize() or Path(source).name


def is_boilerplate(paragraph: str) -> bool:
    """Trailers such as "Related Content", and promo headlines set in capitals."""
    if _BOILERPLATE_LINE.match(paragraph):
        return True
    letters = [c for c in paragraph if c.isalpha()]
    words = paragraph.split()
    return len(words) >= 3 and len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.85


def quotable_paragraphs(doc: Document) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number) of each body paragraph that may be quoted.

    Numbers count every body paragraph, boilerplate included, so that a citation's
    paragraph matches what a reader counts in the source.
    """
    spans = split_paragraphs(doc.text, doc.body_start)
    out = []
    for number, (start, end) in enumerate(spans):
        if is_boilerplate(doc.text[start:end]):
            continue
        out.append((start, end, number))
    # Everything after a "Related Content" trailer is navigation, not article.
    for number, (start, end) in enumerate(spans):
        if _BOILERPLATE_LINE.match(doc.text[start:end]) and re.match(r"\s*related", doc.text[start:end], re.I):
            out = [p for p in out if p[2] < number]
            break
    return out
