"""What the ranker sees: the candidate passages for one question, each described by a row of numbers.

One question costs one query embedding, one Chroma query, one BM25 scoring per topic term and
numpy over the candidates. What depends only on the generation (modes, neighbour windows, document
centroids, presence matrices) is computed once per generation (`prepare`) and cached on it.

The same function serves a live question and `policybot tune`, which stores its output on disk so
that fitting and cross-validation never embed again; a change here is one re-run of `tune` away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from .attribution import is_interviewer, is_labelled_transcript
from .index import Generation
from .query import (
    OFFICE_CHANGERS,
    PARTIES,
    ParsedQuestion,
    asks_for_a_body,
    core_query_text,
    describes_one_person,
    given_names,
    mend_office_words,
    name_key,
    named_dates,
    names_another_office,
    office_heads,
    parse_question,
    person_like,
    place_qualifiers,
    query_text,
    role_variants,
    same_first_name,
    speaks_as_office_of,
    speaks_for_someone,
    subject_text,
    topic_text,
)

# Per candidate passage. The ranker's params name the ones it keeps; the rest are not computed into its score.
FEATURES: tuple[str, ...] = (
    "dense",  # the passage's cosine similarity to the question (asked speaker's name and the occasion removed)
    "dense_gap",  # dense minus the best dense among this question's candidates
    "speech_gap",  # in a transcript, dense minus the best dense of any passage of the same transcript (0 in news)
    "window1",  # the question against the passage with its same-document neighbours, one each side
    "window3",  # ... three each side: roughly a 1,000-character chunk around the passage
    "paragraph",  # ... its whole paragraph
    "paragraph_transcript",  # ... again, in a transcript: a speech's paragraphs weigh otherwise than a news report's
    "document",  # ... the document's centroid
    "lexical",  # BM25 over the topic words, over the best BM25 of the question
    "coverage",  # share of the topic's IDF mass in the passage or a neighbour
    "own_coverage",  # share of the topic's IDF mass in the passage's own words (no title or speaker)
    "doc_coverage",  # share of the topic's IDF mass anywhere in the document
    "short_off_topic",  # shortness (1 at 0 chars, 0 from 120) of a passage holding no topic word
    "log_length",
    "role",  # share of an asked role's words in how the document introduces the passage's speaker
    "reason",  # a why-question and a passage that gives a reason ("because", "so that")
    "modal_transcript",  # in a speech or an interview, a passage that commits or obliges ("we will", "must", "cannot")
    "statement",  # someone's words, direct or reported, rather than narration
    "direct",  # the speaker's own words
    "speaker",  # the passage's speaker is the asked person (asked by role: introduced with all of the role's words)
    "names_asked",  # the passage is not the asked person's but its text names them (attribution may have missed it)
    "asks",  # the passage is itself a question
    "interviewer",  # the passage's speaker is an interviewer
    "after_question",  # the passage answers a question just before it (see Derived.answered): that question's similarity
    "unattributed",
)

# Per question, for abstention: does anything here answer it at all?
QUESTION_FEATURES: tuple[str, ...] = (
    "top_score",  # the ranker's score of its best answer (filled in by the ranker)
    "top_dense",  # dense of that answer
    "top_window3",
    "top_coverage",
    "max_dense",  # the best dense of any candidate
    "max_coverage",
    "unknown_share",  # share of the subject's words that occur in no passage
    "unknown_name",  # a full name in the topic that no passage mentions
    "speaker_asked",  # a person is named...
    "speaker_unknown",  # ...whom no passage is attributed to
    "speaker_mentioned",  # ...whose surname occurs somewhere in the corpus (1 when nobody is asked)
    "no_candidate",  # the asked person has no statement at all
    "speaker_topic",  # share of the topic's IDF mass anywhere in the asked person's statements (1 when nobody is asked)
    "top_own_coverage",  # the best answer's share of the topic in its own words
    "max_doc_coverage",  # the best share of the topic in any candidate's document
    "top_dense_gap",  # max_dense minus top_dense: how much closer a match the speaker filter or a hand-over passed by
)

_QUOTE_MARK = re.compile("[\"“”]")

# Connectives that state a reason or a purpose: what a "why" question asks for.
_REASON = re.compile(
    r"\b(?:because|so that|in order to|the reason|that's why|that is why|due to|owing to|otherwise|"
    r"which means|that means|means that)\b",
    re.I,
)
# What a speaker will, must or cannot do. In a speech, where every passage is the speaker's own words on the
# occasion's subject, it tells a policy stated from the story told around it. In a news report, whose narration
# too says what the government "will" do, it did not help the cross-validated figure, so it counts in transcripts only.
_MODAL = re.compile(r"\b(?:will|won[’']t|shall|must|cannot|can[’']t|going to)\b", re.I)
_MODE_CODE = {"none": 0, "reported": 1, "direct": 2}
SHORT_CHARS = 120  # below this, a passage without a topic word borrows its standing from its title and neighbours
# A body's name in capitals (HACAN, CBI); a member's rank (MEP, MSP) names no one body.
_ACRONYM = re.compile(r"\b(?!(?:MEP|MSP|MLA)s?\b)[A-Z]{3,}(?=\b|['’]s\b)")
HEADLESS_ROLE = 0.5  # the share of an asked role kept by an introduction without the office's kind (see _role_match)
ROLE_BEST_MIN = 0.5  # with no introduction holding all of an asked role, the least the best must hold (see _role_bar)


@dataclass(frozen=True)
class CandidateSet:
    """One question's candidates: passage rows, a (rows x FEATURES) matrix, and the question's own features.

    `speaker_match` marks the asked person's statements (all False when nobody is asked); `dated` the passages
    of documents dated as the question names ("in October 2011"; all False when it names no date)."""

    question: str
    parsed: ParsedQuestion
    rows: np.ndarray
    features: np.ndarray
    question_features: np.ndarray
    speaker_match: np.ndarray
    dated: np.ndarray


class Derived:
    """Arrays that depend only on the generation, computed once per generation."""

    def __init__(self, gen: Generation):
        n = len(gen.passages)
        self.modes = np.fromiter((_MODE_CODE[p.mode] for p in gen.passages), dtype=np.int8, count=n)
        self.gives_reason = np.fromiter((bool(_REASON.search(p.text)) for p in gen.passages), dtype=bool, count=n)
        self.asks = np.fromiter((asks(p.text) for p in gen.passages), dtype=bool, count=n)
        self.modal = np.fromiter((bool(_MODAL.search(p.text)) for p in gen.passages), dtype=bool, count=n)
        # A speech or an interview, as opposed to a news report (see "paragraph_transcript").
        spoken = {source: doc.speaker is not None or is_labelled_transcript(doc.text) for source, doc in gen.documents.items()}
        self.transcript = np.fromiter((spoken[p.source] for p in gen.passages), dtype=bool, count=n)
        self.interviewer = np.fromiter((is_interviewer(p.speaker) for p in gen.passages), dtype=bool, count=n)
        self.lengths = np.fromiter((p.end - p.start for p in gen.passages), dtype=np.float64, count=n)
        self.published = np.array([gen.documents[p.source].published or "" for p in gen.passages], dtype=str)
        names = {p.speaker for p in gen.passages if p.speaker}
        keys = {name: name_key(name) for name in names}
        givens = {name: given_names(name) for name in names}
        titled = _titled_words(gen, {name for name in names if len(name.split()) == 1})
        self.person_surnames = frozenset(keys[name][0] for name in names if keys[name][0] and (person_like(name) or name in titled))
        # surname -> the first names it is known with, for finding a casually typed name ("chris fox").
        self.first_names: dict[str, frozenset[str]] = {}
        for name in names:
            surname = keys[name][0]
            if surname and person_like(name):
                self.first_names[surname] = self.first_names.get(surname, frozenset()) | givens[name]
        # Each introduction and the passages it introduces: whether it names another office than an asked one (see _role_match).
        by_introduction: dict[str, list[int]] = {}
        for i, p in enumerate(gen.passages):
            if p.role:
                by_introduction.setdefault(p.role, []).append(i)
        self.introductions = {role: np.array(rows) for role, rows in by_introduction.items()}
        self.speaks_for = np.fromiter((speaks_for_someone(p.role) or speaks_for_someone(p.speaker) for p in gen.passages), dtype=bool, count=n)
        self.surname = np.array([keys[p.speaker][0] if p.speaker else "" for p in gen.passages], dtype=object)
        self.givens = np.array([givens[p.speaker] if p.speaker else frozenset() for p in gen.passages], dtype=object)
        ids = gen.source_ids
        self.prev_same = np.zeros(n, dtype=bool)
        self.next_same = np.zeros(n, dtype=bool)
        if n:
            self.prev_same[1:] = ids[1:] == ids[:-1]
            self.next_same[:-1] = ids[:-1] == ids[1:]
        # A question the next passage answers: an interviewer's or a transcript turn's, the narration's ("Was
        # it worth it?"), or the speaker's own, answered in their next words. A named person's rhetorical
        # question in quotation marks, followed by someone else's words, is that person's statement.
        self.answered = np.zeros(n, dtype=bool)
        if n:
            speakers = [p.speaker for p in gen.passages]
            self.answered[:-1] = self.asks[:-1] & self.next_same[:-1] & np.fromiter(
                (self.interviewer[r] or not speakers[r] or speakers[r] == speakers[r + 1] or not _QUOTE_MARK.search(gen.passages[r].text)
                 for r in range(n - 1)), dtype=bool, count=n - 1
            )
        self.document_starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if n else np.zeros(0, dtype=np.int64)
        dim = gen.embeddings.shape[1] if n else 0
        docs = int(ids.max()) + 1 if n else 0
        self.centroids = _normalised(_group_sum(gen.embeddings, ids, docs, dim)) if n else np.zeros((0, dim), np.float32)
        self.window1 = _normalised(_window_sum(gen.embeddings, ids, 1)) if n else np.zeros((0, dim), np.float32)
        self.window3 = _normalised(_window_sum(gen.embeddings, ids, 3)) if n else np.zeros((0, dim), np.float32)
        paragraph_keys = [(p.source, p.paragraph) for p in gen.passages]
        number: dict[tuple[str, int], int] = {}
        self.paragraph_ids = np.fromiter((number.setdefault(k, len(number)) for k in paragraph_keys), dtype=np.int64, count=n)
        self.paragraphs = (
            _normalised(_group_sum(gen.embeddings, self.paragraph_ids, len(number), dim)) if n else np.zeros((0, dim), np.float32)
        )
        self._own_terms = None
        self._role_terms = None
        self._introduced = None
        self._lead_terms = None
        self._acronyms: frozenset[str] | None = None

    def own_terms(self, gen: Generation):
        """(passages x vocabulary) presence of each stemmed term in the passage's own words (no title, no speaker).

        BM25 indexes the embedding text, where the title repeats in every passage of a document; in a long
        transcript that makes every passage look equally on topic."""
        if self._own_terms is None:
            self._own_terms = _presence(gen, [p.text for p in gen.passages])
        return self._own_terms

    def introduced_terms(self, gen: Generation) -> np.ndarray:
        """Per vocabulary term, whether any speaker is introduced or labelled with it, or it stands in a statement
        no one is credited with ("...," the mayor said: an office the article never gave a name)."""
        if self._introduced is None:
            labels = _presence(gen, [p.speaker or "" for p in gen.passages])
            unnamed = _presence(gen, [p.text if p.mode != "none" and not p.speaker else "" for p in gen.passages])
            self._introduced = np.asarray((self.role_terms(gen) + labels + unnamed).sum(axis=0)).ravel() > 0
        return self._introduced

    def lead_terms(self, gen: Generation):
        """(documents x vocabulary) presence of each stemmed term in a document's title and first paragraph,
        where a report says where it happens; documents numbered as in `gen.source_ids`."""
        if self._lead_terms is None:
            leads = [doc.title or "" for doc in gen.documents.values()]
            for p, number in zip(gen.passages, gen.source_ids):
                if p.paragraph == 0:
                    leads[number] += " " + p.text
            self._lead_terms = _presence(gen, leads)
        return self._lead_terms

    def spelled_acronyms(self, gen: Generation) -> frozenset[str]:
        """The initials (lower case) of every name of three capitalised words or more that a document spells out
        ("London School of Economics": "lse"): a question may use the acronym the text never prints."""
        if self._acronyms is None:
            found = set()
            for doc in gen.documents.values():
                for match in _SPELLED_NAME.finditer(doc.text):
                    words = match.group().split()
                    while words and words[0].lower().rstrip(".") in _HONORIFIC_WORDS:
                        words = words[1:]  # "Mr Tony Blair" is no body's name
                    initials = "".join(w[0] for w in words if w[0].isupper())
                    if len(initials) >= 3:
                        found.add(initials.lower())
            self._acronyms = frozenset(found)
        return self._acronyms

    def role_terms(self, gen: Generation):
        """(passages x vocabulary) presence of each stemmed term in how the passage's speaker is introduced."""
        if self._role_terms is None:
            self._role_terms = _presence(gen, [p.role for p in gen.passages])
        return self._role_terms


