"""`policybot eval`: retrieval quality on a JSONL question set with gold spans."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PolicybotError
from .models import Answer, Quote


@dataclass(frozen=True)
class EvalRow:
    id: str
    question: str
    speaker: str | None
    doc: str | None
    gold: str | None
    kind: str


def load_rows(path: Path) -> list[EvalRow]:
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PolicybotError(f"cannot read {path}: {exc.strerror or exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            rows.append(EvalRow(str(raw["id"]), raw["question"], raw.get("speaker"), raw.get("doc"), raw.get("gold"), raw.get("kind", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise PolicybotError(f"{path}:{n}: not a question row ({exc})") from exc
    if not rows:
        raise PolicybotError(f"{path} holds no questions")
    return rows


def hits(quote: Quote, row: EvalRow, doc_text: str | None) -> bool:
    """From the gold document, overlapping the gold by half the gold's or half the quote's length."""
    if not row.doc or quote.source != row.doc or not row.gold or doc_text is None:
        return False
    gold_start = doc_text.find(row.gold)
    if gold_start < 0:
        return False
    gold_end = gold_start + len(row.gold)
    overlap = min(quote.end, gold_end) - max(quote.start, gold_start)
    return overlap > 0 and (overlap >= len(row.gold) / 2 or overlap >= (quote.end - quote.start) / 2)


@dataclass
class EvalReport:
    questions: int
    hit_at_1: float
    hit_at_3: float
    mrr_at_5: float
    speaker_at_1: float
    abstain: float
    false_abstain: float
    verbatim: float
    mean_quote_chars: float
    seconds: float
    misses: list[str] = field(default_factory=list)
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}

    def table(self) -> str:
        lines = [
            f"questions      {self.questions}",
            f"hit@1          {self.hit_at_1:.3f}",
            f"hit@3          {self.hit_at_3:.3f}",
            f"MRR@5          {self.mrr_at_5:.3f}",
            f"speaker@1      {self.speaker_at_1:.3f}",
            f"abstain        {self.abstain:.3f}",
            f"false_abstain  {self.false_abstain:.3f}",
            f"verbatim       {self.verbatim:.3f}",
            f"mean quote     {self.mean_quote_chars:.0f} chars",
            f"wall time      {self.seconds:.1f} s",
        ]
        for kind, figures in sorted(self.by_kind.items()):
            lines.append(f"  {kind:13}" + "  ".join(f"{k} {v:.0f}" if k == "n" else f"{k} {v:.2f}" for k, v in figures.items()))
        lines.append("misses: " + (", ".join(self.misses) or "none"))
        return "\n".join(lines)


def _words(name: str | None) -> set[str]:
    return set(re.findall(r"[\w'’-]+", (name or "").lower()))


def _ratio(numerator: float, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def score(rows: list[EvalRow], answers: list[Answer], texts: dict[str, str], seconds: float) -> EvalReport:
    """The metric arithmetic, apart from running the engine, so it can be tested on its own."""
    answerable = [(r, a) for r, a in zip(rows, answers) if r.doc]
    unanswerable = [(r, a) for r, a in zip(rows, answers) if not r.doc]
    with_speaker = [(r, a) for r, a in answerable if r.speaker]
    hit1 = hit3 = rr = 0.0
    misses = []
    per_kind: dict[str, list[tuple[float, float]]] = {}
    for row, answer in answerable:
        ranks = [i for i, q in enumerate(answer.quotes[:5]) if hits(q, row, texts.get(q.source))]
        first = ranks[0] if ranks else None
        h1 = float(first == 0)
        h3 = float(first is not None and first < 3)
        hit1 += h1
        hit3 += h3
        rr += 1.0 / (first + 1) if first is not None else 0.0
        if not h3:
            misses.append(row.id)
        per_kind.setdefault(row.kind or "other", []).append((h1, h3))
    speaker_ok = sum(
        1 for row, answer in with_speaker
        if answer.quotes and row.speaker.split()[-1].lower() in _words(answer.quotes[0].speaker)
    )
    abstained = sum(1 for _, a in unanswerable if a.abstained)
    for row, answer in unanswerable:
        if not answer.abstained:
            misses.append(row.id)
    quotes = [q for a in answers for q in a.quotes]
    verbatim = sum(1 for q in quotes if texts.get(q.source, "")[q.start : q.end] == q.text)
    by_kind = {
        kind: {"hit@1": _ratio(sum(h for h, _ in v), len(v)), "hit@3": _ratio(sum(h for _, h in v), len(v)), "n": float(len(v))}
        for kind, v in per_kind.items()
    }
    if unanswerable:
        by_kind["unanswerable"] = {"abstain": _ratio(abstained, len(unanswerable)), "n": float(len(unanswerable))}
    return EvalReport(
        questions=len(rows),
        hit_at_1=_ratio(hit1, len(answerable)),
        hit_at_3=_ratio(hit3, len(answerable)),
        mrr_at_5=_ratio(rr, len(answerable)),
        speaker_at_1=_ratio(speaker_ok, len(with_speaker)),
        abstain=_ratio(abstained, len(unanswerable)),
        false_abstain=_ratio(sum(1 for _, a in answerable if a.abstained), len(answerable)),
        verbatim=_ratio(verbatim, len(quotes)) if quotes else 1.0,
        mean_quote_chars=_ratio(sum(len(q.text) for q in quotes), len(quotes)),
        seconds=seconds,
        misses=misses,
        by_kind=by_kind,
    )


def evaluate(engine, rows: list[EvalRow], top: int = 5) -> EvalReport:
    """Answer every row; the index is first brought up to date with the corpus (incrementally), so the
    figures are for the files as they are now. The wall time counts loading and answering."""
    engine.ingest()
    started = time.perf_counter()
    engine.load()
    answers = [engine.ask(row.question, top) for row in rows]
    seconds = time.perf_counter() - started
    # Verbatim is checked against the files on disk, decoded the same way as at ingest.
    from .documents import load_corpus

    documents, _ = load_corpus(engine.corpus_dir, engine.max_file_bytes)
    texts = {d.source: d.text for d in documents}
    return score(rows, answers, texts, seconds)
