"""Hybrid search: dense (Chroma) and BM25 candidates, fused, re-ranked with speaker and
context, then cut down to the smallest verbatim span that answers.

Per query: one query embedding, one Chroma query, one BM25 scoring per query term,
and numpy over the candidate set (plus a few matrix-vector products over the corpus).
Nothing loops over the whole corpus in Python; what depends only on the generation
(modes, speaker keys, document centroids) is computed once and cached on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .attribution import is_interviewer
from .errors import EmptyQuestion
from .index import Generation
from .models import Answer, Quote
from .query import ParsedQuestion, name_key, parse_question, person_like, query_text, subject_text, topic_text


@dataclass(frozen=True)
class SearchParams:
    dense_k: int = 60
    lexical_k: int = 60
    fusion: str = "linear"  # "linear": normalised scores summed; "rrf": reciprocal rank fusion
    rrf_k: float = 60.0
    lexical_weight: float = 0.10  # BM25 / the corpus-best BM25 for this query
    coverage_weight: float = 0.0  # share of the topic's IDF mass found in the passage or its neighbours
    own_weight: float = 0.0  # share of the topic's IDF mass in the passage's own words (title and speaker excluded)
    short_weight: float = 0.3  # penalty for a short passage whose own words carry none of the topic's words
    short_chars: int = 120  # scaled by shortness: full at 0 characters, nothing from this length up
    context_weight: float = 0.15  # mean of the neighbouring passages' similarity, same document
    document_weight: float = 0.10  # the document's centroid similarity
    speaker_bonus: float = 1.0  # above any topical score: the asked speaker always ranks first
    own_words_margin: float = 0.25  # a report of what someone said yields to their own words in the same article within this margin
    role_weight: float = 0.3  # share of an asked role's words ("health minister") in how the document introduces the speaker
    role_rows: int = 300  # add every passage whose speaker fits the role to the candidates, when no more than this
    answer_after_question: bool = True  # a question (an interviewer's, or rhetorical) hands its place to the answer after it
    reason_bonus: float = 0.08  # a "why" question: passages that give a reason ("because", "so that")
    statement_bonus: float = 0.10  # someone's words (direct or reported) over narration
    direct_bonus: float = 0.08  # the speaker's own words over reports of them
    query_text: str = "unnamed"  # what is embedded: "question" (as asked) or "unnamed" (the asked speaker's name removed)
    abstain_coverage_weight: float = 0.3  # in the relevance that decides abstention
    abstain_document_weight: float = 0.0  # in the relevance that decides abstention (a topic word anywhere in the document lifted unanswerables)
    abstain_below: float = 0.45  # dense (unnamed query) + 0.3 coverage (passage window); midway between dev's lowest answerable and highest unanswerable
    abstain_unknown_share: float = 0.5  # abstain when this share of the topic's words occurs in no passage
    lead_window: float = 0.10  # a lead below the abstention bar yields to a passage scored within this of it...
    lead_margin: float = 0.05  # ...that clears the bar by this much
    secondary_margin: float = 0.08  # quotes after the first may fall this far below the abstention bar
    max_quote_chars: int = 420
    duplicate_overlap: float = 0.6  # shingle overlap above which two quotes are copies



# Connectives that state a reason or a purpose: what a "why" question asks for.
_REASON = re.compile(
    r"\b(?:because|so that|in order to|the reason|that's why|that is why|due to|owing to|otherwise|"
    r"which means|that means|means that)\b",
    re.I,
)

_MODE_CODE = {"none": 0, "reported": 1, "direct": 2}


class _Derived:
    """Arrays that depend only on the generation, computed once per generation."""

    def __init__(self, gen: Generation):
        n = len(gen.passages)
        self.modes = np.fromiter((_MODE_CODE[p.mode] for p in gen.passages), dtype=np.int8, count=n)
        self.gives_reason = np.fromiter((bool(_REASON.search(p.text)) for p in gen.passages), dtype=bool, count=n)
        self.asks = np.fromiter((_asks(p.text) for p in gen.passages), dtype=bool, count=n)
        self.interviewer = np.fromiter((is_interviewer(p.speaker) for p in gen.passages), dtype=bool, count=n)
        self.lengths = np.fromiter((p.end - p.start for p in gen.passages), dtype=np.float64, count=n)
        names = {p.speaker for p in gen.passages if p.speaker}
        keys = {name: name_key(name) for name in names}
        self.person_surnames = frozenset(keys[name][0] for name in names if keys[name][0] and person_like(name))
        self.surname = np.array([keys[p.speaker][0] if p.speaker else "" for p in gen.passages], dtype=object)
        self.first = np.array([(keys[p.speaker][1] or "") if p.speaker else "" for p in gen.passages], dtype=object)
        ids = gen.source_ids
        self.prev_same = np.zeros(n, dtype=bool)
        self.next_same = np.zeros(n, dtype=bool)
        if n:
            self.prev_same[1:] = ids[1:] == ids[:-1]
            self.next_same[:-1] = ids[:-1] == ids[1:]
        self.document_starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if n else np.zeros(0, dtype=np.int64)
        # Document centroids: the mean passage vector of each document, normalised.
        docs = int(ids.max()) + 1 if n else 0
        centroids = np.zeros((docs, gen.embeddings.shape[1] if n else 0), dtype=np.float32)
        if n:
            np.add.at(centroids, ids, gen.embeddings)
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
        self.centroids = centroids
        self._own_terms = None
        self._role_terms = None

    def own_terms(self, gen: Generation):
        """(passages x vocabulary) presence of each stemmed term in the passage's own words (no title, no speaker).

        BM25 indexes the embedding text, where the title repeats in every passage of a document; in a long
        transcript that makes every passage look equally on topic. Built once per generation (see `prepare`)."""
        if self._own_terms is None:
            self._own_terms = _presence(gen, [p.text for p in gen.passages])
        return self._own_terms

    def role_terms(self, gen: Generation):
        """(passages x vocabulary) presence of each stemmed term in how the passage's speaker is introduced."""
        if self._role_terms is None:
            self._role_terms = _presence(gen, [p.role for p in gen.passages])
        return self._role_terms