_HONORIFIC_WORDS = frozenset("mr mrs ms dr sir lord lady dame".split())
# A name of capitalised words, joined by "of", "and", "for" or "the" ("Royal Society for the Protection of Birds").
_SPELLED_NAME = re.compile(r"[A-Z][a-z]+(?:[ \t]+(?:(?:of|and|for|the|on)[ \t]+)*[A-Z][a-z]+)+")


# A title before a capitalised word: "President Musharraf", "Dr. Birx", "Secretary Azar".
_TITLED = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|General|President|Secretary|Senator|Sen|Governor|Gov|Lord|Lady|Sir|Dame|Judge|Prof|"
    r"Professor|Minister|Chancellor|Rev)\.?[ \t]+([A-Z][\w'’-]+)"
)


def _titled_words(gen: Generation, labels: set[str]) -> set[str]:
    """Which one-word speaker labels ("Musharraf", "Birx") the corpus gives a person's title somewhere: a
    person, though the label alone does not say so, and a casually typed name may mean them."""
    if not labels:
        return set()
    return {w for p in gen.passages for w in _TITLED.findall(p.text) if w in labels}


def _dated(published: np.ndarray, dates: tuple[str, ...]) -> np.ndarray:
    """Whether each date starts with one of `dates` ("2011-10-21" with "2011-10" or "2011")."""
    found = np.zeros(len(published), dtype=bool)
    for date in dates:
        found |= np.char.startswith(published, date)
    return found


