"""Offices the corpus knows the holder of.

An article often names a well-known speaker only by office ("Later the prime minister said: ..."), having
introduced them by name alone ("Tony Blair's intervention"). The article cannot tell who holds the office,
but the corpus can: other articles introduce the same person with it ("Prime Minister Tony Blair"). Such a
sentence is credited to the one person, among those the article names, whom the corpus introduces with
exactly that office, when it introduces them so far more often than anyone else the article names ("prime
minister": the one who holds it, not the chancellor once called a future prime minister). An office several
named people hold alike ("home secretary", when the article names both the old and the new one) stays unknown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from .models import Document, Passage, Sentence

# A word before the office that makes it another office: the shadow chancellor is not the chancellor,
# nor the lord chancellor, nor the deputy prime minister the prime minister.
_OTHER_OFFICE_BEFORE = frozenset("vice deputy shadow former ex junior assistant first acting prime lord under sub interim future next would-be".split())
# How many times more articles must introduce the holder with the office than anyone else the article names.
_DOMINANCE = 3


class OfficeRegister:
    """Person -> each way the corpus introduces them -> in how many documents, read off the passages they speak in."""

    def __init__(self, introductions: dict[str, Counter]):
        self.introductions = introductions
        self._holders: dict[str, Counter] = {}  # each office asked for once, whichever articles name it

    @classmethod
    def of(cls, passages: Iterable[Passage]) -> "OfficeRegister":
        from .query import person_like

        seen = {(p.source, p.speaker, p.role) for p in passages if p.speaker and p.role}
        found: dict[str, Counter] = {}
        for _source, speaker, role in seen:
            if person_like(speaker):
                found.setdefault(speaker, Counter())[role] += 1
        return cls(found)

    def holders(self, office: str) -> Counter:
        """Everyone some article introduces with exactly this office, and in how many documents."""
        if office not in self._holders:
            pattern = re.compile(rf"(?:^|(?<=\s))(?:(\S+)\s+)?{re.escape(office)}(?=\s|$)(?!\s+of\b)")
            out: Counter = Counter()
            for person, roles in self.introductions.items():
                for role, documents in roles.items():
                    if any(m.group(1) not in _OTHER_OFFICE_BEFORE for m in pattern.finditer(role)):
                        out[person] += documents
            self._holders[office] = out
        return self._holders[office]

    def holder_in(self, office: str, text: str) -> str | None:
        """The holder of `office` whom `text` names (by surname), if the corpus gives it to no one else it names
        nearly as often, else None."""
        by_surname: dict[str, Counter] = {}
        for person, documents in self.holders(office).items():
            surname = person.split()[-1]
            if re.search(rf"\b{re.escape(surname)}\b", text):
                by_surname.setdefault(surname, Counter())[person] += documents
        ranked = sorted(by_surname.values(), key=lambda forms: -sum(forms.values()))
        if not ranked or (len(ranked) > 1 and sum(ranked[0].values()) < _DOMINANCE * sum(ranked[1].values())):
            return None
        return max(ranked[0], key=lambda name: (len(name.split()), ranked[0][name], name))


def credit_offices(passages: Sequence[Passage], documents: dict[str, Document]) -> list[Passage]:
    """The passages, those said under an office the corpus knows the holder of credited to that holder (whose
    role is then that office)."""
    if not any(p.office and not p.speaker for p in passages):
        return list(passages)
    return credit(passages, OfficeRegister.of(passages), lambda source: documents[source].text)


Said = TypeVar("Said", Passage, Sentence)


def credit(items: Sequence[Said], register: OfficeRegister, text_of: Callable[[str], str]) -> list[Said]:
    """Passages or sentences, each said under an office with no speaker credited to the office's holder in its
    document (`text_of(source)`), if the register knows one."""
    holders: dict[tuple[str, str], str | None] = {}
    out = []
    for item in items:
        if item.office and not item.speaker:
            key = (item.source, item.office)
            if key not in holders:
                holders[key] = register.holder_in(item.office, text_of(item.source))
            if holders[key] is not None:
                item = replace(item, speaker=holders[key], **({"role": item.office} if isinstance(item, Passage) else {}))
        out.append(item)
    return out
