"""Speaker attribution for sentences: who speaks and how.

``direct`` (quoted or transcript words), ``reported`` (indirect speech) or ``none`` (narration).
Pure: text and spans in, records out; all state is local to one call. Precision comes first: a
sentence whose speaker the evidence does not settle keeps speaker None rather than a guess.

Ordered passes, each filling only what earlier passes left unknown:
  0. pre-scan the document's people: name forms per surname ("Mr Holt" -> "Barry Holt"), the
     roles the article gives them ("Vice President JD Vance", "Tom Reed, the MP for Barnsley
     North,"), genders from honorifics, acronyms it spells out;
  1. explicit: the subject of a speech verb outside the quotation marks, from spaCy's parse
     (`speech_parse`), else the rules' "according to X" (`_explicit_ref`);
  2. resolution: names to their fullest form, roles to the person holding them or unknown
     (`_resolve_role`), descriptions kept, documents and newspapers to their authors
     (`_resolve_description`);
  3. pronouns: the subject of the sentence before, then gender-compatible speakers (`_antecedent`);
  4. continuations: quotes running on across sentences and paragraphs, and quotes nobody
     introduces (`_unattributed_quote_speaker`); transcripts' labelled turns last.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from .models import Attribution, SentenceSpan
from .speech_parse import SPEECH_FORMS, Parsed, Phrase, parse

__all__ = ["attribute", "label_spans"]

# ---------------------------------------------------------------------------
# Vocabulary

_VERBS = (
    "said|says|say|told|tells|added|adds|continued|continues|responded|responds|replied|replies|"
    "warned|warns|insisted|insists|argued|argues|claimed|stressed|stresses|admitted|admits|"
    "explained|explains|urged|urges|acknowledged|acknowledges|suggested|suggests|noted|"
    "wrote|writes|asked|asks|declared|declares|stated|commented|remarked|conceded|concedes|"
    "maintained|maintains|predicted|predicts|revealed|reveals|confirmed|confirms|denied|denies|"
    "insisted|emphasised|emphasized|cautioned|complained|complains|recalled|announced|"
    "accused|accuses|went on|pointed out|points out"
)
_VERB_RE = re.compile(r"\b(?:" + _VERBS + r")\b")
# verbs after which a following noun phrase is the speaker ("..., said Mr X")
_INVERTIBLE = frozenset(
    "said says added adds continued continues responded replied wrote writes insisted explained "
    "argued declared stated noted warned asked remarked commented".split()
)
_VERB_END_RE = re.compile(r"\b(?:" + _VERBS + r")$")
_ACCORDING_RE = re.compile(r"\b[Aa]ccording to\s+")
_OPENING_ACCORDING_RE = re.compile(r"\W*(?:(?:But|And|Yet|However|Now),?\s+)?[Aa]ccording to\s+")

_PASSIVE = frozenset("is was were be been being are it's".split())

# words that may stand between a subject and its verb
_SKIP_BETWEEN = frozenset(
    """also later then has have had did does do himself herself themselves itself previously
    recently once today yesterday however further again earlier would will could may might
    repeatedly simply just publicly privately reportedly subsequently therefore directly quickly
    immediately initially first last both all only even still already never always often
    separately specifically meanwhile though too formally angrily bluntly frankly flatly firmly clearly strongly
    has also had also""".split()
)

_PRONOUNS = frozenset("he she they we i it".split())

_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december""".split()
)
# leading words of a capitalised chain that are not part of a name
_STOP = frozenset(
    """but and or so yet however meanwhile now then also in on at of for to from by with
    speaking writing asked when while after before yesterday today tonight last earlier later
    this that these those it he she they we i a an the his her their its our my if as both
    instead indeed although though because since until unless why what how who where there neither either
    here thus still even only not no yes well oh mr mrs ms dr miss prof professor
    tonight mostly among under over into during across against""".split()
) | _TIME_WORDS
# kept as part of a person's name
_TITLES_KEPT = frozenset("lord lady baroness baron sir dame prince princess king queen duke duchess earl viscount".split())
_HONORIFICS = frozenset("mr mrs ms miss mx dr prof professor rev reverend fr mr. mrs. ms. dr. prof. rev. fr. hon hon.".split())

# role / party / office words: stripped from person names; a chain made only of
# these is a role or an organisation
_ROLE_WORDS = frozenset(
    """vice president prime minister ministers secretary chancellor leader leaders chairman
    chairwoman chair spokesman spokeswoman spokesperson spokesmen senator sen sen. rep rep.
    representative governor gov gov. congressman congresswoman general gen gen. lt lt.
    colonel col col. captain capt capt. judge justice attorney speaker mp mep msp am mla
    former shadow deputy acting junior senior home foreign health education defence defense
    culture trade transport treasury environment constitutional affairs work pensions
    labour tory tories conservative conservatives lib dem dems liberal liberals democrat
    democrats democratic republican republicans snp ukip plaid green greens party committee
    office house white cabinet chief executive director commissioner mayor ambassador adviser
    advisor advisers officer official officials press first member members backbencher
    backbench frontbencher bench head boss chairs mps meps msps ams peers peer economic
    business finance justice interior state commons lords assembly parliamentary
    presidential campaign aide aides strategist strategists candidate candidates mr mrs ms
    miss dr prof professor rev reverend sec. cllr councillor council union unions
    general-secretary secretary-general general secretary mr. mrs. ms. dr. prof. rev.
    archbishop bishop cardinal pope chief-executive whip whips campaigner campaigners
    sheriff inspector superintendent detective constable commander sergeant
    correspondent editor reporter analyst economist lawyer lawyers barrister solicitor""".split()
)
_POSTNOMINALS = frozenset("QC KC MP MEP MSP AM MLA JR SR OBE MBE CBE".split())
# head words of organisations ("Riverton Hotel Association said")
_ORG_HEADS = frozenset(
    """association council union party office committee group foundation trust institute
    society federation confederation campaign commission department ministry agency authority
    company corporation bank service services board network alliance coalition league forum
    centre center organisation organization unit team executive government assembly parliament
    court police newspaper examiner times post journal herald telegraph guardian news bbc itv
    house congress senate administration chamber club church movement college university academy
    fellowship""".split()
)
_OFFICES = frozenset("president secretary minister chancellor senator governor mayor premier ambassador".split())
_DISTINCT_ROLE = frozenset("vice deputy shadow former junior assistant first acting prime".split())
_LORD_ROLES = frozenset("chancellor chief president speaker advocate provost mayor privy".split())

# lowercase head nouns of a descriptive speaker ("a Home Office spokesman",
# "the committee"), and which of them are people (pronoun targets)
_PERSON_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson official minister secretary president chairman
    chairwoman chair leader chancellor senator governor mayor aide adviser advisor source
    director officer lawyer judge candidate premier congressman congresswoman economist
    analyst campaigner commissioner ambassador general colonel captain boss head
    representative mp mep msp""".split()
)
_GROUP_NOUNS = frozenset(
    """committee report government department ministry party officials sources aides
    members campaigners critics police lawyers union unions group groups body council
    watchdog statement commission inquiry court ministers mps meps msps peers tories
    conservatives democrats republicans campaign organisation organization agency office
    administration spokesmen analysts economists experts researchers survey study poll
    figures people residents voters officers staff authors paper newspaper""".split()
)
_HEAD_NOUNS = _PERSON_NOUNS | _GROUP_NOUNS
_CAP_GROUPS = frozenset("MPs MEPs MSPs AMs Tories Conservatives Democrats Republicans Ministers Peers Labour Liberals".split())

_TOKEN_RE = re.compile(r"[A-Za-z0-9][\w'’.\-&]*|[^\w\s]")
_PREPS = frozenset("to by with from about against on at in into of for than like toward towards".split())
_CONNECT = frozenset("of for de van von bin al la le du da".split())

# capitalised chains for the document pre-scan
_CWORD = r"(?:[A-Z]\.|(?:Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Lt|Prof|Rev|Jr)\.|[A-Z][\w'’\-]*)"
_CHAIN_RE = re.compile(
    r"(?<![\w'’])" + _CWORD + r"(?:[ \t]+(?:" + _CWORD + r"|of|de|van|von|bin|al|du|da)(?![\w'’]))*"
)

# transcript speaker labels: "THE PRESIDENT: ", "DR. BIRX: ", "Q: ", "A: "; in interviews also
# title case ("Interviewer: ", "Jane Doe: "), accepted only when it is a known interview word, the
# transcript's own speaker, or a label that recurs at the start of a line
# (also in bold, "**Q:**", and "Q." / "A." when both open several lines)
_LABEL_RE = re.compile(r"(?:\*\*|__)?(?P<label>Q|A|[A-Z][A-Z.'’\- ]{0,60}[A-Z.]):(?:\*\*|__)?[ \t]")
_TITLE_LABEL_RE = re.compile(r"(?:\*\*|__)?(?P<label>[A-Z][a-z'’\-]+\.?(?: [A-Z][a-z'’\-]+\.?){0,3}):(?:\*\*|__)?[ \t]")
_DOTTED_QA_RE = re.compile(r"(?:\*\*|__)?(?P<label>Q|A)\.(?:\*\*|__)?[ \t]")
# The American Presidency Project's transcripts: "The President. It's not true.", "Q. Mr. President, ...",
# "Representative Tom Reade. Not true!": a turn opened by a label and a full stop, once any line opens
# with "The President. ".
_DOTTED_TURN_RE = re.compile(
    r"(?:\*\*|__)?(?P<label>Q|The (?:Vice )?President|(?:Representative|Senator|Governor|Secretary|Rep\.|Sen\.|Gov\.|Mr\.|Mrs\.|Ms\.|Dr\.)"
    r"(?: [A-Z][\w'’\-]+){1,3})\.(?:\*\*|__)?[ \t]+(?=\S)"
)
_PRESIDENT_TURN_RE = re.compile(r"(?m)^[ \t]*(?:\*\*|__)?The (?:Vice )?President\.(?:\*\*|__)?[ \t]+\S")
# White House transcripts: "Q    Thank you, Mr. President." A reporter's question, set off by spaces alone.
_SPACED_Q_RE = re.compile(r"(?P<label>Q)(?:\t|[ ]{2,})(?=\S)")
_QUESTION_LABELS = frozenset("q q. question interviewer reporter host moderator presenter audience member".split()) | {"audience member"}
_ANSWER_LABELS = frozenset("a a. answer".split())
_INTERVIEWERS = frozenset({"Reporter"} | {label.capitalize() for label in _QUESTION_LABELS})


def is_interviewer(speaker: str | None) -> bool:
    """A transcript's questioner ("Reporter", "Interviewer", "Host"): they ask, they state no position."""
    return speaker in _INTERVIEWERS

_QUOTE_CHARS = re.compile(r"[\"“”]")


# ---------------------------------------------------------------------------
# Names