def _group_sum(vectors: np.ndarray, groups: np.ndarray, count: int, dim: int) -> np.ndarray:
    out = np.zeros((count, dim), dtype=np.float32)
    np.add.at(out, groups, vectors)
    return out[groups]


def _window_sum(vectors: np.ndarray, ids: np.ndarray, radius: int) -> np.ndarray:
    """Each passage's vector plus those of up to `radius` neighbours each side in the same document."""
    out = vectors.astype(np.float32).copy()
    n = len(vectors)
    for shift in range(1, radius + 1):
        same = ids[shift:] == ids[:-shift]
        out[shift:] += np.where(same[:, None], vectors[:-shift], 0.0)
        out[:-shift] += np.where(same[:, None], vectors[shift:], 0.0)
    return out[:n]


def _normalised(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)).astype(np.float32)


# "..., you know?", "..., right?": a lower-case tag after the last comma asks nothing that the next words
# answer ("..., Mr Reade?" names whom a real question is put to).
_TAG_QUESTION = re.compile(r"[,—–-]\s*(?!(?:\S+\s+){0,2}(?:why|what|how|who|when|where|which)\b)(?:[a-z][\w'’]*\s+){0,2}[a-z][\w'’]*\?$")


def asks(text: str) -> bool:
    """The passage ends by asking something (not with a tag question)."""
    end = text.rstrip().rstrip("\"”’')")
    return end.endswith("?") and not _TAG_QUESTION.search(end)


