"""Incremental ingest: a corpus directory into a new index generation.

Unchanged documents (same content hash, same model, same chunker) keep their
passages and vectors; only added and changed documents go through the model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .chunking import CHUNKER_VERSION, chunk_document, embedding_text
from .documents import DEFAULT_MAX_FILE_BYTES, load_corpus
from .embedding import Embedder
from .errors import CorpusError
from .index import IndexStore
from .models import Document, IngestReport, Passage

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed)
EMBED_BATCH = 256  # passages handed to the model between progress updates


def ingest(
    store: IndexStore,
    embedder: Embedder,
    corpus_dir: Path,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    with store.reload_lock():
        previous_name = store.current_name()
        store.clean(keep_previous=None if previous_name is None else previous_name)
        documents, skipped = load_corpus(corpus_dir, max_file_bytes)
        if not documents:
            kept = " The previous index generation is kept." if previous_name else ""
            reasons = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:3])
            raise CorpusError(
                f"no readable documents in {corpus_dir}" + (f" ({reasons})" if reasons else "") + "." + kept
            )

        previous = store.previous_state()
        notice = None
        if previous is not None:
            meta = previous[0]
            if meta.get("model") != embedder.model_name or meta.get("chunker") != CHUNKER_VERSION:
                notice = (
                    f"model or chunker changed ({meta.get('model')} / chunker {meta.get('chunker')} -> "
                    f"{embedder.model_name} / chunker {CHUNKER_VERSION}): full rebuild"
                )
                log.warning(notice)
                previous = None
        old_docs: dict[str, Document] = previous[1] if previous else {}
        old_rows: dict[str, list[int]] = {}
        if previous:
            for i, p in enumerate(previous[2]):
                old_rows.setdefault(p.source, []).append(i)

        current = {d.source: d for d in documents}
        added = [s for s in current if s not in old_docs]
        changed = [s for s in current if s in old_docs and old_docs[s].sha256 != current[s].sha256]
        removed = [s for s in old_docs if s not in current]
        unchanged = [s for s in current if s in old_docs and s not in changed]

        if previous is not None and not (added or changed or removed):
            log.info("corpus unchanged; keeping generation %s", previous_name)
            meta = previous[0]
            return IngestReport(
                unchanged=len(unchanged),
                skipped=skipped,
                documents=meta["documents"],
                passages=meta["passages"],
                seconds=time.perf_counter() - started,
                generation=previous_name,
            )

        # Unchanged documents keep the text they were ingested with, and their vectors.
        final_docs: list[Document] = []
        passages: list[Passage] = []
        vectors: list[np.ndarray | None] = []
        to_embed: list[tuple[int, str]] = []
        for source in sorted(current):
            if source in unchanged:
                doc = old_docs[source]
                final_docs.append(doc)
                rows = old_rows.get(source, [])
                passages.extend(previous[2][i] for i in rows)
                vectors.extend(previous[3][i] for i in rows)
            else:
                doc = current[source]
                final_docs.append(doc)
                for passage in chunk_document(doc).passages:
                    to_embed.append((len(passages), embedding_text(doc, passage)))
                    passages.append(passage)
                    vectors.append(None)

        dimension = embedder.dimension
        if to_embed:
            done = 0
            if progress:
                progress(0, len(to_embed))
            for lo in range(0, len(to_embed), EMBED_BATCH):
                batch = to_embed[lo : lo + EMBED_BATCH]
                encoded = embedder.encode([text for _, text in batch])
                for (row, _), vector in zip(batch, encoded):
                    vectors[row] = vector
                done += len(batch)
                if progress:
                    progress(done, len(to_embed))
        matrix = np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, dimension), np.float32)
        doc_by_source = {d.source: d for d in final_docs}
        lexical_texts = [embedding_text(doc_by_source[p.source], p) for p in passages]

        name = store.new_generation_name()
        meta = {
            "model": embedder.model_name,
            "chunker": CHUNKER_VERSION,
            "corpus": str(Path(corpus_dir).resolve()),
            "dimension": dimension,
            "documents": len(final_docs),
            "passages": len(passages),
            "created": time.time(),
        }
        store.write_generation(name, meta, final_docs, passages, matrix, lexical_texts)
        store.clean(keep_previous=previous_name)
        report = IngestReport(
            added=len(added),
            changed=len(changed),
            removed=len(removed),
            unchanged=len(unchanged),
            skipped=skipped,
            embedded_passages=len(to_embed),
            documents=len(final_docs),
            passages=len(passages),
            seconds=time.perf_counter() - started,
            generation=name,
            notice=notice,
        )
        log.info("ingested generation %s: %s", name, report.to_json())
        return report
