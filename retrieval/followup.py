"""Follow-up questions: a reply to an answer is read with that answer's speaker and topic.

"What else did he say about it?" after "What did Vance say about discipline?" is
"What did Vance say about discipline?", past the quotes already shown; "and on tuition fees?" is "What did Vance
say on tuition fees?"; "what did Obama say?" is "What did Obama say about discipline?".
A pronoun means the previous speaker, a missing topic means the previous topic, and a
question that names both is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .query import parse_question, subject_text, topic_text


@dataclass(frozen=True)
class Turn:
    """What a follow-up can refer back to."""

    question: str
    speaker: str | None  # who the answer was about (the asked speaker, else the first quote's)


@dataclass(frozen=True)
class FollowUp:
    question: str  # the question to answer, with the speaker and topic filled in (and "else" left out)
    speaker_from_previous: bool
    topic_from_previous: bool
    wants_more: bool  # "what else…", "anything more…": skip what the previous answer already showed


_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|they)\b", re.I)
_OBJECT_PRONOUN = re.compile(r"\b(?:him|them)\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:his|their|her)\b(?=\s+[a-z])", re.I)
_HER = re.compile(r"\bher\b", re.I)
_TOPIC_PRONOUN = re.compile(r"\b(?:about|on|regarding|concerning|over|of)\s+(?:it|that|this|them|those|these)\b", re.I)
_MORE = re.compile(r"\b(?:else|more|other|another|again|also)\b", re.I)
# Said to ask for what was not shown yet; as search words they only make the topic look unknown.
_MORE_WORDS = re.compile(r"\s*\b(?:else|more|also|again)\b", re.I)
# An elliptical question leaves out the speaker: "and on tuition fees?", "what about the budget?"
_ELLIPTICAL = re.compile(
    r"^(?:and|also|plus|but|so)?\s*(?:(?:what|how)\s+about|and\s+about|about|on|regarding|concerning|re)\b|^and\b", re.I
)
_LEAD_IN = re.compile(r"^(?:and|also|plus|but|so)\b[\s,]*|^(?:what|how)\s+about\b\s*", re.I)
_WHO = re.compile(r"^(?:and\s+)?(?:who|whom|whose|which)\b", re.I)  # asks for another speaker
_PREPOSITION = re.compile(r"^(?:about|on|regarding|concerning|over|with|against|for)\b", re.I)
_FILLER = frozenset(
    "else more other another again also and then too anything something everything it that this them those these "
    "there any some his her their he she they him tell me us show give".split()
)


def previous_topic(question: str, known_surnames: frozenset[str] = frozenset()) -> str | None:
    """The topic words of an earlier question: what "it" and a missing topic refer to."""
    parsed = parse_question(question, known_surnames)
    words = [w.strip("?!.,;:'\"“”’") for w in topic_text(parsed).split()]
    words = [w for w in words if w and w.lower() not in _FILLER]
    return " ".join(words) or None


def _has_topic(question: str, known_surnames: frozenset[str]) -> bool:
    parsed = parse_question(question, known_surnames)
    words = [w.strip("?!.,;:'\"“”’").lower() for w in subject_text(parsed).split()]
    return any(w and w not in _FILLER for w in words)


def _possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s")


def resolve(question: str, previous: Turn, known_surnames: frozenset[str] = frozenset()) -> FollowUp:
    """Read `question` as a follow-up to `previous`; `known_surnames` are the speakers the index knows."""
    text = " ".join(question.split())
    wants_more = bool(_MORE.search(text))
    speaker = previous.speaker or parse_question(previous.question, known_surnames).speaker
    topic = previous_topic(previous.question, known_surnames)
    named = parse_question(text, known_surnames).speaker
    speaker_used = topic_used = False

    if speaker and not named:
        replaced = _SUBJECT_PRONOUN.sub(speaker, text)
        replaced = _POSSESSIVE.sub(_possessive(speaker), replaced)
        replaced = _OBJECT_PRONOUN.sub(speaker, replaced)
        replaced = _HER.sub(speaker, replaced)
        if replaced != text:
            text, speaker_used = replaced, True
        elif _ELLIPTICAL.search(text):
            rest = _LEAD_IN.sub("", text).strip().rstrip("?").strip()
            if rest:
                joiner = " " if _PREPOSITION.match(rest) else " about "
                text = f"What did {speaker} say{joiner}{rest}?"
            else:
                text = f"What did {speaker} say?"
            speaker_used = True
        elif not _WHO.match(text) and not _has_topic(text, known_surnames):
            # "anything else?", "tell me more": neither a speaker nor a topic of its own.
            text = f"What did {speaker} say?"
            speaker_used = True

    if topic and _TOPIC_PRONOUN.search(text):
        text = _TOPIC_PRONOUN.sub(lambda m: m.group(0).split()[0] + " " + topic, text, count=1)
        topic_used = True
    elif topic and not _has_topic(text, known_surnames):
        text = text.rstrip().rstrip("?.!").rstrip() + f" about {topic}?"
        topic_used = True

    if wants_more:
        text = " ".join(_MORE_WORDS.sub("", text).split())
    return FollowUp(text, speaker_used, topic_used, wants_more)