def _presence(gen: Generation, texts: list[str]):
    from scipy.sparse import csr_matrix

    tok = gen.bm25.tokenizer
    # Each term once per text: a word said three times is still one word of the topic, not three.
    ids = [sorted(set(x)) for x in tok.tokenize(texts, update_vocab=False, show_progress=False, return_as="ids")]
    indptr = np.cumsum([0] + [len(x) for x in ids])
    cols = np.fromiter((i for x in ids for i in x), dtype=np.int64, count=int(indptr[-1]))
    size = max(len(tok.get_vocab_dict()), int(cols.max()) + 1 if len(cols) else 1)
    matrix = csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(len(ids), size))
    return matrix.tocsc()  # read by column: a question's few terms


def derived(gen: Generation) -> Derived:
    cached = gen.__dict__.get("_features_derived")
    if cached is None:
        cached = Derived(gen)
        gen.__dict__["_features_derived"] = cached
    return cached


def prepare(gen: Generation) -> None:
    """Build what searching this generation needs before it answers its first question."""
    built = derived(gen)
    if gen.passages:
        built.own_terms(gen)
        built.role_terms(gen)
        built.introduced_terms(gen)


def parse(gen: Generation, question: str) -> ParsedQuestion:
    built = derived(gen)
    question = mend_office_words(question, gen.bm25.knows_word)
    parsed = parse_question(question, gen.speaker_surnames, built.person_surnames, built.first_names)
    if describes_one_person(parsed) and not _introduced_as(gen, built, parsed.role):
        # "What did the pope say", "what did alan dunmore say": nobody in the corpus is introduced so. Asked as a
        # person the corpus does not know, nothing is theirs; else someone else's words would answer for them.
        surname, first = name_key(parsed.role)
        return replace(parsed, speaker=parsed.role, speaker_key=surname, first_name=first, role=None)
    return parsed


