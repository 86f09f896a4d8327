"""Question understanding: who is asked about, and what the topic words are."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

_PARTICLES = frozenset("de du van von der la le al bin ibn".split())
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
# Each pattern, and whether it puts a name in the subject slot of a speech verb ("did X say", "how X defended"):
# a name there is the asked speaker even when the corpus does not know it (then nothing answers).
_SUBJECT_PATTERNS = [
    # "Would Mr Reade welcome...", "Does Jane Roe support...": after a leading auxiliary, the subject, whatever the verb
    (re.compile(rf"^(?:[Ww]ould|[Dd]oes|[Dd]id|[Dd]o|[Hh]as|[Hh]ave|[Ww]ill|[Cc]an|[Cc]ould|[Ss]hould)\s+(?P<name>{_NAME})\s+[a-z]"), True),
    (re.compile(rf"\b(?:did|does|do|has|have|had|was|is|were|will|would|could|should|can)\s+(?P<name>{_NAME})\s+(?:{_VERBS})\b"), True),
    # "How did Liam Fox answer Tony Blair's claim": after a question word and its auxiliary, the subject, whatever
    # the verb; taken only when the corpus knows it ("How did Britain vote" asks no one)
    (re.compile(rf"\b(?:[Hh]ow|[Ww]hy|[Ww]hat|[Ww]hen|[Ww]here)\s+(?:did|does|do|has|have|had|will|would)\s+(?P<name>{_NAME})\s+[a-z]"), False),
    (
        re.compile(
            rf"(?P<name>{_NAME})(?:'s|’s)\s+(?:view|views|position|stance|take|comments?|remarks?|words?|statements?|opinion|thoughts?|"
            rf"response|reaction|argument|claims?|line|case|plan|pledge|promise|warning|criticism|defen[cs]e)\b"
        ),
        False,
    ),
    # "according to X," "any word from X?", but not "money from X supporters" nor "take over from X?": the name
    # ends the phrase, and "from" follows what someone says
    (
        re.compile(
            rf"\b(?:[Aa]ccording to|[Bb]y|(?:word|comments?|response|reaction|reply|statement|message|anything|something|news)\s+from)"
            rf"\s+(?P<name>{_NAME})(?=\s*(?:[,.:;?!]|$))"
        ),
        False,
    ),
    (re.compile(rf"\b(?:what|how|why|when|where)\s+(?P<name>{_NAME})\s+(?:{_VERBS})\b"), True),
    (re.compile(rf"^(?P<name>{_NAME})\s+on\b"), False),
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
    # titles and offices written before a name ("Archbishop John Reade", "RTA boss Sam Poe")
    "archbishop", "bishop", "cardinal", "rev", "reverend", "pope", "king", "queen", "prince", "princess", "duke",
    "duchess", "earl", "baron", "boss", "ambassador", "commissioner", "mayor", "councillor", "cllr", "inspector",
    "superintendent", "colonel", "captain", "rabbi", "sheikh", "head", "director", "chief",
    # how long the office is held, not who holds it ("the acting Director of National Intelligence")
    "acting", "interim", "outgoing",
}


@dataclass(frozen=True)
class ParsedQuestion:
    text: str
    speaker: str | None  # the asked speaker as written, titles removed ("Jane Roe")
    speaker_key: str | None  # lower-cased surname ("roe")
    first_name: str | None
    role: str | None = None  # with no name asked, who is described instead ("Tory backbencher", "health minister")
    core: str | None = None  # the question without the occasion it names, when it names one

    @property
    def asks_reason(self) -> bool:
        """A "why" question: its answer gives a reason."""
        return bool(_REASON_QUESTION.search(self.text))


_REASON_QUESTION = re.compile(r"\b(?:why|how come)\b|\b(?:what|which) (?:is|was|are|were) the reasons?\b|\breasons? (?:for|why)\b", re.I)


def name_key(name: str | None) -> tuple[str | None, str | None]:
    """(surname, first name) of a person's name, lower-cased, titles and possessives removed."""
    people = _person_words(name)
    if not people:
        return None, None
    return people[-1].lower(), (people[0].lower() if len(people) > 1 else None)


def given_names(name: str | None) -> frozenset[str]:
    """Every word of a name before its surname, lower-cased: a label keeps what the article wrote before the
    name ("New Yorker Dick Morris"), so the first of them need not be the person's first name."""
    return frozenset(w.lower() for w in (_person_words(name) or [])[:-1])


def same_first_name(asked: str, known: str) -> bool:
    """Whether a first name asked for is one the corpus knows, or its nickname or full form ("chris" and
    "christopher", "tony" and "anthony")."""
    return asked == known or known in _name_forms(asked)


@lru_cache(maxsize=4096)
def _name_forms(name: str) -> frozenset[str]:
    namer = _nicknamer()
    return frozenset(namer.nicknames_of(name) | namer.canonicals_of(name))


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


def _person_words(name: str | None) -> list[str]:
    """The words of a speaker label that name the person, surname last."""
    if not name:
        return []
    words = [w.strip(".,'’\"") for w in re.split(r"\s+", name) if w.strip(".,'’\"")]
    words = [re.sub(r"(?:'s|’s)$", "", w) for w in words]
    if "of" in words[1:-1]:
        named = [w for w in words[: words.index("of")] if w[:1].isupper() and w.lower() not in _ROLE_WORDS and w.lower() not in _TITLES]
        if named and not any(w.lower() in _BODY_WORDS for w in words):
            words = words[: words.index("of")]  # "Lord Reade of Anytown" is Reade; "Bishop of Winchester" keeps its place
    if len(words) > 1 and words[-1].lower() in _SPEAKING_FOR:
        return words[-1:]  # "Mr Poe's official spokesman" speaks for Poe; his words are not Poe's
    if any(w[:1].isupper() for w in words):
        # Written with capitals, a name's words are the capitalised ones: "harbour commissioner Sam Poe".
        words = [w for w in words if w[:1].isupper() or w.lower() in _PARTICLES]
    people = [w for w in words if w.lower() not in _ROLE_WORDS and not (len(w) > 2 and w.isupper())]
    # "Lord Reade" keeps its title as part of the name; its key is the last word.
    return people or words[-1:]


