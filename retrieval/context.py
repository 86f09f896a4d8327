"""A quote in its context: the paragraph before, the quoted paragraph, the paragraph after.

A quote out of its context is how statements get misread; this is what the Context
button shows. The quote is found again by its source and offsets in the current index
generation, and checked by its fingerprint, so an answer given before a reload still
shows the right words, or says plainly that its source was removed or changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SourceChanged, SourceGone
from .index import Generation
from .models import Passage, QuoteRef, text_digest
from .sentences import split_paragraphs


@dataclass(frozen=True)
class QuoteContext:
    source: str
    title: str
    speaker: str | None
    paragraph: int  # 0-based paragraph number of the quote's passage, as in citations
    before: str | None  # the whole paragraph before the quoted one; None at the start of the document
    lead: str  # the quoted paragraph's text before the quote
    quote: str  # the quoted words, verbatim
    tail: str  # the quoted paragraph's text after the quote
    after: str | None  # the whole paragraph after; None at the end of the document


def quote_context(gen: Generation, ref: QuoteRef) -> QuoteContext:
    doc = gen.documents.get(ref.source)
    if doc is None:
        raise SourceGone(f"{ref.source} has been removed from the corpus since this answer was given.")
    if not (0 <= ref.start < ref.end <= len(doc.text)) or text_digest(doc.text[ref.start : ref.end]) != ref.digest:
        raise SourceChanged(f"{ref.source} has changed since this answer was given; ask again for its current wording.")
    paragraphs = split_paragraphs(doc.text, doc.body_start)
    # A quote may run over a paragraph break (a report followed by the speaker's own words).
    inside = [i for i, (s, e) in enumerate(paragraphs) if s < ref.end and ref.start < e]
    if not inside:  # the quote lies in the title or front matter: show it alone
        first = last = None
        lead_start, tail_end = ref.start, ref.end
    else:
        first, last = inside[0], inside[-1]
        lead_start, tail_end = min(paragraphs[first][0], ref.start), max(paragraphs[last][1], ref.end)
    before = doc.text[slice(*paragraphs[first - 1])] if first else None
    after = doc.text[slice(*paragraphs[last + 1])] if last is not None and last + 1 < len(paragraphs) else None
    passage = _passage_at(gen, ref)
    return QuoteContext(
        source=doc.source,
        title=doc.title,
        speaker=passage.speaker if passage else None,
        paragraph=passage.paragraph if passage else 0,
        before=before,
        lead=doc.text[lead_start : ref.start],
        quote=doc.text[ref.start : ref.end],
        tail=doc.text[ref.end : tail_end],
        after=after,
    )


def _passage_at(gen: Generation, ref: QuoteRef) -> Passage | None:
    """The first passage that the quote overlaps: its speaker and paragraph number are the quote's."""
    for row in gen.passages_of_source.get(ref.source, ()):
        passage = gen.passages[row]
        if passage.start < ref.end and ref.start < passage.end:
            return passage
    return None
