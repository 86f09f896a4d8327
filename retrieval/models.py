"""Typed records passed between the retrieval stages.

Every record that carries text keeps `source`, `start` and `end`, so that any
quote can be checked against the stored document text: `doc.text[start:end]`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

# How a sentence relates to its speaker:
#   direct   - the speaker's own words (inside quotation marks, or first-person transcript text)
#   reported - indirect speech attributed to the speaker ("Mr Reade said the ruling was wrong")
#   none     - narration; the article's own words
Mode = Literal["direct", "reported", "none"]


@dataclass(frozen=True)
class Document:
    source: str  # path relative to the corpus root, forward slashes
    text: str  # decoded text; every offset indexes this string
    title: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date
    speaker: str | None = None  # transcript speaker (front matter or header line)
    body_start: int = 0  # offset of the first character after front matter / header lines
    sha256: str = ""  # hash of the raw file bytes


@dataclass(frozen=True)
class SentenceSpan:
    start: int
    end: int
    paragraph: int  # 0-based paragraph index within the document body


@dataclass(frozen=True)
class Attribution:
    speaker: str | None  # canonical (fullest) name seen in the document
    mode: Mode
    # With no speaker: an office the article names its speaker by but gives no one ("the prime minister
    # said"), lower case; the corpus may know its holder (see offices.py).
    office: str | None = None


@dataclass(frozen=True)
class Sentence:
    source: str
    start: int
    end: int
    paragraph: int
    speaker: str | None
    mode: Mode
    office: str | None = None  # see Attribution.office


@dataclass(frozen=True)
class Passage:
    """A run of adjacent sentences of one paragraph and one speaker: the unit we embed."""

    id: str
    source: str
    start: int
    end: int
    text: str
    paragraph: int
    speaker: str | None
    mode: Mode
    sentence_starts: tuple[int, ...] = ()  # document offsets where each sentence begins
    role: str = ""  # how the document introduces the speaker, lower case ("tory backbencher alan dunmore")
    office: str = ""  # with no speaker: the office the sentences are said under (see Attribution.office)


@dataclass(frozen=True)
class Quote:
    text: str
    source: str
    start: int
    end: int
    title: str
    outlet: str | None
    url: str | None
    published: str | None
    speaker: str | None
    score: float
    paragraph: int = 0
    mode: Mode = "none"

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "speaker": self.speaker,
            "score": round(float(self.score), 4),
        }


def text_digest(text: str) -> str:
    """A short fingerprint of a quote's words: tells whether a source still says them, without storing them."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class QuoteRef:
    """Where a quote stands in its source, kept after the answer is sent (buttons, votes, follow-ups)."""

    source: str
    start: int
    end: int
    digest: str  # text_digest of the quoted words when the answer was given

    @classmethod
    def of(cls, quote: Quote) -> "QuoteRef":
        return cls(quote.source, quote.start, quote.end, text_digest(quote.text))

    def overlaps(self, other: "QuoteRef") -> bool:
        return self.source == other.source and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Answer:
    question: str
    abstained: bool
    quotes: list[Quote] = field(default_factory=list)
    asked_speaker: str | None = None
    nearest_topics: list[str] = field(default_factory=list)  # titles shown, labelled, on abstention
    generation: str | None = None  # the index generation that answered (every quote comes from it); not in JSON
    # On abstention, when the question names a person the corpus knows: that person's closest statements,
    # which may not answer the question (always empty when quotes are given).
    nearest: list[Quote] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "quotes": [q.to_json() for q in self.quotes],
            "nearest": [q.to_json() for q in self.nearest],
        }


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    embedded_passages: int = 0
    documents: int = 0
    passages: int = 0
    seconds: float = 0.0
    generation: str | None = None
    notice: str | None = None  # e.g. "model changed: full rebuild"

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "embedded_passages": self.embedded_passages,
            "documents": self.documents,
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class SourceInfo:
    source: str
    title: str
    outlet: str | None
    published: str | None
    passages: int
