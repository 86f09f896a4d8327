"""Search: candidate passages (dense and BM25), ranked and judged answerable by fitted parameters,
then cut down to the smallest verbatim span that answers.

The weights are not set here: `policybot tune` fits them (see `ranker`), and a shipped default
is used otherwise. Per question: one query embedding, one Chroma query, one BM25 scoring per
topic term, and numpy over the candidates (see `features`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .errors import EmptyQuestion
from .features import CandidateSet, Derived, candidates, derived, prepare  # noqa: F401 - prepare is re-exported
from .index import Generation
from .models import Answer, Quote
from .query import parse_question, topic_text
from .ranker import Decision, Params, decide


@dataclass
class _Candidate:
    row: int
    score: float


def search(gen: Generation, embedder, question: str, top: int, params: Params) -> Answer:
    question = " ".join((question or "").split())
    if not question:
        raise EmptyQuestion("the question is empty; ask something like: what did Vance say about discipline?")
    if not gen.passages:
        return Answer(question, True, [], parse_question(question).speaker)
    cs = candidates(gen, embedder, question, params.dense_k, params.lexical_k)
    return answer(gen, cs, decide(cs, params), top, params)


def answer(gen: Generation, cs: CandidateSet, decision: Decision, top: int, params: Params) -> Answer:
    """The reply for a ranked candidate set: quotes, or an abstention with what is nearest."""
    built = derived(gen)
    ranked = [_Candidate(int(cs.rows[i]), float(decision.scores[i])) for i in decision.order[: max(top * 8, 24)]]
    if not decision.abstain:
        return Answer(cs.question, False, _select_quotes(gen, built, ranked, cs.parsed, top, params), cs.parsed.speaker)
    everything = np.argsort(-decision.scores)[:10]
    titles = _nearest_titles(gen, [_Candidate(int(cs.rows[i]), float(decision.scores[i])) for i in everything])
    # A person the corpus knows, asked about something they may not have said: their closest statements,
    # shown apart from the answer and labelled as possibly not answering.
    theirs = [_Candidate(int(cs.rows[i]), float(decision.scores[i])) for i in decision.order if cs.speaker_match[i]][: max(top * 8, 24)]
    nearest = _select_quotes(gen, built, theirs, cs.parsed, top, params) if cs.parsed.speaker_key else []
    return Answer(cs.question, True, [], cs.parsed.speaker, nearest_topics=titles, nearest=nearest)


def _select_quotes(gen: Generation, built: Derived, best: list[_Candidate], parsed, top: int, params: Params) -> list[Quote]:
    query_terms = _terms(topic_text(parsed))
    quotes: list[Quote] = []
    seen: list[set[str]] = []
    for cand in best:
        if len(quotes) >= top:
            break
        passage = gen.passages[cand.row]
        doc = gen.documents[passage.source]
        start, end = _smallest_span(doc.text, passage, query_terms, params.max_quote_chars)
        start, end = _with_own_words(gen, built, cand.row, start, end, params.max_quote_chars)
        if any(s < end and start < e for s, e in ((a, b) for (src, a), b in _spans(quotes) if src == doc.source)):
            continue  # overlaps a quote already chosen from this document
        text = doc.text[start:end]
        shingles = _shingles(text)
        if any(_overlap(shingles, other) > params.duplicate_overlap for other in seen):
            continue  # the same quote from a near-duplicate article
        seen.append(shingles)
        quotes.append(
            Quote(
                text=text,
                source=doc.source,
                start=start,
                end=end,
                title=doc.title,
                outlet=doc.outlet,
                url=doc.url,
                published=doc.published,
                speaker=passage.speaker,
                score=cand.score,
                paragraph=passage.paragraph,
                mode=passage.mode,
            )
        )
    return quotes


def _spans(quotes: list[Quote]):
    return [((q.source, q.start), q.end) for q in quotes]


def _with_own_words(gen: Generation, built: Derived, row: int, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """A report of what someone said, followed by their own words: quote both, when short enough."""
    if built.modes[row] == 2 or not built.next_same[row]:
        return start, end
    nxt = gen.passages[row + 1]
    here = gen.passages[row]
    if here.speaker and nxt.speaker == here.speaker and nxt.mode == "direct" and nxt.end - start <= max_chars:
        return start, nxt.end
    return start, end


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of to in on for and or but is are was were be been what did does do say said says about how why "
    "who which that this with as at by from it its he she they them his her their i we you not no".split()
)


def _terms(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _smallest_span(text: str, passage, query_terms: set[str], max_chars: int) -> tuple[int, int]:
    """The passage, or the run of its sentences that carries the question's words."""
    starts = list(passage.sentence_starts) or [passage.start]
    if passage.end - passage.start <= max_chars or len(starts) == 1:
        return passage.start, passage.end  # a passage is one to three sentences: short enough to quote whole
    bounds = [(s, _trim_end(text, s, e)) for s, e in zip(starts, starts[1:] + [passage.end])]
    hits = [len(query_terms & _terms(text[s:e])) for s, e in bounds]
    best = max(range(len(bounds)), key=lambda i: (hits[i], -i))
    lo = hi = best
    # Grow to a neighbour that also matches, or when the sentence alone is too short to stand.
    while True:
        length = bounds[hi][1] - bounds[lo][0]
        grow = None
        if hi + 1 < len(bounds) and (hits[hi + 1] or length < 60):
            grow = "hi"
        elif lo > 0 and (hits[lo - 1] or length < 60):
            grow = "lo"
        if grow is None:
            break
        new_lo, new_hi = (lo, hi + 1) if grow == "hi" else (lo - 1, hi)
        if bounds[new_hi][1] - bounds[new_lo][0] > max_chars:
            break
        lo, hi = new_lo, new_hi
    return bounds[lo][0], bounds[hi][1]


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _nearest_titles(gen: Generation, best: list[_Candidate], limit: int = 3) -> list[str]:
    titles: list[str] = []
    for cand in best:
        title = gen.documents[gen.passages[cand.row].source].title
        if title not in titles:
            titles.append(title)
        if len(titles) >= limit:
            break
    return titles
