"""Fitted ranking and abstention: two logistic regressions stored as plain numbers in a JSON file.

`policybot tune` writes the file; `ask`, the bot and `eval` read it. Scoring is a dot product
over the candidates' standardised features, so loading needs no machine-learning library.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import PolicybotError
from .features import FEATURES, QUESTION_FEATURES, CandidateSet
from .query import describes_one_person

FORMAT = 1
DEFAULT_PATH = Path(__file__).with_name("params") / "default.json"  # shipped as package data


class ParamsError(PolicybotError):
    """A parameters file that cannot be read or was written for other features."""


@dataclass(frozen=True)
class Linear:
    """A logistic regression over named features: sigmoid(((x - mean) / scale) . coef + intercept)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def columns(self, names: tuple[str, ...]) -> list[int]:
        return [names.index(f) for f in self.features]

    def logit(self, matrix: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
        if not len(matrix):
            return np.zeros(0)
        x = (matrix[:, self.columns(names)] - np.asarray(self.mean)) / np.asarray(self.scale)
        return x @ np.asarray(self.coef) + self.intercept


@dataclass(frozen=True)
class Params:
    ranker: Linear
    abstainer: Linear
    answer_at: float  # answer when the abstainer's probability is at least this; chosen by cross-validation
    # A named person's question: "all" quotes only their statements, "first" leads with their best statement and
    # may follow it with other passages (each shown with its own speaker), "none" ranks everything alike.
    speaker_filter: str = "all"
    # Rules over the ranking; `tune --select` turns one the other way only when cross-validation clearly says so:
    question_hands_over: bool = True  # a question in the text (an interviewer's) gives its place to the answer after it
    role_leads: bool = True  # asked by an office one person holds: its holder's best passage among the first two leads
    unknown_name_abstains: bool = True  # a full name in the topic that no passage mentions: nothing here is about it
    date_leads: bool = True  # a date the question names ("in October 2011"): what was said then comes first
    dense_k: int = 60  # candidates from the vector index...
    lexical_k: int = 60  # ...and from BM25
    max_quote_chars: int = 420  # a longer passage is cut to its sentences that carry the question's words
    duplicate_overlap: float = 0.6  # shingle overlap above which two quotes are copies
    notes: dict = field(default_factory=dict)  # what it was fitted on, and its cross-validated figures

    def to_json(self) -> dict:
        out = asdict(self)
        out["format"] = FORMAT
        return out

    @classmethod
    def from_json(cls, raw: dict) -> "Params":
        if raw.get("format") != FORMAT:
            raise ParamsError(f"parameters of format {raw.get('format')!r}; this policybot reads format {FORMAT}")
        ranker, abstainer = Linear(**_tuples(raw["ranker"])), Linear(**_tuples(raw["abstainer"]))
        unknown = [f for f in ranker.features if f not in FEATURES] + [f for f in abstainer.features if f not in QUESTION_FEATURES]
        if unknown:
            raise ParamsError(f"the parameters use features this policybot does not compute: {', '.join(unknown)}; run policybot tune again")
        rest = {k: v for k, v in raw.items() if k not in ("ranker", "abstainer", "format")}
        return cls(ranker=ranker, abstainer=abstainer, **rest)

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)


def _tuples(raw: dict) -> dict:
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items()}


