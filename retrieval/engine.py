"""The facade that the CLI and the bot share: one model, one current generation, swapped atomically.

Every request takes the engine's generation once and answers wholly from it. The
engine follows the index's CURRENT pointer, so a reload done by another process
(`policybot ingest` while the bot runs) is picked up by the next request; a reload
done through `Engine.ingest` swaps the new generation in as soon as it is written.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from pathlib import Path

from .chunking import CHUNKER_VERSION
from .context import QuoteContext, quote_context
from .documents import DEFAULT_MAX_FILE_BYTES
from .embedding import DEFAULT_MODEL, Embedder
from .errors import IndexMissing, ReloadInProgress
from .index import META, ChromaTarget, Generation, IndexStore
from .ingest import Progress, ingest
from .followup import FollowUp, Turn, resolve
from .models import Answer, IngestReport, QuoteRef, SourceInfo
from .paging import MAX_QUOTES, unseen
from .ranker import Params, load as load_params
from .search import prepare, search
from .speakers import known_speakers
from .timeline import Timeline, timeline
from .verify import Verification, verify

log = logging.getLogger(__name__)

FIRST_BUILD_WAIT = 600.0  # seconds a first request waits for another process's build of a missing index
FOLLOW_RETRY_SECONDS = 5.0  # after a generation failed to open, how long requests keep the old one before retrying


class Engine:
    def __init__(
        self,
        corpus_dir: Path,
        index_dir: Path,
        model: str = DEFAULT_MODEL,
        chroma_host: str | None = None,
        chroma_port: int | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        params: Params | None = None,
        embedder: Embedder | None = None,
    ):
        self.corpus_dir = Path(corpus_dir)
        self.store = IndexStore(Path(index_dir), ChromaTarget(chroma_host, chroma_port))
        self.embedder = embedder or Embedder(model)
        self.max_file_bytes = max_file_bytes
        self.params = params if params is not None else load_params()  # the shipped default
        self._generation: Generation | None = None
        self._pointer_seen: tuple | None = None  # CURRENT's signature when _generation was chosen
        self._retry_at = 0.0  # after a failed swap, when to try again
        self._swap_lock = threading.Lock()
        self._follower: threading.Thread | None = None
        self._follower_guard = threading.Lock()

    @property
    def generation(self) -> Generation:
        """The generation a caller should use for one whole request."""
        gen = self._generation
        if gen is None:
            with self._swap_lock:
                if self._generation is None:
                    seen = self.store.pointer_signature()
                    self._generation = self._open_or_build()
                    self._pointer_seen = seen
                return self._generation
        if self.store.pointer_signature() != self._pointer_seen and time.monotonic() >= self._retry_at:
            self._follow_in_background()
        return self._generation

    def _follow_in_background(self) -> None:
        """Open a new generation off the request path: requests keep answering from the old one meanwhile."""
        with self._follower_guard:
            if self._follower is not None and self._follower.is_alive():
                return
            self._follower = threading.Thread(target=self._follow, args=(False,), name="policybot-follow", daemon=True)
            self._follower.start()

    def _follow(self, blocking: bool) -> None:
        """Swap in the generation CURRENT names, if it is not the one in use.

        Non-blocking callers (requests) skip the check while another thread swaps, and
        keep answering from the generation they have. A generation that fails to open
        is logged and the current one kept: a bad reload never stops the answers. The
        swap is tried again a few seconds later.
        """
        if not self._swap_lock.acquire(blocking=blocking):
            return
        try:
            seen = self.store.pointer_signature()
            name = self.store.current_name()
            if name is not None and (self._generation is None or name != self._generation.name):
                try:
                    fresh = self.store.load(self.embedder.model_name)
                except Exception as exc:  # noqa: BLE001 - keep answering from what we have
                    log.warning("keeping index generation %s: cannot open %s: %s",
                                self._generation.name if self._generation else None, name, exc)
                    self._retry_at = time.monotonic() + FOLLOW_RETRY_SECONDS
                    return
                prepare(fresh)  # off the request path: the first question after a reload pays nothing extra
                log.info("now answering from index generation %s", fresh.name)
                self._generation = fresh
            self._pointer_seen = seen
        finally:
            self._swap_lock.release()

    def _open_or_build(self) -> Generation:
        try:
            gen = self.store.load(self.embedder.model_name)
            if gen.meta.get("corpus") != str(self.corpus_dir.resolve()):
                log.warning("the index in %s was built from %s; rebuilding it from %s", self.store.dir, gen.meta.get("corpus"), self.corpus_dir)
            elif gen.meta.get("chunker") != CHUNKER_VERSION:
                log.warning("the index in %s was built by chunker %s; rebuilding it with chunker %s", self.store.dir, gen.meta.get("chunker"), CHUNKER_VERSION)
            else:
                return gen
            del gen
        except IndexMissing:
            log.info("no usable index in %s yet; building it from %s", self.store.dir, self.corpus_dir)
        # Another process may be building it right now: wait for it, then update incrementally.
        ingest(self.store, self.embedder, self.corpus_dir, self.max_file_bytes, wait=FIRST_BUILD_WAIT)
        return self.store.load(self.embedder.model_name)

    def load(self) -> None:
        """Load the model and open (or build) the index, so that the first question is fast."""
        self.embedder.encode_query("warm up")
        prepare(self.generation)

    def ask(self, question: str, top: int = 3) -> Answer:
        gen = self.generation
        answer = search(gen, self.embedder, question, top, self.params)
        return dataclasses.replace(answer, generation=gen.name)

    def more(self, question: str, seen: list[QuoteRef], page: int = 3) -> Answer:
        """The next `page` quotes for `question` that overlap none of `seen` (the pages shown before)."""
        gen = self.generation
        if len(seen) >= MAX_QUOTES:
            return Answer(question, False, [], generation=gen.name)
        answer = search(gen, self.embedder, question, min(len(seen) + page, MAX_QUOTES), self.params)
        return dataclasses.replace(answer, quotes=unseen(answer.quotes, seen, page), generation=gen.name)

    def context(self, ref: QuoteRef) -> QuoteContext:
        """The paragraphs around a quote given earlier; SourceGone / SourceChanged when they no longer hold it."""
        return quote_context(self.generation, ref)

    def follow_up(self, question: str, previous: Turn) -> FollowUp:
        """`question` read as a reply to `previous`: a pronoun is its speaker, a missing topic its topic."""
        return resolve(question, previous, self.generation.speaker_surnames)

    def speakers(self) -> list[str]:
        """The people the corpus quotes, most quoted first."""
        return known_speakers(self.generation)

    def timeline(self, speaker: str, topic: str | None = None, limit: int = 20) -> Timeline:
        return timeline(self.generation, self.embedder, speaker, topic, limit)

    def verify(self, claim: str) -> Verification:
        return verify(self.generation, self.embedder, claim)

    def ingest(self, progress: Progress | None = None, wait: float | None = None) -> IngestReport:
        """Reload the corpus; raises ReloadInProgress if a reload of this index is already running
        (after waiting `wait` seconds for it to finish, if given)."""
        report = ingest(self.store, self.embedder, self.corpus_dir, self.max_file_bytes, progress, wait=wait)
        if self._generation is None:
            return report  # nothing loaded yet (the CLI): the first question opens the new generation
        self._follow(blocking=True)
        # The generation just replaced is released once its last request ends; remove it now
        # if that has happened (else the next reload will), unless another reload has begun.
        try:
            with self.store.reload_lock():
                self.store.clean()
        except ReloadInProgress:
            pass
        except OSError as exc:
            log.warning("could not remove old index generations: %s", exc)
        return report

    def point_back(self, name: str, wait: float | None = None) -> bool:
        """Make generation `name` current again, undoing a reload whose corpus change was rolled back.

        False when that generation is gone (cleaned up); the index then stays as it is.
        """
        with self.store.reload_lock(wait=wait):
            if not (self.store.dir / name / META).is_file():
                return False
            self.store.repair_pointer(name)
        if self._generation is not None:
            self._follow(blocking=True)
        return True

    def sources(self, query: str | None = None) -> list[SourceInfo]:
        gen = self.generation
        needle = (query or "").strip().lower()
        out = []
        for source, doc in sorted(gen.documents.items(), key=lambda kv: (kv[1].published or "", kv[0])):
            haystack = f"{doc.title} {doc.outlet or ''} {source} {doc.speaker or ''}".lower()
            if needle and needle not in haystack:
                continue
            count = len(gen.passages_of_source.get(source, ()))
            out.append(SourceInfo(source, doc.title, doc.outlet, doc.published, count))
        return out

    def stats(self) -> tuple[int, int]:
        gen = self.generation
        return len(gen.documents), len(gen.passages)