# Who speaks for someone else: a label ending so names the person spoken for, not the speaker.
_SPEAKING_FOR = frozenset("spokesman spokeswoman spokesperson spokesmen aide aides official officials source sources ally allies camp lawyer lawyers".split())

_TITLES = {"mr", "mrs", "ms", "dr", "prof", "professor", "president", "senator", "sen", "governor", "gov", "rep",
            "sir", "dame", "lord", "lady", "baroness", "judge", "justice", "minister", "secretary", "chancellor"}


# The last word of a body's name, or of someone speaking for one: "Cabinet Office", "Mr Poe's spokesman".
_BODY_WORDS = frozenset(
    """office commission committee council party union association street department ministry service executive
    government society watch group times institute trust agency authority court bank board assembly parliament
    unit congress federation confederation college fellowship league network centre center foundation campaign
    alliance organisation organization police spokesman spokeswoman spokesperson official officials aides source
    sources lawyers inquiry""".split()
)


def person_like(name: str | None) -> bool:
    """Whether a speaker label names a person ("Jane Roe", "Lord Reade"), not a body or a role ("Labour", "spokesman")."""
    if not name:
        return False
    words = [w.strip(".,'’\"") for w in name.split() if w.strip(".,'’\"")]
    if words and (words[-1].lower() in _BODY_WORDS or (name_key(name)[0] or "") in _BODY_WORDS):
        return False  # "Cabinet Office", "Home Office minister"
    if any(w.lower() in _BODY_WORDS and nxt == "of" for w, nxt in zip(words, words[1:])):
        return False  # "Muslim Council of Britain", "Association of Parish Clerks"
    if any(w.lower().endswith(("'s", "’s")) for w in words):
        return False  # "Roe's Britain": someone's thing
    if words and words[-1].lower() in PARTIES and words[-1].lower() != "green":
        return False  # "Liberal Democrats", "Scottish Conservatives": a party (Damian Green is a person)
    capitalised = [w for w in words if w[:1].isupper()]
    if len(capitalised) >= 2:
        return True
    return len(words) >= 2 and words[0].lower() in _TITLES and words[-1][:1].isupper()


_AUX = {"did", "does", "do", "has", "have", "had", "what", "how", "why", "the", "a", "an"}
_LOWER_SUBJECT = re.compile(rf"\b(?:did|does|do|has|have|had|what|how|why)\s+(?P<name>[\w'’.-]+(?:\s+[\w'’.-]+)?)\s+(?:{_VERBS})\b", re.I)
_OBJECT_POSITION = re.compile(
    r"\b(?:about|on|of|in|into|to|for|with|against|regarding|concerning|over|at|from|after|than|like)\s+(?:(?:the|a|an)\s+)?$", re.I
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
    from .speech_parse import question_core

    parsed = _parse(question, known_surnames, person_surnames, first_names or {})
    parsed = _known_first_name(parsed, first_names or {})
    core = question_core(parsed.text)
    # "What did Ms Roe say when asked about the row?": with nothing else asked, the occasion is the topic.
    asks_more = core is not None and subject_text(replace(parsed, text=core)).strip(" ?!.")
    return replace(parsed, core=core) if asks_more else parsed


def _known_first_name(parsed: ParsedQuestion, first_names: dict[str, frozenset[str]]) -> ParsedQuestion:
    """The asked person's first name as the corpus knows it: "RTA boss Sam Poe" is Sam, not RTA, and "Jnae Roe"
    is Jane. A first name the corpus does not know for that surname stays, so "Nick Roe" is not Jane Roe."""
    known = first_names.get(parsed.speaker_key or "")
    if not known or not parsed.speaker or parsed.first_name in known:
        return parsed
    if parsed.first_name and any(same_first_name(parsed.first_name, k) for k in known):
        return parsed  # "Chris" for Christopher: the filter takes either
    for word in parsed.speaker.split():
        if word.lower() in known:
            return replace(parsed, first_name=word.lower())
    near = _near_first_name(parsed.first_name or "", known, frozenset())
    return replace(parsed, first_name=near) if near else parsed  # "fracnis dray" for Francis Dray: one slip


# Chat shorthand, spelled out: "abt" is no topic word the corpus lacks, "govt" is "government".
_SHORTHAND = {
    "abt": "about", "bout": "about", "govt": "government", "gvt": "government", "hr": "hour", "hrs": "hours",
    "yr": "year", "yrs": "years", "bc": "because", "cos": "because", "coz": "because", "cuz": "because",
    "w/": "with", "w/o": "without", "thru": "through", "tho": "though", "wat": "what", "wot": "what",
    "wht": "what", "u": "you", "ur": "your", "ppl": "people", "dept": "department", "intl": "international",
    "mins": "minutes", "bn": "billion", "mil": "million", "abt.": "about", "lib dem": "liberal democrat",
    "lib dems": "liberal democrats", "potus": "president",
}
_SHORTHAND_WORD = re.compile(r"(?<![\w/])(?:" + "|".join(re.escape(w) for w in sorted(_SHORTHAND, key=len, reverse=True)) + r")(?![\w/])")


# "home sec", "foreign sec": an office's name cut short. Alone ("sec chair") it may be the body SEC.
_SECRETARY = re.compile(r"\b(?!(?:the|a|an|of|and|or)\b)([a-z]+) sec(s?)\b")


# "the PM", "pm's view": the prime minister, but not the time of day ("at 5 pm").
_PRIME_MINISTER = re.compile(r"(?<!\d)(?<!\d )\b(?:PM|pm)(?=\b(?!\.\w))")


def expand_shorthand(text: str) -> str:
    """Lower-case chat shorthand written out in full; "US" or "HR" as capitals are left alone."""
    text = _PRIME_MINISTER.sub(lambda m: "Prime Minister" if m.group().isupper() else "prime minister", text)
    text = _SECRETARY.sub(lambda m: f"{m.group(1)} secretar{'ies' if m.group(2) else 'y'}", text)
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group()], text)


