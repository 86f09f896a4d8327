"""Question understanding: who is asked about, and what the topic words are."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|du|van|von|der|la|le|al|bin|ibn)"
_NAME = rf"(?:{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}})"
_VERBS = (
    r"say|said|says|think|thinks|thought|tell|told|claim|claimed|argue|argued|warn|warned|defend|defended|"
    r"describe|described|respond|responded|react|reacted|reply|replied|mean|meant|believe|believes|want|wants|"
    r"propose|proposed|promise|promised|call|called|accuse|accused|admit|admitted|announce|announced|"
    r"explain|explained|insist|insisted|suggest|suggested|feel|feels|make|view|justify|justified|criticise|"
    r"criticised|criticize|criticized|praise|praised|comment|commented|state|stated|urge|urged|predict|predicted|"
    r"reveal|revealed|deny|denied|blame|blamed|attack|attacked|support|supported|oppose|opposed|think"
)
_SUBJECT_PATTERNS = [
    re.compile(rf"\b(?:did|does|do|has|have|had|was|is|were|will|would|could|should|can)\s+(?P<name>{_NAME})\s+(?:{_VERBS})\b"),
    re.compile(rf"(?P<name>{_NAME})(?:'s|’s)\s+(?:view|views|position|stance|take|comments?|remarks?|words?|statements?|opinion|thoughts?|response|reaction|argument|claims?|line|case|plan|pledge|promise|warning|criticism|defen[cs]e)\b"),
    re.compile(rf"\b(?:[Aa]ccording to|[Bb]y|[Ff]rom)\s+(?P<name>{_NAME})"),
    re.compile(rf"\b(?:what|how|why|when|where)\s+(?P<name>{_NAME})\s+(?:{_VERBS})\b"),
    re.compile(rf"^(?P<name>{_NAME})\s+on\b"),
]
_QUESTION_WORDS = {
    "What", "How", "Why", "When", "Where", "Who", "Which", "Did", "Does", "Do", "Is", "Was", "Has", "Have",
    "Can", "Could", "Should", "Would", "Will", "The", "A", "An", "In", "On", "About", "Tell", "Show", "Give",
}
_ROLE_WORDS = {
    "mr", "mrs", "ms", "dr", "prof", "professor", "president", "vice", "minister", "secretary", "leader",
    "chancellor", "prime", "senator", "sen", "governor", "gov", "rep", "representative", "mp", "the",
    "chairman", "chair", "spokesman", "spokeswoman", "tory", "labour", "conservative", "democrat", "republican",
    "home", "foreign", "shadow", "deputy", "chief", "general", "attorney", "justice", "judge", "sir", "dame",
    "lord", "lady", "baroness", "former", "us", "uk", "british", "american",
}


@dataclass(frozen=True)
class ParsedQuestion:
    text: str
    speaker: str | None  # the asked speaker as written, titles removed ("Jack Straw")
    speaker_key: str | None  # lower-cased surname ("straw")
    first_name: str | None
    role: str | None = None  # with no name asked, who is described instead ("Tory backbencher", "health minister")

    @property
    def asks_reason(self) -> bool:
        """A "why" question: its answer gives a reason."""
        return bool(_REASON_QUESTION.search(self.text))


_REASON_QUESTION = re.compile(r"^(?:why|how come)\b|\b(?:what|which) (?:is|was|are|were) the reasons?\b|\breasons? (?:for|why)\b", re.I)


def name_key(name: str | None) -> tuple[str | None, str | None]:
    """(surname, first name) of a person's name, lower-cased, titles and possessives removed."""
    if not name:
        return None, None
    words = [w.strip(".,'’\"") for w in re.split(r"\s+", name) if w.strip(".,'’\"")]
    words = [re.sub(r"(?:'s|’s)$", "", w) for w in words]
    people = [w for w in words if w.lower() not in _ROLE_WORDS]
    if not people:
        # "Lord Woolf" keeps its title as part of the name; its key is the last word.
        people = words[-1:]
    if not people:
        return None, None
    surname = people[-1].lower()
    first = people[0].lower() if len(people) > 1 else None
    return surname, first


_TITLES = {"mr", "mrs", "ms", "dr", "prof", "professor", "president", "senator", "sen", "governor", "gov", "rep",
            "sir", "dame", "lord", "lady", "baroness", "judge", "justice", "minister", "secretary", "chancellor"}


def person_like(name: str | None) -> bool:
    """Whether a speaker label names a person ("Jack Straw", "Lord Woolf"), not a body or a role ("Labour", "spokesman")."""
    if not name:
        return False
    words = [w.strip(".,'’\"") for w in name.split() if w.strip(".,'’\"")]
    capitalised = [w for w in words if w[:1].isupper()]
    if len(capitalised) >= 2:
        return True
    return len(words) >= 2 and words[0].lower() in _TITLES and words[-1][:1].isupper()


