"""Incremental ingest: a corpus directory into a new index generation.

Each document's content hash is kept with the index. Unchanged documents (same
hash, same model, same chunker) keep the text they were ingested with, their
passages and their vectors, and are not even parsed again; only added and changed
documents go through the model. A change of model or chunker rebuilds everything,
with a notice. The new state is written beside the current generation and swapped
in atomically (see index.py); a reload that finds nothing readable keeps the
current generation and says so.
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
EMBED_BATCH = 512  # texts handed to the model between progress updates


def ingest(
    store: IndexStore,
    embedder: Embedder,
    corpus_dir: Path,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Progress | None = None,
    wait: float | None = None,
) -> IngestReport:
    """Bring the index up to date with `corpus_dir`.

    Raises ReloadInProgress when another thread or process is reloading the same index
    (after waiting `wait` seconds for it, if given), and CorpusError when the corpus
    directory is missing, or holds nothing readable and there is no index to keep.
    """
    started = time.perf_counter()
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory not found: {corpus_dir}")
    with store.reload_lock(wait=wait):
        store.clean()  # leftovers of crashed builds, and old generations nobody reads any more
        previous = store.previous_state()
        notice = None
        if previous is not None and (
            previous.meta.get("model") != embedder.model_name or previous.meta.get("chunker") != CHUNKER_VERSION
        ):
            notice = (
                f"model or chunker changed ({previous.meta.get('model')} / chunker {previous.meta.get('chunker')} -> "
                f"{embedder.model_name} / chunker {CHUNKER_VERSION}): full rebuild"
            )
            log.warning(notice)
            reusable: dict[str, Document] = {}
        else:
            reusable = previous.documents if previous else {}

        documents, skipped = load_corpus(corpus_dir, max_file_bytes, known=reusable)
        if not documents:
            return _nothing_readable(store, corpus_dir, skipped, started)
        if previous is not None and notice is not None:
            previous = None

        old_docs = previous.documents if previous else {}
        current = {d.source: d for d in documents}
        added = [s for s in current if s not in old_docs]
        changed = [s for s in current if s in old_docs and old_docs[s].sha256 != current[s].sha256]
        removed = [s for s in old_docs if s not in current]
        unchanged = {s for s in current if s in old_docs and old_docs[s].sha256 == current[s].sha256}
        corpus_path = str(corpus_dir.resolve())

        if previous is not None and not (added or changed or removed) and previous.meta.get("corpus") == corpus_path:
            store.repair_pointer(previous.name)
            log.info("corpus unchanged; keeping generation %s", previous.name)
            return IngestReport(
                unchanged=len(unchanged),
                skipped=skipped,
                documents=len(previous.documents),
                passages=len(previous.passages),
                seconds=time.perf_counter() - started,
                generation=previous.name,
                notice=notice,
            )

        old_rows: dict[str, list[int]] = {}
        if previous is not None:
            for i, p in enumerate(previous.passages):
                old_rows.setdefault(p.source, []).append(i)

        # Unchanged documents keep the text they were ingested with, and their vectors.
        final_docs: list[Document] = []
        passages: list[Passage] = []
        reused_rows: list[int] = []  # rows of the previous embeddings, for passages[:len(reused)] order below
        slots: list[int] = []  # per passage: row in previous embeddings, or -1 to embed
        to_embed: list[tuple[int, str]] = []
        for source in sorted(current):
            if source in unchanged:
                doc = old_docs[source]
                final_docs.append(doc)
                for i in old_rows.get(source, []):
                    slots.append(i)
                    passages.append(previous.passages[i])
                reused_rows.extend(old_rows.get(source, []))
            else:
                doc = current[source]
                final_docs.append(doc)
                for passage in chunk_document(doc).passages:
                    to_embed.append((len(passages), embedding_text(doc, passage)))
                    slots.append(-1)
                    passages.append(passage)

        dimension = embedder.dimension if (to_embed or previous is None) else int(previous.embeddings.shape[1])
        matrix = np.zeros((len(passages), dimension), dtype=np.float32)
        if previous is not None and reused_rows:
            slot_array = np.asarray(slots, dtype=np.int64)
            keep = slot_array >= 0
            matrix[keep] = previous.embeddings[slot_array[keep]]
        with store.vector_writer() as writer:  # its start-up overlaps the embedding
            if to_embed:
                _embed_into(matrix, to_embed, embedder, progress)
            doc_by_source = {d.source: d for d in final_docs}
            lexical_texts = [embedding_text(doc_by_source[p.source], p) for p in passages]

            name = store.new_generation_name()
            meta = {
                "model": embedder.model_name,
                "chunker": CHUNKER_VERSION,
                "corpus": corpus_path,
                "dimension": dimension,
                "documents": len(final_docs),
                "passages": len(passages),
                "created": time.time(),
                "previous": store.current_name(),  # kept one round by clean()
            }
            store.write_generation(name, meta, final_docs, passages, matrix, lexical_texts, writer)
        store.clean()
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


def _embed_into(matrix: np.ndarray, to_embed: list[tuple[int, str]], embedder: Embedder, progress: Progress | None) -> None:
    """Embed each distinct text once, shortest first, writing its vector to every row that has it.

    Sorting the whole set by length (not each chunk) keeps padding as low as in the bare
    model's own sort; identical passages (one wire story in two files) cost one encode.
    """
    rows_of_text: dict[str, list[int]] = {}
    for row, text in to_embed:
        rows_of_text.setdefault(text, []).append(row)
    texts = sorted(rows_of_text, key=len)
    done = 0
    if progress:
        progress(0, len(to_embed))
    for lo in range(0, len(texts), EMBED_BATCH):
        chunk = texts[lo : lo + EMBED_BATCH]
        for text, vector in zip(chunk, embedder.encode(chunk)):
            matrix[rows_of_text[text]] = vector
            done += len(rows_of_text[text])
        if progress:
            progress(done, len(to_embed))


def _nothing_readable(store: IndexStore, corpus_dir: Path, skipped, started: float) -> IngestReport:
    reasons = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:3])
    message = f"no readable documents in {corpus_dir}" + (f" ({reasons})" if reasons else "")
    name = store.current_name()
    meta = store.current_meta() if name else None
    if name is None or meta is None:
        raise CorpusError(message + ".")
    notice = f"{message}; the previous index generation {name} is kept and still answers."
    log.warning(notice)
    return IngestReport(
        skipped=skipped,
        documents=int(meta.get("documents", 0)),
        passages=int(meta.get("passages", 0)),
        seconds=time.perf_counter() - started,
        generation=name,
        notice=notice,
    )