def _introduced_as(gen: Generation, built: Derived, role: str) -> bool:
    """Whether any speaker is introduced or labelled with a word of the role (in any of its wordings)."""
    introduced = built.introduced_terms(gen)
    return any(i < len(introduced) and introduced[i] for variant in role_variants(role) for i in _term_ids(gen, variant))


def candidates(gen: Generation, embedder, question: str, dense_k: int = 60, lexical_k: int = 60, role_rows: int = 300) -> CandidateSet:
    """The passages worth ranking for `question`, and their features (see FEATURES, QUESTION_FEATURES)."""
    built = derived(gen)
    parsed = parse(gen, question)
    query_vector = embedder.encode_query(query_text(parsed))
    core_vector = embedder.encode_query(core_query_text(parsed)) if parsed.core else query_vector
    topic = topic_text(parsed)
    term_scores = _term_scores(gen, topic)
    lexical_scores = term_scores.sum(axis=0) if len(term_scores) else np.zeros(len(gen.passages), dtype=np.float32)

    rows = set(gen.nearest(query_vector, dense_k))
    if lexical_scores.any():
        k = min(lexical_k, len(lexical_scores))
        rows.update(np.argpartition(-lexical_scores, k - 1)[:k].tolist())
    speaker_rows = gen.rows_of_speaker.get(parsed.speaker_key) if parsed.speaker_key else None
    if speaker_rows is not None:
        rows.update(speaker_rows.tolist())
    officers = _officers_of(built, parsed)
    rows.update(officers.tolist())
    role_match = _role_match(gen, built, parsed.role) if parsed.role else None
    if role_match is not None:
        fitting = np.flatnonzero(role_match >= 0.5)
        if len(fitting) <= role_rows:
            rows.update(fitting.tolist())
    rows.update([r + 1 for r in rows if built.answered[r]])  # the answer to a question in the text
    c = np.fromiter(sorted(rows), dtype=np.int64, count=len(rows))
    n = len(gen.passages)

    similarity = gen.embeddings @ core_vector
    dense = similarity[c]
    # Inside one speech every passage is the same speaker on the occasion's subject, so how far a passage
    # stands from the speech's own best match tells the answer from the story around it better than its
    # distance from the best of every document does.
    best_in_document = np.maximum.reduceat(similarity, built.document_starts) if n else np.zeros(0)
    best_lexical = float(lexical_scores.max()) if len(lexical_scores) else 0.0
    lexical = lexical_scores[c] / best_lexical if best_lexical > 0 else np.zeros(len(c))
    coverage = _coverage(term_scores, c, built)
    own_share = _idf_share(built.own_terms(gen), _term_ids(gen, topic))
    own = own_share[c] if own_share is not None else np.zeros(len(c))
    shortness = np.clip(1.0 - built.lengths[c] / SHORT_CHARS, 0.0, 1.0)
    modes = built.modes[c]
    match = np.maximum(_speaker_matches(built, c, parsed), np.isin(c, officers))
    prev = np.clip(c - 1, 0, max(n - 1, 0))
    prev_asks = built.answered[prev] & built.prev_same[c]
    paragraph = built.paragraphs[c] @ query_vector
    columns = {
        "dense": dense,
        "dense_gap": dense - (dense.max() if len(dense) else 0.0),
        "speech_gap": (dense - best_in_document[gen.source_ids[c]]) * built.transcript[c],
        "window1": built.window1[c] @ query_vector,
        "window3": built.window3[c] @ query_vector,
        "paragraph": paragraph,
        "paragraph_transcript": paragraph * built.transcript[c],
        "document": built.centroids[c] @ query_vector,
        "lexical": lexical,
        "coverage": coverage,
        "own_coverage": own,
        "doc_coverage": _document_coverage(gen, built, term_scores, c),
        "short_off_topic": shortness * (own <= 0),
        "log_length": np.log1p(built.lengths[c]),
        "role": role_match[c] if role_match is not None else np.zeros(len(c)),
        "reason": built.gives_reason[c] * float(parsed.asks_reason),
        "modal_transcript": built.modal[c] & built.transcript[c],
        "statement": modes > 0,
        "direct": modes == 2,
        # Asked by role alone, a passage whose speaker the article introduces with every word of it is the asked person's.
        "speaker": match if role_match is None or parsed.speaker_key else np.maximum(match, role_match[c] >= _role_bar(role_match)),
        "names_asked": _names_asked(gen, built, c, parsed) * (1 - match),
        "asks": built.asks[c],
        "interviewer": built.interviewer[c],
        "after_question": np.where(prev_asks, gen.embeddings[prev] @ query_vector, 0.0),
        "unattributed": built.surname[c] == "",
    }
    features = np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in FEATURES]) if len(c) else np.zeros((0, len(FEATURES)))
    asked_known = speaker_rows is not None
    per_question = np.array(
        [
            0.0,  # top_score: the ranker's
            0.0,  # top_dense
            0.0,  # top_window3
            0.0,  # top_coverage
            float(dense.max()) if len(c) else 0.0,
            float(coverage.max()) if len(c) else 0.0,
            gen.bm25.unknown_share(subject_text(parsed), built.spelled_acronyms(gen)),
            float(unknown_name(gen, topic)),
            float(bool(parsed.speaker_key)),
            float(bool(parsed.speaker_key) and not asked_known),
            float(gen.bm25.knows_word(parsed.speaker_key)) if parsed.speaker_key else 1.0,
            float(bool(parsed.speaker_key) and not match.any()),
            _speaker_topic(built.own_terms(gen), speaker_rows, _term_ids(gen, topic)) if parsed.speaker_key else 1.0,
            0.0,  # top_own_coverage: the ranker's
            float(columns["doc_coverage"].max()) if len(c) else 0.0,
            0.0,  # top_dense_gap: the ranker's
        ]
    )
    return CandidateSet(question, parsed, c, features, per_question, match.astype(bool), _dated(built.published[c], named_dates(parsed.text)))