# Which patterns put a name in the subject slot of a speech verb ("did X say", "how X defended"):
# a name there is the asked speaker even when the corpus does not know it (then nothing answers).
_STRONG = (0, 3)
_AUX = {"did", "does", "do", "has", "have", "had", "what", "how", "why", "the", "a", "an"}
_LOWER_SUBJECT = re.compile(rf"\b(?:did|does|do|has|have|had|what|how|why)\s+(?P<name>[\w'’.-]+(?:\s+[\w'’.-]+)?)\s+(?:{_VERBS})\b", re.I)
_OBJECT_POSITION = re.compile(
    r"\b(?:about|on|of|in|into|to|for|with|against|regarding|concerning|over|at)\s+(?:(?:the|a|an)\s+)?$", re.I
)


def parse_question(
    question: str,
    known_surnames: set[str] | frozenset = frozenset(),
    person_surnames: set[str] | frozenset | None = None,
    first_names: dict[str, frozenset[str]] | None = None,
) -> ParsedQuestion:
    """Find the asked speaker.

    `known_surnames` are the speaker keys in the index (people, bodies, roles); `person_surnames`
    the subset that name people (defaults to all of them); `first_names` the first names each
    person's surname is known with. A name in a speech verb's subject slot is taken as the speaker
    when the index knows it or it looks like a person's name; elsewhere ("Vance's view on",
    "according to X") only when the index knows it. A question typed fast ("blaire on pub hours",
    "what did mcconnel say") finds a known person by a near spelling, in a place where a speaker stands.
    """
    text = " ".join(question.split())
    persons = known_surnames if person_surnames is None else person_surnames
    for number, pattern in enumerate(_SUBJECT_PATTERNS):
        for match in pattern.finditer(text):
            name = _trim_name(match.group("name"))
            surname, first = name_key(name)
            if not surname:
                continue
            if not known_surnames or surname in known_surnames or (number in _STRONG and _named(name)):
                return ParsedQuestion(text, name, surname, first)
    # A known person written in lower case ("what did vance say", "vance on discipline").
    lower = text if text == text.lower() else ""
    for match in _LOWER_SUBJECT.finditer(lower):
        words = [w for w in match.group("name").split() if w.lower() not in _AUX]
        for i in range(len(words)):
            surname, first = name_key(" ".join(words[i:]))
            if surname and surname in persons:
                return ParsedQuestion(text, " ".join(words[i:]), surname, first)
    match = re.match(r"(?:according to\s+)?(?P<name>[\w'’.-]+(?:\s+[\w'’.-]+)?)(?:\s+on\b|\s*[:,])", lower)
    if match:
        words = match.group("name").split()
        for i in range(len(words)):
            surname, first = name_key(" ".join(words[i:]))
            if surname and surname in persons:
                return ParsedQuestion(text, " ".join(words[i:]), surname, first)
    # Otherwise a known person's name outside a topic position ("Vance: discipline?").
    for match in re.finditer(_NAME, text):
        name = _trim_name(match.group())
        surname, first = name_key(name)
        if surname and surname in persons and not _OBJECT_POSITION.search(text[: match.start()]):
            return ParsedQuestion(text, name, surname, first)
    casual = _casual_name(text, persons, first_names or {})
    if casual:
        return ParsedQuestion(text, *casual)
    return ParsedQuestion(text, None, None, None, _role_phrase(text))


# Words after which a name stands in the speaker's place ("did blair", "why is straw"), and words
# that follow a speaker's name in a casual question ("redwood on quangos", "hewitt view on").
_BEFORE_SPEAKER = frozenset("did does do has have had is was will would according to by from".split())
_AFTER_SPEAKER = frozenset("on view views stance position thinks think says said wants want".split()) | frozenset(_VERBS.split("|"))
_FUZZY_MIN_LENGTH = 5  # shorter words have too many near neighbours ("may", "fox") to guess at
_FUZZY_CUTOFF = 85  # rapidfuzz ratio: one letter wrong or missing in a name of six or more


def _casual_name(text: str, persons, first_names: dict[str, frozenset[str]]) -> tuple[str, str, str | None] | None:
    """(name as written, surname, first name) of a known person named without capitals or with a slip
    of the keyboard, where a speaker stands: first in the question, after "did"/"is", before "on"/"say",
    or after that person's first name."""
    if not persons:
        return None
    tokens = [(m.start(), m.end(), re.sub(r"(?:'s|’s)$", "", m.group().lower())) for m in re.finditer(r"[\w'’-]+", text)]
    for i, (start, end, word) in enumerate(tokens):
        if _OBJECT_POSITION.search(text[:start]):
            continue
        options = [(word, end)]
        if i + 1 < len(tokens):
            options.append((f"{word}-{tokens[i + 1][2]}", tokens[i + 1][1]))  # "kilroy silk" for Kilroy-Silk
        for typed, stop in options:
            surname = _known_surname(typed, persons)
            if surname is None:
                continue
            before = tokens[i - 1][2] if i else ""
            after_index = i + (2 if stop != end else 1)
            after = tokens[after_index][2] if after_index < len(tokens) else ""
            first = before if before and before in first_names.get(surname, ()) else None
            if i == 0 or before in _BEFORE_SPEAKER or first or after in _AFTER_SPEAKER:
                name_start = tokens[i - 1][0] if first else start
                return text[name_start:stop], surname, first
    return None