def _clean_tok(t: str) -> str:
    if t.endswith(".") and len(t) > 3 and t[:-1].lower() not in _HONORIFICS and "." not in t[:-1]:
        t = t[:-1]
    if t.endswith("'s") or t.endswith("’s"):
        t = t[:-2]
    elif t.endswith("'") or t.endswith("’"):
        t = t[:-1]
    return t


def _is_role(tok: str, nxt: str | None) -> bool:
    low = tok.lower()
    if low in ("lord", "lady") and nxt is not None and nxt.lower() in _LORD_ROLES:
        return True
    return low in _ROLE_WORDS


def _split_chain(tokens: list[str]) -> tuple[list[str], list[str], bool]:
    """Split a noun-phrase token list into (role tokens, name tokens, definite).

    The name is whatever follows the last role word; leading stop words are dropped.
    """
    raw = [t for t in tokens if t]
    owner = [t.endswith(("'s", "’s", "s'", "s’")) for t in raw]
    toks = [_clean_tok(t) for t in raw]
    while len(toks) > 1 and toks[-1].rstrip(".").upper() in _POSTNOMINALS:
        toks, owner = toks[:-1], owner[:-1]
    definite = False
    while toks and toks[0].lower() in _STOP and toks[0].lower() not in _HONORIFICS:
        if toks[0].lower() == "the":
            definite = True
        toks, owner = toks[1:], owner[1:]
    last_role = -1
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if _is_role(t, nxt):
            last_role = i
        elif (owner[i] or t.lower() in _ORG_HEADS) and len(toks) - i > 2 and toks[i + 1].lower() not in _STOP | _PREPS:
            # "Riverton Watch's Ann Pryor", "Victims of Fraud Trust Sam Poe": the body
            # ends where the person's name begins
            last_role = i
    if any(owner[:-1]) and len(toks) - max(i for i, o in enumerate(owner[:-1]) if o) == 2 and toks[-1][:1].isupper() and not _is_role(toks[-1], None):
        return toks[:-1], [], definite  # "Roe's Britain": someone's thing (a book's title), not a person
    if last_role == len(toks) - 1 and len(toks) >= 2 and toks[-1][:1].isupper():
        # "Sir Tom Mayor", "Karen Chair": a first name before the role word makes it a surname
        j = len(toks) - 2
        while j >= 0 and toks[j][:1].isupper() and not _is_role(toks[j], toks[j + 1]) and toks[j].lower() not in _STOP:
            j -= 1
        if j < len(toks) - 2 and any(t.lower() not in _HONORIFICS and t.lower() not in _TITLES_KEPT for t in toks[j + 1 : -1]):
            last_role = j
    roles = toks[: last_role + 1]
    name = [t for t in toks[last_role + 1 :] if t.lower() not in _HONORIFICS]
    if "of" in name[1:-1] and name[0].lower() not in _TITLES_KEPT and not any(t.lower() in _ORG_HEADS for t in name[: name.index("of")]):
        # "President Vasko of Ruritania", "Ann Pryor of Riverton Watch": a place or a
        # body after the name; only a peer's title ("Lord Reade of Anytown") keeps it
        name = name[: name.index("of")]
    return roles, name, definite


_PRONOUN_CONTRACTION = re.compile(r"(?:i|you|he|she|it|we|they|there|that|who)['’]\w+", re.I)


def _looks_like_name(name: list[str]) -> bool:
    if not name:
        return False
    for i, t in enumerate(name):
        if _PRONOUN_CONTRACTION.fullmatch(t):
            return False  # "He’ll say, ..." opens a sentence; it names no one
        if not t[0].isupper() and not (0 < i < len(name) - 1 and t in _CONNECT):
            return False
        if t.isupper() and len(t) > 3 and "." not in t:
            return False  # headline shouting, acronyms
    return True


_ACRONYM_RE = re.compile(r"((?:[A-Z][\w'’\-]*[ \t]+(?:(?:of|for|and|the)[ \t]+)*){1,7})\(([A-Z]{2,6})\)")


def _initials(words: str) -> str:
    return "".join(w[0] for w in words.split() if w[:1].isupper())


def _acronyms(text: str, start: int, end: int) -> dict[str, str]:
    """Acronyms the article spells out: "Rural Transport Alliance (RTA)", or a capitalised name whose
    initials are an acronym it also uses ("the Rural Transport Alliance" ... "the RTA report")."""
    found = {m.group(2): m.group(1).strip() for m in _ACRONYM_RE.finditer(text, start, end) if _initials(m.group(1)) == m.group(2)}
    used = set(re.findall(r"\b[A-Z]{2,6}\b", text[start:end]))
    spelled: dict[str, set[str]] = {}
    for m in _CHAIN_RE.finditer(text, start, end):
        words = [w for w in m.group(0).split() if w.lower() != "the"]
        if len(words) >= 2 and all(w[:1].isupper() and not w.isupper() for w in words):
            spelled.setdefault(_initials(" ".join(words)), set()).add(" ".join(_clean_tok(w) for w in words))
    for acronym in used - set(found):
        names = spelled.get(acronym, set())
        if len(names) == 1:
            found[acronym] = names.pop()
    return found


_NOUN_GENDER = {"spokesman": "m", "chairman": "m", "congressman": "m", "spokeswoman": "f", "chairwoman": "f", "congresswoman": "f"}
_ROLE_APPOSITION = re.compile(r",[ \t]+(?:the|a|an)[ \t]+([^,.;:!?\"“”()\n]{2,80}?)[ \t]*[,.;]")
_GENDERED_TITLES = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
_MALE_TITLES = frozenset("mr sir lord king prince duke baron".split())
_GENDERED_RE = re.compile(r"\b(Mr|Mr\.|Mrs|Mrs\.|Ms|Ms\.|Miss|Sir|Lord|Lady|Baroness|Dame|Baron)[ \t]+(?:[A-Z][\w'’\-]+[ \t]+)?([A-Z][\w'’\-]+)")
# "Ann Kell, who lost her son that day, ...": the clause about a person just named says which they are.
# "Her" only as a possessive ("her son"), not as an object ("who beat her in 2001": another woman).
_WHO_CLAUSE_RE = re.compile(
    r",[ \t]+who(?:se)?\b[^.;:!?,\"“”]{0,60}?\b(his|herself|himself|her(?=[ \t]+(?!(?:at|in|on|to|for|with|and|as|"
    r"from|by|into|about|again|before|after|that|last|yesterday|today|once|twice)\b)[a-z]))\b"
)


def _office_words(text: str, lo: int, hi: int) -> list[str]:
    """The lower-case office words just before a name at `hi`: "shadow home secretary" in "... shadow home
    secretary Tom Hale". Role words reach back three words. An office that also holds ordinary words
    ("the immigration minister", "BBC political editor") is taken whole, up to five words, when it opens
    its phrase: after "the", "a", a comma, a speech verb, an acronym or the start of a sentence."""
    line = text.rfind("\n", 0, hi) + 1  # a window that opens a line starts a sentence, as one holding the line break does
    words = text[max(lo, line) : hi].split()
    at_line_start = line >= lo
    if not at_line_start and lo > 0 and words and not text[lo - 1].isspace():
        words = words[1:]  # the window cut a word
    n = len(words)
    taken = 0
    while taken < min(3, n) and words[n - 1 - taken].lower() in _ROLE_WORDS:
        taken += 1
    reach = taken
    common = all(w[:1].islower() for w in words[n - taken :])  # "immigration minister"; a party's ("Tory leader") is whole
    while taken and common and reach < min(5, n) and _office_word(words[n - 1 - reach]):
        reach += 1
    first = n - reach
    if first == 0:
        return words if at_line_start else words[n - taken :]
    body = _body_before(words, first, at_line_start)
    if body:
        # "Liberal Democrat transport spokesman Tom Hale", "Rural affairs committee chairman Ed Lyle"
        return [w.lower() for w in words[first - body : first]] + words[first:]
    before = words[first - 1]
    if reach == taken:
        return words[first:]
    if re.fullmatch(r"[A-Z]{2,6}", before):
        return words[first - 1 :]  # "BBC political editor"
    if before[-1:] in ",.:;" or before.lower() in ("the", "a", "an") or before in SPEECH_FORMS:
        return words[first:]
    return words[n - taken :]


_BODY_WORD = re.compile(r"[A-Z][\w’'&\-]*")


def _ends_sentence(word: str) -> bool:
    """'talk."' and 'said.' end a sentence; a closing quotation mark or bracket may follow the stop."""
    return word.rstrip("\"'’”)]")[-1:] in (".", "!", "?")


def _body_before(words: list[str], first: int, at_line_start: bool) -> int:
    """How many capitalised words (a party, a paper, a union: up to three) stand just before an office that
    starts at words[first], when they open their phrase: the start of a sentence, after "the", "by", a comma
    or a speech verb. 0 when they do not, since then they may end a name or a place ("... in London")."""
    count = 0
    while count < min(3, first) and _BODY_WORD.fullmatch(words[first - 1 - count]) and words[first - 1 - count].lower() not in _STOP:
        count += 1
    if not count:
        return 0
    k = first - count
    if k == 0:
        return count if at_line_start else 0
    before = words[k - 1]
    opens = _ends_sentence(before) or before[-1:] in ":;," or before.lower() in _OPENS_A_PERSON or before in SPEECH_FORMS
    return count if opens else 0


# Words after which a person's description begins: an article, or a preposition that takes a person
# ("welcomed by Conservative shadow transport secretary Ann Kell", "criticism from Labour MP Ann Lee").
# Not "in" or "at", which take a place: "... in Riverton mayor Sam Poe's office".
_OPENS_A_PERSON = frozenset("the a an by from with against".split())


def _office_word(word: str) -> bool:
    """An ordinary word that can name an office ("immigration", "e-commerce", "accounts"): not a verb form."""
    if word in _OFFICES_IN_ING:
        return True
    return bool(re.fullmatch(r"[a-z][a-z\-]+", word)) and word not in _STOP and word not in SPEECH_FORMS and word not in _NOT_OFFICE and not word.endswith(("ing", "ed", "ly", "est"))


# Offices named by a word that looks like a verb form: "housing minister", "policing spokesman".
_OFFICES_IN_ING = frozenset(
    "housing planning policing sentencing licensing farming fishing gambling banking nursing shipping broadcasting "
    "marketing training".split()
)


_NOT_OFFICE = frozenset(
    "but and or including most more entire first last only also even then than my your his her its our their "
    "could would should can will may might must shall".split()
)


