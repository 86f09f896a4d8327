"""What one speaker said on a topic, across documents, oldest first.

A timeline entry is a verbatim span of one document (`doc.text[start:end]`): a
passage the speaker said, with a leading transcript label ("THE PRESIDENT:") and
leading or trailing stage directions ("(Applause.)") cut off. Reports about the
speaker ("Vance suggested that ...") are left out unless asked for, and then they
carry mode "reported" so that no one mistakes them for the speaker's words.

Topic relevance is judged on the statement's own words. The stored passage
vectors (and the BM25 index) include the document title and the speaker, so they
only pick candidates; each candidate is then embedded again without the title,
and must match the topic by itself: a speech titled "Immigration reform" does
not make its thank-yous statements on immigration.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import EmptyQuestion
from .index import Generation
from .models import Passage
from .query import name_key

WORD = re.compile(r"[a-z0-9]+")
MIN_WORDS = 6  # "Thank you very much." is not a statement on a topic
# "(Applause.)", "(Laughter)", "[inaudible]": stage directions, never statements.
STAGE_DIRECTION = re.compile(r"\s*[(\[][^()\[\]]{1,40}[)\]][.!?]?\s*$")
_PARENTHESES = re.compile(r"[(\[][^()\[\]]{0,40}[)\]]")
# "THE PRESIDENT:  ", "MR. SMITH: ": a transcript's speaker label at the start of a passage.
SPEAKER_LABEL = re.compile(r"(?:[A-Z][A-Z.'’-]*\s+){0,4}[A-Z][A-Z.'’-]*:\s+")


@dataclass(frozen=True)
class Citation:
    source: str
    start: int
    end: int
    title: str
    published: str | None

    def to_json(self) -> dict:
        return {"source": self.source, "start": self.start, "end": self.end, "title": self.title, "published": self.published}


@dataclass(frozen=True)
class Statement:
    text: str
    source: str
    start: int
    end: int
    title: str
    speaker: str | None
    published: str | None
    score: float
    outlet: str | None = None
    url: str | None = None
    paragraph: int = 0
    mode: str = "direct"  # "reported": the document's paraphrase of the speaker, not their words
    also: tuple[Citation, ...] = ()  # the same words in near-duplicate articles

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "speaker": self.speaker,
            "published": self.published,
            "score": round(float(self.score), 4),
            "mode": self.mode,
            "also": [c.to_json() for c in self.also],
        }


@dataclass(frozen=True)
class Timeline:
    speaker: str
    topic: str | None
    statements: list[Statement] = field(default_factory=list)
    speakers: tuple[str, ...] = ()  # the corpus's names for the speaker asked about ("Barack Obama")
    suggestions: tuple[str, ...] = ()  # when nobody by that name spoke: similar names in the corpus

    def to_json(self) -> dict:
        return {"speaker": self.speaker, "topic": self.topic, "statements": [s.to_json() for s in self.statements]}


@dataclass(frozen=True)
class TimelineParams:
    candidates: int = 48  # the best passages overall, re-embedded without their title (cached per generation)
    candidates_per_document: int = 4  # and the best few of every document, so each has its chance
    min_dense: float = 0.30  # the statement's own words against the topic
    min_relevance: float = 0.40  # dense + lexical share
    relative_relevance: float = 0.72  # of the best statement's relevance
    lexical_weight: float = 0.25
    per_document: int = 3
    per_document_no_topic: int = 2


def speaker_rows(gen: Generation, speaker: str) -> np.ndarray:
    """Rows of passages said by `speaker`: the surname matches, and a given first name does not conflict."""
    surname, first = name_key(speaker)
    rows = gen.rows_of_speaker.get(surname or "", np.zeros(0, dtype=np.int64))
    if first is None or not len(rows):
        return rows
    names: dict[str | None, bool] = {}
    keep = np.zeros(len(rows), dtype=bool)
    for i, r in enumerate(rows):  # the speaker's rows only
        name = gen.passages[r].speaker
        if name not in names:
            other_first = name_key(name)[1]
            names[name] = other_first is None or other_first == first or _initial_of(first, other_first)
        keep[i] = names[name]
    return rows[keep]


def _initial_of(a: str, b: str) -> bool:
    """"j" and "jd" and "james" may be one person's first name written two ways."""
    a, b = a.rstrip("."), b.rstrip(".")
    return (len(a) <= 2 and b.startswith(a[0])) or (len(b) <= 2 and a.startswith(b[0]))


def similar_speakers(gen: Generation, speaker: str, n: int = 3) -> tuple[str, ...]:
    """Names in the corpus that look like `speaker`, for "did you mean"."""
    surname, _ = name_key(speaker)
    if not surname:
        return ()
    close = difflib.get_close_matches(surname, list(gen.rows_of_speaker), n=n, cutoff=0.75)
    return tuple(dict.fromkeys(gen.passages[gen.rows_of_speaker[k][0]].speaker for k in close if gen.rows_of_speaker[k].size))


