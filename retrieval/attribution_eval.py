"""Score sentence attribution against a hand-labelled gold file.

A gold row is `{"id", "doc", "text", "speaker": str|null, "mode": "direct"|"reported"|"none"}`.
The sentence of ours that overlaps the gold text most is the one judged:

- speaker accuracy: of the rows that are someone's words, the share whose speaker is right. A
  person is right when our speaker contains the gold's surname (its last capitalised word); a
  description ("a Home Office spokesman", "the Conservatives") when it contains one of its content
  words;
- wrong speaker: of those rows, the share given a speaker that is not right (unknown is not wrong);
- narration: of the rows that are nobody's words, the share left without a speaker;
- mode accuracy: of all rows, the share whose mode is right.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .chunking import chunk_document, document_sentences
from .documents import load_corpus, load_document
from .errors import BadDocument, CorpusError
from .models import Document, Sentence
from .offices import OfficeRegister, credit

_WORD_RE = re.compile(r"[\w'’\-]+")
_FUNCTION_WORDS = frozenset(
    "a an the of for to and in on at by from with its his her their our who which that party's".split()
)


@dataclass(frozen=True)
class GoldRow:
    id: str
    doc: str
    text: str
    speaker: str | None
    mode: str


@dataclass(frozen=True)
class Judged:
    row: GoldRow
    text: str | None  # our sentence judged for it, None when the gold text is not in the document
    speaker: str | None
    mode: str | None

    @property
    def speaker_right(self) -> bool:
        if self.row.speaker is None:
            return self.speaker is None
        return self.speaker is not None and speaker_matches(self.speaker, self.row.speaker)

    @property
    def speaker_wrong(self) -> bool:
        return self.row.speaker is not None and self.speaker is not None and not self.speaker_right

    @property
    def mode_right(self) -> bool:
        return self.mode == self.row.mode


@dataclass
class AttributionReport:
    rows: int
    speaker_accuracy: float
    wrong_speaker: float
    narration: float
    mode_accuracy: float
    missing: int = 0  # gold texts not found in their document
    misses: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    def table(self, verbose: bool = False) -> str:
        lines = [
            f"rows              {self.rows}" + (f" ({self.missing} not found in their document)" if self.missing else ""),
            f"speaker accuracy  {self.speaker_accuracy:.3f}",
            f"wrong speaker     {self.wrong_speaker:.3f}",
            f"narration         {self.narration:.3f}",
            f"mode accuracy     {self.mode_accuracy:.3f}",
        ]
        if verbose:
            for miss in self.misses:
                lines.append("")
                lines.append(
                    f"{miss['id']} {miss['doc']}: gold {miss['gold_speaker']!r} ({miss['gold_mode']}), "
                    f"ours {miss['speaker']!r} ({miss['mode']}){'  WRONG SPEAKER' if miss['wrong'] else ''}"
                )
                lines.append(f"    {miss['text']}")
        return "\n".join(lines)


def load_gold(path: Path) -> list[GoldRow]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CorpusError(f"cannot read gold file {path}: {exc.strerror or exc}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            rows.append(GoldRow(str(raw["id"]), raw["doc"], raw["text"], raw.get("speaker"), raw["mode"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"{path}:{number}: not a gold row with id, doc, text, speaker and mode ({exc})") from exc
    if not rows:
        raise CorpusError(f"{path} holds no gold rows")
    return rows


def speaker_matches(ours: str, gold: str) -> bool:
    """Whether our speaker names the gold speaker: its surname, or a content word of a description."""
    words = {w.lower() for w in _WORD_RE.findall(ours)}
    gold_words = _WORD_RE.findall(gold)
    if gold_words and all(w[:1].isupper() or w.lower() in _FUNCTION_WORDS for w in gold_words) and gold_words[0][:1].isupper():
        capitalised = [w for w in gold_words if w[:1].isupper()]
        return capitalised[-1].lower() in words
    content = [w.lower() for w in gold_words if w.lower() not in _FUNCTION_WORDS]
    return any(w in words for w in content)


def _find(text: str, gold: str) -> tuple[int, int] | None:
    at = text.find(gold)
    if at >= 0:
        return at, at + len(gold)
    # Tolerate differences in spacing and line breaks.
    pattern = r"\s+".join(re.escape(w) for w in gold.split())
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def judge(row: GoldRow, text: str, sentences: list[Sentence] | list[dict]) -> Judged:
    """Our sentence that overlaps the gold text most, with its speaker and mode."""
    span = _find(text, row.text)
    if span is None:
        return Judged(row, None, None, None)
    best, best_overlap = None, 0
    for s in sentences:
        start, end = (s["start"], s["end"]) if isinstance(s, dict) else (s.start, s.end)
        overlap = min(end, span[1]) - max(start, span[0])
        if overlap > best_overlap:
            best, best_overlap = s, overlap
    if best is None:
        return Judged(row, None, None, None)
    if isinstance(best, dict):
        return Judged(row, best["text"], best["speaker"], best["mode"])
    return Judged(row, text[best.start : best.end], best.speaker, best.mode)


def report(judged: list[Judged]) -> AttributionReport:
    said = [j for j in judged if j.row.speaker is not None]
    narration = [j for j in judged if j.row.speaker is None]

    def share(part: int, whole: int) -> float:
        return round(part / whole, 3) if whole else 0.0

    misses = [
        {
            "id": j.row.id,
            "doc": j.row.doc,
            "text": j.row.text,
            "gold_speaker": j.row.speaker,
            "gold_mode": j.row.mode,
            "speaker": j.speaker,
            "mode": j.mode,
            "wrong": j.speaker_wrong,
        }
        for j in judged
        if not (j.speaker_right and j.mode_right)
    ]
    return AttributionReport(
        rows=len(judged),
        speaker_accuracy=share(sum(j.speaker_right for j in said), len(said)),
        wrong_speaker=share(sum(j.speaker_wrong for j in said), len(said)),
        narration=share(sum(j.speaker_right for j in narration), len(narration)),
        mode_accuracy=share(sum(j.mode_right for j in judged), len(judged)),
        missing=sum(j.text is None for j in judged),
        misses=misses,
    )


def read_source(path: Path, corpus_dir: Path | None = None) -> tuple[Document, list[Sentence]]:
    """How policybot reads one file: the document and its attributed sentences. No index, no model."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"not a file: {path}")
    source = path.name
    root = path.parent
    if corpus_dir is not None:
        real_corpus = Path(corpus_dir).resolve()
        if path.resolve().is_relative_to(real_corpus):
            source = path.resolve().relative_to(real_corpus).as_posix()
            root = real_corpus
    try:
        doc = load_document(path, source, root.resolve())
    except BadDocument as exc:
        raise CorpusError(f"cannot read {path}: {exc}") from exc
    return doc, document_sentences(doc)