def _presence(gen: Generation, texts: list[str]):
    from scipy.sparse import csr_matrix

    tok = gen.bm25.tokenizer
    ids = tok.tokenize(texts, update_vocab=False, show_progress=False, return_as="ids")
    indptr = np.cumsum([0] + [len(x) for x in ids])
    cols = np.fromiter((i for x in ids for i in x), dtype=np.int64, count=int(indptr[-1]))
    size = max(len(tok.get_vocab_dict()), int(cols.max()) + 1 if len(cols) else 1)
    matrix = csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(len(ids), size))
    matrix.data[:] = 1.0
    return matrix.tocsc()  # read by column: a query's few terms


def _term_ids(gen: Generation, text: str) -> list[int]:
    """Vocabulary ids of the text's known stems; bm25s maps unknown words and empty texts to the "" token."""
    tok = gen.bm25.tokenizer
    empty = tok.get_vocab_dict().get("")
    ids = tok.tokenize([text], update_vocab=False, show_progress=False, return_as="ids")[0]
    return sorted({i for i in ids if i != empty})


def prepare(gen: Generation) -> None:
    """Build what searching this generation needs before it answers its first question."""
    derived = _derived(gen)
    if gen.passages:
        derived.own_terms(gen)
        derived.role_terms(gen)


def _derived(gen: Generation) -> _Derived:
    cached = gen.__dict__.get("_search_derived")
    if cached is None:
        cached = _Derived(gen)
        gen.__dict__["_search_derived"] = cached
    return cached


@dataclass
class _Candidate:
    row: int
    relevance: float
    score: float