def _role_match(gen: Generation, built: Derived, role: str) -> np.ndarray | None:
    """Per passage, the best share of the asked role's words (in any of its wordings) in how its speaker is introduced;
    none when the introduction names another office ("shadow chancellor" for "the chancellor") or someone speaking
    for the office's holder."""
    where = _place_credit(gen, built, place_qualifiers(role))
    introduced = built.role_terms(gen)
    shares = []
    for variant in role_variants(role):
        ids = _term_ids(gen, variant)
        share = _idf_share(introduced, ids, where)
        if share is not None:
            # Part of a role, without its rarest word, is the same kind of office elsewhere: "chief executive of a
            # health board" for "the head of the Catholic Church", "a campaign group" for "the travellers' one".
            shares.append(np.where((share < 1.0) & ~_holds_rarest(introduced, ids), share * HEADLESS_ROLE, share))
    if not shares:
        return None
    other = np.zeros(len(gen.passages), dtype=bool)
    headless = np.zeros(len(gen.passages), dtype=bool)
    asked = re.findall(r"[a-z]+", role.lower())  # the words names_another_office reads
    stems = {w[:5] for w in asked}
    asked_changes = any(w in OFFICE_CHANGERS for w in asked)
    heads = {w[:5] for w in office_heads(role)}
    acronyms = {w.lower() for w in _ACRONYM.findall(role)} - PARTIES  # "SNP leader": parties are often spelled out
    unnamed_body = np.zeros(len(gen.passages), dtype=bool)
    for introduced, rows in built.introductions.items():
        # Each introduction judged once; only one sharing a word with the role, and with an office-changing word on
        # one side or the other, can name another office of it.
        words = re.findall(r"[a-z]+", introduced)
        shared = any(w[:5] in stems for w in words)
        if shared and (asked_changes or any(w in OFFICE_CHANGERS for w in introduced.split())) and names_another_office(introduced, role):
            other[rows] = True
        # Introduced without the office's kind ("the rights committee" for "the chair of the rights committee"):
        # the words of where it is held, not the office.
        if heads and not any(w[:5] in heads for w in words):
            headless[rows] = True
        # A body asked by its acronym ("the head of HACAN"): an introduction without it is another body's office,
        # however many of the description's words ("anti-noise group") it shares.
        if acronyms and not acronyms & set(words):
            unnamed_body[rows] = True
    if not asks_for_a_body(role):
        other |= built.speaks_for
    share = np.where(other, 0.0, np.max(shares, axis=0))
    share[headless] *= HEADLESS_ROLE
    share[unnamed_body] *= HEADLESS_ROLE
    return share