# An office named by what it commands: no article introduces its holder that way, and the parse takes
# "commander" for a surname. Not "commander-in-chief of the Gulf forces", a military post.
_HEAD_OF_STATE = re.compile(r"\b(?:the\s+)?commander[\s-]+in[\s-]+chief\b(?![\s,]+of\b)", re.I)


def plain_office(text: str) -> str:
    """"the commander in chief" written as the office an article introduces its holder with: "the president"."""
    return _HEAD_OF_STATE.sub(lambda m: "the president" if m.group().lower().startswith("the") else "president", text)


# "What did the editor of the Gazette make of it?": the small parser reads "Gazette make" as one noun and loses
# the subject; "think of" asks the same and parses.
_MAKE_OF = re.compile(r"\bmake(?=\s+of\b)", re.I)


def plain_idiom(text: str) -> str:
    """"make of" (an opinion) written as "think of"."""
    return _MAKE_OF.sub("think", text)


def _parse(question: str, known_surnames, person_surnames, first_names: dict[str, frozenset[str]]) -> ParsedQuestion:
    text = plain_idiom(plain_office(expand_shorthand(" ".join(question.split()))))
    persons = known_surnames if person_surnames is None else person_surnames
    from_subject = _from_subject(text, known_surnames, persons, first_names)
    if from_subject is not None:
        return from_subject
    casual_role = _casual_role(text)
    if casual_role:
        return ParsedQuestion(text, None, None, None, casual_role)  # "tory leader on immigration": an office, not a body
    for pattern, strong in _SUBJECT_PATTERNS:
        for match in pattern.finditer(text):
            name = _trim_name(match.group("name"))
            surname, first = name_key(name)
            if not surname:
                continue
            described = all(w.lower() in _ROLE_WORDS for w in name.split())  # "Did UKIP's American strategist ..."
            if not known_surnames or surname in known_surnames or (strong and _named(name) and not described):
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
    named = _known_name_outside_topic(text, persons)
    if named is not None:
        return named
    casual = _casual_name(text, persons, first_names)
    if casual:
        return ParsedQuestion(text, *casual)
    return ParsedQuestion(text, None, None, None, _role_phrase(text))


# After a name, letters that are not part of it ("Ed Lyle QC", "Tom Reed MP").
_POST_NOMINALS = frozenset("qc kc mp mep msp am mla jr sr obe mbe cbe".split())
# Verbs after which the subject is someone whose words answer, even when the corpus does not know them.
_SPEECH_QUESTION_VERBS = frozenset(_VERBS.split("|")) | frozenset(
    "talk talked speak spoke write wrote answer answered ask asked accept accepts demand demands respond react".split()
)


# People a question may ask about as a group, named by what its members are ("opposition MPs", "Tory peers").
_GROUP_NOUNS = frozenset(
    "mps meps msps ams mlas peers ministers backbenchers councillors officials critics campaigners senators "
    "congressmen lawmakers legislators rebels activists delegates".split()
)


def _from_subject(text: str, known_surnames, persons, first_names: dict[str, frozenset[str]]) -> ParsedQuestion | None:
    """The asked speaker, or the described one, from the parse: the subject of the question's main verb.

    "Why did Tom Reade decide...", "Would Ms Kell accept money from XYZ supporters?": the
    subject slot holds whoever is asked about, whatever the verb; names elsewhere are the topic. None
    when the question has no such subject ("Roe on pub hours?"), and the patterns below look for one.
    """
    from .speech_parse import question_subject

    subject = question_subject(text)
    if subject is None:
        return None
    words = list(subject.name_words)
    while words and words[-1].lower().strip(".") in _POST_NOMINALS:
        words.pop()
    if not words:
        return None
    speech = subject.verb in _SPEECH_QUESTION_VERBS
    name = " ".join(words)
    if name not in text:
        name = text[subject.text_span[0] : subject.text_span[1]]
    surname_after = _surname_read_as_a_verb(text, subject.text_span[1], words[-1], persons, first_names)
    if surname_after:
        # "What did Theresa May say": the parse reads the surname as the verb "may"; she is the one asked
        name = f"{name} {surname_after}"
        words.append(surname_after)
    if len(words) > 1 and words[-1].lower() in _GROUP_NOUNS:
        # "What did Labour MPs say": members of a group, each introduced as one ("Labour MP Ann Roe"); the body
        # "MPs" (a committee's report: "the MPs found") is not who was asked.
        return ParsedQuestion(text, None, None, None, " ".join(subject.words + subject.of))
    surname, first = name_key(name)
    owner = _owner_of_a_thing(subject, surname, persons)
    if owner is not None:
        return ParsedQuestion(text, owner, *name_key(owner))
    titled_only = all(w.lower().strip(".") in _ROLE_WORDS for w in words)
    lower_case = text == text.lower()
    if lower_case and surname not in known_surnames and _DETERMINED.search(text[: subject.text_span[0]]):
        titled_only = True  # "what did the health secretary say": a description, whatever surname "health" is near
    if _INDEFINITE.search(text[: subject.text_span[0]]):
        titled_only = True  # "Did a Liberal Democrat suggest...": one of many, described, never a name
    if _DETERMINED.search(text[: subject.text_span[0]]) and _OFFICE_HEAD.fullmatch(words[-1].lower()):
        titled_only = True  # "the Harbour Speaker", "the Welsh First Minister": an office, capitalised
    if len(words) == 1 and _ACRONYM.fullmatch(words[0]) and surname not in known_surnames:
        return ParsedQuestion(text, None, None, None, words[0])  # "Why did the RTA say": a body, found by who speaks for it
    if surname and not titled_only and (subject.proper or lower_case):
        known = _known_surname(surname, persons)
        if known and (not first or not first_names.get(known) or any(same_first_name(first, k) for k in first_names[known])):
            return ParsedQuestion(text, name, known, first)
        paired = None if known else _first_name_then_surname(name, _tokens(name), persons, first_names)
        if paired is not None:
            return ParsedQuestion(text, name, paired[1], paired[2])  # "What did Owen Crnae say": one slip after his first name
        if not lower_case:
            if surname in known_surnames and speech:
                return ParsedQuestion(text, name, surname, first)  # a body that speaks: "What did Labour say"
            people = [w for w in words if w.lower().strip(".") not in _ROLE_WORDS]
            shaped = all(w[:1].isupper() or w in _PARTICLES for w in words)
            if shaped and person_like(name) and (len(people) >= 2 or len(people) < len(words)):
                return ParsedQuestion(text, name, surname, first)  # a person the corpus does not know: nothing answers
            if shaped and speech and len(words) == 1:
                return ParsedQuestion(text, name, surname, first)  # "What did Dunmore say"
            return ParsedQuestion(text, None, None, None)  # "What aid has Norway sent": a topic
        if len(words) == 2 and first in _every_first_name(first_names) and speech:
            return ParsedQuestion(text, name, surname, first)  # "what did tom dunmore say": a person unknown here
        return None  # typed fast, the parse of a lower-case question is a guess: the patterns below decide
    if speech or subject.verb.endswith("ed"):
        role = " ".join(subject.words + subject.of)
        return ParsedQuestion(text, None, None, None, role)
    if any(_OFFICE_HEAD.fullmatch(w.lower()) for w in subject.words):
        return ParsedQuestion(text, None, None, None, " ".join(subject.words + subject.of))  # "Which Tory leader read out..."
    # "Which immigrants could stay under Obama's executive action?": the subject is the topic's; a known person
    # named elsewhere, not as what the question is about, is whose words answer.
    return _known_name_outside_topic(text, persons, set(subject.words)) or ParsedQuestion(text, None, None, None)