def _known_surname(word: str, persons) -> str | None:
    if word in persons:
        return word
    if len(word) < _FUZZY_MIN_LENGTH or not word.replace("-", "").isalpha():
        return None
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, list(persons), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return found[0] if found else None


# "Which Tory backbencher warned...", "How did the Scottish health minister respond...", "Why do head
# teachers think...": a description in the subject slot of a verb, where a name would otherwise stand.
_ROLE_SLOT = re.compile(
    rf"^(?:which|what|how|why|when|where)\s+(?:(?:did|does|do|are|were|is|was|has|have|had|will|would)\s+)?"
    rf"(?:the\s+|a\s+|an\s+)?(?P<role>(?:[\w'’-]+\s+){{0,4}}?[\w'’-]+?)\s+(?:{_VERBS}|\w+ed|\w+ing)\b",
    re.I,
)
_NOT_ROLES = frozenset("he she they it we you i this that these those there people anyone someone".split())


# "At the vigil, did the president think...", "Does the Lord Chancellor accept...": the same slot after an auxiliary.
_ROLE_AFTER_AUX = re.compile(
    rf"\b(?:did|does|do|has|have|had|will|would)\s+(?:the\s+|a\s+|an\s+)?(?P<role>(?:[\w'’-]+\s+){{0,6}}?[\w'’-]+?)\s+"
    rf"(?:{_VERBS}|ask|asks|accept|accepts|demand|demands|promise|attack|react|respond|want|think)\b",
    re.I,
)


def _role_phrase(text: str) -> str | None:
    match = _ROLE_SLOT.search(text) or _ROLE_AFTER_AUX.search(text)
    if not match:
        return None
    words = match.group("role").split()
    if any(w.lower() in _NOT_ROLES or w.lower() in {"did", "does", "do", "is", "are", "was", "were"} for w in words):
        return None
    return " ".join(words)


def _named(name: str) -> bool:
    """A capitalised name that is not a question word ("Merkel", "Angela Merkel")."""
    words = name.split()
    return bool(words) and all(w[:1].isupper() or w.lower() in {"de", "du", "van", "von", "der", "la", "le", "al", "bin", "ibn"} for w in words)


def _trim_name(name: str) -> str:
    words = name.split()
    while words and words[0] in _QUESTION_WORDS:
        words = words[1:]
    # "Migration Watch's Sir Andrew Green" -> the person after the possessive.
    for i, word in enumerate(words[:-1]):
        if word.endswith(("'s", "’s")):
            words = words[i + 1 :]
            break
    return " ".join(words)


# The scaffolding of a question about statements; it says nothing about the topic.
_SCAFFOLD = re.compile(
    r"\b(?:what|how|why|when|where|who|which|whom|whose|did|does|do|has|have|had|was|were|is|are|"
    r"about|regarding|concerning|on|the|a|an|of|in|view|views|position|stance|opinion|comment|comments|"
    r"remarks?|statements?|say|says|said|saying|think|thinks|thought|tell|told|speak|spoke|talk|talked|"
    r"respond|responded|react|reacted|describe|described|mean|meant)\b",
    re.I,
)


def topic_text(parsed: ParsedQuestion) -> str:
    """The question without the speaker's name and the question's scaffolding: what BM25 should match."""
    text = parsed.text
    if parsed.speaker:
        text = text.replace(parsed.speaker, " ")
        text = re.sub(r"(?:'s|’s)\b", " ", text)
    return " ".join(_SCAFFOLD.sub(" ", text).split())


_SPEECH_VERBS = frozenset(_VERBS.split("|")) | {"talk", "talked", "speak", "spoke", "answer", "answered", "ask", "asked"}


def subject_text(parsed: ParsedQuestion) -> str:
    """The topic without speech verbs or words that describe a speaker ("defend", "president"):
    what a statement must be about, for judging whether the corpus knows the subject at all."""
    skip = _SPEECH_VERBS | _ROLE_WORDS | set((parsed.role or "").lower().split())
    return " ".join(w for w in topic_text(parsed).split() if w.lower().strip("?!.,;:'\"’") not in skip)


def query_text(parsed: ParsedQuestion) -> str:
    """The question as asked, without the asked speaker's name: what the topic is, in the question's words.

    Speaker matching is structural (passage speaker labels), so the name would only pull the
    query vector towards every passage that mentions that person."""
    if not parsed.speaker:
        return parsed.text
    text = parsed.text.replace(parsed.speaker, " ")
    text = re.sub(r"(?:'s|’s)\b", " ", text)
    for word in parsed.speaker.split():  # "Mr Straw", "Straw's": stray parts of the name
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text)
    return " ".join(text.split()) or parsed.text