def _role_bar(role_match: np.ndarray) -> float:
    """How much of an asked role an introduction must hold to be taken as the asked person's: all of it, or,
    when no introduction holds it all ("the head of the anti-noise group HACAN" for "HACAN chairman"), the
    most any introduction holds, if that is at least half."""
    best = float(role_match.max()) if len(role_match) else 0.0
    return 1.0 if best >= 1.0 or best < ROLE_BEST_MIN else best - 1e-9


def _place_credit(gen: Generation, built: Derived, places: dict[str, tuple[str, ...]]) -> dict[int, np.ndarray]:
    """Per place word of an asked role ("Welsh culture minister"), the passages introduced with another of the
    role's words in a report whose title or first paragraph names the place, and which introduces nobody with
    it: there the place goes without saying. A place named only in passing ("in England and Wales") is not
    where the report happens; where someone is introduced with it ("Welsh Tory leader"), it tells the
    speakers apart."""
    credit: dict[int, np.ndarray] = {}
    if not places or not len(gen.passages):
        return credit
    lead = built.lead_terms(gen)
    introduced = built.role_terms(gen)
    for asked, spellings in places.items():
        forms = [t for t in _term_ids(gen, " ".join(spellings)) if t < lead.shape[1] and t < introduced.shape[1]]
        if not forms:
            continue
        named = np.asarray(lead[:, forms].sum(axis=1)).ravel() > 0
        taken = np.zeros(len(named), dtype=bool)
        taken[gen.source_ids[np.asarray(introduced[:, forms].sum(axis=1)).ravel() > 0]] = True
        for term in _term_ids(gen, asked):
            credit[term] = (named & ~taken)[gen.source_ids]
    return credit


def _speaker_topic(own_terms, speaker_rows: np.ndarray | None, ids: list[int]) -> float:
    """Share of the topic's IDF mass (over the whole corpus) that the person's own statements contain."""
    ids = [i for i in ids if i < own_terms.shape[1]]
    if speaker_rows is None or not len(speaker_rows) or not ids:
        return 0.0
    columns = own_terms[:, ids]
    df = np.asarray(columns.sum(axis=0)).ravel()
    idf = np.where(df > 0, np.log((own_terms.shape[0] + 1) / (df + 0.5)), 0.0)
    if idf.sum() <= 0:
        return 0.0
    said = np.asarray(columns[speaker_rows].sum(axis=0)).ravel() > 0
    return float(idf @ said / idf.sum())


def unknown_name(gen: Generation, topic: str) -> bool:
    """A full name that no passage mentions ("Brett Kavanaugh", "Port Esperanza"): nothing here is about it.
    One unknown capitalised word is not enough: a paraphrase says "the Kremlin" for Putin."""
    words = [re.sub(r"(?:'s|’s)$", "", w) for w in re.findall(r"[\w'’-]+", topic)]
    return any(
        a[:1].isupper() and b[:1].isupper() and not gen.bm25.knows_word(a) and not gen.bm25.knows_word(b)
        for a, b in zip(words, words[1:])
    )


def _names_asked(gen: Generation, built: Derived, c: np.ndarray, parsed: ParsedQuestion) -> np.ndarray:
    if not parsed.speaker_key:
        return np.zeros(len(c))
    pattern = re.compile(rf"\b{re.escape(parsed.speaker_key)}\b", re.I)
    return np.fromiter((bool(pattern.search(gen.passages[r].text)) for r in c), dtype=np.float64, count=len(c))


def _term_ids(gen: Generation, text: str | None) -> list[int]:
    """Vocabulary ids of the text's known stems; bm25s maps unknown words and empty texts to the "" token."""
    if not text:
        return []
    tok = gen.bm25.tokenizer
    empty = tok.get_vocab_dict().get("")
    ids = tok.tokenize([text], update_vocab=False, show_progress=False, return_as="ids")[0]
    return sorted({i for i in ids if i != empty})


def _term_scores(gen: Generation, topic: str) -> np.ndarray:
    """BM25 score of every passage for each distinct topic term: shape (terms, passages)."""
    terms = list(dict.fromkeys(gen.bm25.query_terms(topic)))
    if not terms:
        return np.zeros((0, len(gen.passages)), dtype=np.float32)
    return np.vstack([gen.bm25.scores([t]) for t in terms]).astype(np.float32)