def _surname_read_as_a_verb(text: str, end: int, first: str, persons, first_names: dict[str, frozenset[str]]) -> str | None:
    """The capitalised word right after a subject's last word, when the corpus knows a person by the two."""
    after = re.match(r"\s+([A-Z][\w'’-]*)", text[end:])
    if not after:
        return None
    word = after.group(1)
    surname = word.lower()
    return word if surname in persons and first.lower() in first_names.get(surname, ()) else None


# What someone's words are called: "Birx's advice", "Roe's view".
_SAYINGS = frozenset(
    """view views position stance take comment comments remark remarks word words statement statements opinion thought
    thoughts response reaction argument arguments claim claims line case warning criticism defence defense advice message
    answer verdict assessment explanation justification reasoning point idea ideas vision priorities approach comeback
    retort reply rebuttal riposte excuse pitch plea appeal call demand request prediction forecast judgement judgment
    analysis diagnosis note answers replies""".split()
)
_OWNED = re.compile(r"(?:'s|’s)\s+((?:[\w-]+\s+){0,2}[\w-]+)")


def _owns_the_topic(text: str, name_end: int) -> bool:
    """A name followed by "'s" and something of theirs that does not speak: "Was Roe's safety put at risk?"
    asks about Roe's safety, not what Roe said; "Roe's advice", "Roe's jobs plan" are Roe's words."""
    at = name_end - 2 if text[max(0, name_end - 2) : name_end] in ("'s", "’s") else name_end
    owned = _OWNED.match(text, at)
    return bool(owned) and not any(w.lower() in _WHAT_SPEAKS_FOR_ITS_AUTHOR or w.lower() in _SAYINGS for w in owned.group(1).split())


def _known_name_outside_topic(text: str, persons, subject: set[str] = frozenset()) -> ParsedQuestion | None:
    """A known person's name outside a topic position ("Vance: discipline?", not "what did Roe say about Vance"),
    nor in the subject of a question about something of theirs ("Was Roe's safety at risk?")."""
    for match in re.finditer(_NAME, text):
        name = _trim_name(match.group())
        surname, first = name_key(name)
        if any(re.sub(r"(?:'s|’s)$", "", w) in subject for w in name.split()):
            continue
        if _owns_the_topic(text, match.end()):
            continue
        if surname and surname in persons and not _OBJECT_POSITION.search(text[: match.start()]):
            return ParsedQuestion(text, name, surname, first)
    return None


def _owner_of_a_thing(subject, surname: str | None, persons) -> str | None:
    """"What did Roe's Harbour Jobs Act offer", "Did Roe's stimulus plan work": a known person's act, plan or
    law speaks with its author's words; their spokesman, their safety or a person named after someone's
    ("Harbour Watch's Sir Tom Reade") does not."""
    owner = subject.words[: len(subject.words) - len(subject.name_words)]
    if not owner or (surname and surname in persons):
        return None
    if subject.name_words[-1].lower().strip(".") not in _WHAT_SPEAKS_FOR_ITS_AUTHOR:
        return None  # "Was Roe's safety put at risk": the topic's, not a speaker
    name = " ".join(owner)
    key = name_key(name)[0]
    return name if key and key in persons else None


# What a person's words are written in and so speaks for them: "Roe's Jobs Act", "Roe's stimulus plan".
_WHAT_SPEAKS_FOR_ITS_AUTHOR = frozenset(
    """act bill plan plans law budget scheme programme program policy policies proposal proposals reform reforms strategy
    manifesto speech address letter statement order action initiative package deal pledge promise offer agenda""".split()
)


_DETERMINED = re.compile(r"\b(?:the|a|an)\s+$")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_INDEFINITE = re.compile(r"\b(?:a|an|any|some)\s+$", re.I)


# Words after which a name stands in the speaker's place ("did roe", "why is kell"), and words
# that follow a speaker's name in a casual question ("kell on bus fares", "roe view on").
_BEFORE_SPEAKER = frozenset("did does do has have had is was will would according to by from".split())
_AFTER_SPEAKER = frozenset("on view views stance position thinks think says said wants want".split()) | frozenset(_VERBS.split("|"))
_FUZZY_MIN_LENGTH = 5  # shorter words have too many near neighbours ("may", "fox") to guess at
_SWAP_MIN_LENGTH = 4  # swapped letters: few words become another by one swap, so shorter names are safe to read
_FUZZY_CUTOFF = 85  # rapidfuzz ratio: one letter wrong or missing in a name of six or more


