"""Index generations: immutable snapshots swapped in through one pointer file.

Layout of an index directory:

    CURRENT              {"generation": "g000007"}; replaced atomically with os.replace
    reload.lock          flock()ed by whoever is building a generation
    g000007/
        meta.json        model, chunker version, counts; written last, so its presence marks a complete build
        documents.json   each document's metadata and its text as ingested
        passages.json    each passage's offsets, paragraph, speaker and mode
        embeddings.npy   passage vectors, reused for unchanged documents by the next build
        bm25/            bm25s index over the passages
        chroma/          the Chroma collection (embedded mode; server mode keeps it on the server)

A reader opens CURRENT once and then only reads that generation's directory, which
no writer touches again, so a reader never sees a mix of two generations. A crash
leaves at worst an unreferenced directory, removed by the next build.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import lexical
from .errors import IndexMismatch, IndexMissing, ReloadInProgress
from .models import Document, Passage

log = logging.getLogger(__name__)

POINTER = "CURRENT"
LOCK = "reload.lock"
META = "meta.json"
_GENERATION = re.compile(r"^g(\d{6})$")


@dataclass(frozen=True)
class ChromaTarget:
    """Where the dense vectors live: a directory per generation, or a Chroma server."""

    host: str | None = None
    port: int | None = None

    @property
    def is_server(self) -> bool:
        return bool(self.host)

    def client(self, generation_dir: Path):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        if self.is_server:
            return chromadb.HttpClient(host=self.host, port=int(self.port or 8000), settings=settings)
        return chromadb.PersistentClient(path=str(generation_dir / "chroma"), settings=settings)

    def collection_name(self, index_dir: Path, generation: str) -> str:
        if not self.is_server:
            return "passages"
        # One server may hold several index directories' generations.
        tag = hashlib.sha1(str(index_dir.resolve()).encode()).hexdigest()[:8]
        return f"policybot-{tag}-{generation}"


@dataclass
class Generation:
    """One complete index state, loaded for searching. Never mutated after load."""

    name: str
    path: Path
    meta: dict
    documents: dict[str, Document]
    passages: list[Passage]
    embeddings: np.ndarray
    bm25: lexical.Lexical
    collection: object  # chromadb Collection
    row_of_id: dict[str, int] = field(init=False)
    source_ids: np.ndarray = field(init=False)  # per passage: a number for its document, to compare neighbours
    rows_of_speaker: dict[str, np.ndarray] = field(init=False)  # surname -> passage rows
    speaker_surnames: frozenset[str] = field(init=False)
    passages_of_source: dict[str, range] = field(init=False)

    def __post_init__(self):
        from .query import name_key

        self.row_of_id = {p.id: i for i, p in enumerate(self.passages)}
        numbers = {source: i for i, source in enumerate(self.documents)}
        self.source_ids = np.fromiter((numbers[p.source] for p in self.passages), dtype=np.int64, count=len(self.passages))
        rows: dict[str, list[int]] = {}
        keys: dict[str | None, str | None] = {}
        for i, p in enumerate(self.passages):
            if p.speaker not in keys:
                keys[p.speaker] = name_key(p.speaker)[0]
            if keys[p.speaker]:
                rows.setdefault(keys[p.speaker], []).append(i)
        self.rows_of_speaker = {k: np.array(v, dtype=np.int64) for k, v in rows.items()}
        self.speaker_surnames = frozenset(self.rows_of_speaker)
        spans: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            spans.setdefault(p.source, [i, i + 1])[1] = i + 1
        self.passages_of_source = {s: range(a, b) for s, (a, b) in spans.items()}


class IndexStore:
    def __init__(self, index_dir: Path, chroma: ChromaTarget = ChromaTarget()):
        self.dir = Path(index_dir)
        self.chroma = chroma

    # ---- pointer -------------------------------------------------------------------------
    def current_name(self) -> str | None:
        try:
            return json.loads((self.dir / POINTER).read_text())["generation"]
        except FileNotFoundError:
            return None
        except (ValueError, KeyError):
            log.warning("unreadable %s in %s; treating the index as missing", POINTER, self.dir)
            return None

    def _point_to(self, name: str) -> None:
        tmp = self.dir / f"{POINTER}.tmp"
        with open(tmp, "w") as fh:
            json.dump({"generation": name}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.dir / POINTER)
        _fsync_dir(self.dir)

    def current_meta(self) -> dict | None:
        name = self.current_name()
        if name is None:
            return None
        try:
            return json.loads((self.dir / name / META).read_text())
        except FileNotFoundError:
            return None

    # ---- lock ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def reload_lock(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / LOCK, "a+") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ReloadInProgress("a reload is already running for this index; try again when it finishes") from None
            try:
                fh.seek(0)
                fh.truncate()
                fh.write(str(os.getpid()))
                fh.flush()
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # ---- reading ------------------------------------------------------------------------
    def load(self, expected_model: str) -> Generation:
        name = self.current_name()
        if name is None:
            raise IndexMissing(f"no index in {self.dir}; run `policybot ingest` first")
        path = self.dir / name
        meta = json.loads((path / META).read_text())
        if meta["model"] != expected_model:
            raise IndexMismatch(
                f"the index in {self.dir} was built with model {meta['model']!r}, not {expected_model!r}; "
                "run `policybot ingest` to rebuild it, or set POLICYBOT_MODEL back"
            )
        documents = {d["source"]: Document(**d) for d in json.loads((path / "documents.json").read_text())}
        passages = [_passage_from_row(row, documents) for row in json.loads((path / "passages.json").read_text())]
        embeddings = np.load(path / "embeddings.npy")
        bm25 = lexical.Lexical.load(path / "bm25")
        client = self.chroma.client(path)
        collection = client.get_collection(self.chroma.collection_name(self.dir, name))
        return Generation(name, path, meta, documents, passages, embeddings, bm25, collection)

    def previous_state(self) -> tuple[dict, dict[str, Document], list[Passage], np.ndarray] | None:
        """What the current generation holds, for reuse by an incremental build."""
        name = self.current_name()
        if name is None:
            return None
        path = self.dir / name
        try:
            meta = json.loads((path / META).read_text())
            documents = {d["source"]: Document(**d) for d in json.loads((path / "documents.json").read_text())}
            passages = [_passage_from_row(row, documents) for row in json.loads((path / "passages.json").read_text())]
            embeddings = np.load(path / "embeddings.npy")
        except (FileNotFoundError, ValueError, TypeError) as exc:
            log.warning("cannot reuse generation %s (%s); rebuilding everything", name, exc)
            return None
        return meta, documents, passages, embeddings

    # ---- writing ------------------------------------------------------------------------
    def new_generation_name(self) -> str:
        numbers = [int(m.group(1)) for p in self._generation_dirs() if (m := _GENERATION.match(p.name))]
        current = self.current_name()
        if current and (m := _GENERATION.match(current)):
            numbers.append(int(m.group(1)))
        return f"g{max(numbers, default=0) + 1:06d}"

    def write_generation(
        self,
        name: str,
        meta: dict,
        documents: list[Document],
        passages: list[Passage],
        embeddings: np.ndarray,
        embedding_texts_for_bm25: list[str],
    ) -> None:
        """Write a complete generation beside the current one, then switch the pointer to it."""
        path = self.dir / name
        path.mkdir(parents=True)
        (path / "documents.json").write_text(json.dumps([asdict(d) for d in documents], ensure_ascii=False))
        (path / "passages.json").write_text(json.dumps([_passage_row(p) for p in passages], ensure_ascii=False))
        np.save(path / "embeddings.npy", embeddings)
        lexical.Lexical.build(embedding_texts_for_bm25).save(path / "bm25")
        self._write_chroma(path, name, documents, passages, embeddings)
        _write_synced(path / META, json.dumps(meta))
        _fsync_dir(path)
        self._point_to(name)

    def _write_chroma(self, path: Path, name: str, documents: list[Document], passages: list[Passage], embeddings):
        client = self.chroma.client(path)
        collection_name = self.chroma.collection_name(self.dir, name)
        with contextlib.suppress(Exception):
            client.delete_collection(collection_name)  # a crashed earlier attempt under the same name
        collection = client.create_collection(
            collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        titles = {d.source: d.title for d in documents}
        step = max(1, min(5000, client.get_max_batch_size()))
        for lo in range(0, len(passages), step):
            batch = passages[lo : lo + step]
            collection.add(
                ids=[p.id for p in batch],
                embeddings=embeddings[lo : lo + step],
                documents=[p.text for p in batch],
                metadatas=[
                    {
                        "source": p.source,
                        "start": p.start,
                        "end": p.end,
                        "paragraph": p.paragraph,
                        "speaker": p.speaker or "",
                        "mode": p.mode,
                        "title": titles.get(p.source, ""),
                    }
                    for p in batch
                ],
            )

    # ---- cleaning -----------------------------------------------------------------------
    def _generation_dirs(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return sorted(p for p in self.dir.iterdir() if p.is_dir() and _GENERATION.match(p.name))

    def clean(self, keep_previous: str | None = None) -> None:
        """Remove every generation but the current one and `keep_previous`.

        The previous generation is kept one round, since another process may still be
        answering from it; anything else is old or the leftover of a crashed build.
        """
        keep = {self.current_name(), keep_previous}
        for path in self._generation_dirs():
            if path.name in keep:
                continue
            if self.chroma.is_server:
                with contextlib.suppress(Exception):
                    self.chroma.client(path).delete_collection(self.chroma.collection_name(self.dir, path.name))
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed old index generation %s", path.name)


def _passage_row(p: Passage) -> list:
    return [p.id, p.source, p.start, p.end, p.paragraph, p.speaker, p.mode, list(p.sentence_starts)]


def _passage_from_row(row: list, documents: dict[str, Document]) -> Passage:
    pid, source, start, end, paragraph, speaker, mode, starts = row
    text = documents[source].text[start:end]  # passages are not stored twice: they index the stored text
    return Passage(pid, source, start, end, text, paragraph, speaker, mode, tuple(starts))


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