class _People:
    """Per-document name forms (surname -> forms) and role -> person map."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.forms: dict[str, list[tuple[str, ...]]] = {}
        self.roles: list[tuple[str, str]] = []  # (role phrase lowercased, canonical)
        self.genders: dict[str, str] = {}
        # Weaker than a title: "Mr Hale, who backed her bid," is still a man.
        self.clause_genders: dict[str, str] = {}
        self.mentions: list[tuple[int, list[str]]] = []  # (offset, name) of each person named
        self._lower_words: set[str] | None = None
        self.acronyms = _acronyms(text, start, end)
        for m in _GENDERED_RE.finditer(text, start, end):
            key = _clean_tok(m.group(2)).lower()
            g = "m" if m.group(1).lower().rstrip(".") in _MALE_TITLES else "f"
            self.genders[key] = g if self.genders.get(key, g) == g else "?"
        for m in _CHAIN_RE.finditer(text, start, end):
            toks = m.group(0).split()
            if len(toks) == 1 and toks[0].lower() in _STOP:
                continue
            roles, name, definite = _split_chain(toks)
            if definite and not roles:
                continue
            if not _looks_like_name(name) or len(name) > 4:
                continue
            name = self._without_leading_word(name, text, start, end)
            self.add(name)
            self.mentions.append((m.start(), name))
            told = _WHO_CLAUSE_RE.match(text, m.end(), end) if len(name) >= 2 else None
            if told:
                key, g = name[-1].lower(), "f" if told.group(1).lower().startswith("her") else "m"
                self.clause_genders[key] = g if self.clause_genders.get(key, g) == g else "?"
            lower_roles: list[str] = []
            ms = m.start()
            if ms > start and text[ms - 1] in " \t":
                lower_roles = _office_words(text, max(start, ms - 64), ms)
            role_toks = [r.lower().rstrip(".") for r in lower_roles + roles]
            role_toks = [r for r in role_toks if r not in _HONORIFICS]
            # "Vice President Vance": one name after an office is a person too, so that a
            # transcript label ("THE VICE PRESIDENT:") or "the vice president said" can name him.
            office = bool(role_toks) and role_toks[-1] in _OFFICES
            if role_toks and (len(name) >= 2 or name[0].lower() in _TITLES_KEPT or office):
                self.roles.append((" ".join(role_toks), " ".join(name)))
            if len(name) >= 2:
                # "Tom Reed, the MP for Barnsley North, ..." gives him that role too
                after = _ROLE_APPOSITION.match(text, m.end(), end)
                if after and any(w.lower() in _ROLE_WORDS or w.lower() in _PERSON_NOUNS for w in after.group(1).split()):
                    self.roles.append((" ".join(after.group(1).lower().replace("'s", "").split()), " ".join(name)))

    def _without_leading_word(self, name: list[str], text: str, start: int, end: int) -> list[str]:
        """"Minister for Children, Young People and Families Margaret Hodge": the office's last word, capitalised,
        runs into the name. A first word the article also writes in lower case ("foster families") is no name's."""
        if len(name) < 3 or name[0].lower() in _TITLES_KEPT or name[0].lower() in _HONORIFICS:
            return name
        if self._lower_words is None:
            self._lower_words = set(re.findall(r"(?<![\w'’-])[a-z]+(?![\w'’-])", text[start:end]))
        return name[1:] if name[0].lower() in self._lower_words and name[0][1:].islower() else name

    def named_before(self, offset: int, window: int) -> set[str]:
        """The people named in the `window` characters before `offset`."""
        return {self.canonical(name) for at, name in self.mentions if 0 <= offset - at <= window}

    def expand(self, phrase: str) -> str:
        """ "NAO" -> "National Audit Office" when the article spells it out once ("... Office (NAO)")."""
        return " ".join(self.acronyms.get(w, w) for w in phrase.split())

    def gender(self, name: str) -> str | None:
        """"m" or "f" when the article gives it with an honorific ("Mr Hale", "Ms Hale") or, failing that, in a
        clause about the person ("Ann Kell, who lost her son"), else None."""
        if not name.split():
            return None
        first = name.split()[0].lower().rstrip(".")
        if first in _GENDERED_TITLES:
            return _GENDERED_TITLES[first]
        last = name.split()[-1].lower()
        return _NOUN_GENDER.get(last) or self.genders.get(last) or self.clause_genders.get(last)

    def add(self, name: list[str]) -> None:
        form = tuple(name)
        keys = [name[-1].lower()]
        if "of" in name[1:-1]:
            keys.append(name[name.index("of") - 1].lower())  # "Lord Reade of Anytown" is also "Lord Reade"
        for key in keys:
            lst = self.forms.setdefault(key, [])
            if form not in lst:
                lst.append(form)

    def canonical(self, name: list[str]) -> str:
        key = name[-1].lower()
        want = {t.lower() for t in name}
        best: tuple[str, ...] | None = None
        for form in self.forms.get(key, ()):
            if want <= {t.lower() for t in form} and (best is None or len(form) > len(best)):
                best = form
        if (best is None or len(best) <= len(name)) and len(name) >= 2 and name[0].lower() in _TITLES_KEPT:
            # "Sir Colin" -> "Sir Colin Smith": a knight is called by his first name
            for forms in self.forms.values():
                for form in forms:
                    if len(form) > len(name) and want <= {t.lower() for t in form} and (best is None or len(form) > len(best)):
                        best = form
        if len(name) == 1 and (best is None or len(best) == 1):
            best = self._by_first_name(name[0]) or best
        return " ".join(best if best is not None else name)

    def _by_first_name(self, word: str) -> tuple[str, ...] | None:
        """"Alan said" after "Just ask Alan Aleman": a single word that is nobody's surname here is the first name
        of the one person named in full with it, if exactly one is."""
        found = {
            form
            for forms in self.forms.values()
            for form in forms
            if len(form) >= 2 and [t for t in form if t.lower().rstrip(".") not in _HONORIFICS][:1] == [word]
        }
        return found.pop() if len(found) == 1 else None

    def by_initials(self, initials: str) -> str | None:
        """The one person whose full name has these initials ("JR" -> "Jane Roe"), if exactly one has."""
        found = {
            self.canonical(list(form))
            for forms in self.forms.values()
            for form in forms
            if len(form) >= 2 and "".join(t[0] for t in form if t.lower().rstrip(".") not in _HONORIFICS).upper() == initials
        }
        return found.pop() if len(found) == 1 else None

    def by_role(self, role: str) -> list[str]:
        """Canonical names of people introduced with this role (exact first, then suffix)."""
        exact = [self.canonical(c.split()) for r, c in self.roles if r == role]
        if exact:
            return exact
        words = role.split()
        head = words[-1]
        want = set(words)
        best: list[str] = []
        best_score = 0
        for r, c in self.roles:
            rw = r.split()
            if rw[-1] != head:
                continue
            rws = set(rw)
            # "the mayor" is not the deputy mayor, nor "the deputy mayor" the mayor
            if not ((want <= rws and not (rws - want) & _DISTINCT_ROLE) or (rws <= want and not (want - rws) & _DISTINCT_ROLE)):
                continue
            score = len(want & rws)
            if score > best_score:
                best, best_score = [self.canonical(c.split())], score
            elif score == best_score:
                best.append(self.canonical(c.split()))
        return best


_APPOSITION_AFTER = re.compile(r",[ \t]+([^,.;:!?\"“”()\n]{2,80}?)[ \t]*[,.;]")
_DASH = re.compile(r"\s+(?:-{1,2}|[–—])\s+")
_CLAUSE_BEFORE = re.compile(r"([^,.;:!?\"“”()\n]{3,90}),[ \t]*$")


def _introductions(people: "_People", text: str, start: int, end: int) -> dict[str, str]:
    """How each person the reading found is introduced in text[start:end], with the offices and descriptions
    it gave them: surname (lower case) -> role words, lower case.

    "Tory backbencher Alan Dunmore" -> {"dunmore": "tory backbencher"}; "Ruth Adeyemi, of the Rural
    Transport Alliance," -> {"adeyemi": "of the rural transport alliance"}. A question may name the
    role rather than the person ("which Tory backbencher...", "the health minister")."""
    found: dict[str, list[str]] = {}

    def note(name: str, words: str) -> None:
        key = name.split()[-1].lower()
        words = " ".join(words.lower().split())
        if words and words not in found.setdefault(key, []):
            found[key].append(words)

    for role, name in people.roles:
        note(name, role)
    for m in _CHAIN_RE.finditer(text, start, end):
        _roles, name, _definite = _split_chain(m.group(0).split())
        if not _looks_like_name(name) or len(name) < 2 or len(name) > 4:
            continue
        after = _APPOSITION_AFTER.match(text, m.end(), end)
        # "Federico Peña, one of my national co-chairs -- I would not be here...": a dash ends the description
        described = _DASH.split(after.group(1))[0] if after else ""
        if described and _describes(described):
            note(" ".join(name), described)
        before = _CLAUSE_BEFORE.search(text, max(start, m.start() - 92), m.start())
        if before and _describes(before.group(1)):
            note(" ".join(name), before.group(1).strip())
    return {key: _with_body_named(" ".join(words), text, start, end) for key, words in found.items()}


# Bodies an article names in full once ("the environment select committee") and then by their kind alone
# ("Committee chairman Michael Jack").
_BODY_KINDS = frozenset("committee commission council union association federation board authority".split())
# Office words around a body's kind in an introduction; any other word there names which body it is.
_OFFICE_AROUND_A_KIND = frozenset(
    """chairman chairwoman chair chief executive spokesman spokeswoman spokesperson leader head director president
    general secretary member members deputy vice former new acting the its their his her""".split()
) | frozenset("labour tory conservative liberal democrat mp msp mep am peer".split())  # the person's, not the body's
# Words that say nothing of which body, besides the office words: "the same committee", "the influential committee".
_NOT_A_BODYS_NAME = frozenset("same whole other this that our a an influential powerful senior".split())


def _with_body_named(introduced: str, text: str, start: int, end: int) -> str:
    """An introduction by a body's kind alone ("committee chairman"), with the words the article names that
    body by, when it names one body of that kind in full ("the environment select committee"): the person
    holds that body's office. Two bodies of the kind named differently leave it as it is."""
    words = introduced.split()
    kinds = [i for i, w in enumerate(words) if w in _BODY_KINDS]
    if len(kinds) != 1 or any(w not in _OFFICE_AROUND_A_KIND for i, w in enumerate(words) if i != kinds[0]):
        return introduced
    kind = words[kinds[0]]
    names: set[tuple[str, ...]] = set()
    for m in re.compile(rf"\bthe\s+((?:[\w'’-]+\s+){{1,5}}?){kind}\b", re.I).finditer(text, start, end):
        # "the MPs' committee": whose members, not which body
        named = tuple(w.lower() for w in m.group(1).split() if not w.endswith(("'", "’")))
        named = tuple(w for w in named if w not in _OFFICE_AROUND_A_KIND and w not in _NOT_A_BODYS_NAME)
        if named:
            names.add(named)
    if not names:
        return introduced
    fullest = max(names, key=len)
    if any(not set(n) <= set(fullest) for n in names):
        return introduced  # "the home affairs committee" and "the public accounts committee": which one
    return " ".join(words[: kinds[0]] + list(fullest) + words[kinds[0] :])


