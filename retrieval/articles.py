"""Turning a downloaded page or an uploaded file into the text and metadata that the corpus stores.

HTML goes through trafilatura (the same extraction as an .html file in the corpus),
PDF through pypdf, and text or Markdown is taken as it is, front matter included.
What comes out is stored as a Markdown file and quoted from, so the text here is
exactly what a quote will be checked against.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .documents import decode, extract_html, parse_text
from .errors import BadDocument, NoArticle, UnsupportedContent
from .fetch import HTML_TYPES, PDF_TYPES, TEXT_TYPES

log = logging.getLogger(__name__)

KIND_OF_SUFFIX = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
_SENTENCE_END = tuple('.!?:"”’)')
_MIN_WORDS = 5  # a line with fewer words is a caption or a menu, not a sentence to quote


@dataclass(frozen=True)
class Article:
    text: str  # the body to store: paragraphs separated by blank lines, ending in a newline
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    speaker: str | None = None


def kind_of_file(name: str) -> str:
    """'text', 'html' or 'pdf' from a file name; UnsupportedContent for anything else."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in KIND_OF_SUFFIX:
        raise UnsupportedContent(
            f"{name} is not a file type that can be added ({suffix or 'no extension'}); use .txt, .md, .html or .pdf"
        )
    return KIND_OF_SUFFIX[suffix]


def kind_of_media_type(content_type: str) -> str:
    if content_type in HTML_TYPES:
        return "html"
    if content_type in PDF_TYPES:
        return "pdf"
    if content_type in TEXT_TYPES:
        return "text"
    raise UnsupportedContent(f"{content_type or 'an unnamed type'} cannot be added; only HTML, plain text, Markdown and PDF")


def read_article(data: bytes, kind: str, name: str, url: str | None = None, charset: str | None = None) -> Article:
    """The article in `data`; NoArticle when nothing quotable can be taken from it."""
    if kind == "pdf":
        return _from_pdf(data, name)
    text = _decode(data, name, charset)
    if kind == "html":
        try:
            found = extract_html(text, url)
        except BadDocument as exc:
            raise NoArticle(f"{name}: {exc}") from None
        return Article(
            text=found.text,
            title=found.title,
            outlet=found.outlet,
            url=found.url,
            published=found.published,
            author=found.author,
            speaker=found.author if found.transcript else None,
        )
    return _from_text(text, name)


def _decode(data: bytes, name: str, charset: str | None) -> str:
    if b"\x00" in data:
        raise NoArticle(f"{name} is a binary file, not text")
    if charset and charset not in ("utf-8", "utf8"):
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            log.warning("%s: not valid %s as declared; trying UTF-8", name, charset)
    try:
        return decode(data, name)
    except BadDocument as exc:
        raise NoArticle(f"{name}: {exc}") from None


def _from_text(text: str, name: str) -> Article:
    try:
        doc = parse_text(text, name)
    except BadDocument as exc:
        raise NoArticle(f"{name}: {exc}") from None
    body = text[doc.body_start :].replace("\r\n", "\n").strip("\n")
    if not body.strip():
        raise NoArticle(f"{name} has no text besides its title and front matter")
    return Article(
        text=body + "\n",
        title=doc.title,
        outlet=doc.outlet,
        url=doc.url,
        published=doc.published,
        speaker=doc.speaker,
    )


def _from_pdf(data: bytes, name: str) -> Article:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NoArticle(f"{name} is password-protected; upload an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except NoArticle:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise NoArticle(f"{name} cannot be read as a PDF: {' '.join(str(exc).split())[:200]}") from None
    paragraphs = [p for page in pages for p in pdf_paragraphs(page)]
    if not any(len(p.split()) >= _MIN_WORDS for p in paragraphs):
        raise NoArticle(f"no text could be extracted from {name} (a scanned PDF needs text recognition first)")
    title = _metadata(info, "title")
    if title is None and paragraphs and len(paragraphs[0]) <= 150 and not paragraphs[0].endswith("."):
        title = paragraphs[0]
    return Article(text="\n\n".join(paragraphs) + "\n", title=title, author=_metadata(info, "author"))


def pdf_paragraphs(page_text: str) -> list[str]:
    """A PDF page's lines joined into paragraphs.

    PDF text comes one printed line at a time. A paragraph ends at a blank line, at a
    line that ends a sentence and stops short of the page's full line width (the last
    line of a paragraph usually does), or at a line far shorter than the rest (a heading).
    """
    lines = [" ".join(line.split()) for line in page_text.splitlines()]
    widest = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if not current:
            current = line
        elif current.endswith("-"):
            current += line  # a word or compound broken over the line end
        else:
            current += " " + line
        if len(line) < 0.6 * widest or (line.endswith(_SENTENCE_END) and len(line) < 0.8 * widest):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _metadata(info, key: str) -> str | None:
    value = getattr(info, key, None) if info is not None else None
    value = " ".join(str(value).split()) if value else ""
    return value if value and not re.fullmatch(r"(untitled|microsoft word - .*|unknown)", value, re.I) else None