def _casual_name(text: str, persons, first_names: dict[str, frozenset[str]]) -> tuple[str, str, str | None] | None:
    """(name as written, surname, first name) of a known person named without capitals or with a slip
    of the keyboard, where a speaker stands: first in the question, after "did"/"is", before "on"/"say",
    or after that person's first name."""
    if not persons:
        return None
    tokens = _tokens(text)
    every_first = _every_first_name(first_names)
    paired = _first_name_then_surname(text, tokens, persons, first_names)
    if paired is not None:
        return paired
    # Written with capitals: a word after the first that starts with one and is not an acronym ("WHO funding").
    cased = any(w[:1].isupper() and not w.isupper() for w in text.split()[1:])
    for i, (start, end, word) in enumerate(tokens):
        if _OBJECT_POSITION.search(text[:start]):
            continue
        if cased and not text[start].isupper():
            continue  # in a question written with capitals, a word in lower case is no name: "Roe leaning on"
        if _owns_the_topic(text, end):
            continue
        options = [(word, end)]
        if i + 1 < len(tokens):
            options.append((f"{word}-{tokens[i + 1][2]}", tokens[i + 1][1]))  # "hale dunmore" for Hale-Dunmore
        for typed, stop in options:
            surname = _known_surname(typed, persons)
            if surname is None:
                continue
            if (
                surname != typed
                and stop == end
                and i + 2 < len(tokens)
                and tokens[i + 1][2] not in _AFTER_SPEAKER
                and tokens[i + 2][2] in _AFTER_SPEAKER
            ):
                continue  # "nelson roe on...": a near spelling of a known surname is someone else's first name
            if surname != typed and stop == end and i + 1 < len(tokens) and tokens[i + 1][2] in persons:
                continue  # "micheal roe": a near spelling just before a known surname is that person's first name
            before = tokens[i - 1][2] if i else ""
            if surname != typed and before in every_first and before not in first_names.get(surname, ()):
                continue  # "helen crnae": after a first name the corpus knows only with other surnames, someone else
            after_index = i + (2 if stop != end else 1)
            after = tokens[after_index][2] if after_index < len(tokens) else ""
            first = before if before and before in first_names.get(surname, ()) else None
            if first and _OBJECT_POSITION.search(text[: tokens[i - 1][0]]):
                continue  # "said about Tony Blair raising...": the whole name is in the topic
            # "how many asbos get breached blears": typed fast, with no question mark, the name may come last
            last = surname == typed and stop == tokens[-1][1] and not text.rstrip().endswith("?") and not _IN_A_PHRASE.search(text[:start])
            # "comms chief walkington - what did he say": named first, then asked about as "he"
            then_he = surname == typed and bool(_ASKED_AS_PRONOUN.search(text, stop))
            if i == 0 or before in _BEFORE_SPEAKER or first or after in _AFTER_SPEAKER or last or then_he:
                name_start = tokens[i - 1][0] if first else start
                return text[name_start:stop], surname, first
    return None


_ASKED_AS_PRONOUN = re.compile(r"\b(?:did|does|has|had|is|was|will|would)\s+(?:he|she)\b", re.I)