def statement_span(text: str, passage: Passage) -> tuple[int, int] | None:
    """The passage without a leading speaker label and leading/trailing stage directions; None if nothing is left
    that is a statement (fewer than MIN_WORDS words outside parentheses)."""
    starts = list(passage.sentence_starts) or [passage.start]
    bounds = []
    for s, e in zip(starts, starts[1:] + [passage.end]):
        while e > s and text[e - 1].isspace():
            e -= 1
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            bounds.append([s, e])
    if not bounds:
        return None
    label = SPEAKER_LABEL.match(text, bounds[0][0], bounds[0][1])
    if label:
        bounds[0][0] = label.end()
    bounds = [b for b in bounds if b[0] < b[1]]
    while bounds and STAGE_DIRECTION.match(text, bounds[0][0], bounds[0][1]):
        bounds.pop(0)
    while bounds and STAGE_DIRECTION.match(text, bounds[-1][0], bounds[-1][1]):
        bounds.pop()
    if not bounds:
        return None
    start, end = bounds[0][0], bounds[-1][1]
    if len(WORD.findall(_PARENTHESES.sub(" ", text[start:end]).lower())) < MIN_WORDS:
        return None
    return start, end


def timeline(
    gen: Generation,
    embedder,
    speaker: str,
    topic: str | None = None,
    limit: int = 20,
    include_reported: bool = False,
    params: TimelineParams = TimelineParams(),
) -> Timeline:
    speaker = " ".join((speaker or "").split())
    topic = " ".join((topic or "").split()) or None
    if not speaker:
        raise EmptyQuestion("name a speaker, e.g. policybot timeline \"Barack Obama\" immigration")
    limit = max(1, int(limit))
    rows = speaker_rows(gen, speaker)
    names = tuple(dict.fromkeys(gen.passages[r].speaker for r in rows[:2000] if gen.passages[r].speaker))
    if rows.size:
        modes = ("direct", "reported") if include_reported else ("direct",)
        rows = rows[np.fromiter((gen.passages[r].mode in modes for r in rows), dtype=bool, count=len(rows))]
    if rows.size == 0:
        suggestions = () if names else similar_speakers(gen, speaker)
        return Timeline(speaker, topic, [], names, suggestions)

    if topic:
        ranked = _on_topic(gen, embedder, rows, topic, params)
        per_document = params.per_document
    else:
        ranked = _central(gen, rows)
        per_document = params.per_document_no_topic

    statements = _cite_copies(gen, _select(gen, ranked, limit, per_document))
    # Oldest first; undated statements last; within one document, in reading order.
    statements.sort(key=lambda s: (s.published is None, s.published or "", s.source, s.start))
    return Timeline(speaker, topic, statements, names)


def _on_topic(gen: Generation, embedder, rows: np.ndarray, topic: str, params: TimelineParams):
    """(row, start, end, relevance) of the statements on `topic`, best first."""
    vector = embedder.encode_query(topic)
    terms = set(gen.bm25.query_terms(topic))
    lexical_all = gen.bm25.scores(sorted(terms)) if terms else np.zeros(len(gen.passages), dtype=np.float32)
    lexical = lexical_all[rows]
    top = float(lexical.max()) if lexical.size else 0.0
    coarse = gen.embeddings[rows] @ vector + (params.lexical_weight * lexical / top if top > 0 else 0.0)
    order = _candidate_order(coarse, gen.source_ids[rows], params.candidates, params.candidates_per_document)

    spans = []
    for i in order:  # at most `params.candidates` passages
        row = int(rows[i])
        passage = gen.passages[row]
        text = gen.documents[passage.source].text
        span = statement_span(text, passage)
        if span:
            spans.append((row, span[0], span[1], text[span[0] : span[1]]))
    if not spans:
        return []
    # The statement's own words, without the title and speaker the stored vectors carry.
    dense = own_vectors(gen, embedder, [(s[0], s[3]) for s in spans]) @ vector
    if terms:
        overlap = np.array([len(terms & set(gen.bm25.query_terms(s[3]))) / len(terms) for s in spans], dtype=np.float32)
    else:
        overlap = np.zeros(len(spans), dtype=np.float32)
    relevance = dense + params.lexical_weight * overlap
    floor = max(params.min_relevance, params.relative_relevance * float(relevance.max()))
    keep = (dense >= params.min_dense) & (relevance >= floor)
    out = [(spans[i][0], spans[i][1], spans[i][2], float(relevance[i])) for i in np.flatnonzero(keep)]
    out.sort(key=lambda x: -x[3])
    return out


def _candidate_order(coarse: np.ndarray, sources: np.ndarray, top: int, per_document: int) -> np.ndarray:
    """Indices of the `top` best scores overall plus the `per_document` best of each document, best first."""
    by_document = np.lexsort((-coarse, sources))  # grouped by document, best first within each
    grouped = sources[by_document]
    first_of_group = np.r_[0, np.flatnonzero(grouped[1:] != grouped[:-1]) + 1]
    rank_in_group = np.arange(len(grouped)) - np.repeat(first_of_group, np.diff(np.r_[first_of_group, len(grouped)]))
    chosen = np.zeros(len(coarse), dtype=bool)
    chosen[by_document[rank_in_group < per_document]] = True
    chosen[np.argsort(-coarse, kind="stable")[:top]] = True
    picked = np.flatnonzero(chosen)
    return picked[np.argsort(-coarse[picked], kind="stable")]