def _idf(present: np.ndarray) -> np.ndarray:
    df = present.sum(axis=1)
    return np.where(df > 0, np.log((present.shape[1] + 1) / (df + 0.5)), 0.0)  # absent terms say nothing either way


def _coverage(term_scores: np.ndarray, c: np.ndarray, built: Derived) -> np.ndarray:
    """Share of the topic's IDF mass present in each candidate passage or its same-document neighbours."""
    if not len(term_scores) or not len(c):
        return np.zeros(len(c))
    present = term_scores > 0
    n = present.shape[1]
    idf = _idf(present)
    if idf.sum() <= 0:
        return np.zeros(len(c))
    here = present[:, c]
    prev = present[:, np.clip(c - 1, 0, n - 1)] & built.prev_same[c]
    nxt = present[:, np.clip(c + 1, 0, n - 1)] & built.next_same[c]
    return (idf @ (here | prev | nxt)) / idf.sum()


def _document_coverage(gen: Generation, built: Derived, term_scores: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Share of the topic's IDF mass present anywhere in each candidate's document."""
    if not len(term_scores) or not len(c):
        return np.zeros(len(c))
    present = term_scores > 0
    idf = _idf(present)
    if idf.sum() <= 0:
        return np.zeros(len(c))
    in_document = np.logical_or.reduceat(present, built.document_starts, axis=1)  # (terms, documents)
    return (idf @ in_document[:, gen.source_ids[c]]) / idf.sum()


def _holds_rarest(matrix, ids: list[int]) -> np.ndarray:
    """Per row of a (passages x vocabulary) presence matrix, whether it holds the rarest of the terms `ids`
    that any row holds (one of them, when several are as rare)."""
    ids = [i for i in ids if i < matrix.shape[1]]
    df = np.asarray(matrix[:, ids].sum(axis=0)).ravel() if ids else np.zeros(0)
    if not (df > 0).any():
        return np.zeros(matrix.shape[0], dtype=bool)
    fewest = df[df > 0].min()
    rarest = [term for term, count in zip(ids, df) if count == fewest]
    return np.asarray(matrix[:, rarest].sum(axis=1)).ravel() > 0


def _idf_share(matrix, ids: list[int], credit: dict[int, np.ndarray] | None = None) -> np.ndarray | None:
    """Per row of a (passages x vocabulary) presence matrix, the IDF-weighted share of the terms `ids` it holds;
    None when no term occurs in any row. `credit` marks, per term, rows that count as holding it when they
    hold another of the terms."""
    ids = [i for i in ids if i < matrix.shape[1]]
    if not ids:
        return None
    columns = matrix[:, ids]
    df = np.asarray(columns.sum(axis=0)).ravel()
    idf = np.where(df > 0, np.log((matrix.shape[0] + 1) / (df + 0.5)), 0.0)
    if idf.sum() <= 0:
        return None
    held = np.asarray(columns @ idf).ravel()
    extra = np.zeros_like(held)
    for j, term in enumerate(ids):
        if credit and term in credit and idf[j] > 0:
            extra += (credit[term] & (columns[:, j].toarray().ravel() == 0) & (held > 0)) * idf[j]
    return (held + extra) / idf.sum()


def _officers_of(built: Derived, parsed: ParsedQuestion) -> np.ndarray:
    """Asked for a body by its name ("What did the Police Federation say"), the passages of those who hold an office
    in it ("Jan Berry, chairman of the Police Federation"): its words, as much as its own statements'."""
    if not parsed.speaker or person_like(parsed.speaker):
        return np.zeros(0, dtype=np.int64)
    held = [rows for introduced, rows in built.introductions.items() if speaks_as_office_of(introduced, parsed.speaker)]
    return np.concatenate(held) if held else np.zeros(0, dtype=np.int64)


def _speaker_matches(built: Derived, c: np.ndarray, parsed: ParsedQuestion) -> np.ndarray:
    if not parsed.speaker_key:
        return np.zeros(len(c))
    surname_ok = built.surname[c] == parsed.speaker_key
    if parsed.first_name:
        # Another person with the same surname does not count; a name given without a first name does.
        asked = parsed.first_name
        surname_ok &= np.fromiter((not g or any(same_first_name(asked, k) for k in g) for g in built.givens[c]), dtype=bool, count=len(c))
    return surname_ok.astype(np.float64)
