"""Moderators' changes to the corpus: add a page or a file, remove a source, restore it, reload.

The bot and the CLI both call a `Curator`. Every change is made the same way: the
file is written (or moved), the incremental reload runs, and if anything fails on
the way the file is taken back out and the index pointed back at the generation it
had, so the corpus and the index are as they were. Nothing is ever deleted: a
removed source is moved to `removed/<when>/<source>` in the index directory, and a
restore moves it back. Every attempt, refused or not, goes to the audit log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import logging
import os
import re
import shutil
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit, urlunsplit

import yaml

from .articles import Article, kind_of_file, kind_of_media_type, read_article
from .audit import AUDIT_FILE, CLI, Action, Actor, AuditEntry, AuditLog
from .documents import SUFFIXES, decode, parse_text
from .engine import Engine
from .errors import (
    DuplicateSource,
    PolicybotError,
    ReloadInProgress,
    SourceRefused,
    TooLarge,
    UnknownSource,
)
from .fetch import FetchLimits, check_url, fetch
from .index import Generation
from .models import Document, IngestReport

log = logging.getLogger(__name__)

ADDED_DIR = "added"  # in the corpus: where added sources are written
REMOVED_DIR = "removed"  # in the index directory: where removed sources are kept
CURATION_LOCK = "curation.lock"
RELOAD_WAIT = 300.0  # seconds a change waits for a reload already running
SLUG_CHARS = 60


@dataclass(frozen=True)
class Overrides:
    """Front matter a moderator gives, filling or replacing what was extracted."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class SpeakerCount:
    name: str
    statements: int  # passages attributed to them, in their own words or reported


@dataclass(frozen=True)
class Added:
    source: str
    title: str
    outlet: str | None
    url: str | None
    published: str | None
    author: str | None
    speaker: str | None
    passages: int
    speakers: tuple[SpeakerCount, ...]
    report: IngestReport

    def to_json(self) -> dict:
        return {
            "action": "add",
            "source": self.source,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "author": self.author,
            "speaker": self.speaker,
            "passages": self.passages,
            "speakers": [{"name": s.name, "statements": s.statements} for s in self.speakers],
            "reload": self.report.to_json(),
        }


@dataclass(frozen=True)
class Moved:
    """A source removed from the corpus, or restored to it."""

    action: Action  # "remove" or "restore"
    source: str
    title: str | None
    kept_at: str  # where the removed file is (or was) kept, relative to the index directory
    report: IngestReport

    def to_json(self) -> dict:
        return {
            "action": self.action,
            "source": self.source,
            "title": self.title,
            "kept_at": self.kept_at,
            "reload": self.report.to_json(),
        }


@dataclass(frozen=True)
class RemovedSource:
    source: str
    removed_at: str  # ISO 8601, UTC
    kept_at: str  # relative to the index directory


@dataclass
class _Attempt:
    source: str | None = None
    message: str = ""
    extra: dict = field(default_factory=dict)