_OWN_LOCK = threading.Lock()


def own_vectors(gen: Generation, embedder, items: list[tuple[int, str]]) -> np.ndarray:
    """Vectors of statements' own words (row, text), parentheses dropped; cached on the generation, per row.

    The cache lives and dies with the generation it describes, so a reload drops it.
    """
    with _OWN_LOCK:
        cache = gen.__dict__.setdefault("_timeline_own_vectors", {})
        missing = [(row, text) for row, text in items if row not in cache]
    if missing:
        fresh = embedder.encode([_PARENTHESES.sub(" ", text) for _, text in missing])
        with _OWN_LOCK:
            cache.update((row, vec) for (row, _), vec in zip(missing, fresh))
    return np.stack([cache[row] for row, _ in items]) if items else np.zeros((0, 0), dtype=np.float32)


def _central(gen: Generation, rows: np.ndarray):
    """Without a topic: each document's most representative statements by the speaker (nearest its centroid)."""
    vectors = gen.embeddings[rows]
    sources = gen.source_ids[rows]
    scores = np.zeros(len(rows), dtype=np.float32)
    for source in np.unique(sources):  # one step per document of this speaker
        members = sources == source
        centroid = vectors[members].mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        scores[members] = vectors[members] @ (centroid / norm if norm > 0 else centroid)
    out = []
    for i in np.argsort(-scores, kind="stable"):  # the speaker's rows
        row = int(rows[i])
        passage = gen.passages[row]
        span = statement_span(gen.documents[passage.source].text, passage)
        if span:
            out.append((row, span[0], span[1], float(scores[i])))
    return out


def _select(gen: Generation, ranked, limit: int, per_document: int) -> list[tuple[Statement, int]]:
    """The best statements, at most `per_document` from one document; copies in other documents become citations."""
    kept: list[Statement] = []
    rows: list[int] = []
    seen: list[tuple[set[str], int | None]] = []  # every statement considered: its words, and its entry if kept
    taken: dict[str, int] = {}
    for row, start, end, score in ranked:
        passage = gen.passages[row]
        statement = _statement(gen, passage, start, end, score)
        key = shingles(statement.text)
        duplicate = next((entry for other, entry in seen if near_duplicate(key, other)), -1)
        if duplicate != -1:
            if duplicate is not None:
                first = kept[duplicate]
                if first.source != statement.source and all(c.source != statement.source for c in first.also):
                    kept[duplicate] = _merge(first, statement)
            continue  # a repeated line ("Now is the time."), or a copy in a near-duplicate article
        if len(kept) >= limit or taken.get(passage.source, 0) >= per_document:
            seen.append((key, None))  # its copies elsewhere must not take its place
            continue
        taken[passage.source] = taken.get(passage.source, 0) + 1
        seen.append((key, len(kept)))
        kept.append(statement)
        rows.append(row)
    return list(zip(kept, rows))


def _cite_copies(gen: Generation, chosen: list[tuple[Statement, int]], min_cosine: float = 0.9) -> list[Statement]:
    """Add the citations of copies that ranking left out: passages of other documents whose vector is
    almost the same (one matrix product over the corpus) and whose words are a near-duplicate."""
    if not chosen:
        return []
    rows = np.array([row for _, row in chosen], dtype=np.int64)
    similar = np.argwhere((gen.embeddings @ gen.embeddings[rows].T) >= min_cosine)[:500]
    out = [statement for statement, _ in chosen]
    keys = [shingles(statement.text) for statement in out]
    for other, j in similar:  # a few pairs at most
        passage = gen.passages[int(other)]
        statement = out[j]
        if passage.source == statement.source or any(c.source == passage.source for c in statement.also):
            continue
        text = gen.documents[passage.source].text
        span = statement_span(text, passage) or (passage.start, passage.end)
        copy = _statement(gen, passage, span[0], span[1], statement.score)
        if near_duplicate(keys[j], shingles(copy.text)):
            out[j] = _merge(statement, copy)
    return out


def _merge(first: Statement, other: Statement) -> Statement:
    """One entry for the same words in two documents: the earlier-dated one leads, the other is cited."""
    lead, cited = (other, first) if (other.published or "9999") < (first.published or "9999") else (first, other)
    citations = lead.also + (Citation(cited.source, cited.start, cited.end, cited.title, cited.published),) + cited.also
    unique = tuple(dict.fromkeys(c for c in citations if c.source != lead.source))
    return replace(lead, also=unique, score=max(first.score, other.score))


def _statement(gen: Generation, passage: Passage, start: int, end: int, score: float) -> Statement:
    doc = gen.documents[passage.source]
    return Statement(
        text=doc.text[start:end],
        source=passage.source,
        start=start,
        end=end,
        title=doc.title,
        speaker=passage.speaker,
        published=doc.published,
        score=score,
        outlet=doc.outlet,
        url=doc.url,
        paragraph=passage.paragraph,
        mode=passage.mode,
    )


def shingles(text: str) -> set[str]:
    words = WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def near_duplicate(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) > 0.6