def describes_a_role(label: str) -> bool:
    """A speaker label that says what someone is ("spokesman", "Industry Secretary", "MP for Lowbridge
    East", "Campaigners"), not only who ("Jane Roe")."""
    words = [w.strip(".,'’").lower() for w in label.split()]
    return any(w in _ROLE_WORDS or w in _HEAD_NOUNS for w in words) or all(not w[:1].isupper() for w in label.split())


def _describes(phrase: str) -> bool:
    """An apposition that says who someone is ("of the Rural Transport Alliance", "a barrister"),
    not what they did ("said the issue would...")."""
    words = phrase.lower().split()
    if not words or words[0] in ("said", "says", "told", "added", "who", "which", "has", "had", "was", "is"):
        return False
    # "ex-head of communications", "co-chairman": the office is the word after the hyphen
    offices = [part for w in words for part in w.split("-")]
    return words[0] in ("the", "a", "an", "of", "from") or any(w in _ROLE_WORDS or w in _PERSON_NOUNS for w in offices)


# ---------------------------------------------------------------------------
# Subject extraction


class _Ref:
    """A raw speaker reference found in one sentence."""

    __slots__ = ("kind", "value", "person", "name")

    def __init__(self, kind: str, value: str, person: bool, name: list[str] | None = None) -> None:
        self.kind = kind  # "name" | "pron" | "role" | "desc"
        self.value = value
        self.person = person
        self.name = name


_ANYONE = frozenset("any every each no".split())
# "Many might think ...", "Some said ...", "One of the men, Sam Poe, said": a share of people, not one speaker.
_QUANTIFIERS = frozenset("many some others most few several both all one none".split())


def _np_ref(toks: list[str]) -> _Ref | None:
    """Classify a noun phrase (list of tokens) as a speaker reference."""
    if not toks:
        return None
    if len(toks) == 1 and toks[0].lower() in _PRONOUNS:
        return _Ref("pron", toks[0].lower(), True)
    if toks[0].lower() in _ANYONE:
        return None  # "as any American ... will tell you": anyone, so no one
    if len(toks) == 1 and toks[0].lower() in _QUANTIFIERS:
        return None  # an appositive may still name the one meant ("One of the men, Sam Poe, said")
    toks = [t[:-1] if t.endswith(".") and len(t) > 2 and t[:-1].lower() not in _HONORIFICS else t for t in toks]
    head = toks[-1]
    if head in _CAP_GROUPS:
        return _Ref("desc", " ".join(_strip_det(toks)), False)
    if head[0].isupper():
        roles, name, definite = _split_chain(toks)
        if definite and head.lower() in _ROLE_WORDS and head.lower() not in _ORG_HEADS:
            phrase = _strip_det(toks)
            return _Ref("role", " ".join(phrase), True) if phrase else None
        if name and _clean_tok(name[-1]).lower() in _ORG_HEADS:
            phrase = _strip_det(toks)
            return _Ref("desc", " ".join(phrase), False) if phrase else None
        if name and _looks_like_name(name) and not definite:
            return _Ref("name", " ".join(name), True, name)
        phrase = _strip_det(toks)
        if not phrase or not all(t[0].isupper() or t.lower() in _ROLE_WORDS or t.lower() in _CONNECT for t in phrase):
            return None
        if roles and not name:
            return _Ref("role", " ".join(phrase), _clean_tok(head).lower() not in _ORG_HEADS)
        if definite or name:
            # "The Washington Examiner", "the Home Office": an organisation
            if all(t.lower() in _STOP for t in phrase):
                return None
            return _Ref("desc", " ".join(phrase), False)
        return None
    low = head.lower()
    if low in _HEAD_NOUNS:
        phrase = _strip_det(toks)
        if not phrase:
            return None
        definite = toks[0].lower() == "the"
        person = low in _PERSON_NOUNS
        has_cap = any(t[0].isupper() for t in phrase)
        if definite and person and not has_cap:
            return _Ref("role", " ".join(phrase), True)
        return _Ref("desc", " ".join(phrase), person)
    return None


def _strip_det(toks: list[str]) -> list[str]:
    i = 0
    while i < len(toks) and toks[i].lower() in ("the", "a", "an", "one", "but", "and", "however", "meanwhile"):
        i += 1
    return list(toks[i:])


def _subject_before(masked: str, vpos: int) -> _Ref | None:
    toks = _TOKEN_RE.findall(masked, max(0, vpos - 160), vpos)
    i = len(toks) - 1
    # skip adverbs / auxiliaries between subject and verb
    while i >= 0 and toks[i].lower() in _SKIP_BETWEEN:
        i -= 1
    if i < 0:
        return None
    if toks[i].lower() in _PASSIVE:
        return None
    # "X, who ..., said" / "X, 54, said": skip an appositive clause
    if toks[i] == ",":
        j = i - 1
        while j >= 0 and toks[j] != "," and i - j < 25:
            j -= 1
        if j >= 0 and toks[j] == "," and j + 1 < i:
            first = toks[j + 1]
            if first.lower() in ("who", "whose", "which", "a", "an", "the", "himself", "herself", "now") or first[0].isdigit() or first[0].islower():
                i = j - 1
            else:
                # "Association chief executive, Ann Pryor, said": the appositive is the name
                ref = _np_ref(toks[j + 1 : i])
                return ref if ref is not None and ref.kind == "name" else None
        else:
            return None
        while i >= 0 and toks[i].lower() in _SKIP_BETWEEN:
            i -= 1
        if i < 0:
            return None
    if toks[i].rstrip(".").upper() in _POSTNOMINALS and i >= 2 and toks[i - 1] == ",":
        i -= 2  # "Judge Ann Kell, QC told": the letters after his name, not a speaker
    t = toks[i]
    if t.lower() in _PRONOUNS:
        if i > 0 and toks[i - 1].lower() in ("which", "whom"):
            return None  # "The allegations, which he has denied, ...": he spoke of the noun, not the sentence
        # "he said" but not "... so he said" inside a subordinate? good enough
        return _Ref("pron", t.lower(), True)
    if not (t[0].isalpha()):
        return None
    # collect the noun phrase backwards
    j = i
    while j - 1 >= 0:
        p = toks[j - 1]
        if not p[0].isalpha():
            break
        pl = p.lower()
        if p[0].isupper() or pl in _ROLE_WORDS or pl in _HEAD_NOUNS:
            j -= 1
            continue
        if pl in _CONNECT and j - 2 >= 0 and toks[j - 2][:1].isupper():
            j -= 1
            continue
        if pl in ("the", "a", "an"):
            j -= 1
        break
    np = toks[j : i + 1]
    if not t[0].isupper() and t.lower() not in _HEAD_NOUNS:
        return None
    # "a spokesman for the Harbour Office" -> "Harbour Office spokesman"
    if j >= 2 and toks[j - 1].lower() in ("for", "from", "at") and toks[j - 2].lower() in _PERSON_NOUNS and t[0].isupper():
        phrase = _strip_det(np)
        if phrase:
            return _Ref("desc", " ".join(phrase + [toks[j - 2]]), True)
    if len(np) > 1 and np[0].lower() in _TIME_WORDS:
        np, j = np[1:], j + 1  # "In a statement on Wednesday Lord Reade said": the preposition took the day
    elif j >= 1 and toks[j - 1].lower() in _PREPS:
        return None  # "a letter sent to X said": X is not the subject
    ref = _np_ref(np)
    # "Colin Smith, Anytown Residents Association, said" -> the person
    if ref is not None and ref.kind == "desc" and j >= 2 and toks[j - 1] == ",":
        k2 = j - 2
        while k2 - 1 >= 0 and toks[k2 - 1][:1].isupper():
            k2 -= 1
        prev = _np_ref(toks[k2 : j - 1])
        if prev is not None and prev.kind == "name":
            return prev
    return ref


def _subject_after(masked: str, pos: int, end: int) -> _Ref | None:
    toks = _TOKEN_RE.findall(masked, pos, min(end, pos + 160))
    np: list[str] = []
    for k, t in enumerate(toks):
        tl = t.lower()
        if not t[0].isalpha():
            break
        if k == 0 and tl in ("the", "a", "an"):
            np.append(t)
            continue
        if t[0].isupper() or tl in _ROLE_WORDS or tl in _HEAD_NOUNS:
            np.append(t)
            continue
        if tl in _CONNECT and np and np[-1][0].isupper():
            np.append(t)
            continue
        name = _name_after_office_words(toks, k)
        if name:
            return _np_ref(name)  # "...," said Tory shadow local government secretary Ann Roe.
        break
    # trailing connectors
    while np and np[-1].lower() in _CONNECT:
        np.pop()
    if not np or np[-1].lower() in ("the", "a", "an"):
        return None
    return _np_ref(np)


_OFFICE_WORDS_BEFORE_NAME = 4


def _name_after_office_words(toks: list[str], k: int) -> list[str]:
    """The name that ends an inverted report after a few lower-case words of an office ("said shadow local
    government secretary Ann Roe"), when the name closes the sentence or its clause; else nothing."""
    j = k
    while j < len(toks) and j - k < _OFFICE_WORDS_BEFORE_NAME and toks[j][:1].islower() and toks[j].isalpha():
        j += 1
    start = j
    while j < len(toks) and toks[j][:1].isupper() and toks[j][:1].isalpha():
        j += 1
    closes = j == len(toks) or toks[j] in (".", ",", ";")
    name = toks[start:j]
    return name if closes and 2 <= len(name) <= 4 and start > k and _looks_like_name(name) else []


_AFTER_INVERSION = _PREPS | frozenset("who whose which when as after before while adding and but yesterday today last this".split())


def _clause_follows(masked: str, pos: int, ref: _Ref) -> bool:
    """Whether "said X" goes on with X's own verb ("The book said Jane Roe felt..."): X is then the
    subject of what was said, not the speaker of an inversion ("...," said Mr Reade, "...")."""
    toks = _TOKEN_RE.findall(masked, pos, min(len(masked), pos + 200))
    words = ref.value.split()
    i = 0
    while i < len(toks) and toks[i].rstrip(".") != words[-1].rstrip("."):
        i += 1
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is not None and nxt[:1].islower() and nxt.lower() not in _AFTER_INVERSION


def _find_ref(masked: str) -> _Ref | None:
    n = len(masked)
    for m in _VERB_RE.finditer(masked):
        ref = _subject_before(masked, m.start())
        if ref is not None:
            return ref
        if m.group(0) in _INVERTIBLE:
            k = m.start() - 1
            while k >= 0 and masked[k] == " ":
                k -= 1
            if k < 0 or masked[k] in ",”\"":
                ref = _subject_after(masked, m.end(), n)
                if ref is not None and ref.kind != "pron" and not _clause_follows(masked, m.end(), ref):
                    return ref
    m = _ACCORDING_RE.search(masked)
    if m:
        ref = _subject_after(masked, m.end(), n)
        if ref is not None and ref.kind != "pron":
            return ref
    return None


_SPEECH_WORD_RE = re.compile(r"\b(?:" + "|".join(sorted(SPEECH_FORMS, key=len, reverse=True)) + r")\b")