class Curator:
    def __init__(self, engine: Engine, limits: FetchLimits):
        self.engine = engine
        self.limits = limits
        self.corpus = engine.corpus_dir
        self.removed_dir = engine.store.dir / REMOVED_DIR
        self.audit_log = AuditLog(engine.store.dir / AUDIT_FILE)

    # ---- adding ---------------------------------------------------------------------------

    def add_url(self, url: str, overrides: Overrides = Overrides(), actor: Actor = CLI) -> Added:
        """Fetch a page (HTML, text or PDF) and add its article."""
        url = url.strip()
        with self._audited("add", url, actor) as attempt:
            check_url(url)
            self._refuse_known_urls(self.engine.generation, {url})
            download = fetch(url, self.limits)
            kind = kind_of_media_type(download.content_type)
            name = _name_of_url(download.final_url, kind)
            article = read_article(download.body, kind, name, download.final_url, download.charset)
            if article.url is None:
                article = replace(article, url=download.final_url)
            added = self._store(article, overrides, _title_of_name(name), also_urls={url, download.final_url})
            attempt.source = added.source
            attempt.message = _added_message(added)
            return added

    def add_file(self, path: Path, overrides: Overrides = Overrides(), actor: Actor = CLI) -> Added:
        """Add a local .txt, .md, .html or .pdf file (the CLI's `policybot add FILE`)."""
        path = Path(path)
        with self._audited("add", str(path), actor) as attempt:
            kind = kind_of_file(path.name)
            data = _read_capped(path, self.limits.max_bytes)
            added = self._store(read_article(data, kind, path.name), overrides, _title_of_name(path.name))
            attempt.source = added.source
            attempt.message = _added_message(added)
            return added

    def add_download(self, url: str, filename: str, size: int | None, overrides: Overrides = Overrides(), actor: Actor = CLI) -> Added:
        """Add a file uploaded elsewhere (a Discord attachment), typed by its name, fetched from `url`."""
        filename = PurePosixPath(filename.replace("\\", "/")).name
        with self._audited("add", filename, actor) as attempt:
            kind = kind_of_file(filename)
            if size is not None and size > self.limits.max_bytes:
                raise TooLarge(
                    f"{filename} is {size / 1e6:.1f} MB, over the {self.limits.max_bytes / 1e6:g} MB limit "
                    "(set POLICYBOT_MAX_FILE_MB to change it)"
                )
            download = fetch(url, self.limits, accept=None)
            added = self._store(read_article(download.body, kind, filename), overrides, _title_of_name(filename))
            attempt.source = added.source
            attempt.message = _added_message(added)
            return added

    def _store(self, article: Article, overrides: Overrides, fallback_title: str, also_urls: set[str] = frozenset()) -> Added:
        meta = _front_matter(article, overrides, fallback_title)
        content = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1_000_000) + "---\n" + article.text
        body = parse_text(content, "new.md")
        with self._locked():
            generation = self.engine.generation
            self._refuse_known_urls(generation, {meta.get("url"), *also_urls})
            self._refuse_known_text(generation, _text_key(body.text[body.body_start :]))
            path = _create_new(self.corpus / ADDED_DIR, f"{meta.get('published') or _today()}-{slugify(meta['title'])}", content)
            source = path.relative_to(self.corpus).as_posix()
            log.info("added %s; reloading", source)
            report = self._reload_or_undo(generation.name, undo=lambda: path.unlink(missing_ok=True), source=source, expect=True)
        return self._describe(source, meta, report)

    def _describe(self, source: str, meta: dict, report: IngestReport) -> Added:
        generation = self.engine.generation
        doc = generation.documents.get(source)
        rows = generation.passages_of_source.get(source, range(0))
        counts = Counter(generation.passages[i].speaker for i in rows if generation.passages[i].speaker)
        return Added(
            source=source,
            title=doc.title if doc else meta["title"],
            outlet=doc.outlet if doc else meta.get("outlet"),
            url=doc.url if doc else meta.get("url"),
            published=doc.published if doc else meta.get("published"),
            author=meta.get("author"),
            speaker=doc.speaker if doc else meta.get("speaker"),
            passages=len(rows),
            speakers=tuple(SpeakerCount(name, n) for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            report=report,
        )

    # ---- removing and restoring -----------------------------------------------------------

    def remove(self, source: str, actor: Actor = CLI) -> Moved:
        """Move a source out of the corpus into `removed/`, and reload."""
        with self._audited("remove", source, actor) as attempt:
            source = _clean_source(source)
            attempt.source = source
            with self._locked():
                path = self.corpus / source
                if not os.path.lexists(path) or not _inside(path, self.corpus):
                    raise UnknownSource(f"{source} is not in the corpus; /sources lists what is")
                generation = self.engine.generation
                doc = generation.documents.get(source)
                stamp = _stamp()
                kept = self.removed_dir / stamp / source
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), str(kept))

                def undo() -> None:
                    shutil.move(str(kept), str(path))
                    _prune_empty(kept.parent, self.removed_dir)

                report = self._reload_or_undo(generation.name, undo=undo, source=source, expect=False)
            moved = Moved("remove", source, doc.title if doc else None, kept.relative_to(self.engine.store.dir).as_posix(), report)
            attempt.message = f"moved to {moved.kept_at}"
            return moved

    def restore(self, source: str, actor: Actor = CLI) -> Moved:
        """Move the most recently removed copy of `source` back into the corpus, and reload."""
        with self._audited("restore", source, actor) as attempt:
            source = _clean_source(source)
            attempt.source = source
            with self._locked():
                kept_copies = self.removed()
                found = [r for r in kept_copies if r.source == source]
                if not found:
                    known = sorted({r.source for r in kept_copies})
                    listed = f" (removed sources: {', '.join(known[:5])}{', …' if len(known) > 5 else ''})" if known else " (none has been removed)"
                    raise UnknownSource(f"{source} is not among the removed sources{listed}")
                kept = self.engine.store.dir / found[-1].kept_at
                path = self.corpus / source
                if os.path.lexists(path):
                    raise SourceRefused(f"{source} is in the corpus again (a newer file by that name); remove or rename it first")
                generation = self.engine.generation
                restored = _parse_kept(kept, source, self.engine.max_file_bytes)
                if restored is not None:
                    self._refuse_known_urls(generation, {restored.url})
                    self._refuse_known_text(generation, _text_key(restored.text[restored.body_start :]))
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(kept), str(path))

                def undo() -> None:
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(str(path), str(kept))

                report = self._reload_or_undo(generation.name, undo=undo, source=source, expect=True)
                _prune_empty(kept.parent, self.removed_dir)
            doc = self.engine.generation.documents.get(source)
            moved = Moved("restore", source, doc.title if doc else None, found[-1].kept_at, report)
            attempt.message = f"restored from {moved.kept_at}"
            return moved

    def removed(self) -> list[RemovedSource]:
        """Every removed copy kept, oldest first."""
        if not self.removed_dir.is_dir():
            return []
        out = []
        for stamp_dir in sorted(p for p in self.removed_dir.iterdir() if p.is_dir()):
            for path in sorted(stamp_dir.rglob("*")):
                if path.is_file() or path.is_symlink():
                    out.append(
                        RemovedSource(
                            source=path.relative_to(stamp_dir).as_posix(),
                            removed_at=_stamp_time(stamp_dir.name),
                            kept_at=path.relative_to(self.engine.store.dir).as_posix(),
                        )
                    )
        return out

    # ---- reloading and the log -----------------------------------------------------------

    def reload(self, actor: Actor = CLI, **ingest_options) -> IngestReport:
        """The plain incremental reload (/reload, `policybot ingest`), with its audit entry."""
        with self._audited("reload", str(self.corpus), actor) as attempt:
            report = self.engine.ingest(**ingest_options)
            attempt.message = (
                f"added {report.added}, changed {report.changed}, removed {report.removed}, "
                f"skipped {len(report.skipped)}; {report.documents} documents"
            )
            return report

    def audit(self) -> list[AuditEntry]:
        return self.audit_log.entries()

    # ---- the machinery --------------------------------------------------------------------

    def _reload_or_undo(self, before: str, undo, source: str, expect: bool) -> IngestReport:
        """Reload; unless `source` is then in the index (expect) or out of it (not expect), undo the change."""
        try:
            report = self.engine.ingest(wait=RELOAD_WAIT)
            if expect:
                reason = next((s.reason for s in report.skipped if s.source == source), None)
                if reason is not None:
                    raise SourceRefused(f"the stored file cannot be read back ({reason}); nothing was added")
            present = source in self.engine.generation.documents
            if present != expect:
                why = report.notice or "the reload did not take it"
                verb = "added" if expect else "removed"
                raise SourceRefused(f"{source} cannot be {verb}: {why}; nothing was changed")
            return report
        except BaseException:
            undo()
            if self.engine.store.current_name() != before:
                try:
                    self.engine.point_back(before, wait=RELOAD_WAIT)
                except PolicybotError as exc:
                    log.error("could not point the index back at %s after a failed change: %s", before, exc)
            raise

    @contextlib.contextmanager
    def _audited(self, action: Action, what: str, actor: Actor):
        attempt = _Attempt()
        try:
            yield attempt
        except PolicybotError as exc:
            outcome = "refused" if isinstance(exc, SourceRefused) else "failed"
            self.audit_log.record(action, actor, what, attempt.source, outcome, str(exc))
            raise
        except Exception as exc:
            self.audit_log.record(action, actor, what, attempt.source, "failed", f"{exc.__class__.__name__}: {exc}")
            raise
        self.audit_log.record(action, actor, what, attempt.source, "ok", attempt.message)

    @contextlib.contextmanager
    def _locked(self):
        """One corpus change at a time, across the bot and the CLI."""
        self.engine.store.dir.mkdir(parents=True, exist_ok=True)
        with open(self.engine.store.dir / CURATION_LOCK, "a+") as fh:
            deadline = time.monotonic() + RELOAD_WAIT
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise ReloadInProgress("another change to the corpus is still running; try again when it finishes") from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _refuse_known_urls(self, generation: Generation, urls: set[str | None]) -> None:
        wanted = {_url_key(u) for u in urls if u}
        for source, doc in generation.documents.items():
            if doc.url and _url_key(doc.url) in wanted:
                raise DuplicateSource(f"{doc.url} is already in the corpus as {source}")

    def _refuse_known_text(self, generation: Generation, key: str) -> None:
        for source, doc in generation.documents.items():
            if key and _text_key(doc.text[doc.body_start :]) == key:
                raise DuplicateSource(f"the same text is already in the corpus as {source}")


