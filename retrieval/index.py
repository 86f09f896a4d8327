"""Index generations: immutable snapshots swapped in through one pointer file.

Layout of an index directory:

    CURRENT                   {"generation": "g000007-3fa2c1"}; replaced atomically with os.replace
    reload.lock               flock()ed (exclusive) by whoever is building a generation
    g000007-3fa2c1/
        readers.lock          flock()ed (shared) by every process that answers from this generation
        documents.json        each document's metadata and its text as ingested
        passages.json         each passage's offsets, paragraph, speaker and mode
        embeddings.npy        passage vectors, reused for unchanged documents by the next build
        bm25/                 bm25s index over the passages
        chroma/               the Chroma collection (embedded mode; server mode keeps it on the server)
        meta.json             model, chunker version, counts; written and fsynced last, so its
                              presence marks a complete build

Guarantees:

- A reader resolves CURRENT once, takes a shared lock on that generation's
  `readers.lock`, and from then on reads only that directory, which no writer
  touches again: an answer never mixes two generations.
- A writer builds the next generation beside the current one under `reload.lock`
  (one builder at a time, across threads and processes: each call opens its own
  file description, so flock() excludes threads of one process too), fsyncs it,
  and switches CURRENT with one os.replace. A crash at any moment, `kill -9`
  included, leaves CURRENT naming the last complete generation; the partial
  directory (and its server collection) is removed by the next build.
- The generation just replaced is kept one round. Older ones are removed by the
  next reload, but only when the cleaner can take `readers.lock` exclusively,
  i.e. when no process is answering from it. It renames the directory away while
  holding that lock, so a reader that locks it afterwards sees it gone and
  re-reads CURRENT.
- Generation names carry a random suffix and are never reused, so a cached Chroma
  client or a server collection of a crashed build can never be mistaken for a
  new one.
- If CURRENT is missing or names a directory that is gone or incomplete, readers
  fall back to the newest complete generation, and the next build repairs CURRENT.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import weakref
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
READERS = "readers.lock"
TRASH = ".trash-"
_GENERATION = re.compile(r"^g(\d{6})(?:-[0-9a-f]{6})?$")
_CHROMA_LOCK = threading.RLock()  # see ChromaTarget.client
CHROMA_ADD_BATCH = 500


@dataclass(frozen=True)
class ChromaTarget:
    """Where the dense vectors live: a directory per generation, or a Chroma server."""

    host: str | None = None
    port: int | None = None

    @property
    def is_server(self) -> bool:
        return bool(self.host)

    def client(self, generation_dir: Path):
        """A new client; release it with `_close_client`.

        Chroma shares one "system" per directory between clients through a class-level
        cache that is not thread-safe: a second thread can be handed a system that is
        not started yet, or one that a closing client is stopping. Opening and closing
        are therefore serialised within the process.
        """
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        with _CHROMA_LOCK:
            if self.is_server:
                return chromadb.HttpClient(host=self.host, port=int(self.port or 8000), settings=settings)
            return chromadb.PersistentClient(path=str(generation_dir / "chroma"), settings=settings)

    def collection_prefix(self, index_dir: Path) -> str:
        # One server may hold several index directories' generations.
        tag = hashlib.sha1(str(Path(index_dir).resolve()).encode()).hexdigest()[:8]
        return f"policybot-{tag}-"

    def collection_name(self, index_dir: Path, generation: str) -> str:
        if not self.is_server:
            return "passages"
        return self.collection_prefix(index_dir) + generation


@dataclass
class Generation:
    """One complete index state, loaded for searching. Never mutated after load.

    While the object lives, its process holds a shared lock on the generation's
    `readers.lock`, so no cleaner removes the files under it.
    """

    name: str
    path: Path
    meta: dict
    documents: dict[str, Document]
    passages: list[Passage]
    embeddings: np.ndarray
    bm25: lexical.Lexical
    collection: object  # chromadb Collection
    source_ids: np.ndarray = field(init=False)  # per passage: a number for its document, to compare neighbours
    rows_of_speaker: dict[str, np.ndarray] = field(init=False)  # surname -> passage rows
    speaker_surnames: frozenset[str] = field(init=False)
    passages_of_source: dict[str, range] = field(init=False)

    def __post_init__(self):
        from .offices import credit_offices
        from .query import name_key

        # Who holds an office an article names a speaker by is a fact of the corpus, not of one file:
        # read at load, so that an added article that introduces the holder credits the others too.
        self.passages = credit_offices(self.passages, self.documents)
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

    def nearest(self, vector: np.ndarray, k: int) -> list[int]:
        """The rows of the k passages nearest `vector` by cosine, nearest first, ties by row.

        Exact, over the generation's own matrix: on bbc-politics's training questions Chroma's HNSW search
        left out 2.5% of the true top 60 at its default breadth, and 0.1% at four times that (even when asked
        for 100), with different passages from one process to the next, so that the same question could get
        another answer after a restart. The exact product over 6,000 passages takes 0.35 ms; Chroma's query
        took 3 ms. Chroma remains the vector store each generation is written to, embedded or on a server."""
        k = min(k, len(self.passages))
        if k <= 0:
            return []
        similarity = self.embeddings @ np.asarray(vector, dtype=self.embeddings.dtype)
        top = np.argpartition(-similarity, k - 1)[:k] if k < len(similarity) else np.arange(len(similarity))
        return top[np.lexsort((top, -similarity[top]))].tolist()


@dataclass(frozen=True)
class PreviousState:
    """What the current generation holds, for reuse by an incremental build."""

    name: str
    meta: dict
    documents: dict[str, Document]
    passages: list[Passage]
    embeddings: np.ndarray


class IndexStore:
    def __init__(self, index_dir: Path, chroma: ChromaTarget = ChromaTarget()):
        self.dir = Path(index_dir)
        self.chroma = chroma

    # ---- pointer -------------------------------------------------------------------------
    def pointer_name(self) -> str | None:
        """The name CURRENT holds, whether or not that generation is intact."""
        try:
            name = json.loads((self.dir / POINTER).read_text())["generation"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("unreadable %s in %s", POINTER, self.dir)
            return None
        return name if isinstance(name, str) and _GENERATION.match(name) else None

    def current_name(self) -> str | None:
        """The generation readers use: CURRENT's, or the newest complete one if CURRENT is broken."""
        name = self.pointer_name()
        if name is not None and (self.dir / name / META).is_file():
            return name
        complete = [p.name for p in self._generation_dirs() if (p / META).is_file()]
        fallback = max(complete, key=_number, default=None)
        if fallback is not None:
            log.warning(
                "%s in %s names %s, which is missing or incomplete; using %s",
                POINTER, self.dir, name or "nothing", fallback,
            )
        return fallback

    def pointer_signature(self) -> tuple | None:
        """Changes whenever CURRENT is replaced: a cheap test for readers that follow it."""
        try:
            st = os.stat(self.dir / POINTER)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _point_to(self, name: str) -> None:
        tmp = self.dir / f"{POINTER}.tmp"
        with open(tmp, "w") as fh:
            json.dump({"generation": name}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.dir / POINTER)
        _fsync_dir(self.dir)

    def repair_pointer(self, name: str) -> None:
        """Make CURRENT name `name` if it names anything else (call under the reload lock)."""
        if self.pointer_name() != name:
            log.warning("pointing %s in %s back at %s", POINTER, self.dir, name)
            self._point_to(name)

    def current_meta(self) -> dict | None:
        name = self.current_name()
        if name is None:
            return None
        try:
            return json.loads((self.dir / name / META).read_text())
        except (OSError, ValueError):
            return None

    # ---- lock ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def reload_lock(self, wait: float | None = None):
        """Hold the one reload lock of this index, or raise ReloadInProgress.

        `wait` is how many seconds to wait for another reload to finish (None: do not wait).
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / LOCK, "a+") as fh:
            deadline = None if wait is None else time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is None or time.monotonic() >= deadline:
                        holder = _read_pid(self.dir / LOCK)
                        by = f" (process {holder})" if holder else ""
                        raise ReloadInProgress(
                            f"a reload is already running for the index in {self.dir}{by}; try again when it finishes"
                        ) from None
                    time.sleep(0.2)
            try:
                fh.seek(0)
                fh.truncate()
                fh.write(str(os.getpid()))
                fh.flush()
                yield
            finally:
                with contextlib.suppress(OSError):
                    fh.truncate(0)
                    fh.flush()
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # ---- reading ------------------------------------------------------------------------
    def load(self, expected_model: str) -> Generation:
        """Open the current generation for reading, holding its readers lock while it lives."""
        for _ in range(20):
            name = self.current_name()
            if name is None:
                broken = self.pointer_name()
                if broken:
                    raise IndexMissing(
                        f"the index in {self.dir} names generation {broken}, which is missing or incomplete; "
                        "run `policybot ingest` to rebuild it"
                    )
                raise IndexMissing(f"no index in {self.dir}; run `policybot ingest` first")
            fd = _lock_shared(self.dir / name)
            if fd is _GONE:
                continue  # cleaned between reading CURRENT and locking; read CURRENT again
            try:
                return self._open(name, expected_model, fd)
            except BaseException:
                if isinstance(fd, int):
                    os.close(fd)
                raise
        raise IndexMissing(f"the index in {self.dir} keeps changing under the reader; try again")

    def _open(self, name: str, expected_model: str, fd) -> Generation:
        path = self.dir / name
        try:
            meta = json.loads((path / META).read_text())
        except (OSError, ValueError) as exc:
            raise IndexMissing(f"index generation {name} in {self.dir} is damaged ({exc}); run `policybot ingest`") from exc
        if meta.get("model") != expected_model:
            raise IndexMismatch(
                f"the index in {self.dir} was built with model {meta.get('model')!r}, not {expected_model!r}; "
                "run `policybot ingest` to rebuild it, or set POLICYBOT_MODEL back"
            )
        try:
            documents, passages, embeddings = _read_state(path)
            bm25 = lexical.Lexical.load(path / "bm25")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexMissing(f"index generation {name} in {self.dir} is damaged ({exc}); run `policybot ingest`") from exc
        client = self.chroma.client(path)
        try:
            collection = client.get_collection(self.chroma.collection_name(self.dir, name))
        except Exception as exc:
            _close_client(client)
            raise IndexMissing(
                f"the vectors of index generation {name} cannot be opened ({exc}); run `policybot ingest`"
            ) from exc
        gen = Generation(name, path, meta, documents, passages, embeddings, bm25, collection)
        # When the last request using this generation drops it: close its Chroma client, then unlock.
        weakref.finalize(gen, _release, client, fd if isinstance(fd, int) else None)
        return gen

    def previous_state(self) -> PreviousState | None:
        """What the current generation holds, for reuse by an incremental build (call under the reload lock)."""
        name = self.current_name()
        if name is None:
            return None
        path = self.dir / name
        try:
            meta = json.loads((path / META).read_text())
            documents, passages, embeddings = _read_state(path)
            if embeddings.shape[0] != len(passages):
                raise ValueError(f"{len(passages)} passages but {embeddings.shape[0]} vectors")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("cannot reuse generation %s (%s); rebuilding everything", name, exc)
            return None
        return PreviousState(name, meta, documents, passages, embeddings)

    # ---- writing ------------------------------------------------------------------------
    def new_generation_name(self) -> str:
        """One more than any generation seen, with a random suffix: a name is never reused."""
        numbers = [_number(p.name) for p in self._generation_dirs()]
        for name in (self.pointer_name(),):
            if name:
                numbers.append(_number(name))
        return f"g{max(numbers, default=0) + 1:06d}-{secrets.token_hex(3)}"

    def write_generation(
        self,
        name: str,
        meta: dict,
        documents: list[Document],
        passages: list[Passage],
        embeddings: np.ndarray,
        embedding_texts_for_bm25: list[str],
        vector_writer: "_VectorWriter | None" = None,
    ) -> None:
        """Write a complete generation beside the current one, then switch the pointer to it.

        Call under the reload lock. On any error the partial generation is removed and
        CURRENT is left as it was.
        """
        path = self.dir / name
        path.mkdir(parents=True)
        try:
            (path / READERS).touch()
            _write_synced(path / "documents.json", json.dumps([asdict(d) for d in documents], ensure_ascii=False))
            _write_synced(path / "passages.json", json.dumps([_passage_row(p) for p in passages], ensure_ascii=False))
            with open(path / "embeddings.npy", "wb") as fh:
                np.save(fh, embeddings)
            lexical.Lexical.build(embedding_texts_for_bm25).save(path / "bm25")
            self._write_chroma(path, name, passages, embeddings, vector_writer)
            _fsync_tree(path)
            _write_synced(path / META, json.dumps(meta))
            _fsync_dir(path)
        except BaseException:
            self._discard(path)
            raise
        self._point_to(name)

    @contextlib.contextmanager
    def vector_writer(self):
        """For an embedded index, a child process that will build the next generation's vectors.

        Chroma's add() holds the GIL while it indexes, and a question asked meanwhile in this
        process waits on every step of its model's forward pass (3 s per reload of bbc-politics,
        minutes at 50 times that), so the collection is built in a child. Started before the
        embedding, its imports cost nothing by the time the vectors are ready."""
        writer = None if self.chroma.is_server else _VectorWriter()
        try:
            yield writer
        finally:
            if writer is not None:
                writer.close()

    def _write_chroma(self, path: Path, name: str, passages: list[Passage], embeddings, writer: "_VectorWriter | None"):
        if self.chroma.is_server:
            _add_vectors(self.chroma, path, self.chroma.collection_name(self.dir, name),
                         [p.id for p in passages], [p.source for p in passages], embeddings)
        elif writer is not None:
            writer.write(path, name)
        else:
            with self.vector_writer() as started_now:
                started_now.write(path, name)

    # ---- cleaning -----------------------------------------------------------------------
    def _generation_dirs(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return sorted(
            (p for p in self.dir.iterdir() if _GENERATION.match(p.name) and p.is_dir() and not p.is_symlink()),
            key=lambda p: _number(p.name),
        )

    def clean(self) -> list[str]:
        """Remove old generations that no process is reading (call under the reload lock).

        Kept: the current generation, and the one it replaced (one round, as a fallback
        for readers that do not lock, and for inspection). Removed: older generations
        once unread, and the leftovers of crashed builds, with their server collections.
        Returns the names removed.
        """
        current = self.current_name()
        keep = {current}
        if current is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                keep.add(json.loads((self.dir / current / META).read_text()).get("previous"))
        removed = []
        for path in self._generation_dirs():
            if path.name not in keep and self._discard(path, only_if_unread=True):
                removed.append(path.name)
                log.info("removed old index generation %s", path.name)
        if self.dir.is_dir():
            for path in self.dir.iterdir():
                if path.name.startswith(TRASH):  # a crash during an earlier removal
                    shutil.rmtree(path, ignore_errors=True)
        if self.chroma.is_server:
            self._clean_server(keep={p.name for p in self._generation_dirs()})
        return removed

    def _discard(self, path: Path, only_if_unread: bool = False) -> bool:
        """Remove a generation directory (and its server collection); False if it is being read."""
        fd = None
        try:
            fd = os.open(path / READERS, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except FileNotFoundError:
            return False  # already gone
        except OSError:
            fd = None
        try:
            if fd is not None and only_if_unread:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    log.info("keeping index generation %s: a process is still answering from it", path.name)
                    return False
            trash = path.with_name(f"{TRASH}{path.name}-{secrets.token_hex(3)}")
            try:
                os.rename(path, trash)
            except OSError as exc:
                log.warning("cannot remove index generation %s: %s", path.name, exc)
                return False
        finally:
            if fd is not None:
                os.close(fd)
        if self.chroma.is_server:
            self._delete_server_collection(path.name)
        shutil.rmtree(trash, ignore_errors=True)
        return True

    def _delete_server_collection(self, name: str) -> None:
        client = None
        try:
            client = self.chroma.client(self.dir)
            client.delete_collection(self.chroma.collection_name(self.dir, name))
        except Exception as exc:  # absent, or the server is down: _clean_server retries next time
            log.debug("could not delete collection of %s: %s", name, exc)
        finally:
            _close_client(client)

    def _clean_server(self, keep: set[str]) -> None:
        """Delete this index's collections whose generation directory is gone."""
        prefix = self.chroma.collection_prefix(self.dir)
        client = None
        try:
            client = self.chroma.client(self.dir)
            for collection in client.list_collections():
                name = getattr(collection, "name", collection)
                if name.startswith(prefix) and name[len(prefix):] not in keep:
                    client.delete_collection(name)
                    log.info("removed orphaned Chroma collection %s", name)
        except Exception as exc:
            log.warning("could not clean Chroma collections on the server: %s", exc)
        finally:
            _close_client(client)