class _Parses:
    """Parses of the sentences that need one, made in one batch and on demand for antecedents."""

    def __init__(self, text: str, sentences: list[SentenceSpan], pending: list[tuple[int, str, list[tuple[int, int]]]]) -> None:
        self.text = text
        self.sentences = sentences
        self.quoted = {k: pieces for k, _masked, pieces in pending}
        wanted = [k for k, masked, _pieces in pending if _SPEECH_WORD_RE.search(masked)]
        self.done: dict[int, Parsed] = dict(zip(wanted, self._parse(wanted)))

    def _parse(self, ks: list[int]) -> list[Parsed]:
        return parse([self.text[self.sentences[k].start : self.sentences[k].end] for k in ks], [self.quoted.get(k, []) for k in ks])

    def get(self, k: int) -> Parsed | None:
        return self.done.get(k)

    def subject(self, k: int) -> Phrase | None:
        """The main subject of sentence k, parsing it now if no speech verb made it parsed already."""
        if k not in self.done:
            if k not in self.quoted:
                return None  # all quotation: its subject is inside the quote
            self.done[k] = self._parse([k])[0]
        return self.done[k].subject


def _office_holder(words: list[str], of: tuple[str, ...]) -> tuple[_Ref, str] | None:
    """The person named at the end of an office's "of" phrase, and the office: "Shadow leader of the Commons
    Ed Lyle", "Association of Parish Clerks president Ann Kell". Not one spoken for: "a spokesman
    for Tom Reade" is the spokesman."""
    if not of or not words or _clean_tok(words[-1]).lower() in ("friend", "friends", "ally", "allies"):
        return None
    tail = list(of[1:])
    if words[-1].lower() in _SOURCE_HEADS and not (tail and tail[0][:1].islower() and tail[0].lower() != "the"):
        return None  # "a spokesman for Tom Reade" speaks for him; "spokesman for sport Sam Poe" holds a brief
    while tail and tail[-1].rstrip(".").upper() in _POSTNOMINALS:
        tail.pop()
    start = len(tail)
    while start > 0 and tail[start - 1][:1].isupper():
        start -= 1
    run = tail[start:]
    if len(run) < 3 and not (run and start > 0 and tail[start - 1].lower() not in ("the", "of", "for", "and")):
        return None  # "leader of the House", "Minister for Children": the office alone
    roles, name, _definite = _split_chain(run)
    head = _clean_tok(words[-1]).lower()
    if not (head in _ROLE_WORDS or head in _PERSON_NOUNS or (head in _ORG_HEADS and roles)):
        return None  # "Ann Pryor, from Riverton Watch": a person already, and the body is theirs
    if len(name) > 2 and not roles:
        name = name[-2:]  # "of the Commons Ed Lyle": the body's words come first
    if len(name) < 2 or not _looks_like_name(name) or _clean_tok(name[-1]).lower() in _ORG_HEADS or any(w.isupper() for w in name):
        return None
    office = words + list(of[: 1 + start + len(run) - len(name)])
    return _Ref("name", " ".join(name), True, name), " ".join(w.lower() for w in office)


_BODY_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _body_letters(word: str) -> bool:
    """A party or a union by its letters ("UKIP", "TUC"), not a person's letters ("MP", "QC", "PM")."""
    return bool(_BODY_ACRONYM.fullmatch(word)) and word not in _POSTNOMINALS and word != "PM"


def _phrase_ref(phrase: Phrase, people: "_People") -> _Ref | None:
    """A parsed subject as a speaker reference: a name beside a role wins, and the pair is remembered."""
    if phrase.pronoun:
        return _Ref("pron", phrase.words[0].lower(), True)
    words = list(phrase.words)
    if words and (words[0].lower() in _ANYONE or all(w.rstrip(".").upper() in _POSTNOMINALS for w in words)):
        return None  # "any American"; "QC" parsed apart from the name it follows
    if len(words) == 2 and words[0].lower().rstrip(".") in _GENDERED_TITLES and people.genders.get(_clean_tok(words[1]).lower()) == "?":
        # "Mrs Reade" where the article also has a "Mr Reade": not his full name
        return _Ref("name", " ".join(words), True, [words[0].rstrip("."), _clean_tok(words[1])])
    if len(words) == 1 and _body_letters(words[0]):
        return _Ref("desc", words[0], False)  # "UKIP asserts that ...": a party or a union by its letters
    if all(w.isupper() for w in words) and not any(w.lower() in _PRONOUNS for w in words):
        return None  # a dateline ("MINNEAPOLIS (EXCLUSIVE) —") parsed as the subject
    held = None if phrase.appositives else _office_holder(words, phrase.of)
    if held is not None:
        holder, office = held
        people.roles.append((office, people.canonical(holder.name or [])))
        return holder
    if phrase.of and phrase.of[-1].lower() in _PERSON_NOUNS and words[-1].lower() not in _PERSON_NOUNS:
        # a misattached head: "A Department [for Education and Skills spokeswoman]"
        words, phrase = words + list(phrase.of), Phrase(tuple(words + list(phrase.of)), appositives=phrase.appositives)
    owned = words[phrase.owner :] if 0 < phrase.owner < len(words) else []
    if len(owned) == 1 and owned[0][:1].isupper() and not _is_role(owned[0], None):
        return _Ref("desc", " ".join(words[: phrase.owner]) + "'s " + owned[0], False)  # "Roe's Britain": someone's thing (a book), not a person
    ref = _np_ref(words)
    if len(owned) >= 2 and (ref is None or ref.kind != "role"):
        # "Riverton Watch's Ann Pryor": the name begins after the possessor
        named = _np_ref(owned)
        if named is not None and named.kind == "name":
            ref = named
    if (ref is None or ref.kind == "desc") and words and words[-1][:1].isupper():
        # "East Anytown landowner Sam Poe": the name is the capitalised run after the last lower-case word
        tail = len(words)
        while tail > 0 and words[tail - 1][:1].isupper():
            tail -= 1
        if tail > 0:
            named = _np_ref(words[tail:])
            if named is not None and named.kind == "name":
                ref = named
    if ref is not None and ref.kind == "desc" and not ref.person and phrase.of[:1] == ("of",) and len(phrase.of) > 1:
        body = [w for w in phrase.of[1:] if w.lower() not in ("the", "a", "an")]
        if len(body) > 1 and body[-1].isupper():
            body = body[:-1]  # "(ADSS)"
        if body and all(w[:1].isupper() or w in _CONNECT or w == "and" for w in body):
            ref = _Ref("desc", " ".join([ref.value, "of"] + body), False)  # "the Association of Directors of Social Services"
    for appositive in phrase.appositives:
        words_of = list(appositive)
        while len(words_of) > 1 and words_of[-1].isdigit():
            words_of.pop()  # "David Redvers, 34,": the age the report gives after a name
        other = _np_ref(words_of)
        if other is None:
            continue
        if other.kind == "name" and (ref is None or ref.kind in ("role", "desc")):
            if ref is not None and ref.kind == "role":
                people.roles.append((ref.value.lower(), people.canonical(other.name or other.value.split())))
            return other
        if ref is not None and ref.kind == "name" and other.kind in ("role", "desc"):
            people.roles.append((other.value.lower(), people.canonical(ref.name or ref.value.split())))
    if ref is not None and ref.kind in ("role", "desc") and ref.person:
        head = ref.value.split()[-1].lower()
        definite = words[0].lower() == "the"
        if head in _SOURCE_HEADS or not definite:
            if phrase.of:
                # "a spokesman for the Harbour Office": an unnamed source, described
                body = [w for w in phrase.of[1:] if w.lower() not in ("the", "a", "an")]
                if body and any(w[:1].isupper() for w in body):
                    return _Ref("desc", " ".join(body + [ref.value]), True)
            return ref
        # "the MP for Barnsley North", "the Rural Alliance Party's council leader": one person
        # holding an office, whom only the article can name
        return _Ref("role", " ".join([ref.value] + list(phrase.of)), True)
    return ref


def _explicit_ref(parsed: Parsed | None, masked: str, people: "_People") -> _Ref | None:
    """Pass 1: the speaker a sentence names explicitly: the subject of its speech verb ("X said",
    "said X", "X, who has said"), else "according to X". A sentence that opens with "According to X," is X's
    account whatever it reports: "According to Mr Sands, Lord Reade had warned ..." is Sands's claim."""
    opening = _OPENING_ACCORDING_RE.match(masked)
    if opening:
        ref = _subject_after(masked, opening.end(), len(masked))
        if ref is not None and ref.kind != "pron":
            return ref
    if parsed is not None and parsed.speaker is not None:
        ref = _phrase_ref(parsed.speaker, people)
        if ref is not None:
            return ref
    if parsed is not None and parsed.passive and _ACCORDING_RE.search(masked) is None:
        return None  # "Officers seized the ballots ..., the inquiry was told": told by whom, the sentence does not say
    if parsed is not None and parsed.said_as_thing and not parsed.speech_verb and _ACCORDING_RE.search(masked) is None:
        return None  # "I agree with what Mr Poe said": the words are the writer's, not Mr Poe's
    # the parser found no subject ("according to X", a verbless attribution): the rules' reading
    return _find_ref(masked)



# "Kevin Roe was asked: "...": the quotation is what was put to the subject, not the subject's words.
_ADDRESSED_RE = re.compile(r"\b(?:was|were|is|are|been|being|be|got|get)\s+(?:\w+ly\s+)?(?:asked|told|questioned|challenged|pressed|reminded)\b")


def _colon_speaker(subject: Phrase | None, people: "_People") -> _Ref | None:
    """Pass 1b: a quotation that a colon introduces, after a clause about a person with no speech verb, is that
    person's: 'He is prepared to go this far: "..."', 'Mr Reade was blunt: "..."'. Not a thing's ("The message
    was clear: "...") nor a group's."""
    if subject is None or subject.possessive or subject.coordinated:
        return None
    ref = _phrase_ref(subject, people)
    if ref is None or not ref.person or ref.kind == "desc" or (ref.kind == "pron" and ref.value not in ("he", "she")):
        return None
    return ref


