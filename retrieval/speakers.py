"""The people the corpus quotes, for suggesting names as a question is typed."""

from __future__ import annotations

import re
from collections import Counter

from .attribution import is_interviewer
from .index import Generation
from .query import person_like

MAX_SUGGESTIONS = 25  # Discord shows at most 25 choices
MAX_CHOICE_CHARS = 100  # and each at most 100 characters long


def known_speakers(gen: Generation) -> list[str]:
    """Speakers of passages who are people (not bodies, roles or interviewers), most quoted first."""
    cached = gen.__dict__.get("_known_speakers")
    if cached is None:
        counts = Counter(p.speaker for p in gen.passages if p.speaker)
        # A publication is sometimes credited with words ("the Washington Examiner reported"): not a person.
        outlets = {(d.outlet or "").lower() for d in gen.documents.values()}
        names = [n for n in counts if person_like(n) and not is_interviewer(n) and n.lower() not in outlets]
        cached = sorted(names, key=lambda n: (-counts[n], n.lower()))
        gen.__dict__["_known_speakers"] = cached
    return list(cached)


def matching_speakers(speakers: list[str], typed: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Speakers whose name, or a word of it, starts with what was typed; then those that contain it."""
    speakers = [s for s in speakers if len(s) <= MAX_CHOICE_CHARS]
    needle = " ".join(typed.split()).lower()
    if not needle:
        return speakers[:limit]
    prefix = [s for s in speakers if s.lower().startswith(needle) or any(w.startswith(needle) for w in s.lower().split())]
    inside = [s for s in speakers if needle in s.lower() and s not in prefix]
    return (prefix + inside)[:limit]


_LAST_WORD = re.compile(r"(\S+)$")


def question_suggestions(speakers: list[str], typed: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Completions of a question being typed: the word being written completed to a known speaker's
    name ("what did van" -> "what did JD Vance"); with nothing typed yet, a question per speaker."""
    text = " ".join(typed.split())
    if not text:
        return [f"What did {s} say about" for s in speakers[:limit] if len(s) < MAX_CHOICE_CHARS - 20]
    out: list[str] = []
    match = _LAST_WORD.search(text) if not typed.endswith(" ") else None
    if match and len(match.group(1)) >= 2:
        head = text[: match.start()]
        out = [head + s for s in matching_speakers(speakers, match.group(1).strip("?,.!"), limit)]
    return [s for s in dict.fromkeys(out) if len(s) <= MAX_CHOICE_CHARS][:limit]