def speaker_summary(sentences: list[Sentence]) -> list[tuple[str, int, int]]:
    """(speaker, direct sentences, reported sentences), most statements first."""
    counts: dict[str, list[int]] = {}
    for s in sentences:
        if s.speaker is not None and s.mode != "none":
            counts.setdefault(s.speaker, [0, 0])[0 if s.mode == "direct" else 1] += 1
    return sorted(((who, d, r) for who, (d, r) in counts.items()), key=lambda row: (-(row[1] + row[2]), row[0]))


def score_gold(rows: list[GoldRow], corpus_dir: Path) -> AttributionReport:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory not found: {corpus_dir}")
    read: dict[str, tuple[Document, list[Sentence]]] = {}
    for row in rows:
        if row.doc not in read:
            path = corpus_dir / row.doc
            if not path.is_file():
                raise CorpusError(f"gold row {row.id}: {row.doc} is not in {corpus_dir}")
            read[row.doc] = read_source(path, corpus_dir)
    if any(s.office and not s.speaker for _doc, sentences in read.values() for s in sentences):
        # As the index reads them: an office the article gives no one goes to its holder in the corpus.
        register = corpus_register(corpus_dir)
        texts = {doc.source: doc.text for doc, _sentences in read.values()}
        read = {source: (doc, credit(sentences, register, texts.__getitem__)) for source, (doc, sentences) in read.items()}
    return report([judge(row, read[row.doc][0].text, read[row.doc][1]) for row in rows])


def corpus_register(corpus_dir: Path) -> OfficeRegister:
    """Who the corpus introduces with which office, read from every document (no index, no model)."""
    documents, _skipped = load_corpus(corpus_dir)
    return OfficeRegister.of(p for doc in documents for p in chunk_document(doc).passages)
