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
    also: tuple[tuple[str, str], ...] = ()  # other (doc, span) pairs a fair judge accepts, e.g. a duplicate article's copy

    def spans(self) -> list[tuple[str, str]]:
        """Every (doc, text) span whose overlap counts as a hit: the gold first, then the `also` spans."""
        first = [(self.doc, self.gold)] if self.doc and self.gold else []
        return first + [s for s in self.also if s[0] and s[1]]


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
            also = tuple((str(a["doc"]), str(a["gold"])) for a in raw.get("also") or ())
            rows.append(EvalRow(str(raw["id"]), raw["question"], raw.get("speaker"), raw.get("doc"), raw.get("gold"), raw.get("kind", ""), also))
        except (ValueError, KeyError, TypeError) as exc:
            raise PolicybotError(f"{path}:{n}: not a question row ({exc})") from exc
    if not rows:
        raise PolicybotError(f"{path} holds no questions")
    return rows


def hits(quote: Quote, row: EvalRow, doc_text: str | None) -> bool:
    """Overlapping the gold, or any `also` span, by half that span's or half the quote's length."""
    if doc_text is None:
        return False
    return any(span_hits(quote.start, quote.end, doc_text, gold) for doc, gold in row.spans() if doc == quote.source)


def span_hits(start: int, end: int, doc_text: str, gold: str) -> bool:
    """Whether [start, end) overlaps the first occurrence of `gold` by half of either length."""
    gold_start = doc_text.find(gold)
    if gold_start < 0:
        return False
    gold_end = gold_start + len(gold)
    overlap = min(end, gold_end) - max(start, gold_start)
    return overlap > 0 and (overlap >= len(gold) / 2 or overlap >= (end - start) / 2)


FIGURES = ("hit@1", "hit@3", "mrr@5", "speaker@1", "abstain", "false_abstain", "verbatim", "mean_quote_chars")


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
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)  # kind -> every figure above, and n

    def to_json(self) -> dict:
        out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}
        out["by_kind"] = {kind: {k: round(v, 4) for k, v in figures.items()} for kind, figures in self.by_kind.items()}
        return out

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
            "",
            kind_table(self.by_kind),
            "misses: " + (", ".join(self.misses) or "none"),
        ]
        return "\n".join(lines)


def kind_table(by_kind: dict[str, dict[str, float]]) -> str:
    """One line per kind, one column per figure; '-' where a figure does not apply (no row of that sort)."""
    header = f"{'kind':13} {'n':>4} " + " ".join(f"{name:>9}" for name in FIGURES)
    lines = [header]
    for kind, figures in sorted(by_kind.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        cells = []
        for name in FIGURES:
            value = figures.get(name)
            cells.append(f"{'-':>9}" if value is None else (f"{value:>9.0f}" if name == "mean_quote_chars" else f"{value:>9.3f}"))
        lines.append(f"{kind:13} {figures.get('n', 0):>4.0f} " + " ".join(cells))
    return "\n".join(lines)


def _words(name: str | None) -> set[str]:
    return set(re.findall(r"[\w'’-]+", (name or "").lower()))


def _ratio(numerator: float, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def first_hit(row: EvalRow, answer: Answer, texts: dict[str, str]) -> int | None:
    """The rank (0-based, among the first five quotes) of the first quote that hits the row's gold or an `also` span."""
    ranks = [i for i, q in enumerate(answer.quotes[:5]) if hits(q, row, texts.get(q.source))]
    return ranks[0] if ranks else None


def speaker_right(row: EvalRow, answer: Answer) -> bool:
    """The first quote is credited to the row's speaker (by surname)."""
    return bool(row.speaker and answer.quotes) and row.speaker.split()[-1].lower() in _words(answer.quotes[0].speaker)


def figures(rows: list[EvalRow], answers: list[Answer], texts: dict[str, str]) -> dict[str, float]:
    """Every figure over these rows; a figure with no row to count (no answerable row, say) is left out."""
    answerable = [(r, a) for r, a in zip(rows, answers) if r.doc]
    unanswerable = [(r, a) for r, a in zip(rows, answers) if not r.doc]
    with_speaker = [(r, a) for r, a in answerable if r.speaker]
    out: dict[str, float] = {"n": float(len(rows))}
    if answerable:
        firsts = [first_hit(r, a, texts) for r, a in answerable]
        out["hit@1"] = _ratio(sum(1 for f in firsts if f == 0), len(answerable))
        out["hit@3"] = _ratio(sum(1 for f in firsts if f is not None and f < 3), len(answerable))
        out["mrr@5"] = _ratio(sum(1.0 / (f + 1) for f in firsts if f is not None), len(answerable))
        out["false_abstain"] = _ratio(sum(1 for _, a in answerable if a.abstained), len(answerable))
    if with_speaker:
        out["speaker@1"] = _ratio(sum(1 for r, a in with_speaker if speaker_right(r, a)), len(with_speaker))
    if unanswerable:
        out["abstain"] = _ratio(sum(1 for _, a in unanswerable if a.abstained), len(unanswerable))
    quotes = [q for a in answers for q in a.quotes]
    if quotes:
        out["verbatim"] = _ratio(sum(1 for q in quotes if texts.get(q.source, "")[q.start : q.end] == q.text), len(quotes))
        out["mean_quote_chars"] = _ratio(sum(len(q.text) for q in quotes), len(quotes))
    return out


def score(rows: list[EvalRow], answers: list[Answer], texts: dict[str, str], seconds: float) -> EvalReport:
    """The metric arithmetic, apart from running the engine, so it can be tested on its own."""
    overall = figures(rows, answers, texts)
    kinds: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        kinds.setdefault(row.kind or "other", []).append(i)
    by_kind = {kind: figures([rows[i] for i in idx], [answers[i] for i in idx], texts) for kind, idx in kinds.items()}
    misses = [
        r.id for r, a in zip(rows, answers)
        if (r.doc and not ((f := first_hit(r, a, texts)) is not None and f < 3)) or (not r.doc and not a.abstained)
    ]
    return EvalReport(
        questions=len(rows),
        hit_at_1=overall.get("hit@1", 0.0),
        hit_at_3=overall.get("hit@3", 0.0),
        mrr_at_5=overall.get("mrr@5", 0.0),
        speaker_at_1=overall.get("speaker@1", 0.0),
        abstain=overall.get("abstain", 0.0),
        false_abstain=overall.get("false_abstain", 0.0),
        verbatim=overall.get("verbatim", 1.0),
        mean_quote_chars=overall.get("mean_quote_chars", 0.0),
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