def _antecedent(
    k: int, pronoun: str, speakers, person_flag, frac, parsed: _Parses, people: "_People", recent: list[str], speaking: str | None = None
) -> str | None:
    """Pass 3: the person "he" or "she" means. The subject of the sentence just before is the likeliest,
    speech verb or not ('Prof Dunmore criticises the US ... "This is like ...," he says.'); when that
    subject is a person we cannot name ("the first minister"), unknown. Else the last speaker who may
    have that gender, else the last person of that gender named a few sentences before. A person the
    article gives the other gender ("Mr", "Mrs") is never chosen; "she" needs a woman the article
    marks as one, since most people it does not mark are men in this genre. In a transcript, "he" is never
    the one `speaking`."""
    want = "m" if pronoun == "he" else "f"
    allowed = (want, None) if want == "m" else (want,)

    j = k - 1
    if j >= 0:
        candidate = speakers[j] if person_flag[j] else None
        subject_is_person = candidate is not None
        if candidate is None and frac[j] < 0.5:
            phrase = parsed.subject(j)
            if phrase is not None and not phrase.pronoun and not phrase.possessive and not phrase.coordinated:
                ref = _phrase_ref(phrase, people)
                if ref is not None and ref.person:
                    subject_is_person = True
                if ref is not None and ref.kind == "name":
                    candidate = _known_person(ref, people)
                elif ref is not None and ref.kind == "role":
                    found = set(people.by_role(ref.value.lower()))
                    candidate = next(iter(found)) if len(found) == 1 else None
                    if not found and ref.value.split()[-1].lower() in _SOURCE_HEADS:
                        # "The spokesman declined to comment... He said": the fuller description of a spokesman before
                        candidate = _resolve_role(ref.value, people, [s for s in speakers[:j] if s])
                    elif not found and speaking is None:
                        candidate = _unheld_office(ref)  # "The chancellor is touring Africa. He insisted..."
                elif ref is not None and ref.kind == "desc" and ref.person:
                    # "a spokesman for the Harbour Office ... He said": an unnamed source stays its description
                    candidate = ref.value if ref.value.split()[-1].lower() in _SOURCE_HEADS else _resolve_role(ref.value, people, [])
        if candidate is not None and candidate != speaking and people.gender(candidate) in (want, None):
            return candidate
        if subject_is_person and candidate is None:
            return None
    spoke = next((p for p in reversed(recent) if p != speaking and people.gender(p) in allowed), None)
    if spoke is not None:
        return spoke
    here = parsed.sentences[k].start
    for offset, name in reversed(people.mentions):
        if offset >= here:
            continue
        if here - offset > 600:
            break
        # in a speech "he" is never the speaker, so a man the speech names but does not mark as one may be meant
        marked = (want, None) if speaking is not None and want == "m" else (want,)
        if people.gender(name[-1]) in marked and people.canonical(name) != speaking:
            return people.canonical(name)
    return None


@dataclass(frozen=True)
class _Marks:
    """What the reading has found of each sentence so far, by index: the lists are filled in pass by pass."""

    modes: list[str]  # "none", "reported" or "direct"
    final: list[str | None]  # its speaker
    refs: list["_Ref | None"]  # the speaker its own words name, before resolving
    frac: list[float]  # share of it inside quotation marks
    intro: list[bool]  # a quotation opens it or is introduced by ":", "," or a verb
    link: list[bool]  # it carries on the quotation of the sentence before


class _TurnQuote(NamedTuple):
    """Whether a transcript sentence quotes someone other than the turn's speaker, and whose words they are
    (None: someone the turn does not name)."""

    quotes: bool
    speaker: str | None = None


_OWN_WORDS = _TurnQuote(False)


# How far back a speech may have named the man its "he said, "..."" quotes: a speech names many people over
# an hour, and the last one who spoke anywhere before is a guess.
_NAMED_NEAR = 1000


def _quoted_in_turn(
    k: int, who: str, marks: _Marks, quoting: list[bool], same_paragraph: bool, said_by: Phrase | None, people: "_People", start: int
) -> _TurnQuote:
    """In a transcript turn, quoted words that the turn gives to someone else ("X told us, "..."", '"...," she
    said', "As one staff sergeant said, "...""), and the sentences that carry that quotation on."""
    modes, final, frac, intro, link = marks.modes, marks.final, marks.frac, marks.intro, marks.link
    ref = marks.refs[k]
    if ref is not None and _third_person(ref):
        # a speaker never calls themself "he" or "they"; a short quotation in a long sentence ("...he put out a
        # statement — I didn't speak to Joe yet — but he said, "At no time..."") is still his, not the turn's
        if frac[k] == 0 or not (modes[k] == "direct" or (modes[k] == "reported" and intro[k])):
            return _OWN_WORDS
        # the man the speech named just before, if the pronoun resolves to a person named in full
        sp = final[k]
        named = ref.value != "they" and sp is not None and len(sp.split()) >= 2 and sp in people.named_before(start, _NAMED_NEAR)
        return _TurnQuote(True, sp if named else None)
    if modes[k] != "direct" or frac[k] == 0:
        return _OWN_WORDS
    if ref is not None:
        if ref.kind == "name":
            return _TurnQuote(True, final[k]) if final[k] is not None and final[k] != who else _OWN_WORDS
        if final[k] == who:
            return _OWN_WORDS
        # "the President said" names an office holder; "his colleague said", "a priest once said" nobody we know
        return _TurnQuote(True, final[k] if ref.kind == "role" else None)
    if said_by is not None and not said_by.pronoun and said_by.words[0].lower() not in _ANYONE:
        # described as someone the parse could not turn into a speaker: not the turn's. "As any American
        # looking for work will tell you, "..."" is the turn's own way of putting it.
        return _TurnQuote(True)
    if k > 0 and quoting[k - 1] and (link[k] or (same_paragraph and frac[k] >= 0.8)):
        return _TurnQuote(True, final[k - 1])  # '"We're not going anywhere," she said. "We are here."'
    return _OWN_WORDS


def _third_person(ref: _Ref) -> bool:
    return ref.kind == "pron" and ref.value in ("he", "she", "they")


# "...I am not going to start now." That's from the Acting Director of National Intelligence, Jo Bloggs.
_READ_OUT_RE = re.compile(r"(?:That|This)(?:['’]s|\s+is|\s+was)\s+(?:from|by)\s")


def _read_out_by(text: str, start: int, end: int, people: "_People") -> str | None:
    """The person a sentence says the quotation just read out came from ("That's from ..., Jo Bloggs.")."""
    if not _READ_OUT_RE.match(text, start, end):
        return None
    names = [m.group(0).split() for m in _CHAIN_RE.finditer(text, start, end)]
    names = [name for name in names if 2 <= len(name) <= 4 and _looks_like_name(name)]
    return people.canonical(names[-1]) if names else None


def _unattributed_quote_speaker(k: int, sentences: list[SentenceSpan], marks: _Marks, parsed: "_Parses", people: "_People") -> str | None:
    modes, final, refs, frac = marks.modes, marks.final, marks.refs, marks.frac
    p = sentences[k].paragraph
    j = k - 1
    about = _narration_subject(j, sentences, marks, parsed, people) if j >= 0 and sentences[j].paragraph == p else None
    if about is not None:
        return about
    # a sentence that names a speaker we could not resolve ("the first minister said") stops the search
    while j >= 0 and sentences[j].paragraph == p and final[j] is None and refs[j] is None:
        j -= 1
    if j >= 0 and sentences[j].paragraph == p:
        return final[j]
    if j < 0:
        return None
    # j is the last sentence of the paragraph before
    if k > 0 and sentences[k - 1].paragraph == p:
        return None  # narration earlier in this paragraph stands between
    if final[j] is not None and modes[j] != "none":
        return final[j]
    if frac[j] < 0.5:
        phrase = parsed.subject(j)
        if phrase is not None and not phrase.pronoun:
            return _known_person(_phrase_ref(phrase, people), people)
    return None


def _narration_subject(j: int, sentences: list[SentenceSpan], marks: _Marks, parsed: "_Parses", people: "_People") -> str | None:
    """The person named as the subject of the narration just before a quotation no sentence attributes
    ("Ann Roe repeated her party's calls for an inquiry. "The public interest..."): the quotation is theirs,
    not the last quotation's speaker's, whom that sentence has moved the story on from."""
    if marks.final[j] is not None or marks.refs[j] is not None or marks.frac[j] >= 0.5 or marks.modes[j] != "none":
        return None
    phrase = parsed.subject(j)
    if phrase is None or phrase.pronoun:
        return None
    return _known_person(_phrase_ref(phrase, people), people)


def _known_person(ref: _Ref | None, people: "_People") -> str | None:
    """The fullest form of a name the article's pre-scan saw as a person, else None."""
    if ref is None or ref.kind != "name" or not ref.name or ref.name[-1].lower() not in people.forms:
        return None
    return people.canonical(ref.name)


# Heads of a description that names no one in particular: an unnamed source stays its description.
_SOURCE_HEADS = frozenset("spokesman spokeswoman spokesperson spokesmen source sources official officials aide aides".split())
# What a document says is its author's words: "the RTA report said" is the RTA's.
_DOCUMENT_HEADS = frozenset("report study survey poll statement letter review document analysis research".split())
# bodies that write reports ("the committee found...", then "the report said...")
_AUTHOR_HEADS = frozenset(
    "committee committees office commission inquiry watchdog department ministry council authority institute agency "
    "foundation trust survey unit court panel board".split()
)
_NEWSPAPER_RE = re.compile(
    r"\b(?:(?!The\b)[A-Z][\w'’]+[ \t]+){0,3}(?:Times|Telegraph|Guardian|Post|Mail|Mirror|Independent|Express|Standard|Sun|"
    r"Journal|Herald|Observer|Scotsman|Record|Examiner|Gazette|Chronicle|Tribune|Star)\b"
)


def _resolve_role(role_phrase: str, people: "_People", recent_speakers: list[str]) -> str | None:
    """Pass 2b: "the shadow home secretary" is the person the article gives that role; "the spokesman"
    an earlier, fuller description of a spokesman; an office no one in the article holds, unknown."""
    role = role_phrase.lower()
    cands = people.by_role(role)
    if cands:
        return next((r for r in reversed(recent_speakers) if r in cands), cands[-1])
    head = role.split()[-1]
    earlier = next((r for r in reversed(recent_speakers) if r.lower().split()[-1] == head), None)
    if earlier is not None:
        return earlier
    if head in _SOURCE_HEADS:
        return role_phrase
    return None


_VERB_AFTER_NAME = re.compile(r"[ \t]+(?:has[ \t]+|had[ \t]+)?(?:said|says|told|added|warned|argued|insisted|explained|claimed)\b")
_OPENING_NAME = re.compile(r"(?:[A-Z][\w'’.-]*[ \t]+){1,3}[A-Z][\w'’-]*(?=[ \t]*[,;:]|[ \t]+[a-z])")


# Offices one person holds at a time: not a department ("the Treasury"), a party ("the Lib Dems") or a
# spokesman, whom the article never names and who stays its description.
_ONE_HOLDER_HEADS = _OFFICES | frozenset(
    "leader chairman chairwoman chair commissioner director mp mep msp am mla attorney general editor chief whip speaker premier".split()
)


class _Office(str):
    """An office the article names a speaker by but gives no one ("the prime minister said"), carried like a
    speaker through pronouns and quotation runs; it leaves the reading as Attribution.office, not as a speaker."""


def _unheld_office(ref: "_Ref") -> str | None:
    """Pass 2g: an office no one in the article holds ("the prime minister", "the Tory leader"): kept for the
    corpus, which may know the one person who holds it among those this article names (see offices.py)."""
    return _Office(" ".join(ref.value.lower().split())) if ref.person and ref.value.split()[-1].lower() in _ONE_HOLDER_HEADS else None


