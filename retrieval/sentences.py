"""Rule-based paragraph and sentence splitting on exact string offsets.

Pure functions: the text is only read, never normalised, so every span indexes
the caller's string (``text[s.start:s.end]``), CRLF line endings included.
The splitter is a single regex pass over candidate terminators per paragraph,
with a few constant-size look-arounds per candidate (linear time).
"""

from __future__ import annotations

import re

from .models import SentenceSpan

__all__ = ["split_paragraphs", "split_sentences"]

# A paragraph separator: a newline, then one or more lines that are empty or
# whitespace-only (a "\r" before a newline counts as whitespace).
_PARA_SEP = re.compile(r"\n[^\S\n]*\n(?:[^\S\n]*\n)*")

# Candidate sentence ends: terminators, then closing quotes/brackets glued to
# them, then whitespace.
_TERMINATOR = re.compile(r"(?:\.\.\.|…|[.?!])+[\"”’')\]]*(?=\s)")

_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_WORD = re.compile(r"[“‘\"'(\[]?([A-Za-z]+)")

# Never a sentence end after these (compared lowercased, without the final dot).
_ABBR_ALWAYS = frozenset(
    """mr mrs ms mx dr st sen rep gov gen lt col capt cpt sgt cmdr adm maj prof rev fr hon
    messrs mme mlle sr jr mt ft vs v e.g i.e cf approx dept est fig al viz""".split()
)
# Not an end when followed by a number ("No. 10", "Jan. 5").
_ABBR_BEFORE_NUMBER = frozenset(
    "no nos art sec vol p pp jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Ambiguous: an end only when the next word is a typical sentence opener.
_ABBR_AMBIGUOUS = frozenset("co inc ltd corp bros plc llc etc".split())

# Words that typically open a sentence; used to decide ambiguous cases
# ("in the U.S. The ..." ends; "U.S. President ..." does not).
_STARTERS = frozenset(
    """the a an he she it they we i you his her its their our my this that these those there
    here but and or so yet however meanwhile in on at for if when while after before as
    what why how who where which some many most all no not one mr mrs ms dr sir lord""".split()
)

_OPENERS = "“‘\"'([" 
_CLOSING_QUOTES = "\"”’'"

# "...?" he asked / "...!" Vance said: a question or exclamation inside a quote
# followed by its attribution stays one sentence.
_ATTRIB_AFTER = re.compile(
    r"(?:[A-Z][\w'’.\-]*\s+){1,5}(?:said|says|asked|asks|added|adds|replied|responded|"
    r"continued|insisted|shouted|cried|wondered|exclaimed)\b"
)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def split_paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Paragraph spans of ``text[start:end]``, separated by blank lines, trimmed."""
    if end is None or end > len(text):
        end = len(text)
    start = max(0, start)
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _PARA_SEP.finditer(text, start, end):
        s, e = _trim(text, pos, m.start())
        if s < e:
            spans.append((s, e))
        pos = m.end()
    s, e = _trim(text, pos, end)
    if s < e:
        spans.append((s, e))
    return spans


def _is_boundary(text: str, tstart: int, tend: int, nxt: int, pend: int) -> bool:
    """Decide whether the terminator text[tstart:tend] ends a sentence, given
    the next non-space character at ``nxt`` (< pend)."""
    c = text[nxt]
    if c.islower():
        return False
    if c in _OPENERS:
        if nxt + 1 < pend and text[nxt + 1].islower():
            return False
    elif not (c.isupper() or c.isdigit() or c in "£$€#¿¡*–—-•"):
        return False
    term = text[tstart:tend]
    closed_quote = term[-1] in _CLOSING_QUOTES
    if closed_quote:
        if ("?" in term or "!" in term) and _ATTRIB_AFTER.match(text, nxt, pend):
            return False
        return True
    if term != ".":
        return True  # ?, !, ellipsis
    # A single full stop: check abbreviations, initials, acronyms.
    wm = _WORD_BEFORE.search(text, max(0, tstart - 24), tstart)
    if wm is None:
        return True
    word = wm.group(1)
    if wm.start() > 0 and (text[wm.start() - 1].isalnum() or text[wm.start() - 1] in "'’"):
        return True  # part of a longer token, e.g. "2.5" handled elsewhere
    low = word.lower()
    nw = _NEXT_WORD.match(text, nxt, pend)
    next_word = nw.group(1).lower() if nw else ""
    if low in _ABBR_ALWAYS:
        return False
    if low in _ABBR_BEFORE_NUMBER:
        return not c.isdigit()
    if low in _ABBR_AMBIGUOUS:
        return next_word in _STARTERS
    if len(word) == 1 and word.isupper():
        # an initial: "George W. Bush", "J. D. Vance"
        return next_word in _STARTERS and next_word not in ("i", "a")
    if "." in word:
        # dotted acronym: "U.S.", "U.K.", "a.m."
        return next_word in _STARTERS
    return True


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[SentenceSpan]:
    """Sentences of ``text[start:end]`` in order; never crossing a paragraph."""
    out: list[SentenceSpan] = []
    for pi, (ps, pe) in enumerate(split_paragraphs(text, start, end)):
        spans: list[list[int]] = []
        s = ps
        for m in _TERMINATOR.finditer(text, ps, pe):
            tend = m.end()
            nxt = tend
            while nxt < pe and text[nxt].isspace():
                nxt += 1
            if nxt >= pe:
                break
            # A stray closing quote after the terminator ("documents. \"" at the
            # end of a paragraph or before the next sentence) belongs here.
            c = text[nxt]
            if c in "\"”" and (nxt + 1 >= pe or text[nxt + 1].isspace()):
                after = nxt + 1
                while after < pe and text[after].isspace():
                    after += 1
                if after >= pe:
                    break
                if _is_boundary(text, m.start(), tend, after, pe):
                    spans.append([s, nxt + 1])
                    s = after
                continue
            if _is_boundary(text, m.start(), tend, nxt, pe):
                spans.append([s, tend])
                s = nxt
        spans.append([s, pe])
        merged: list[list[int]] = []
        for a, b in spans:
            a, b = _trim(text, a, b)
            if a >= b:
                continue
            if merged and not any(ch.isalnum() for ch in text[a:b]):
                merged[-1][1] = b  # punctuation-only tail joins the previous sentence
                continue
            merged.append([a, b])
        out.extend(SentenceSpan(a, b, pi) for a, b in merged)
    return out