def load(path: Path | None = None) -> Params:
    """The parameters in `path`, or the shipped default (fitted on the shared training sets)."""
    try:
        text = Path(path or DEFAULT_PATH).read_text(encoding="utf-8")
        return Params.from_json(json.loads(text))
    except OSError as exc:
        raise ParamsError(f"cannot read the parameters file {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ParamsError(f"{path or 'the default parameters'}: not a policybot parameters file ({exc})") from exc


@dataclass(frozen=True)
class Decision:
    order: np.ndarray  # indices into the candidate set, best first, only those that may be quoted
    scores: np.ndarray  # the ranker's logit of each candidate (all of them)
    answer_probability: float
    abstain: bool


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def eligible(cs: CandidateSet, params: Params, interviewer_column: int = FEATURES.index("interviewer")) -> np.ndarray:
    """Which candidates may be quoted: never an interviewer's turn; only the asked person's statements
    when the filter is "all" and a person is named."""
    if params.speaker_filter == "all" and cs.parsed.speaker_key:
        return cs.speaker_match.copy()
    return cs.features[:, interviewer_column] <= 0 if len(cs.rows) else np.zeros(0, dtype=bool)


def question_features(cs: CandidateSet, scores: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The question's features with its best answer's filled in (QUESTION_FEATURES)."""
    q = cs.question_features.copy()
    if len(order):
        top = order[0]
        q[QUESTION_FEATURES.index("top_score")] = scores[top]
        for name, column in (("top_dense", "dense"), ("top_window3", "window3"), ("top_coverage", "coverage"), ("top_own_coverage", "own_coverage")):
            q[QUESTION_FEATURES.index(name)] = cs.features[top, FEATURES.index(column)]
        q[QUESTION_FEATURES.index("top_dense_gap")] = q[QUESTION_FEATURES.index("max_dense")] - q[QUESTION_FEATURES.index("top_dense")]
    else:
        q[QUESTION_FEATURES.index("top_score")] = -20.0
    return q


def decide(cs: CandidateSet, params: Params) -> Decision:
    scores = params.ranker.logit(cs.features, FEATURES)
    order = np.argsort(-scores, kind="stable")
    if params.question_hands_over:
        # Before interviewers are left out: an interviewer's question is what hands its place over.
        order = _answers_for_questions(cs, order)
    order = order[eligible(cs, params)[order]] if len(order) else order
    if params.date_leads and cs.dated[order].any():
        # Three training questions name a date, too few to fit a weight on; a user who names one means it.
        order = np.r_[order[cs.dated[order]], order[~cs.dated[order]]]
    if params.speaker_filter != "none" and cs.parsed.speaker_key:
        theirs = order[cs.speaker_match[order]]
        # The asked person's best statement leads. With none of theirs among the candidates, "all" has nothing
        # to quote; "first" ranks the rest (their words may be credited to someone else) and the abstainer decides.
        if len(theirs):
            order = np.r_[theirs[:1], order[order != theirs[0]]]
        elif params.speaker_filter == "all":
            order = order[:0]
    if params.role_leads and describes_one_person(cs.parsed):
        order = _role_holder_leads(cs, order)
    q = question_features(cs, scores, order)
    probability = sigmoid(float(params.abstainer.logit(q[None, :], QUESTION_FEATURES)[0]))
    unknown = params.unknown_name_abstains and q[QUESTION_FEATURES.index("unknown_name")] > 0
    return Decision(order, scores, probability, abstain=not len(order) or unknown or probability < params.answer_at)


# How far down a role's holder may be brought up from: with 3, 5 or 10 the training questions' cross-validated
# figures were one role question lower than with 2 (a holder's passage on another subject led), and level otherwise.
ROLE_LEAD_WITHIN = 2


def _role_holder_leads(cs: CandidateSet, order: np.ndarray) -> np.ndarray:
    """Asked by an office one person holds ("the shadow health secretary"), the ranking's first answer by
    someone the article introduces with every word of it leads, if it is near the top. The fitted ranking
    weighs the topic above the office, so the rival the office holder answered, on the same subject, may
    otherwise come first: the right words, in the wrong mouth."""
    head = order[:ROLE_LEAD_WITHIN]
    holds = cs.features[head, FEATURES.index("role")] >= 1.0
    if not holds.any() or holds[0]:
        return order
    lead = head[int(np.argmax(holds))]
    return np.r_[lead, order[order != lead]]


# "Is it fair...? Is it right...? Is it wise...?" then "...it is not.": a speech may ask
# a few questions in a row before it answers them.
_QUESTIONS_IN_A_ROW = 3


def _answers_for_questions(cs: CandidateSet, order: np.ndarray) -> np.ndarray:
    """A passage that asks ("And the duty on petrol?") repeats the user's words; the passage after it
    in the same document answers, or the first that does not ask after a run of questions. The answer takes
    the question's place (it is a candidate whenever the question is)."""
    asks = cs.features[:, FEATURES.index("asks")] > 0
    answers = cs.features[:, FEATURES.index("after_question")] != 0
    position = {int(row): i for i, row in enumerate(cs.rows)}
    out: list[int] = []
    placed: set[int] = set()
    ranked = set(order.tolist())
    for i in order.tolist():
        if asks[i]:
            row, j = int(cs.rows[i]), None
            for _ in range(_QUESTIONS_IN_A_ROW):
                row += 1
                j = position.get(row)
                if j is None or not answers[j] or not asks[j]:
                    break
            if j is not None and answers[j] and not asks[j] and j in ranked:
                i = j
        if i not in placed:
            out.append(i)
            placed.add(i)
    return np.asarray(out, dtype=np.int64)


def with_notes(params: Params, **notes) -> Params:
    return replace(params, notes={**params.notes, **notes})