def _body_itself(ref: "_Ref") -> str | None:
    """Pass 2f: "The Green Party said", "UKIP said": a body named in full, whom no one speaks for here, speaks itself."""
    return ref.value if ref.value[:1].isupper() and (not ref.person or _body_letters(ref.value)) else None


def _unheld_description(ref: "_Ref", people: "_People", sentence: SentenceSpan, text: str) -> bool:
    """A description of one person ("the chairman of the Harbour Federation") that no one named so far holds,
    reporting without quoting: a described speaker given their own words already ("The Archbishop of
    Canterbury said: "...") is not introduced further by the name that opens the next sentence."""
    if _QUOTE_CHARS.search(text, sentence.start, sentence.end):
        return False
    return ref.kind in ("desc", "role") and not people.by_role(ref.value.lower())


def _named_next(k: int, sentences: list[SentenceSpan], text: str, people: "_People", said_next: bool = False) -> str | None:
    """Pass 2d: a sentence that describes its speaker ("Riverton's transport minister has warned...") and a next
    sentence that opens with a person named in full for the first time, with no office of their own
    ("Ann Kell said..."): the description is that person, as news leads are written. Past the lead,
    only when the name is followed straight by its verb ("Sam Poe said:"): "John Smith, a parent, said"
    brings a description of its own."""
    if k + 1 >= len(sentences):
        return None
    start = sentences[k + 1].start
    match = _OPENING_NAME.match(text, start, sentences[k + 1].end)
    if match is None or (said_next and not _VERB_AFTER_NAME.match(text, match.end(), sentences[k + 1].end)):
        return None
    roles, name, _ = _split_chain(match.group(0).split())
    if roles or len(name) < 2 or len(name) > 4 or not _looks_like_name(name):
        return None  # "Finance Minister Ann Lee": someone with an office of their own
    holder = people.canonical(name)
    key = holder.split()[-1].lower()
    if any(offset < start and mentioned[-1].lower() == key for offset, mentioned in people.mentions):
        return None  # named before: not the one the lead introduces
    if any(person == holder for _role, person in people.roles):
        return None
    return holder


def _resolve_description(phrase: str, people: "_People", last_body: str | None, before: str) -> str | None:
    """Pass 2c: a description is its own speaker, with three exceptions: a document speaks for its
    author ("the RTA report" -> the Rural Transport Alliance; "the report" -> the body that last spoke),
    "the newspaper" is the newspaper last named, and an unnamed spokesman is the one the article names."""
    words = phrase.split()
    if words and words[-1].lower() in _DOCUMENT_HEADS:
        body = [w for w in words[:-1] if w[:1].isupper()]
        if body:
            return people.expand(" ".join(body))
        if last_body is not None and last_body.split()[-1].lower() in _AUTHOR_HEADS:
            return last_body
        return None
    if len(words) == 1 and words[0].lower() in ("paper", "newspaper"):
        named = list(_NEWSPAPER_RE.finditer(before))
        return named[-1].group(0) if named else None
    if words and words[-1].lower() in _SOURCE_HEADS:
        # "a spokesman for the Harbour Office" when the article names one spokesman ("spokesman Jo Bloggs")
        described = {w.lower() for w in words}
        named = {c for r, c in people.roles if r.split()[-1] == words[-1].lower() and set(r.split()) <= described}
        if len(named) == 1:
            return people.canonical(named.pop().split())
    holders = {people.canonical(c.split()) for r, c in people.roles if r == phrase.lower()}
    if len(holders) == 1:
        return holders.pop()  # "The Tory leader went on:" after "Tory leader Ann Roe": the one so introduced
    return people.expand(phrase)


# ---------------------------------------------------------------------------
# Quotes


def _classify_quote(text: str, i: int, lo: int, hi: int, is_open: bool) -> bool:
    """True if the quote char at i opens a quotation."""
    c = text[i]
    if c == "“":
        return True
    if c == "”":
        return False
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    b_space = before.isspace() or before in "([{—–-:"
    a_space = after.isspace() or after in ".,;:!?)]}—–-"
    if b_space and not a_space:
        return True
    if a_space and not b_space:
        return False
    return not is_open


def _quote_segments(text: str, ps: int, pe: int, carried: bool) -> tuple[list[tuple[int, int]], bool, bool]:
    """Quoted segments of paragraph text[ps:pe].

    ``carried``: the previous paragraph ended inside a quote. Returns
    (segments, continues_previous, open_at_end).
    """
    segs: list[tuple[int, int]] = []
    is_open = False
    qstart = ps
    continues = False
    first = True
    for m in _QUOTE_CHARS.finditer(text, ps, pe):
        i = m.start()
        opening = _classify_quote(text, i, ps, pe, is_open)
        if first and opening and carried and i == ps:
            continues = True
        if opening:
            if is_open and i > qstart:
                segs.append((qstart, i))
            is_open = True
            qstart = i
        elif is_open:
            segs.append((qstart, i + 1))
            is_open = False
        elif first and carried and not segs:
            # closing quote of a quote continued without an opening mark
            segs.append((ps, i + 1))
            continues = True
        first = False
    if is_open:
        segs.append((qstart, pe))
    return segs, continues, is_open


# ---------------------------------------------------------------------------
# Main entry


def _label_speaker(label: str, people: _People, default: str | None) -> str | None:
    words = label.replace(".", ". ").split()
    toks = [w.strip() for w in words if w.strip()]
    low = " ".join(t.lower() for t in toks)
    if low in ("q", "q.", "question", "audience member", "reporter"):
        return "Reporter"
    if low in _ANSWER_LABELS:
        return default  # "A:" answers in the transcript's own speaker's words
    if low in _QUESTION_LABELS:
        return low.capitalize()  # "Interviewer", "Host": never the interviewee
    if re.fullmatch(r"[A-Z]{2,3}", label):
        # Initials after a first full label: "ANDREW MARR:" ... "AM:".
        return people.by_initials(label) or label
    tc = [t.capitalize() if t.isupper() else t for t in toks]
    roles, name, _ = _split_chain(tc)
    if name and _looks_like_name(name):
        return people.canonical([n.rstrip(".") for n in name])
    if low in ("the president", "president") and default:
        return default
    phrase = " ".join(t for t in tc if t.lower() != "the")
    role = phrase.lower()
    cands = people.by_role(role)
    if cands:
        return cands[-1]
    return phrase or (default or "Unknown")


def _line_start(text: str, pos: int) -> bool:
    line = text.rfind("\n", 0, pos) + 1
    return not text[line:pos].strip()


class _Labels:
    """Speaker labels at the start of a line in one transcript."""

    def __init__(self, text: str, default_speaker: str | None) -> None:
        self.text = text
        self.default_surname = default_speaker.split()[-1].lower() if default_speaker and default_speaker.split() else None
        self.recurring = _recurring_title_labels(text)
        self.dotted_qa = _dotted_qa(text)
        self.dotted_turns = _dotted_turns(text)

    def starts(self, start: int, end: int) -> list[tuple[int, str, int]]:
        """(offset, label, offset after the label) of every line in text[start:end] that opens with a label."""
        found = []
        for m in re.finditer(r"(?m)^[ \t]*", self.text[start:end]):
            pos = start + m.end()
            label = self._match(pos, end) if pos < end else None
            if label is not None:
                found.append((pos, label.group("label"), label.end()))
        return found

    def at(self, start: int, end: int) -> str | None:
        """The label opening a line at `start` ("Q", "JANE DOE", "Interviewer"), or None."""
        m = self._match(start, end)
        return m.group("label") if m else None

    def _match(self, start: int, end: int) -> re.Match | None:
        if not _line_start(self.text, start):
            return None
        m = _LABEL_RE.match(self.text, start, end)
        if m:
            return m
        if self.dotted_qa:
            m = _DOTTED_QA_RE.match(self.text, start)  # the splitter ends a sentence at "Q."
            if m:
                return m
        m = _SPACED_Q_RE.match(self.text, start, end)
        if m:
            return m
        if self.dotted_turns:
            m = _DOTTED_TURN_RE.match(self.text, start)  # the splitter ends a sentence at the label's full stop
            if m:
                return m
        m = _TITLE_LABEL_RE.match(self.text, start, end)
        if not m:
            return None
        label = m.group("label")
        low = label.lower()
        if low in _QUESTION_LABELS or low in _ANSWER_LABELS or label in self.recurring:
            return m
        if self.default_surname and low.rstrip(".").split()[-1] == self.default_surname:
            return m
        return None


def _recurring_title_labels(text: str) -> set[str]:
    """Title-case labels ("Priya Nandakumar") that open two lines or more: a speaker's turns, not a heading."""
    counts = Counter(m.group("label") for m in re.finditer(r"(?m)^[ \t]*" + _TITLE_LABEL_RE.pattern, text))
    return {label for label, count in counts.items() if count >= 2}


def _dotted_qa(text: str) -> bool:
    opened = [m.group("label") for m in re.finditer(r"(?m)^[ \t]*" + _DOTTED_QA_RE.pattern, text)]
    return opened.count("Q") >= 2 and opened.count("A") >= 2


def _dotted_turns(text: str) -> bool:
    return _PRESIDENT_TURN_RE.search(text) is not None


def is_labelled_transcript(text: str) -> bool:
    """Turns opened by speaker labels ("ANDREW MARR: ", "Q: ", "Q. "/"A. "), even with no speaker given:
    at least three such lines and two different labels."""
    labels = [m.group("label") for m in re.finditer(r"(?m)^[ \t]*" + _LABEL_RE.pattern, text)]
    # Title case ("Interviewer: ", "Priya Nandakumar: ") counts when it is an interview word or recurs.
    recurring = _recurring_title_labels(text)
    titled = [m.group("label") for m in re.finditer(r"(?m)^[ \t]*" + _TITLE_LABEL_RE.pattern, text)]
    labels += [label for label in titled if label.lower() in _QUESTION_LABELS or label in recurring]
    return (len(labels) >= 3 and len(set(labels)) >= 2) or _dotted_qa(text) or _dotted_turns(text)


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|I'd|I’d|me|my|myself)\b")


def _is_standfirst(block: str, speaker: str | None) -> bool:
    """Unlabelled text before an interview's first turn that speaks of the interviewee in the third
    person and never as "I": "The shadow health secretary talks to our correspondent about why she…".
    Prepared remarks before the questions ("Good morning. Today I am announcing…") stay the speaker's."""
    if not block.strip() or _FIRST_PERSON.search(block):
        return False
    surname = speaker.split()[-1] if speaker and speaker.split() else None
    return bool(re.search(r"\b(?:he|she|his|her)\b", block, re.I) or (surname and re.search(rf"\b{re.escape(surname)}\b", block)))


def label_spans(text: str, start: int, end: int, default_speaker: str | None) -> list[tuple[int, int]]:
    """(start, end) of each speaker label opening a line in text[start:end] ("ANDREW MARR: "): where a
    transcript turn begins, and where the turn's own words begin after the label."""
    if default_speaker is None and not is_labelled_transcript(text):
        return []
    return [(pos, after) for pos, _label, after in _Labels(text, default_speaker).starts(start, end)]