# Up to two words into a phrase a preposition opens: "to the salt marsh" is a place, not the person Marsh.
_IN_A_PHRASE = re.compile(r"\b(?:about|on|of|in|into|to|for|with|against|over|at|from|by|under)\s+(?:(?:the|a|an)\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-case word without "'s") of each word."""
    return [(m.start(), m.end(), re.sub(r"(?:'s|’s)$", "", m.group().lower())) for m in re.finditer(r"[\w'’-]+", text)]


_PAIRED_CUTOFF = 75  # after a first name the corpus knows for that surname: "crnae" (80) for Crane


def _first_name_then_surname(text: str, tokens, persons, first_names: dict[str, frozenset[str]]) -> tuple[str, str, str] | None:
    """A first name followed by a surname the corpus knows it with ("marlo pike", "owen crnae"): the pair
    is a person, before any single word's near spelling of another surname ("marlo" for Marlow) is tried. A
    first name makes one slip in the surname safe to read, and a known surname one slip in its first name."""
    from rapidfuzz import fuzz

    for i in range(len(tokens) - 1):
        first, typed = tokens[i][2], tokens[i + 1][2]
        if _OBJECT_POSITION.search(text[: tokens[i][0]]) or not typed.isalpha():
            continue
        if typed in persons and first in first_names.get(typed, ()):
            after = tokens[i + 2 : i + 4]
            # "harbour watch sam poe": the person named right after a body that speaks is the one asked
            at = i + 2 if len(after) == 2 and after[1][2] in persons and after[0][2] in first_names.get(after[1][2], ()) else i
            return text[tokens[at][0] : tokens[at + 1][1]], tokens[at + 1][2], tokens[at][2]
        if typed in persons and (known_first := _near_first_name(first, first_names.get(typed, ()), persons)):
            return text[tokens[i][0] : tokens[i + 1][1]], typed, known_first  # "micheal roe" for Michael Roe
        if len(typed) < 4:
            continue
        near = [(fuzz.ratio(typed, surname), surname) for surname, firsts in first_names.items() if first in firsts and surname in persons]
        best = max(near, default=(0.0, ""))
        if best[0] >= _PAIRED_CUTOFF:
            return text[tokens[i][0] : tokens[i + 1][1]], best[1], first
    return None


def _near_first_name(word: str, known: frozenset[str], persons) -> str | None:
    """The first name, of those a surname is known with, that `word` is one slip from. A word that is itself a
    known surname is that person, not a misspelt first name."""
    if not known or word in persons or len(word) < _FUZZY_MIN_LENGTH or not word.isalpha():
        return None
    return _one_slip_from(word, known)


def _one_slip_from(word: str, options) -> str | None:
    """The option `word` is one slip from (rapidfuzz ratio at least _FUZZY_CUTOFF), if any."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, list(options), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return found[0] if found else None


def _every_first_name(first_names: dict[str, frozenset[str]]) -> set[str]:
    return {f for names in first_names.values() for f in names}


def _known_surname(word: str, persons) -> str | None:
    if word in persons:
        return word
    if len(word) >= _SWAP_MIN_LENGTH and word.isalpha():
        # Two letters typed the wrong way round, the commonest slip, costs a short name too much of its ratio
        # ("pkie" is 75 to Pike): it is read as the name whenever swapping them back gives one.
        for i in range(len(word) - 1):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if swapped != word and swapped in persons:
                return swapped
        # So does a letter left out, the next commonest ("obma"): read as the name when exactly one known
        # surname gives it back by dropping one of its letters.
        dropped = {p for p in persons if len(p) == len(word) + 1 and any(p[:i] + p[i + 1 :] == word for i in range(len(p)))}
        if len(dropped) == 1:
            return dropped.pop()
    if len(word) < _FUZZY_MIN_LENGTH or not word.replace("-", "").isalpha():
        return None
    return _one_slip_from(word, persons)


# "Which Tory backbencher warned...", "How did the Scottish health minister respond...", "Why do head
# teachers think...": a description in the subject slot of a verb, where a name would otherwise stand.
_ROLE_SLOT = re.compile(
    rf"^(?:which|what|how|why|when|where)\s+(?:(?:did|does|do|are|were|is|was|has|have|had|will|would)\s+)?"
    rf"(?:the\s+|a\s+|an\s+)?(?P<role>(?:[\w'’-]+\s+){{0,4}}?[\w'’-]+?)\s+(?:{_VERBS}|\w+ed|\w+ing)\b",
    re.I,
)
_NOT_ROLES = frozenset("he she they it we you i this that these those there people anyone anybody someone somebody everyone nobody".split())
# Words a description of a speaker never holds: a speech verb, or the scaffolding around one.
_NOT_IN_ROLES = frozenset("say said says saying tell told talk talked speak spoke about been being".split())


# "At the rally, did the governor think...", "Does the harbour master accept...": the same slot after an auxiliary.
_ROLE_AFTER_AUX = re.compile(
    rf"\b(?:did|does|do|has|have|had|will|would)\s+(?:the\s+|a\s+|an\s+)?(?P<role>(?:[\w'’-]+\s+){{0,6}}?[\w'’-]+?)\s+"
    rf"(?:{_VERBS}|ask|asks|accept|accepts|demand|demands|promise|attack|react|respond|want|think)\b",
    re.I,
)


# Words a description is as often written with as another: "a Tory MP" is "a Conservative MP".
_ROLE_SYNONYMS = {
    "tory": "conservative", "tories": "conservatives", "conservative": "tory", "conservatives": "tories",
    "chair": "chairman", "chairman": "chair", "chairwoman": "chair", "pm": "prime minister",
    "gop": "republican", "republican": "gop", "libdem": "liberal democrat", "former": "ex",
}


# Words by which an introduction names another office than the one asked, written just before one of its words:
# the shadow chancellor, the deputy prime minister and the Lord Chancellor are not the chancellor or the prime minister.
OFFICE_CHANGERS = frozenset(("shadow", "former", "deputy", "vice", "junior", "assistant", "ex", "lord", "under"))
_WORD = re.compile(r"[a-z]+")


def names_another_office(introduced_as: str | None, role: str) -> bool:
    """One of the two puts an office-changing word, which the other lacks, before a word they share: the
    shadow chancellor is not the chancellor, nor the prime minister the deputy prime minister."""
    words = [_SAME_CHANGER.get(w, w) for w in _WORD.findall((introduced_as or "").lower())]
    asked = [_SAME_CHANGER.get(w, w) for w in _WORD.findall(role.lower())]
    return _changes_office(words, asked) or _changes_office(asked, words)


# "ex-head" is the "former head": the same office, for all the words differ.
_SAME_CHANGER = {"ex": "former"}


def _changes_office(words: list[str], other: list[str]) -> bool:
    stems = {w[:5] for w in other}
    return any(word in OFFICE_CHANGERS and word not in other and following[:5] in stems for word, following in zip(words, words[1:]))


def speaks_for_someone(text: str | None) -> bool:
    """An introduction or label of someone speaking for another ("the prime minister's official spokesman")."""
    words = _WORD.findall((text or "").lower())
    return bool(words) and words[-1] in _SPEAKING_FOR


def asks_for_a_body(role: str) -> bool:
    """The role is a body's or its spokesman's ("the Harbour Foundation", "a Home Office spokesman"), whose
    position anyone speaking for it gives; a person's office ("the prime minister") is only its holder's."""
    return bool(_ACRONYM.fullmatch(role)) or any(word in _BODY_WORDS or word in _SPEAKING_FOR for word in _WORD.findall(role.lower()))


def role_variants(role: str) -> list[str]:
    """The role as asked, and as it may be written instead ("Welsh Tory leader", "Welsh conservative leader";
    "the head of the noise group" as "the noise group's chairman")."""
    words = re.sub(r"\blib\s+dems?\b", "libdem", role, flags=re.I).split()
    # "the Tories' spokeswoman": the possessive is the party's, written "Conservative" as often
    swapped = " ".join(_ROLE_SYNONYMS.get(re.sub(r"['’]s?$", "", w.lower()), w) for w in words)
    spelled = re.sub(r"\blibdem\b", "liberal democrat", " ".join(words))
    variants = [role, spelled, swapped]
    if any(w.lower() in _ANY_LEADER for w in words):
        # "the head of the Electoral Commission" is as often its "boss" or "chief" as its chairman
        variants += [" ".join(office if w.lower() in _ANY_LEADER else w for w in words) for office in _LEADER_WORDINGS]
    return list(dict.fromkeys(variants))


# "The head of", "the boss of", "the chief of" a body: whichever office leads it, as the article names it.
_ANY_LEADER = frozenset(("head", "boss", "chief"))
_LEADING_OFFICES = ("chairman", "chair", "chief executive", "director", "leader", "president", "general secretary")
_LEADER_WORDINGS = (*sorted(_ANY_LEADER), *_LEADING_OFFICES)
_LEADER_HEADS = _ANY_LEADER | frozenset(w for office in _LEADING_OFFICES for w in office.split() if w != "general")


def office_heads(role: str) -> frozenset[str]:
    """The words that may name the asked office's kind in an introduction: its head word, or for "the head of"
    a body, any office that leads one."""
    head = office_head(role)
    if head is None:
        return frozenset()
    if head in _ANY_LEADER:
        return _LEADER_HEADS
    return frozenset((head,))


# "Welsh", "Scottish", "American", "Scotland's": where the office is, which an article about that place
# seldom repeats in the introduction ("Transport Minister Sam Poe" in a report on the Welsh assembly).
_PLACE = re.compile(r"^(?:[A-Z][a-z]+(?:ish|sh|ian|an|ese)|[a-z]+ish|welsh|[A-Z][A-Za-z]+['’]s)$")


_PLACE_PAIRS = (
    ("scotland", "scottish"), ("wales", "welsh"), ("england", "english"), ("britain", "british"), ("ireland", "irish"),
    ("america", "american"), ("europe", "european"), ("france", "french"), ("germany", "german"),
)
_SAME_PLACE = {a: b for pair in _PLACE_PAIRS for a, b in (pair, pair[::-1])}
# A party is which office, not where: "Labour's transport spokesman" is not the Tory one of a report on Labour.
PARTIES = frozenset(
    "labour tory tories conservative conservatives liberal libdem democrat democrats democratic republican republicans "
    "snp plaid ukip green greens unionist unionists".split()
)


def place_qualifiers(role: str) -> dict[str, tuple[str, ...]]:
    """The asked role's words that say where the office is, not which office it is, each with the ways an
    article may name that place ("Scotland's" and "Scottish")."""
    places: dict[str, tuple[str, ...]] = {}
    for word in role.split():
        bare = re.sub(r"['’]s$", "", word)
        if (_PLACE.match(word) or bare.lower() in _SAME_PLACE) and word.lower() not in OFFICE_CHANGERS and bare.lower() not in PARTIES:
            places[bare] = (bare, _SAME_PLACE[bare.lower()]) if bare.lower() in _SAME_PLACE else (bare,)
    return places


# "Which bishop said...", "What Labour peer warned...": a kind of speaker the user wants found, not one person.
_KIND_ASKED = re.compile(r"^\s*(?:which|what|whose)\s+(?!(?:did|does|do|has|have|had|is|was|are|were|will|would)\b)", re.I)
_QUALIFIER = re.compile(r"\s+(?:of|for|in|at|from)\s.*$", re.I)


def describes_one_person(parsed: ParsedQuestion) -> bool:
    """The described speaker is one person ("the pope", "alan dunmore" typed in lower case), not a kind of
    speaker to find ("which bishop said...") nor a group ("Riverton's hoteliers"), whose words a member
    may speak under another description."""
    if not parsed.role or parsed.speaker_key:
        return False
    kind = _KIND_ASKED.match(parsed.text)
    if kind and parsed.text[kind.end():].lower().startswith(parsed.role.split()[0].lower()):
        return False  # the kind follows the question word; in "What changes did the Labour chairman demand?" it does not
    if any(w.lower() in _NOT_ROLES or w.lower() in _NOT_IN_ROLES for w in parsed.role.split()):
        return False  # "Has anyone proposed...": nobody in particular
    head = _QUALIFIER.sub("", parsed.role).split()[-1].lower()
    plural = (head.endswith("s") and not head.endswith(("ss", "us", "is"))) or head.endswith("men")  # "spokesmen", "women"
    return not plural


_TRAILING_PREPOSITIONS = frozenset("against for about on over with to in of from".split())


def _role_phrase(text: str) -> str | None:
    match = _ROLE_SLOT.search(text) or _ROLE_AFTER_AUX.search(text) or _OFFICE_AFTER_AUX.search(text)
    if not match:
        return None
    words = match.group("role").split()
    while len(words) > 1 and words[-1].lower() in _TRAILING_PREPOSITIONS:
        words.pop()  # "Why is the Harbour Trust against ...": what it is against is not part of it
    if all(w.lower() in ("the", "a", "an") for w in words) or any(w.lower() in _NOT_IN_ROLES for w in words):
        # "What is the view on rail fares?", "What was said about raising taxes?": the pattern took the
        # question's own words ("the", "said about") for the one described.
        return None
    if any(w.lower() in _NOT_ROLES or w.lower() in {"did", "does", "do", "is", "are", "was", "were", "be", "been", "being"} for w in words):
        return None
    return " ".join(words)


# The word an office's name ends with: "the shadow home secretary", "Tory leader", "the pm".
_OFFICE_HEADS = (
    "secretary|minister|leader|chancellor|spokesman|spokeswoman|spokesperson|pm|president|mayor|governor|senator|"
    "commissioner|chairman|chairwoman|chair|director|boss|chief|ambassador|archbishop|bishop|attorney general|speaker"
)
_OFFICE_HEAD = re.compile(_OFFICE_HEADS)


def speaks_as_office_of(introduced_as: str | None, body: str) -> bool:
    """Whether an introduction is of someone holding an office in the named body, who speaks for it: "chairman of
    the police federation", "harbour trust director" for the Harbour Trust; not a former one, nor a member."""
    words = _WORD.findall((introduced_as or "").lower())
    named = [w for w in _WORD.findall(body.lower()) if w != "the"]
    if not named or "former" in words or "ex" in words:
        return False
    held = any(_OFFICE_HEAD.fullmatch(w) for w in words)
    return held and any(words[i : i + len(named)] == named for i in range(len(words) - len(named) + 1))


def office_head(role: str) -> str | None:
    """The word that says what kind of office a role is: "director" in "Amnesty's director", "chair" in "the chair
    of the rights committee"; None for a body or a description without one ("the harbour trust")."""
    words = _WORD.findall(role.lower())
    head = words[words.index("of") - 1] if "of" in words[1:] else (words[-1] if words else "")
    return head if _OFFICE_HEAD.fullmatch(head) else None
# "Who did the former Labour leader tip...": an office in the subject's place, whatever verb follows it.
_OFFICE_AFTER_AUX = re.compile(
    rf"\b(?:did|does|do|has|have|had|will|would)\s+the\s+(?P<role>(?:[\w'’-]+\s+){{0,4}}?(?:{_OFFICE_HEADS}))\s+[a-z]+\b", re.I
)
# Offices' head words long enough to mend a slip in ("the shadow chancelor", "the health secetary").
_OFFICE_SLIP_MIN_LENGTH = 6
_OFFICE_WORDS = tuple(w for w in _OFFICE_HEADS.split("|") if " " not in w and len(w) >= _OFFICE_SLIP_MIN_LENGTH)


def mend_office_words(question: str, known_word) -> str:
    """A word no passage uses, one slip from an office's head word, written as that word: mistyped, the office
    matches nobody's introduction, and the question would be read as asking about a person named so."""
    def mend(match: re.Match) -> str:
        word = match.group()
        if len(word) < _OFFICE_SLIP_MIN_LENGTH or known_word(word):
            return word
        found = _one_slip_from(word.lower(), _OFFICE_WORDS)
        if found is None:
            return word
        return found.capitalize() if word[:1].isupper() else found

    return re.sub(r"[A-Za-z]+", mend, question)


# Typed fast, an office where a speaker stands: "tory leader on immigration", "the home secretary's view on".
_CASUAL_ROLE = re.compile(
    rf"^(?:what\s+(?:did|does|has|have)\s+)?(?:the\s+)?(?P<role>(?:[\w-]+\s+){{0,3}}?(?:{_OFFICE_HEADS}))(?:'s|’s)?"
    rf"\s+(?:on|views?\s+on|stance\s+on|position\s+on|take\s+on|thinks|says|said)\b",
    re.I,
)


def _casual_role(text: str) -> str | None:
    match = _CASUAL_ROLE.match(text)
    if not match:
        return None
    words = match.group("role").split()
    if any(w.lower() in _NOT_ROLES or w.lower() in _NOT_IN_ROLES for w in words):
        return None
    return " ".join(words)


def _named(name: str) -> bool:
    """A capitalised name that is not a question word ("Dunmore", "Alan Dunmore")."""
    words = name.split()
    return bool(words) and all(w[:1].isupper() or w.lower() in {"de", "du", "van", "von", "der", "la", "le", "al", "bin", "ibn"} for w in words)


def _trim_name(name: str) -> str:
    words = name.split()
    while words and words[0] in _QUESTION_WORDS:
        words = words[1:]
    # "Harbour Watch's Sir Tom Reade" -> the person after the possessive.
    for i, word in enumerate(words[:-1]):
        if word.endswith(("'s", "’s")):
            words = words[i + 1 :]
            break
    return " ".join(words)


# The scaffolding of a question about statements; it says nothing about the topic.
_SCAFFOLD = re.compile(
    r"\b(?:what|how|why|when|where|who|which|whom|whose|did|does|do|has|have|had|was|were|is|are|"
    r"about|regarding|concerning|according to|on|the|a|an|of|in|view|views|position|stance|opinion|comment|comments|"
    r"remarks?|statements?|been|say|says|said|saying|think|thinks|thought|tell|told|speak|spoke|talk|talked|"
    r"respond|responded|react|reacted|describe|described|mean|meant)\b",
    re.I,
)


def _without_speaker(parsed: ParsedQuestion) -> str:
    """The question with the asked name (and its first name, when typed before it: "tom reade") blanked."""
    text = parsed.text
    if not parsed.speaker:
        return text
    if parsed.first_name and parsed.first_name not in parsed.speaker.lower():
        text = re.sub(rf"\b{re.escape(parsed.first_name)}\s+(?={re.escape(parsed.speaker)})", " ", text, flags=re.I)
    text = text.replace(parsed.speaker, " ")
    return re.sub(r"(?:'s|’s)\b", " ", text)


def topic_text(parsed: ParsedQuestion) -> str:
    """The question without the speaker's name and the question's scaffolding: what BM25 should match."""
    text = _without_speaker(parsed)
    shouting = text == text.upper()
    # "WHO funding", "US bases": in a question not typed in capitals, a capitalised short word is an acronym.
    kept = _SCAFFOLD.sub(lambda m: m.group() if m.group().isupper() and len(m.group()) > 1 and not shouting else " ", text)
    return " ".join(kept.split()).lstrip(",;: ")


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
    text = _without_speaker(parsed)
    for word in parsed.speaker.split():  # "Mr Roe", "Roe's": stray parts of the name
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text)
    return " ".join(text.split()) or parsed.text