def search(gen: Generation, embedder, question: str, top: int = 3, params: SearchParams = SearchParams()) -> Answer:
    question = " ".join((question or "").split())
    if not question:
        raise EmptyQuestion("the question is empty; ask something like: what did Vance say about discipline?")
    if not gen.passages:
        return Answer(question, True, [], parse_question(question).speaker)
    derived = _derived(gen)
    parsed = parse_question(question, gen.speaker_surnames, derived.person_surnames)

    query_vector = embedder.encode_query(query_text(parsed) if params.query_text == "unnamed" else question)
    term_scores = _term_scores(gen, topic_text(parsed))
    lexical_scores = term_scores.sum(axis=0) if len(term_scores) else np.zeros(len(gen.passages), dtype=np.float32)

    rows = set(_dense_rows(gen, query_vector, params.dense_k))
    if lexical_scores.any():
        k = min(params.lexical_k, len(lexical_scores))
        rows.update(np.argpartition(-lexical_scores, k - 1)[:k].tolist())
    speaker_rows = gen.rows_of_speaker.get(parsed.speaker_key) if parsed.speaker_key else None
    if speaker_rows is not None:
        rows.update(speaker_rows.tolist())
    role_match = _role_match(gen, derived, parsed.role) if parsed.role and params.role_weight else None
    if role_match is not None:
        fitting = np.flatnonzero(role_match >= 0.5)
        if len(fitting) <= params.role_rows:
            rows.update(fitting.tolist())
    if params.answer_after_question:
        rows.update([r + 1 for r in rows if derived.asks[r] and derived.next_same[r]])
    candidates = np.fromiter(rows, dtype=np.int64, count=len(rows))

    dense = gen.embeddings[candidates] @ query_vector
    best_lexical = float(lexical_scores.max())
    lexical = lexical_scores[candidates] / best_lexical if best_lexical > 0 else np.zeros(len(candidates))
    coverage = _coverage(term_scores, candidates, derived)
    own = _own_coverage(gen, derived, topic_text(parsed), candidates) if params.own_weight or params.short_weight else 0.0
    context = _context_scores(gen, derived, candidates, query_vector)
    document = derived.centroids[gen.source_ids[candidates]] @ query_vector

    doc_coverage = _document_coverage(gen, term_scores, candidates)
    relevance = dense + params.abstain_coverage_weight * coverage + params.abstain_document_weight * doc_coverage
    if params.fusion == "rrf":
        score = sum(
            1.0 / (params.rrf_k + _ranks(values))
            for values in (dense, lexical, context, document)
        ) * 30.0 + params.coverage_weight * coverage
    else:
        score = (
            dense
            + params.lexical_weight * lexical
            + params.coverage_weight * coverage
            + params.context_weight * context
            + params.document_weight * document
            + params.own_weight * own
        )
    if params.short_weight:
        # A short line with none of the topic's words borrows its whole score from the title and its
        # neighbours: "Thank you all for coming. (Applause.)", "And we'll do a job." A short line that
        # holds a topic word, and any longer passage, is left alone (paraphrases share few words).
        shortness = np.clip(1.0 - derived.lengths[candidates] / params.short_chars, 0.0, 1.0)
        score = score - params.short_weight * shortness * (own <= 0)

    if role_match is not None:
        score = score + params.role_weight * role_match[candidates]
    if parsed.asks_reason:
        score = score + params.reason_bonus * derived.gives_reason[candidates]
    modes = derived.modes[candidates]
    score = score + np.where(modes > 0, params.statement_bonus, 0.0) + np.where(modes == 2, params.direct_bonus, 0.0)
    if params.answer_after_question:
        # Before the speaker bonus: an interviewer's question hands its topical standing to the answer.
        score, relevance = _answers_first(gen, derived, candidates, score, relevance)
    asked = _speaker_matches(derived, candidates, parsed)
    if parsed.speaker_key:
        score = score + params.speaker_bonus * asked

    if params.own_words_margin:
        score = _own_words_first(gen, candidates, modes, score, params.own_words_margin)
    order = np.argsort(-score)
    best = [_Candidate(int(candidates[i]), float(relevance[i]), float(score[i])) for i in order[: max(top * 8, 24)]]
    if parsed.speaker_key:
        # Only the asked speaker's statements answer "what did X say"; never attribute to someone else.
        best = [c for c, i in zip(best, order) if asked[i] > 0]
    else:
        best = [c for c in best if not derived.interviewer[c.row]]  # an interviewer asks; the answer is the quote
    if best and best[0].relevance < params.abstain_below:
        # Among one speaker's many turns the ranking is close: rather than abstain on a lead that is off
        # the topic, take a nearly-as-high passage that is plainly on it.
        on_topic = [c for c in best if c.relevance >= params.abstain_below + params.lead_margin and c.score >= best[0].score - params.lead_window]
        if on_topic:
            best.remove(on_topic[0])
            best.insert(0, on_topic[0])
    lead = best[0] if best else None
    # Half the subject's words, or a full name in it, never occur in the corpus: nothing here is about it.
    unknown = gen.bm25.unknown_share(subject_text(parsed)) >= params.abstain_unknown_share or _unknown_name(gen, topic_text(parsed))
    if lead is None or lead.relevance < params.abstain_below or unknown:
        shown = [_Candidate(int(candidates[i]), float(relevance[i]), float(score[i])) for i in order[:10]]
        return Answer(question, True, [], parsed.speaker, nearest_topics=_nearest_titles(gen, shown))
    quotes = _select_quotes(gen, derived, best, parsed, top, params)
    return Answer(question, False, quotes, parsed.speaker)