class SpeakerReading(NamedTuple):
    attributions: list[Attribution]  # one per sentence, in the same order
    roles: dict[str, str]  # how each person is introduced (see _introductions)


def attribute(text: str, sentences: list[SentenceSpan], default_speaker: str | None = None) -> list[Attribution]:
    """One Attribution per sentence, in the same order."""
    return read_speakers(text, sentences, default_speaker).attributions


def read_speakers(text: str, sentences: list[SentenceSpan], default_speaker: str | None = None) -> SpeakerReading:
    """Who says each sentence, and how each person is introduced, from one reading of the document: a speaker
    described only before being named ("the chairman of the Harbour Federation ... said", then "Sam Poe
    said:") is introduced by that description, which a second reading of the text alone would not see."""
    n = len(sentences)
    if n == 0:
        return SpeakerReading([], {})
    lo = min(s.start for s in sentences)
    hi = max(s.end for s in sentences)
    people = _People(text, lo, hi)
    if default_speaker:
        people.add(default_speaker.split())
    transcript = default_speaker is not None or is_labelled_transcript(text)
    labels = _Labels(text, default_speaker) if transcript else None
    if labels is not None:
        # "ANDREW MARR:" then "MARR:": the short label resolves to the full name.
        for _pos, label, _after in labels.starts(lo, hi):
            _roles, name, _ = _split_chain([t.capitalize() if t.isupper() else t for t in label.split()])
            if 2 <= len(name) <= 4 and _looks_like_name(name):
                people.add([t.rstrip(".") for t in name])

    if labels is not None:
        # The parse reads a turn without its label: in "Q    After meeting with you, Sam Poe came out and
        # told us, ..." the subject is Poe, not "Q". Offsets stay, so spaces take the label's place.
        blanked = list(text)
        for pos, _label, after in labels.starts(lo, hi):
            blanked[pos:after] = " " * (after - pos)
        text_for_parse = "".join(blanked)
    else:
        text_for_parse = text

    # paragraph groups (consecutive sentences with the same paragraph index)
    groups: list[tuple[int, int]] = []
    a = 0
    for k in range(1, n + 1):
        if k == n or sentences[k].paragraph != sentences[a].paragraph:
            groups.append((a, k))
            a = k

    frac = [0.0] * n
    opens = [False] * n  # the sentence starts with a quotation
    intro = [False] * n  # a quotation opens the sentence or is introduced by ":", "," or a verb
    link = [False] * n  # continues the quote of the previous sentence
    colon = [0] * n  # where a colon introduces the sentence's first quotation ("He went this far: "..."), else 0
    refs: list[_Ref | None] = [None] * n
    pending: list[tuple[int, str, list[tuple[int, int]]]] = []  # sentences with words outside quotes
    carried = False
    for ga, gb in groups:
        ps, pe = sentences[ga].start, sentences[gb - 1].end
        segs, continues, open_end = _quote_segments(text, ps, pe, carried)
        carried = open_end
        si = 0
        for k in range(ga, gb):
            s, e = sentences[k].start, sentences[k].end
            while si < len(segs) and segs[si][1] <= s:
                si = si + 1
            quoted = 0
            pieces: list[tuple[int, int]] = []
            j = si
            while j < len(segs) and segs[j][0] < e:
                qs, qe = max(segs[j][0], s), min(segs[j][1], e)
                if qe > qs:
                    quoted += qe - qs
                    pieces.append((qs, qe))
                    # A quotation that goes on in the next, opened again without being closed (news style
                    # across sentences: '"The first. "The second," said Ann Roe.') is one quotation too.
                    if qs == s and (segs[j][0] < s or (j > 0 and segs[j - 1][1] == segs[j][0])):
                        link[k] = True
                j += 1
            if k == ga and continues:
                link[k] = True
            length = max(1, e - s)
            frac[k] = quoted / length
            for qs, qe in pieces:
                if qs == s:
                    intro[k] = opens[k] = True
                    break
                b = qs - 1
                while b > s and text[b].isspace():
                    b -= 1
                if text[b] in ":,—–" or _VERB_END_RE.search(text, max(s, b - 14), b + 1):
                    intro[k] = True
                    colon[k] = b if text[b] == ":" else 0
                    break
            if pieces:
                buf = []
                pos = s
                for qs, qe in pieces:
                    buf.append(text_for_parse[pos:qs])
                    buf.append(text_for_parse[qs] + " " * max(0, qe - qs - 2) + (text_for_parse[qe - 1] if qe - qs > 1 else ""))
                    pos = qe
                buf.append(text_for_parse[pos:e])
                masked = "".join(buf)
            else:
                masked = text_for_parse[s:e]
            if quoted < length:
                pending.append((k, masked, [(qs - s, qe - s) for qs, qe in pieces]))
    parsed = _Parses(text_for_parse, sentences, pending)
    for k, masked, _pieces in pending:
        refs[k] = _explicit_ref(parsed.get(k), masked, people)
    introduced = [k for k, masked, _pieces in pending if refs[k] is None and colon[k] and not _ADDRESSED_RE.search(masked)]
    # The clause before the colon parsed alone: parsed whole, the quotation's own subject may be the sentence's.
    clauses = parse([text_for_parse[sentences[k].start : colon[k]] for k in introduced], [[] for _ in introduced])
    for k, clause in zip(introduced, clauses):
        refs[k] = _colon_speaker(clause.subject, people)
    if labels is None:
        for k, ref in enumerate(refs):
            if ref is None or not ref.person or not ((ref.kind == "desc" and k == 0) or _unheld_description(ref, people, sentences[k], text)):
                continue
            holder = _named_next(k, sentences, text, people, said_next=k > 0)
            if holder is not None:
                people.roles.append((ref.value.lower(), holder))
                refs[k] = _Ref("name", holder, True, holder.split())

    # forward pass: resolve references, keep carry-over state
    speakers: list[str | None] = [None] * n
    person_flag = [False] * n
    last_group: str | None = None
    recent_speakers: list[str] = []
    recent_persons: list[str] = []
    label_speaker: str | None = None
    for k in range(n):
        s = sentences[k]
        if labels is not None:
            label = labels.at(s.start, s.end)  # a label opens a line: a new turn, in or across paragraphs
            if label is not None:
                label_speaker = _label_speaker(label, people, default_speaker)
        ref = refs[k]
        if ref is None:
            continue
        sp: str | None = None
        if ref.kind == "name":
            sp = people.canonical(ref.name or ref.value.split())
        elif ref.kind == "pron":
            if ref.value in ("he", "she"):
                speaking = (label_speaker or default_speaker) if transcript else None
                sp = _antecedent(k, ref.value, speakers, person_flag, frac, parsed, people, recent_persons, speaking)
            elif ref.value in ("they", "it"):
                sp = last_group
            elif ref.value in ("i", "we") and default_speaker:
                sp = label_speaker or default_speaker
        elif ref.kind == "role":
            sp = _resolve_role(ref.value, people, recent_speakers)
            if sp is None and not transcript:
                sp = _body_itself(ref) or _unheld_office(ref)  # in a transcript the turn's speaker says it, whoever it names
        else:
            sp = _resolve_description(ref.value, people, last_group, text[: s.start])
        if sp is None:
            continue
        speakers[k] = sp
        if ref.person:
            person_flag[k] = True
            recent_persons.append(sp)
        else:
            last_group = sp
        recent_speakers.append(sp)

    # decide modes; direct sentences take the speaker of their quote
    out: list[Attribution] = []
    modes: list[str] = ["none"] * n
    final: list[str | None] = [None] * n
    marks = _Marks(modes, final, refs, frac, intro, link)
    for k in range(n):
        if link[k] or (intro[k] and (frac[k] >= 0.3 or (opens[k] and refs[k] is not None))):
            modes[k] = "direct"
        elif refs[k] is not None:  # a named speaker we could not resolve still makes it reported speech
            modes[k] = "reported"
        final[k] = speakers[k]

    # carry speakers along quote runs: forward then backward
    for k in range(n):
        same_para = k > 0 and sentences[k - 1].paragraph == sentences[k].paragraph
        if modes[k] == "direct" and final[k] is None and refs[k] is None and k > 0:
            prev_direct_same = same_para and modes[k - 1] == "direct"
            if link[k] or prev_direct_same:
                final[k] = final[k - 1]
    for k in range(n - 2, -1, -1):
        if modes[k] == "direct" and final[k] is None and refs[k] is None and modes[k + 1] == "direct" and link[k + 1]:
            final[k] = final[k + 1]
    # Pass 4: a quote no sentence attributes takes the speaker of the closest attributed sentence
    # before it in its paragraph, or, opening a paragraph, whoever the sentence before was about.
    for k in range(n):
        if modes[k] == "direct" and final[k] is None and refs[k] is None:
            final[k] = _unattributed_quote_speaker(k, sentences, marks, parsed, people)
    # transcripts: unquoted text is the (labelled or default) speaker's own words
    if transcript:
        label_speaker = None
        quoting = [False] * n  # the sentence quotes someone other than the turn's speaker
        first_turn = next((s.start for s in sentences if labels is not None and labels.at(s.start, s.end)), None)
        standfirst = first_turn is not None and _is_standfirst(text[lo:first_turn], default_speaker)
        for k in range(n):
            s = sentences[k]
            label = labels.at(s.start, s.end) if labels is not None else None
            if label is not None:
                label_speaker = _label_speaker(label, people, default_speaker)
            if label_speaker is None and standfirst:
                continue  # the publication's introduction, not the interviewee's words
            who = label_speaker or default_speaker
            if who is None:
                continue  # before the first turn, or an answer whose speaker no one named
            said = parsed.get(k)
            same_paragraph = k > 0 and sentences[k - 1].paragraph == s.paragraph
            quoted = _quoted_in_turn(k, who, marks, quoting, same_paragraph, said.speaker if said else None, people, s.start)
            if quoted.quotes:
                quoting[k] = True  # "Sam Poe came out and told us, "...": his words, in the turn's
                modes[k] = "direct"
                final[k] = quoted.speaker
                continue
            reader = _read_out_by(text, s.start, s.end, people)
            if reader is not None:
                # the quotation just before, read out whole in the turn, was this person's
                j = k - 1
                while j >= 0 and frac[j] >= 0.8 and refs[j] is None and final[j] == who and not quoting[j]:
                    final[j] = reader
                    quoting[j] = True
                    j -= 1
            modes[k] = "direct"
            final[k] = who

    for k in range(n):
        mode = modes[k]
        sp = final[k]
        if mode == "none":
            sp = None
        office = str(sp) if isinstance(sp, _Office) else None
        out.append(Attribution(speaker=None if office else sp, mode=mode, office=office))  # type: ignore[arg-type]
    return SpeakerReading(out, _introductions(people, text, lo, hi))