# ---- helpers ----------------------------------------------------------------------------------


def _front_matter(article: Article, overrides: Overrides, fallback_title: str) -> dict:
    published = _clean(overrides.published)
    if published is not None:
        try:
            published = dt.date.fromisoformat(published).isoformat()
        except ValueError:
            raise SourceRefused(f"published must be a date like 2025-03-14, not {published!r}") from None
    url = _clean(overrides.url)
    if url is not None and urlsplit(url).scheme.lower() not in ("http", "https"):
        raise SourceRefused(f"url must be an http or https link, not {url!r}")
    fields = {
        "title": _clean(overrides.title) or _clean(article.title) or fallback_title,
        "outlet": _clean(overrides.outlet) or _clean(article.outlet),
        "url": url or _clean(article.url),
        "published": published or article.published,
        "author": _clean(article.author),
        "speaker": _clean(overrides.speaker) or _clean(article.speaker),
    }
    return {key: value for key, value in fields.items() if value}


def slugify(title: str) -> str:
    """A file-name-safe form of `title`: lower-case ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_CHARS:
        slug = slug[:SLUG_CHARS].rsplit("-", 1)[0] or slug[:SLUG_CHARS]
    return slug or "source"


def _create_new(directory: Path, stem: str, content: str) -> Path:
    """Write `content` to directory/stem.md, or stem-2.md, stem-3.md…: never over an existing file."""
    directory.mkdir(parents=True, exist_ok=True)
    for n in itertools.count(1):
        path = directory / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
        return path
    raise AssertionError("unreachable")


def _clean_source(source: str) -> str:
    """A corpus-relative path as `policybot sources` shows it; SourceRefused for anything that leaves the corpus."""
    text = (source or "").strip().replace("\\", "/")
    parts = PurePosixPath(text).parts
    if not text or text.startswith("/") or any(p in ("..", ".") or p.startswith(".") for p in parts):
        raise SourceRefused(f"not a source path in the corpus: {source!r} (use the path /sources shows, e.g. added/2025-03-14-title.md)")
    if PurePosixPath(text).suffix.lower() not in SUFFIXES:
        raise SourceRefused(f"not a source path in the corpus: {source!r} (sources end in {', '.join(sorted(SUFFIXES))})")
    return PurePosixPath(*parts).as_posix()


def _inside(path: Path, root: Path) -> bool:
    return path.parent.resolve().is_relative_to(root.resolve())


def _prune_empty(directory: Path, stop: Path) -> None:
    """Remove empty folders from `directory` up to (not including) `stop`."""
    with contextlib.suppress(OSError):
        while directory != stop and directory.is_relative_to(stop) and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent


def _read_capped(path: Path, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise UnknownSource(f"no such file: {path}") from None
    except OSError as exc:
        raise SourceRefused(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise TooLarge(f"{path.name} is larger than the {max_bytes / 1e6:g} MB limit (set POLICYBOT_MAX_FILE_MB to change it)")
    return data


def _parse_kept(path: Path, source: str, max_bytes: int) -> Document | None:
    """A removed text file as the corpus would read it; None for HTML or a file the reload will report as unreadable."""
    if path.suffix.lower() not in (".txt", ".md"):
        return None
    try:
        return parse_text(decode(_read_capped(path, max_bytes), source), source)
    except PolicybotError:
        return None


def _name_of_url(url: str, kind: str) -> str:
    """A file name for what `url` served, for messages and as a last-resort title."""
    name = PurePosixPath(unquote(urlsplit(url).path)).name or urlsplit(url).hostname or "page"
    suffix = {"html": ".html", "pdf": ".pdf", "text": ".txt"}[kind]
    return name if name.lower().endswith(suffix) else name + suffix


def _title_of_name(name: str) -> str:
    stem = PurePosixPath(name).stem
    words = " ".join(re.split(r"[-_\s]+", stem)).strip()
    return words.capitalize() if words else "Untitled source"


def _url_key(url: str) -> str:
    """URLs that name the same page compare equal: case of scheme and host, default port, trailing slash, fragment."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and not (scheme, port) in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path.rstrip("/"), parts.query, ""))


def _text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _clean(value) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _stamp_time(stamp: str) -> str:
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.timezone.utc).isoformat(timespec="seconds")
    except ValueError:
        return stamp


def _added_message(added: Added) -> str:
    speakers = ", ".join(f"{s.name} ({s.statements})" for s in added.speakers) or "no speaker found"
    return f"added as {added.source}: {added.passages} passages; {speakers}"
