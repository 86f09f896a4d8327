"""`policybot bench`: where the time goes, measured against the model's own floor.

All figures come from one run on one machine, so they can be compared with each other:
the bare model sets the floor, and ingest and ask are judged against it.
"""

from __future__ import annotations

import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .chunking import chunk_document, embedding_text
from .documents import DEFAULT_MAX_FILE_BYTES, load_corpus
from .embedding import Embedder
from .engine import Engine

BATCH_SIZES = (16, 32, 64, 128)
MODEL_SAMPLE = 2000  # passages timed for the bare model at each batch size


@dataclass(frozen=True)
class BenchReport:
    model_passages_per_s: float
    ingest_passages_per_s: float
    ingest_ratio: float
    embed_p50_ms: float
    query_p50_ms: float
    query_p95_ms: float
    cold_start_s: float
    peak_rss_mb: float
    passages: int
    documents: int

    def to_json(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}

    def table(self) -> str:
        rows = [
            ("model_passages_per_s", f"{self.model_passages_per_s:.1f}", "bare SentenceTransformer.encode, best batch"),
            ("ingest_passages_per_s", f"{self.ingest_passages_per_s:.1f}", "full ingest into a fresh index"),
            ("ingest_ratio", f"{self.ingest_ratio:.2f}", "target >= 0.8"),
            ("embed_p50_ms", f"{self.embed_p50_ms:.1f}", "bare query embedding"),
            ("query_p50_ms", f"{self.query_p50_ms:.1f}", f"warm ask; target <= {2 * self.embed_p50_ms:.1f}"),
            ("query_p95_ms", f"{self.query_p95_ms:.1f}", "warm ask"),
            ("cold_start_s", f"{self.cold_start_s:.1f}", "process start to first answer"),
            ("peak_rss_mb", f"{self.peak_rss_mb:.0f}", ""),
            ("passages", str(self.passages), ""),
            ("documents", str(self.documents), ""),
        ]
        width = max(len(r[0]) for r in rows)
        return "\n".join(f"{name:<{width}}  {value:>10}  {note}" for name, value, note in rows)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def bench_questions(engine: Engine, count: int = 120, seed: int = 7) -> list[str]:
    """Varied questions drawn from the corpus itself: speakers crossed with topics from titles and text."""
    rng = random.Random(seed)
    gen = engine.generation
    speakers = sorted({p.speaker for p in gen.passages if p.speaker and " " in p.speaker})
    titles = [d.title for d in gen.documents.values()]
    words = [w for t in titles for w in t.split() if len(w) > 4 and w.isalpha()]
    templates = [
        "What did {s} say about {t}?",
        "How did {s} defend {t}?",
        "{s}'s view on {t}",
        "What was said about {t}?",
        "Why is {t} controversial?",
        "Who criticised {t}?",
    ]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        topic = " ".join(rng.sample(words, k=min(2, len(words)))) if words else "policy"
        speaker = rng.choice(speakers) if speakers else "the minister"
        question = rng.choice(templates).format(s=speaker, t=topic.lower())
        if question not in seen:  # distinct, so the query cache never answers for the model
            seen.add(question)
            out.append(question)
    return out


def _model_throughput(embedder: Embedder, texts: list[str]) -> float:
    sample = texts[:MODEL_SAMPLE]
    embedder.encode(sample[:64])  # warm up
    best = 0.0
    for batch in BATCH_SIZES:
        started = time.perf_counter()
        embedder.encode(sample, batch_size=batch)
        best = max(best, len(sample) / (time.perf_counter() - started))
    return best


def _cold_start(corpus: Path, index: Path, question: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "--corpus", str(corpus), "--index", str(index), question],
        check=True, capture_output=True, timeout=600,
    )
    return time.perf_counter() - started


def run_bench(corpus: Path, model: str | None = None, questions: int = 120, log=lambda message: None) -> BenchReport:
    embedder = Embedder(model) if model else Embedder()
    documents, _ = load_corpus(corpus, DEFAULT_MAX_FILE_BYTES)
    texts = [embedding_text(doc, p) for doc in documents for p in chunk_document(doc).passages]
    log(f"{len(documents)} documents, {len(texts)} passages")

    model_rate = _model_throughput(embedder, texts)
    log(f"bare model: {model_rate:.1f} passages/s")

    workdir = Path(tempfile.mkdtemp(prefix="policybot-bench-"))
    try:
        index = workdir / "index"
        engine = Engine(corpus, index, embedder=embedder)
        started = time.perf_counter()
        report = engine.ingest()
        ingest_seconds = time.perf_counter() - started
        ingest_rate = report.passages / ingest_seconds if ingest_seconds else 0.0
        log(f"ingest: {report.passages} passages in {ingest_seconds:.1f} s")

        asked = bench_questions(engine, questions)
        engine.ask("warm up the index")
        embed_times, query_times = [], []
        # Each question's bare embedding and its whole answer are timed back to back: on a shared machine the
        # model's speed drifts by 2x within minutes, and two separate loops compared different machines.
        for question in asked:
            started = time.perf_counter()
            embedder.encode([question + " (bare)"])
            embed_times.append((time.perf_counter() - started) * 1000)
            embedder.clear_cache()  # two questions may share a topic; time the model every time
            started = time.perf_counter()
            engine.ask(question)
            query_times.append((time.perf_counter() - started) * 1000)
        log(f"asked {len(asked)} questions")

        cold = _cold_start(corpus, index, asked[0])
        rss_kb = max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        )
        return BenchReport(
            model_passages_per_s=model_rate,
            ingest_passages_per_s=ingest_rate,
            ingest_ratio=ingest_rate / model_rate if model_rate else 0.0,
            embed_p50_ms=statistics.median(embed_times),
            query_p50_ms=statistics.median(query_times),
            query_p95_ms=percentile(query_times, 95),
            cold_start_s=cold,
            peak_rss_mb=rss_kb / 1024,
            passages=report.passages,
            documents=report.documents,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
