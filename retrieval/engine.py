"""The facade that the CLI and the bot share: one model, one current generation, swapped atomically."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from .documents import DEFAULT_MAX_FILE_BYTES
from .embedding import DEFAULT_MODEL, Embedder
from .errors import IndexMissing
from .index import ChromaTarget, Generation, IndexStore
from .ingest import Progress, ingest
from .models import Answer, IngestReport, SourceInfo
from .search import SearchParams, search

log = logging.getLogger(__name__)


class Engine:
    def __init__(
        self,
        corpus_dir: Path,
        index_dir: Path,
        model: str = DEFAULT_MODEL,
        chroma_host: str | None = None,
        chroma_port: int | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        params: SearchParams = SearchParams(),
        embedder: Embedder | None = None,
    ):
        self.corpus_dir = Path(corpus_dir)
        self.store = IndexStore(Path(index_dir), ChromaTarget(chroma_host, chroma_port))
        self.embedder = embedder or Embedder(model)
        self.max_file_bytes = max_file_bytes
        self.params = params
        self._generation: Generation | None = None
        self._swap_lock = threading.Lock()

    @property
    def generation(self) -> Generation:
        """The generation a caller should use for one whole request."""
        gen = self._generation
        if gen is None:
            with self._swap_lock:
                if self._generation is None:
                    self._generation = self._open_or_build()
                gen = self._generation
        return gen

    def _open_or_build(self) -> Generation:
        try:
            gen = self.store.load(self.embedder.model_name)
            if gen.meta.get("corpus") == str(self.corpus_dir.resolve()):
                return gen
            log.warning("the index in %s was built from %s; rebuilding it from %s", self.store.dir, gen.meta.get("corpus"), self.corpus_dir)
        except IndexMissing:
            log.info("no index in %s yet; building it from %s", self.store.dir, self.corpus_dir)
        ingest(self.store, self.embedder, self.corpus_dir, self.max_file_bytes)
        return self.store.load(self.embedder.model_name)

    def load(self) -> None:
        """Load the model and open (or build) the index, so that the first question is fast."""
        self.embedder.encode_query("warm up")
        _ = self.generation

    def ask(self, question: str, top: int = 3) -> Answer:
        return search(self.generation, self.embedder, question, top, self.params)

    def ingest(self, progress: Progress | None = None) -> IngestReport:
        report = ingest(self.store, self.embedder, self.corpus_dir, self.max_file_bytes, progress)
        fresh = self.store.load(self.embedder.model_name)
        with self._swap_lock:
            self._generation = fresh
        return report

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
