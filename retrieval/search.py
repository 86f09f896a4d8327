"""Hybrid search: dense (Chroma) and BM25 candidates, fused, re-ranked with speaker and
context, then cut down to the smallest verbatim span that answers.

Everything per query is vectorised over the candidate set; nothing loops over the
whole corpus in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .errors import EmptyQuestion
from .index import Generation
from .models import Answer, Passage, Quote
from .query import ParsedQuestion, name_key, parse_question, topic_text


@dataclass(frozen=True)
class SearchParams:
    dense_k: int = 60
    lexical_k: int = 60
    lexical_weight: float = 0.25  # BM25, normalised to the best candidate's score
    context_weight: float = 0.15  # best neighbouring passage in the same document
    speaker_bonus: float = 1.0  # above any topical score: the asked speaker always ranks first
    direct_bonus: float = 0.04  # the speaker's own words over reports of them
    narration_penalty: float = 0.06
    abstain_below: float = 0.42  # relevance (dense + lexical share) of the best answer
    max_quote_chars: int = 400


@dataclass
class _Candidate:
    row: int
    relevance: float
    score: float


def search(gen: Generation, embedder, question: str, top: int = 3, params: SearchParams = SearchParams()) -> Answer:
    question = " ".join((question or "").split())
    if not question:
        raise EmptyQuestion("the question is empty; ask something like: what did Vance say about discipline?")
    parsed = parse_question(question, gen.speaker_surnames)
    if not gen.passages:
        return Answer(question, True, [], parsed.speaker)

    query_vector = embedder.encode_query(question)
    lexical_scores = gen.bm25.scores(gen.bm25.query_terms(topic_text(parsed)))

    rows = set(_dense_rows(gen, query_vector, params.dense_k))
    if lexical_scores.any():
        k = min(params.lexical_k, len(lexical_scores))
        rows.update(np.argpartition(-lexical_scores, k - 1)[:k].tolist())
    speaker_rows = gen.rows_of_speaker.get(parsed.speaker_key, np.zeros(0, dtype=np.int64)) if parsed.speaker_key else None
    if speaker_rows is not None:
        rows.update(speaker_rows.tolist())
    candidates = np.fromiter(rows, dtype=np.int64)

    dense = gen.embeddings[candidates] @ query_vector
    best_lexical = float(lexical_scores[candidates].max()) if candidates.size else 0.0
    lexical = lexical_scores[candidates] / best_lexical if best_lexical > 0 else np.zeros(len(candidates))
    relevance = dense + params.lexical_weight * lexical
    context = _context_scores(gen, candidates, query_vector)
    score = relevance + params.context_weight * context

    modes = np.array([gen.passages[r].mode for r in candidates])
    score += np.where(modes == "direct", params.direct_bonus, 0.0)
    score -= np.where(modes == "none", params.narration_penalty, 0.0)
    if parsed.speaker_key:
        score += params.speaker_bonus * np.array([_speaker_match(gen.passages[r], parsed) for r in candidates])

    order = np.argsort(-score)
    best = [_Candidate(int(candidates[i]), float(relevance[i]), float(score[i])) for i in order[: max(top * 8, 20)]]
    asked_rows = [c for c in best if parsed.speaker_key and _speaker_match(gen.passages[c.row], parsed) > 0]
    lead = asked_rows[0] if asked_rows else (best[0] if best else None)
    if lead is None or lead.relevance < params.abstain_below or (parsed.speaker_key and not asked_rows and speaker_rows is not None and speaker_rows.size):
        return Answer(question, True, [], parsed.speaker, nearest_topics=_nearest_titles(gen, best))
    quotes = _select_quotes(gen, best, parsed, question, top, params)
    return Answer(question, False, quotes, parsed.speaker)


def _dense_rows(gen: Generation, query_vector: np.ndarray, k: int) -> list[int]:
    k = min(k, len(gen.passages))
    result = gen.collection.query(query_embeddings=[query_vector.tolist()], n_results=k, include=[])
    return [gen.row_of_id[i] for i in result["ids"][0] if i in gen.row_of_id]


def _context_scores(gen: Generation, candidates: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
    """The better of the two neighbouring passages' similarity, within the same document."""
    n = len(gen.passages)
    prev_rows = np.clip(candidates - 1, 0, n - 1)
    next_rows = np.clip(candidates + 1, 0, n - 1)
    prev = gen.embeddings[prev_rows] @ query_vector
    nxt = gen.embeddings[next_rows] @ query_vector
    same_prev = gen.source_ids[prev_rows] == gen.source_ids[candidates]
    same_next = gen.source_ids[next_rows] == gen.source_ids[candidates]
    prev = np.where(same_prev & (prev_rows != candidates), prev, 0.0)
    nxt = np.where(same_next & (next_rows != candidates), nxt, 0.0)
    return np.maximum(prev, nxt)


def _speaker_match(passage: Passage, parsed: ParsedQuestion) -> float:
    surname, first = name_key(passage.speaker)
    if surname != parsed.speaker_key:
        return 0.0
    if parsed.first_name and first and first != parsed.first_name:
        return 0.0  # another person with the same surname
    return 1.0


def _select_quotes(gen, best: list[_Candidate], parsed, question, top, params) -> list[Quote]:
    query_terms = _terms(topic_text(parsed))
    quotes: list[Quote] = []
    seen: list[set[str]] = []
    for cand in best:
        if len(quotes) >= top:
            break
        if cand.relevance < params.abstain_below:
            continue
        passage = gen.passages[cand.row]
        doc = gen.documents[passage.source]
        start, end = _smallest_span(doc.text, passage, query_terms, params.max_quote_chars)
        text = doc.text[start:end]
        shingles = _shingles(text)
        if any(_overlap(shingles, other) > 0.6 for other in seen):
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


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of to in on for and or but is are was were be been what did does do say said says about how why "
    "who which that this with as at by from it its he she they them his her their i we you not no".split()
)


def _terms(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _smallest_span(text: str, passage: Passage, query_terms: set[str], max_chars: int) -> tuple[int, int]:
    """The passage, or the run of its sentences that carries the question's words."""
    starts = list(passage.sentence_starts) or [passage.start]
    if len(starts) == 1 and passage.end - passage.start <= max_chars:
        return passage.start, passage.end
    bounds = [(s, _trim_end(text, s, e)) for s, e in zip(starts, starts[1:] + [passage.end])]
    hits = [len(query_terms & _terms(text[s:e])) for s, e in bounds]
    if passage.end - passage.start <= max_chars and (max(hits) == 0 or len(bounds) <= 1):
        return passage.start, passage.end
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