_GONE = object()


def _lock_shared(path: Path):
    """A shared flock on a generation's readers.lock: an fd, None (cannot lock: read-only index), or _GONE."""
    try:
        fd = os.open(path / READERS, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except FileNotFoundError:
        return _GONE
    except OSError:
        try:
            fd = os.open(path / READERS, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return _GONE if not (path / META).is_file() else None
        except OSError:
            return None  # a read-only index nobody can clean: read it unlocked
    # A cleaner holds the lock exclusively only while it renames the directory away.
    fcntl.flock(fd, fcntl.LOCK_SH)
    if not (path / META).is_file():
        os.close(fd)
        return _GONE
    return fd


def _add_vectors(target: ChromaTarget, path: Path, collection_name: str, ids: list[str], sources: list[str], embeddings) -> None:
    client = target.client(path)
    try:
        with contextlib.suppress(Exception):
            client.delete_collection(collection_name)  # cannot exist under a fresh name; cheap insurance
        collection = client.create_collection(
            collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        # In a shared process (server mode) an add() holds the GIL: 500 vectors keep a stall well under a second.
        step = max(1, min(CHROMA_ADD_BATCH, client.get_max_batch_size()))
        for lo in range(0, len(ids), step):
            # Vectors and ids only, plus the source for whoever inspects the collection: passages,
            # speakers and offsets live in the generation's manifest. Texts and six more metadata
            # keys cost 4 of the 7 seconds Chroma took on bbc-politics, and were never read.
            collection.add(
                ids=ids[lo : lo + step],
                embeddings=embeddings[lo : lo + step],
                metadatas=[{"source": source} for source in sources[lo : lo + step]],
            )
    finally:
        _close_client(client)


class _VectorWriter:
    """A child process waiting for the path of a generation whose embedded collection it builds."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "retrieval.index", "write-vectors"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )

    def write(self, path: Path, name: str) -> None:
        _, errors = self.process.communicate(f"{path}\n")
        if self.process.returncode != 0:
            detail = (errors.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"writing the vector index of {name} failed: {detail}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stderr):
            with contextlib.suppress(Exception):
                stream.close()


def _write_vectors_of(path: Path) -> None:
    """Build a generation's embedded Chroma collection from its manifest and vectors (in a child process)."""
    rows = json.loads((path / "passages.json").read_text(encoding="utf-8"))
    embeddings = np.load(path / "embeddings.npy")
    embedded = ChromaTarget()
    _add_vectors(embedded, path, embedded.collection_name(path.parent, path.name),
                 [row[0] for row in rows], [row[1] for row in rows], embeddings)


def _release(client, fd: int | None) -> None:
    _close_client(client)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _close_client(client) -> None:
    if client is None:
        return
    with _CHROMA_LOCK, contextlib.suppress(Exception):
        client.close()


def _read_state(path: Path) -> tuple[dict[str, Document], list[Passage], np.ndarray]:
    documents = {d["source"]: Document(**d) for d in json.loads((path / "documents.json").read_text(encoding="utf-8"))}
    passages = [_passage_from_row(row, documents) for row in json.loads((path / "passages.json").read_text(encoding="utf-8"))]
    embeddings = np.load(path / "embeddings.npy")
    return documents, passages, embeddings


def _number(name: str) -> int:
    m = _GENERATION.match(name)
    return int(m.group(1)) if m else -1


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def _passage_row(p: Passage) -> list:
    return [p.id, p.source, p.start, p.end, p.paragraph, p.speaker, p.mode, list(p.sentence_starts), p.role, p.office]


def _passage_from_row(row: list, documents: dict[str, Document]) -> Passage:
    pid, source, start, end, paragraph, speaker, mode, starts, role = row[:9]
    office = row[9] if len(row) > 9 else ""  # written before chunker 55; such an index is rebuilt whole
    text = documents[source].text[start:end]  # passages are not stored twice: they index the stored text
    return Passage(pid, source, start, end, text, paragraph, speaker, mode, tuple(starts), role, office)


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_tree(root: Path) -> None:
    """fsync every file and directory under root, so that meta.json is never durable before them."""
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            with contextlib.suppress(OSError):
                fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


if __name__ == "__main__" and sys.argv[1:2] == ["write-vectors"]:
    import chromadb  # noqa: F401 - imported while the parent embeds

    requested = sys.stdin.readline().strip()
    if requested:  # none: the build was abandoned
        _write_vectors_of(Path(requested))