def _unknown_name(gen: Generation, topic: str) -> bool:
    """A full name that no passage mentions ("Brett Kavanaugh", "Puerto Rico"): nothing here is about it.
    One unknown capitalised word is not enough: a paraphrase says "the Kremlin" for Putin."""
    words = [re.sub(r"(?:'s|’s)$", "", w) for w in re.findall(r"[\w'’-]+", topic)]
    return any(
        a[:1].isupper() and b[:1].isupper() and not gen.bm25.knows_word(a) and not gen.bm25.knows_word(b)
        for a, b in zip(words, words[1:])
    )


def _own_words_first(gen: Generation, candidates: np.ndarray, modes: np.ndarray, score: np.ndarray, margin: float) -> np.ndarray:
    """Rank a speaker's own words above the article's report of them, when they are about as relevant.

    "Mr Straw said the move would save £6m" is the reporter's summary; the quote a user wants is what
    Mr Straw said, if the same article has it and it is nearly as close to the question."""
    def key(i):
        return int(gen.source_ids[candidates[i]]), gen.passages[candidates[i]].speaker

    best_direct: dict[tuple[int, str | None], int] = {}
    for i in np.flatnonzero(modes == 2):
        j = best_direct.get(key(i))
        if j is None or score[i] > score[j]:
            best_direct[key(i)] = i
    score = score.copy()
    for i in sorted(np.flatnonzero(modes == 1), key=lambda i: -score[i]):
        j = best_direct.get(key(i))
        if j is not None and score[i] > score[j] >= score[i] - margin:
            score[i], score[j] = score[j], score[i]  # the own words take the report's place
    return score


def _asks(text: str) -> bool:
    return text.rstrip().rstrip("\"”’')").endswith("?")