_MONTHS = "january february march april may june july august september october november december".split()
_DATE_NAMED = re.compile(rf"\b(?:({'|'.join(_MONTHS)})\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?)?((?:19|20)\d\d)\b", re.I)


# "pulled out by summer 2012", "until the end of 2014": a deadline the statement sets, not when it was made.
_DEADLINE_BEFORE = re.compile(
    r"\b(?:by|until|till|before|through)\s+(?:the\s+)?(?:(?:end|start|beginning|middle|close)\s+of\s+)?"
    r"(?:(?:early|late|mid|spring|summer|autumn|fall|winter)[\s-]+(?:of\s+)?)?$",
    re.I,
)


def named_dates(question: str) -> tuple[str, ...]:
    """The dates a question names as when something was said, as the start of an ISO date: "in October 2011"
    -> "2011-10", "his 2014 executive action" -> "2014". A speech's date tells it from the same speaker's others
    on the same topic."""
    return tuple(
        f"{m.group(2)}-{_MONTHS.index(m.group(1).lower()) + 1:02d}" if m.group(1) else m.group(2)
        for m in _DATE_NAMED.finditer(question)
        if not _DEADLINE_BEFORE.search(question[: m.start()])
    )


def core_query_text(parsed: ParsedQuestion) -> str:
    """What was asked about, without the occasion it was said on: what one passage should match."""
    return query_text(replace(parsed, text=parsed.core)) if parsed.core else query_text(parsed)