def _answers_first(
    gen: Generation, derived: _Derived, candidates: np.ndarray, score: np.ndarray, relevance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A question in the text (an interviewer's turn, or a speaker's rhetorical "People say, why not
    amnesty?") repeats the words a user asks with; the answer is the next passage. It takes the
    question's place, and its relevance: it is on the topic because it answers that question."""
    questions = np.flatnonzero(derived.asks[candidates])
    if not len(questions):
        return score, relevance
    position = {int(row): i for i, row in enumerate(candidates)}
    score, relevance = score.copy(), relevance.copy()
    for i in sorted(questions, key=lambda i: -score[i]):
        row = int(candidates[i])
        j = position.get(row + 1)
        if j is None or not derived.next_same[row] or derived.asks[row + 1]:
            continue
        answer = gen.passages[row + 1]
        if answer.mode == "direct" and answer.speaker and score[i] > score[j]:
            score[i], score[j] = score[j], score[i]
            relevance[j] = max(relevance[j], relevance[i])
    return score, relevance


def _ranks(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[np.argsort(-values)] = np.arange(1, len(values) + 1)
    return ranks


def _term_scores(gen: Generation, topic: str) -> np.ndarray:
    """BM25 score of every passage for each distinct topic term: shape (terms, passages)."""
    terms = list(dict.fromkeys(gen.bm25.query_terms(topic)))
    if not terms:
        return np.zeros((0, len(gen.passages)), dtype=np.float32)
    return np.vstack([gen.bm25.scores([t]) for t in terms]).astype(np.float32)


def _coverage(term_scores: np.ndarray, candidates: np.ndarray, derived: _Derived) -> np.ndarray:
    """Share of the topic's IDF mass present in each candidate passage or its same-document neighbours."""
    if not len(term_scores):
        return np.zeros(len(candidates))
    present = term_scores > 0
    n = present.shape[1]
    df = present.sum(axis=1)
    idf = np.log((n + 1) / (df + 0.5))
    idf = np.where(df > 0, idf, 0.0)  # terms absent from the corpus say nothing either way
    if idf.sum() <= 0:
        return np.zeros(len(candidates))
    here = present[:, candidates]
    prev = present[:, np.clip(candidates - 1, 0, n - 1)] & derived.prev_same[candidates]
    nxt = present[:, np.clip(candidates + 1, 0, n - 1)] & derived.next_same[candidates]
    window = here | prev | nxt
    return (idf @ window) / idf.sum()


def _own_coverage(gen: Generation, derived: _Derived, topic: str, candidates: np.ndarray) -> np.ndarray:
    share = _idf_share(derived.own_terms(gen), _term_ids(gen, topic))
    return share[candidates] if share is not None and len(candidates) else np.zeros(len(candidates))


def _role_match(gen: Generation, derived: _Derived, role: str) -> np.ndarray | None:
    """Per passage, the IDF-weighted share of the asked role's words in how its speaker is introduced."""
    return _idf_share(derived.role_terms(gen), _term_ids(gen, role))


def _idf_share(matrix, ids: list[int]) -> np.ndarray | None:
    """Per row of a (passages x vocabulary) presence matrix, the IDF-weighted share of the terms `ids` it holds;
    None when no term occurs in any row."""
    ids = [i for i in ids if i < matrix.shape[1]]
    if not ids:
        return None
    columns = matrix[:, ids]
    df = np.asarray(columns.sum(axis=0)).ravel()
    idf = np.where(df > 0, np.log((matrix.shape[0] + 1) / (df + 0.5)), 0.0)
    if idf.sum() <= 0:
        return None
    return np.asarray(columns @ idf).ravel() / idf.sum()


def _document_coverage(gen: Generation, term_scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Share of the topic's IDF mass present anywhere in each candidate's document.

    A topic absent from a document is not answered there, however close the wording."""
    if not len(term_scores) or not len(candidates):
        return np.zeros(len(candidates))
    present = term_scores > 0
    df = present.sum(axis=1)
    idf = np.where(df > 0, np.log((present.shape[1] + 1) / (df + 0.5)), 0.0)
    if idf.sum() <= 0:
        return np.zeros(len(candidates))
    starts = _derived(gen).document_starts
    in_document = np.logical_or.reduceat(present, starts, axis=1)  # (terms, documents)
    return (idf @ in_document[:, gen.source_ids[candidates]]) / idf.sum()


def _dense_rows(gen: Generation, query_vector: np.ndarray, k: int) -> list[int]:
    k = min(k, len(gen.passages))
    result = gen.collection.query(query_embeddings=[query_vector.tolist()], n_results=k, include=[])
    return [gen.row_of_id[i] for i in result["ids"][0] if i in gen.row_of_id]


def _context_scores(gen: Generation, derived: _Derived, candidates: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
    """Mean similarity of the neighbouring passages in the same document (a missing neighbour counts as the passage)."""
    n = len(gen.passages)
    own = gen.embeddings[candidates] @ query_vector
    prev = gen.embeddings[np.clip(candidates - 1, 0, n - 1)] @ query_vector
    nxt = gen.embeddings[np.clip(candidates + 1, 0, n - 1)] @ query_vector
    prev = np.where(derived.prev_same[candidates], prev, own)
    nxt = np.where(derived.next_same[candidates], nxt, own)
    return (prev + nxt) / 2


def _speaker_matches(derived: _Derived, candidates: np.ndarray, parsed: ParsedQuestion) -> np.ndarray:
    if not parsed.speaker_key:
        return np.zeros(len(candidates))
    surname_ok = derived.surname[candidates] == parsed.speaker_key
    if parsed.first_name:
        first = derived.first[candidates]
        # Another person with the same surname does not count; a name given without a first name does.
        surname_ok &= (first == "") | (first == parsed.first_name)
    return surname_ok.astype(np.float64)


def _select_quotes(gen: Generation, derived: _Derived, best: list[_Candidate], parsed, top, params) -> list[Quote]:
    query_terms = _terms(topic_text(parsed))
    quotes: list[Quote] = []
    seen: list[set[str]] = []
    for cand in best:
        if len(quotes) >= top:
            break
        if cand.relevance < params.abstain_below - params.secondary_margin:
            continue
        passage = gen.passages[cand.row]
        doc = gen.documents[passage.source]
        start, end = _smallest_span(doc.text, passage, query_terms, params.max_quote_chars)
        start, end = _with_own_words(gen, derived, cand.row, start, end, params.max_quote_chars)
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


def _with_own_words(gen: Generation, derived: _Derived, row: int, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """A report of what someone said, followed by their own words: quote both, when short enough."""
    if derived.modes[row] == 2 or not derived.next_same[row]:
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
