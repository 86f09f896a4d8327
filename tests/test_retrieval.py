"""Retrieval over the seed article and public-domain transcripts: real model, real Chroma directory."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from .conftest import DISCIPLINE


@pytest.fixture
def engine(make_engine, corpus):
    built = make_engine(corpus)
    built.load()
    return built


def _verbatim(engine, answer):
    for quote in answer.quotes:
        assert engine.generation.documents[quote.source].text[quote.start : quote.end] == quote.text


def test_speaker_question_ranks_the_discipline_quote_first(engine):
    answer = engine.ask("what did Vance say about discipline?")
    assert not answer.abstained
    assert DISCIPLINE in answer.quotes[0].text
    assert "Vance" in answer.quotes[0].speaker
    assert all("Vance" in (q.speaker or "") for q in answer.quotes)
    assert len(answer.quotes[0].text) < 400  # a sentence or a few, not a chunk
    _verbatim(engine, answer)


def test_speaker_question_over_transcripts_returns_that_presidents_words(engine):
    answer = engine.ask("What did Bush say about the rescue plan for the financial system?")
    assert not answer.abstained
    assert answer.quotes and all("Bush" in (q.speaker or "") for q in answer.quotes)
    assert answer.quotes[0].source.startswith("2008-10-03")
    _verbatim(engine, answer)
    answer = engine.ask("What did Obama say about bringing the troops home from Iraq?")
    assert not answer.abstained and "Obama" in answer.quotes[0].speaker
    assert "Iraq" in answer.quotes[0].text


def test_someone_the_article_reports_berating_a_reporter_is_quoted_for_it(engine):
    # The seed's only sentence about the press secretary reports her scolding a reporter: that is her statement.
    answer = engine.ask("What did Karoline Leavitt say about ICE agents?")
    assert not answer.abstained
    assert answer.quotes[0].speaker == "Karoline Leavitt" and answer.quotes[0].mode == "reported"
    assert "berated a reporter" in answer.quotes[0].text
    _verbatim(engine, answer)


def test_absent_topic_abstains(engine):
    answer = engine.ask("What is the boiling point of tin?")
    assert answer.abstained and answer.quotes == []


def test_speaker_not_in_corpus_never_attributes(engine):
    answer = engine.ask("What did Greta Lindqvist say about immigration?")
    assert answer.abstained or all("Lindqvist" in (q.speaker or "") for q in answer.quotes)
    assert answer.quotes == []


def test_a_described_speaker_nobody_is_introduced_as_never_gets_someone_elses_words(engine):
    # Nobody in the corpus is introduced as the pope, and the name typed in lower case is unknown: abstain, as for
    # "Greta Lindqvist" written with capitals, instead of quoting whoever said most about the topic.
    for question in ("What did the Pope say about immigration?", "what did greta lindqvist say about immigration",
                     "what did the surgeon general say about deportations"):
        answer = engine.ask(question)
        assert answer.abstained and answer.quotes == [], question
    # Described as the seed article introduces him, the vice president is found.
    answer = engine.ask("What did the vice president say about discipline?")
    assert not answer.abstained and "Vance" in answer.quotes[0].speaker


def test_no_duplicate_quotes(engine):
    answer = engine.ask("What did Obama say about immigration reform?", top=5)
    spans = [(q.source, q.start, q.end) for q in answer.quotes]
    assert len(set(spans)) == len(spans)
    texts = [q.text for q in answer.quotes]
    assert len(set(texts)) == len(texts)


def test_unknown_share_counts_topic_words_absent_from_every_passage():
    from retrieval.lexical import Lexical

    lex = Lexical.build(["The chancellor raised fuel duty.", "Pakistan and India talks resumed."])
    assert lex.unknown_share("fuel duty") == 0.0
    assert lex.unknown_share("cricket in Pakistan") == 0.5
    assert lex.unknown_share("MMR jab") == 1.0
    assert lex.unknown_share("the and of") == 0.0  # stop words only: nothing to judge
    angry = Lexical.build(["Voters are angry about the safe seats."])
    assert angry.unknown_share("angrier voters") == 0.0  # a comparative of a word passages use
    assert angry.unknown_share("safest seats") == 0.0
    celebrities = Lexical.build(["Politics is becoming a branch of the celebrity industry.", "Flintshire council met."])
    assert celebrities.unknown_share("celebs and politics") == 0.0  # cut short in a chat
    assert celebrities.unknown_share("flint water") == 1.0  # a whole word, not the start of a longer one
    remarks = Lexical.build(["Mr Cunningham denied the remarks were offensive."])
    assert remarks.unknown_share("cunningam remarks") == 0.0  # a letter left out of a long name, typed fast
    assert remarks.unknown_share("cunninghams fracking") == 0.5  # no letter gives "fracking" back
    assert Lexical.build(["The deal was agreed."]).unknown_share("dal") == 1.0  # too short to say which word it is
    wild = Lexical.build(["He was out of control in the wild 1960s."])
    assert wild.unknown_share("wild 60s") == 0.0  # a decade typed short
    assert wild.unknown_share("wild 70s") == 0.5  # ... that no passage names is still unknown
    assert remarks.unknown_share("LSE remarks", also_known=frozenset({"lse"})) == 0.0


def test_an_acronym_of_a_name_a_document_spells_out_is_known(make_engine, tmp_path):
    from retrieval.features import derived

    engine = _one_document_engine(
        make_engine, tmp_path, "2005-02-03-students.txt",
        "Students courted\n\nLaunching his campaign at the London School of Economics, Mr Kell urged students to vote. "
        "Mr Tom Kell said fees put students off.\n",
    )
    gen = engine.generation
    known = derived(gen).spelled_acronyms(gen)
    assert "lse" in known
    assert "mtk" not in known and "tk" not in known  # a person's name with a title is no body's acronym
    assert gen.bm25.unknown_share("Kell at the LSE", known) == 0.0
    assert gen.bm25.unknown_share("Kell at the LSA", known) == 0.5


INTERVIEW = """---
title: Interview with Margaret Ellison on transport
speaker: Margaret Ellison
published: 2005-02-01
---
Q: Ms Ellison, what is your view on the fuel duty rise in the budget?
A: Raising it again would punish rural families who have no bus to take and must drive to work.
Q: What about the railways and rail fares?
A: We would bring the train companies back into public ownership over ten years.
"""


def _one_document_engine(make_engine, tmp_path, name: str, text: str):
    root = tmp_path / "one"
    root.mkdir()
    (root / name).write_text(text, encoding="utf-8")
    engine = make_engine(root)
    engine.load()
    return engine


def test_interview_answer_not_question(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2005-02-01-ellison-interview.txt", INTERVIEW)
    answer = engine.ask("What did Margaret Ellison say about the fuel duty rise?")
    assert not answer.abstained
    top = answer.quotes[0]
    assert "rural families" in top.text and "fuel duty rise" not in top.text
    assert top.speaker == "Margaret Ellison" and top.mode == "direct"
    assert all(q.speaker == "Margaret Ellison" for q in answer.quotes)
    _verbatim(engine, answer)


def test_a_topic_question_over_an_interview_quotes_the_answer_not_the_interviewers_question(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2005-02-01-ellison-interview.txt", INTERVIEW)
    for question, answer_words in (("What was said about the fuel duty rise?", "rural families"),
                                   ("What is the view on rail fares?", "public ownership")):
        answer = engine.ask(question)
        assert answer.quotes and answer_words in answer.quotes[0].text, question
        assert all(q.speaker == "Margaret Ellison" for q in answer.quotes), question
        _verbatim(engine, answer)


BROADCAST_INTERVIEW = """Sunday interview: the Chancellor on tax

HUGH DRAKE: Chancellor, welcome. Will you raise national insurance after the election?

PETER LOWRY: We will not raise national insurance, because working families have carried enough of the burden already.

HD: And the higher rate of income tax?

PL: It will not change by a penny before the next election.

HD: Will there be a windfall tax on the energy companies?

PL: I have said all I am going to say on that this morning.
"""


def test_a_named_interviewers_question_gives_way_to_the_answer(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2005-04-10-drake-lowry.txt", BROADCAST_INTERVIEW)
    for question, answer_words in (("What was said about raising national insurance?", "working families"),
                                   ("What about the higher rate of income tax?", "by a penny")):
        answer = engine.ask(question)
        top = answer.quotes[0]
        assert answer_words in top.text and top.speaker == "Peter Lowry", question
        _verbatim(engine, answer)
    # Asked by name, the answer that does not repeat the question's words still comes first.
    answer = engine.ask("What did Peter Lowry say about the higher rate of income tax?")
    assert "by a penny" in answer.quotes[0].text


HOUSING_INTERVIEW = """Sunday with Andrew Fell: the Housing Secretary

ANDREW FELL: Housing Secretary, welcome. Renters were promised an end to no-fault evictions years ago. When will it happen?

HELEN MARSDEN: Section 21 will be abolished before the summer recess, full stop. The bill has finished committee stage.

AF: Landlords say they will sell up.

HM: Some will, and some have been saying that for twenty years. The number of privately rented homes has gone up, not down.

AF: And ground rents?

HM: We will cap ground rents on existing leases at £250 a year, and we'll legislate for it in the autumn.

AF: Social housing waiting lists are over a million households.

HM: They are, and we haven't built enough social homes in this country for forty years, under governments of both parties.
"""


def test_an_off_topic_lead_gives_way_to_a_close_on_topic_answer_instead_of_abstaining(make_engine, tmp_path):
    # The answer never says "no-fault evictions" (the question before it does): the model ranks the
    # speaker's other turns about level with it, and the first of them is off the topic.
    engine = _one_document_engine(make_engine, tmp_path, "2024-03-03-fell-marsden.txt", HOUSING_INTERVIEW)
    answer = engine.ask("What did Helen Marsden say about ending no-fault evictions?")
    assert not answer.abstained
    assert answer.quotes[0].text.startswith("Section 21 will be abolished")  # the label is not part of the quote
    assert answer.quotes[0].speaker == "Helen Marsden"
    _verbatim(engine, answer)


SPEECH = """President: Jane Roe

Thank you all for coming. Today I signed the new border bill into law.

We will hire two thousand more border agents, and we will pay for them without raising taxes.

Some people ask me, why not just give everyone who is here illegally an amnesty today?

Well, the reason is that an amnesty now only invites the next million people to come illegally tomorrow.

Thank you, and God bless.
"""


def test_a_rhetorical_question_in_a_speech_hands_its_place_to_the_answer(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2007-04-09-roe-border-speech.txt", SPEECH)
    answer = engine.ask("Why does Jane Roe oppose an amnesty for everyone here illegally?")
    assert answer.quotes[0].text.startswith("Well, the reason is")
    _verbatim(engine, answer)


QUESTIONS_SPEECH = """President: Jane Roe

Clean water is a promise every government makes. That is how, as a people, we will be measured.

Can we really claim, as a country, that we are doing all we can to keep our rivers clean?

Can we truthfully claim that every family in this land can drink from the tap without worry?

I have read the inspectors' reports all month, and if we face the facts, we fall short. We must do better.

Thank you, and God bless.
"""


def test_a_run_of_rhetorical_questions_hands_its_place_to_the_answer_after_the_run(make_engine, tmp_path):
    from retrieval.features import candidates
    from retrieval.ranker import decide

    engine = _one_document_engine(make_engine, tmp_path, "2013-06-04-roe-rivers.txt", QUESTIONS_SPEECH)
    gen = engine.generation
    cs = candidates(gen, engine.embedder, "Did Jane Roe think the country was doing all it could to keep its rivers clean?")

    def ranked(params):
        return [gen.passages[cs.rows[i]].text for i in decide(cs, params).order]

    answer = next(t for t in ranked(engine.params) if t.startswith("I have read the inspectors' reports"))
    without = ranked(replace(engine.params, question_hands_over=False))
    first_question = next(i for i, t in enumerate(without) if t.startswith("Can we"))
    # The fitted ranking alone puts the run's first question above its answer; the rule gives the answer that
    # place, past the second question, and neither question is offered as an answer.
    assert without.index(answer) > first_question
    with_rule = ranked(engine.params)
    assert with_rule.index(answer) == first_question and not any(t.startswith("Can we") for t in with_rule)


STARTING_AGE_ROW = """Row over school starting age grows

Campaigners clashed on Monday over calls to lower the age at which children start school.

Anne Harlow, of the Early Years Trust, said: "What is the gain for parents, or for the child itself, of forcing a four-year-old to sit at a desk all day?"

Bishop Tom Fells said: "Children learn best in a classroom, and the starting age should come down to four for everyone."
"""


def test_a_named_persons_rhetorical_question_stays_their_answer_when_someone_else_speaks_next(make_engine, tmp_path):
    # Only an interviewer's, the narration's or the speaker's own question hands its place to the words after it.
    engine = _one_document_engine(make_engine, tmp_path, "starting-age-row.txt", STARTING_AGE_ROW)
    answer = engine.ask("What did Anne Harlow say about forcing a four-year-old to sit at a desk?")
    assert not answer.abstained
    assert answer.quotes[0].speaker == "Anne Harlow"
    assert "forcing a four-year-old to sit at a desk" in answer.quotes[0].text
    _verbatim(engine, answer)


TAGGED_SPEECH = """President: Jane Roe

Thank you all for coming.

We are cutting the deficit every year, and we will balance the federal budget by 2030, you know?

That's not to say it will be easy. I want to thank the governors who joined us today.
"""


def test_a_tag_question_keeps_its_place_instead_of_handing_it_to_the_next_words():
    from retrieval.features import asks

    assert asks("Some people ask me, why not just give everyone an amnesty today?") and asks("Is that fair, Mr Pell?")
    assert asks("Well, why not?") and not asks("We will balance the budget, you know?") and not asks("That is the plan, isn't it?")


def test_a_speakers_tag_question_is_quoted_itself(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2007-05-01-roe-budget-speech.txt", TAGGED_SPEECH)
    answer = engine.ask("What did Jane Roe say about balancing the budget?")
    assert "balance the federal budget" in answer.quotes[0].text
    _verbatim(engine, answer)


SCHOOL_MEALS = """---
title: Junk food to be banned from school canteens
outlet: Example Gazette
published: 2005-03-01
---
Junk food will be banned from school canteens in England from September, the government has announced.

Education Secretary Mary Fenwick said the ban would cover crisps, chocolate and fizzy drinks sold in school canteens.

"We will take junk food out of school canteens by September, and every school will have to meet new nutrition standards," Ms Fenwick said.

The plans were attacked by shadow education spokesman Tom Colley.

"Taking junk food out of canteens by September is a gimmick unless schools also get the money for proper kitchens," Mr Colley said.

Peter Hale, of the National Association of Head Teachers, warned that pupils would simply buy crisps outside the school gates.
"""


@pytest.fixture
def meals_engine(make_engine, tmp_path):
    return _one_document_engine(make_engine, tmp_path, "2005-03-01-school-meals.txt", SCHOOL_MEALS)


def test_a_role_in_the_question_finds_the_person_the_article_introduces_with_it(meals_engine):
    # Neither question names Tom Colley; the article introduces him once, as the shadow spokesman.
    for question in (
        "How did the shadow education spokesman respond to the junk food ban?",
        "What did the shadow education spokesman say about banning crisps and fizzy drinks?",
    ):
        answer = meals_engine.ask(question)
        assert not answer.abstained
        assert (answer.quotes[0].speaker, answer.quotes[0].mode) == ("Tom Colley", "direct"), question
        _verbatim(meals_engine, answer)


SMOKING_BAN = """---
title: Smoking ban row
outlet: Example Gazette
published: 2005-03-07
---
The government will ban smoking in pubs and restaurants in England, Health Secretary Ann Lord has announced.

"Banning smoking in pubs will save thousands of lives every year, and most people want it," Ms Lord said.

The plans were attacked by shadow health secretary Tom Gale.

"This ban on smoking in pubs will close hundreds of village pubs and cost jobs," Mr Gale said.
"""


def test_asked_by_an_office_its_holders_own_words_come_before_the_narration_about_them(make_engine, tmp_path):
    # The narration names the office and the reaction, so the fitted ranking puts it first; the holder's own
    # words, second, lead (Params.role_leads).
    engine = _one_document_engine(make_engine, tmp_path, "2005-03-07-smoking.txt", SMOKING_BAN)
    question = "How did the shadow health secretary react to the smoking ban?"
    answer = engine.ask(question)
    assert (answer.quotes[0].speaker, answer.quotes[0].mode) == ("Tom Gale", "direct")
    _verbatim(engine, answer)
    engine.params = replace(engine.params, role_leads=False)
    assert engine.ask(question).quotes[0].speaker != "Tom Gale"


def test_only_an_office_holder_near_the_top_is_brought_up_and_only_for_one_person():
    import numpy as np

    from retrieval.features import FEATURES, QUESTION_FEATURES, CandidateSet
    from retrieval.query import parse_question
    from retrieval.ranker import Linear, Params, decide

    # The ranker orders the three candidates by "dense": 0, 1, 2.
    ranker = Linear(("dense",), (0.0,), (1.0,), (1.0,), 0.0)
    params = Params(ranker=ranker, abstainer=Linear((), (), (), (), 0.0), answer_at=0.0)

    def first(question: str, holds: list[float], **changes) -> int:
        features = np.zeros((3, len(FEATURES)))
        features[:, FEATURES.index("dense")] = [0.9, 0.8, 0.7]
        features[:, FEATURES.index("role")] = holds
        cs = CandidateSet(question, parse_question(question), np.arange(3), features, np.zeros(len(QUESTION_FEATURES)), np.zeros(3, dtype=bool), np.zeros(3, dtype=bool))
        return int(decide(cs, replace(params, **changes)).order[0])

    one = "What did the shadow health secretary say about the ban?"
    assert first(one, [0.0, 1.0, 0.0]) == 1  # second, introduced with every word of the office: leads
    assert first(one, [0.0, 0.0, 1.0]) == 0  # third: too far down to be brought up
    assert first(one, [0.0, 0.5, 0.0]) == 0  # some of the office's words only
    assert first(one, [0.0, 1.0, 0.0], role_leads=False) == 0
    assert first("What have shadow ministers said about the ban?", [0.0, 1.0, 0.0]) == 0  # a group, not one person


def _counts_as_asked(engine, question: str) -> dict[str | None, bool]:
    """Each candidate's speaker, and whether the "speaker" feature counts them as the one asked about."""
    from retrieval.features import FEATURES, candidates

    gen = engine.generation
    cs = candidates(gen, engine.embedder, question)
    return {gen.passages[row].speaker: bool(f) for row, f in zip(cs.rows, cs.features[:, FEATURES.index("speaker")])}


BUDGET_ROW = """---
title: Budget row over tax plans
outlet: Example Gazette
published: 2005-03-02
---
Chancellor Ed Marsh defended his Budget on Wednesday.

"This Budget keeps taxes low for working families," Mr Marsh said.

Shadow chancellor Ann Vale said the sums did not add up.

"This Budget hides a tax rise for every family in the country," Ms Vale said.

The prime minister's official spokesman said the Budget had the cabinet's full support.
"""


def test_an_asked_office_is_not_the_shadow_office_nor_a_spokesman_for_its_holder(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2005-03-02-budget-row.txt", BUDGET_ROW)

    def fits(question):
        return _counts_as_asked(engine, question)

    # "Shadow chancellor" holds every word of "the chancellor", but names another office.
    assert fits("What did the chancellor say about taxes?") == {"Ed Marsh": True, "Ann Vale": False, "prime minister official spokesman": False}
    assert fits("What did the shadow chancellor say about taxes?")["Ann Vale"] is True
    # Nor does the chancellor half fit the shadow chancellor: the asked office's own changing word counts too.
    from retrieval.features import FEATURES, candidates

    cs = candidates(engine.generation, engine.embedder, "What did the shadow chancellor say about taxes?")
    fit = {engine.generation.passages[row].speaker: f for row, f in zip(cs.rows, cs.features[:, FEATURES.index("role")])}
    assert fit["Ed Marsh"] == 0.0 and fit["Ann Vale"] == 1.0
    # Someone speaking for the prime minister is not the prime minister; asked for the spokesman, he is.
    assert fits("What did the prime minister say about the Budget?")["prime minister official spokesman"] is False
    assert fits("What did the prime minister's spokesman say about the Budget?")["prime minister official spokesman"] is True


HARBOUR_EVENT = """President: Ann Vale

THE PRESIDENT: Thank you all. I want to thank Secretary Okonjo for joining us today.

We are cutting the fees at every harbour. I'd like to ask Secretary Okonjo to say a few words.

SECRETARY OKONJO: Thank you, Madam President. Last year the harbour board cut the mooring fees by a third.
"""


def test_a_one_word_label_the_text_gives_a_title_is_a_person_a_fast_question_can_name(make_engine, tmp_path):
    from retrieval.features import derived

    engine = _one_document_engine(make_engine, tmp_path, "2018-03-19-harbour-event.txt", HARBOUR_EVENT)
    assert "okonjo" in derived(engine.generation).person_surnames
    answer = engine.ask("okonjo on mooring fees")
    assert answer.quotes and answer.quotes[0].speaker == "Okonjo"


FEDERATION_REPORT = """---
title: Harbour wardens row
outlet: Example Gazette
published: 2005-03-02
---
The Harbour Wardens Federation has said it strongly opposes giving volunteer wardens the power to board boats.

Ann Kell, chairman of the Harbour Wardens Federation, said: "Volunteers should never be sent onto a stranger's boat - boarding is a job for trained wardens."

Former Harbour Wardens Federation chairman Rob Tate said the volunteers deserved more trust.
"""


def test_asked_for_a_body_by_name_its_office_holders_words_are_its_own(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2005-03-02-wardens.txt", FEDERATION_REPORT)
    counted = _counts_as_asked(engine, "Why doesn't the Harbour Wardens Federation want volunteers boarding boats?")
    assert counted["Ann Kell"] is True and counted.get("Rob Tate") is not True  # a former chairman speaks for himself
    answer = engine.ask("Why doesn't the Harbour Wardens Federation want volunteers boarding boats?")
    assert any(q.speaker == "Ann Kell" for q in answer.quotes)


RIGHTS_REPORT = """---
title: Deaths in custody report
outlet: Example Gazette
published: 2005-03-02
---
The harbour rights committee said the cells were unsafe and the checks too rare.

Rights committee chairman Ruth Orme said: "Every death in a cell is one too many."

Former harbour commissioner Rob Tate said the report was overdue.
"""


def test_an_asked_office_fits_those_introduced_as_that_kind_of_office(make_engine, tmp_path):
    from retrieval.features import FEATURES, candidates

    engine = _one_document_engine(make_engine, tmp_path, "2005-03-02-rights.txt", RIGHTS_REPORT)

    def fit(question):
        cs = candidates(engine.generation, engine.embedder, question)
        return {engine.generation.passages[row].speaker: f for row, f in zip(cs.rows, cs.features[:, FEATURES.index("role")])}

    # The committee holds more of the words of "the chair of the harbour rights committee", but it is not a chair.
    shares = fit("What did the chair of the harbour rights committee say about deaths in cells?")
    assert shares["Ruth Orme"] > shares["harbour rights committee"]
    # A former holder is asked for as one, and is not the holder.
    assert fit("What did the former harbour commissioner say about the report?")["Rob Tate"] == 1.0
    assert _counts_as_asked(engine, "What did the harbour commissioner say about the report?").get("Rob Tate") is not True


RUNWAY_REPORT = """Runway challenge reaches court

Campaigners against a third runway at Fairfield airport go to the High Court on Monday.

Jill Barr, director of the anti-tax group Fair Skies, said the airport's owners had misled residents about the costs.

NOISEWATCH chairman Tom Hale said: "The night flights already wake thousands of families, and a new runway would double them."

The airport said it would answer the challenge in court.
"""


def test_the_head_of_a_body_named_by_its_acronym_is_whoever_leads_it_not_who_shares_its_description(make_engine, tmp_path):
    from retrieval.features import FEATURES, candidates

    engine = _one_document_engine(make_engine, tmp_path, "2005-03-07-runway.txt", RUNWAY_REPORT)
    question = "What did the head of the anti-noise group NOISEWATCH say about the airport?"
    cs = candidates(engine.generation, engine.embedder, question)
    role = {engine.generation.passages[row].speaker: f for row, f in zip(cs.rows, cs.features[:, FEATURES.index("role")])}
    # Jill Barr's introduction shares more of the description ("anti", "group") but names another body.
    assert role["Tom Hale"] > role["Jill Barr"]
    # No introduction holds every word of the question's wording; the one that holds most is the asked person.
    asked = _counts_as_asked(engine, question)
    assert asked["Tom Hale"] is True and asked["Jill Barr"] is False
    answer = engine.ask(question)
    assert not answer.abstained and answer.quotes[0].speaker == "Tom Hale"
    _verbatim(engine, answer)


FEES_REPORT = """Fees rise splits parties

MPs on the education committee said the loans scheme had been badly run. The MPs found that forms went missing for months.

Labour MP Ann Roe said: "Higher tuition fees will put poorer students off university for good."

Conservative MP Sam Poe said: "Tuition fees are a fair price for a degree that pays for itself."

Ministers have said the plans will go ahead in the autumn.
"""


def test_asked_about_a_partys_members_the_answer_is_a_member_not_the_body_of_the_same_plain_name(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2005-01-10-fees.txt", FEES_REPORT)
    speakers = {p.speaker for p in engine.generation.passages}
    assert "MPs" in speakers  # the committee's report, credited to the body
    answer = engine.ask("What did Labour MPs say about tuition fees?")
    assert not answer.abstained
    assert answer.quotes[0].speaker == "Ann Roe"
    _verbatim(engine, answer)


def test_a_transcripts_paragraph_is_weighed_apart_from_a_news_reports(engine):
    # The seed is a news report; the presidents' remarks are transcripts. Their paragraphs' similarity is a
    # feature of its own ("paragraph_transcript"), so the fitted weights can tell a speech from a report.
    from retrieval.features import FEATURES, candidates

    gen = engine.generation
    cs = candidates(gen, engine.embedder, "What was said about troops coming home from Iraq and discipline?")
    paragraph = cs.features[:, FEATURES.index("paragraph")]
    spoken = cs.features[:, FEATURES.index("paragraph_transcript")]
    seed = [gen.passages[row].source.startswith("000_") for row in cs.rows]
    assert any(seed) and not all(seed)
    for i, from_seed in enumerate(seed):
        assert spoken[i] == (0.0 if from_seed else paragraph[i])


def test_a_speech_passage_is_measured_against_the_best_match_in_its_own_speech(engine):
    # Inside one speech every passage is the same speaker on the same occasion, so "speech_gap" measures a
    # passage against the best match in its own transcript; a news report's passages get none.
    from retrieval.features import FEATURES, candidates

    gen = engine.generation
    cs = candidates(gen, engine.embedder, "What was said about troops coming home from Iraq?")
    dense = cs.features[:, FEATURES.index("dense")]
    gap = cs.features[:, FEATURES.index("speech_gap")]
    sources = [gen.passages[row].source for row in cs.rows]
    assert any(s.startswith("000_") for s in sources)
    assert all(g == 0.0 for s, g in zip(sources, gap) if s.startswith("000_"))
    assert (gap <= 1e-6).all()
    best = int(np.argmax(np.where([s.startswith("000_") for s in sources], -np.inf, dense)))
    assert abs(gap[best]) < 1e-6, "the best-matching speech passage of all is the best in its own speech"
    same = [i for i, s in enumerate(sources) if s == sources[best] and i != best]
    assert same, "the same speech offers other candidates"
    for i in same:
        assert gap[i] == pytest.approx(dense[i] - dense[best], abs=1e-5)
    others = {s for s in sources if not s.startswith("000_") and s != sources[best]}
    assert any(max(gap[i] for i, s in enumerate(sources) if s == o) == pytest.approx(0.0, abs=1e-6) and
               max(dense[i] for i, s in enumerate(sources) if s == o) < dense[best] for o in others), (
        "another speech's own best match stands at zero although the overall best is elsewhere")


def test_what_a_speaker_will_or_must_do_is_marked_in_a_speech_and_never_in_a_news_report(engine):
    # In a speech, "this will be a strong partnership" states a policy; a report's narration also says what someone
    # "will" do, so the feature ("modal_transcript") marks transcripts only.
    from retrieval.features import FEATURES, candidates

    gen = engine.generation
    cs = candidates(gen, engine.embedder, "Will there be a partnership with Iraq, and will there be disciplinary action?")
    marked = dict(zip((int(r) for r in cs.rows), cs.features[:, FEATURES.index("modal_transcript")]))
    from_seed = {r for r in marked if gen.passages[r].source.startswith("000_")}
    report_wills = [r for r in from_seed if re.search(r"\bwill\b", gen.passages[r].text)]
    assert report_wills and not any(marked[r] for r in from_seed)
    partnership = [r for r in marked if "This will be a strong and enduring partnership" in gen.passages[r].text]
    assert partnership and all(marked[r] == 1.0 for r in partnership)
    speech_plain = [r for r in marked if r not in from_seed and not marked[r]]
    assert speech_plain, "a speech passage that states nothing to be done stays unmarked"
    assert not any(re.search(r"\b(will|must|shall|cannot)\b", gen.passages[r].text, re.I) for r in speech_plain)


@pytest.mark.xfail(strict=True, reason="issue 13: the hand-set swap of a report for the speaker's own words was removed "
                   "without a cross-validated replacement; the fitted 'direct' weight alone does not lift her quote into the top three")
def test_own_words_come_before_the_articles_report_of_them(meals_engine):
    answer = meals_engine.ask("How did the Education Secretary justify the junk food ban?")
    # Fitted weights put someone's own words above reports of them (the "direct" feature), with no swap rule.
    texts = [q.text for q in answer.quotes[:3] if q.speaker == "Mary Fenwick" and q.mode == "direct"]
    assert any(t.startswith('"We will take junk food out') for t in texts)


BUS_ROUTES = """---
title: Council cuts rural bus routes
outlet: Example Gazette
published: 2005-04-02
---
The county council is to cut eleven rural bus routes from June, its transport chief has announced.

Council transport chief Helen Marsh said the routes would end on 1 June and that a dial-a-ride service would replace some of them.

"We are cutting these bus routes with real regret, and we know villagers will be angry about the cuts," Mrs Marsh said.

"We have to cut the routes because the fuel subsidy from the government has been halved, and each of these buses carries fewer than four passengers a day," she added.

"Cutting bus routes is never popular, and councillors argued about these cuts for months," she said.

Opposition councillor Tom Ridley said the cuts would leave elderly villagers stranded.
"""


@pytest.fixture
def bus_engine(make_engine, tmp_path):
    return _one_document_engine(make_engine, tmp_path, "2005-04-02-bus-routes.txt", BUS_ROUTES)


def test_a_why_question_is_answered_by_the_statement_that_gives_the_reason(bus_engine):
    engine = bus_engine
    for question in ("Why did Helen Marsh cut the bus routes?", "Why are the bus routes being cut?"):
        answer = engine.ask(question)
        top = answer.quotes[0]
        assert "because the fuel subsidy" in top.text, question
        assert top.speaker == "Helen Marsh" and top.mode == "direct"
        _verbatim(engine, answer)


def test_a_full_name_the_corpus_never_mentions_abstains_though_the_other_words_match(bus_engine):
    asked = "What did Helen Marsh say about the {} service replacing rural bus routes?"
    assert bus_engine.ask(asked.format("Harbour Express")).abstained
    assert not bus_engine.ask(asked.format("dial-a-ride")).abstained


REPEATS = """---
title: Housing row
outlet: Example Gazette
published: 2005-03-03
---
Housing minister Tom Reed said: "Homes, homes and more homes: we will build homes."

Council leader Jo Pike said the schools budget and rents would suffer.
"""


def test_a_word_said_many_times_counts_once_in_a_passages_share_of_the_topic(make_engine, tmp_path):
    # A share of the topic is the share of its words a passage holds: "homes" four times is one word of
    # "homes, schools and rents", so it cannot outweigh a passage that holds the other two.
    from retrieval.features import FEATURES, candidates

    engine = _one_document_engine(make_engine, tmp_path, "2005-03-03-housing-row.txt", REPEATS)
    gen = engine.generation
    cs = candidates(gen, engine.embedder, "What was said about homes, schools and rents?")
    own = dict(zip((gen.passages[row].speaker for row in cs.rows), cs.features[:, FEATURES.index("own_coverage")]))
    assert 0.0 < own["Tom Reed"] < own["Jo Pike"] <= 1.0


RAIL_ROW = """---
title: Row over Welsh rail franchise
outlet: Example Gazette
published: 2005-03-04
---
A commuter has criticised plans to bring Welsh rail services under assembly control.

Transport Minister Rhys Gwynne said the comparison with the old nationalised railways was "lazy and wrong".
"""

CLINICS_ROW = """---
title: Clinic hours to be extended
outlet: Example Gazette
published: 2005-03-03
---
Family doctors' surgeries are to open for longer.

Welsh Health Minister Ann Price said the new opening hours were "tough but fair".
"""

BUS_PASS_ROW = """---
title: Bus pass plans
outlet: Example Gazette
published: 2005-03-05
---
Pensioners would get free off-peak bus travel across the country, under government plans.

Transport Minister Joe Hart said the plans would also cover councils in England and Wales.
"""


def test_a_place_in_an_asked_role_goes_without_saying_in_a_report_from_that_place(make_engine, tmp_path):
    # "The Welsh transport minister" is the transport minister of a report on Welsh rail, though it introduces
    # him without the word; not the transport minister of a report that names Wales only in passing.
    root = tmp_path / "three"
    root.mkdir()
    (root / "2005-03-04-rail.txt").write_text(RAIL_ROW, encoding="utf-8")
    (root / "2005-03-05-bus-pass.txt").write_text(BUS_PASS_ROW, encoding="utf-8")
    (root / "2005-03-03-clinics.txt").write_text(CLINICS_ROW, encoding="utf-8")
    engine = make_engine(root)
    engine.load()
    fits = _counts_as_asked(engine, "What did the Welsh transport minister say about the rail row?")
    assert fits == {"Rhys Gwynne": True, "Ann Price": False, "Joe Hart": False, None: False}


FEDERATION = """---
title: Plans for elected transport commissioners
outlet: Example Gazette
published: 2005-03-06
---
Councils would elect their own transport commissioners under proposals set out by the opposition.

Party leader Tom Reed said the new post would take over from "faceless" transport boards.

Asked about the proposals, the chairman of the Bus Federation, which speaks for drivers, said the network must stay independent.

Ann Kell said: "Buses are a lifeline, not a bargaining chip."
"""


def test_a_speaker_described_only_in_the_sentence_before_their_name_is_found_by_that_description(make_engine, tmp_path):
    # The article never writes "Bus Federation chairman Ann Kell": the description stands in the sentence
    # before her name. Asked by it, her words are the asked person's.
    engine = _one_document_engine(make_engine, tmp_path, "2005-03-06-federation.txt", FEDERATION)
    fits = _counts_as_asked(engine, "What did the chairman of the Bus Federation say about the proposals?")
    assert fits["Ann Kell"] is True and fits["Tom Reed"] is False


BARRIERS_2010 = """President: Jane Dawes

Tonight I can announce that the first river barrier is finished, and most of the valley towns are now protected.
"""

BARRIERS_2011 = """President: Jane Dawes

Today I can report that the last of the river barriers will be built before the winter floods.
"""


def test_a_date_the_question_names_picks_out_the_speech_given_then(make_engine, tmp_path):
    # Two speeches by one speaker on one topic: "in October 2011" tells them apart, as "in 2010" does.
    from retrieval.features import candidates
    from retrieval.ranker import decide

    root = tmp_path / "speeches"
    root.mkdir()
    (root / "2010-08-31-address-barriers.txt").write_text(BARRIERS_2010, encoding="utf-8")
    (root / "2011-10-21-remarks-barriers.txt").write_text(BARRIERS_2011, encoding="utf-8")
    engine = make_engine(root)
    engine.load()
    gen = engine.generation
    for question, dated in (("What did Dawes announce about the river barriers in October 2011?", "2011-10-21-remarks-barriers.txt"),
                            ("What did Dawes say about river barriers being finished in 2010?", "2010-08-31-address-barriers.txt")):
        cs = candidates(gen, engine.embedder, question)
        assert {gen.passages[row].source: bool(d) for row, d in zip(cs.rows, cs.dated)} == {
            "2010-08-31-address-barriers.txt": dated.startswith("2010"), "2011-10-21-remarks-barriers.txt": dated.startswith("2011")}
        order = decide(cs, engine.params).order
        assert gen.passages[cs.rows[order[0]]].source == dated, question
    cs = candidates(gen, engine.embedder, "What did Dawes say about the river barriers in September 2011?")
    assert not cs.dated.any()  # the right year in the wrong month is another speech


def test_the_nearest_passages_are_the_exact_nearest_in_exact_order(engine, embedder):
    import numpy as np

    gen = engine.generation
    for question in ("discipline in the ranks", "hurricane recovery", "taxes on working families"):
        vector = embedder.encode_query(question)
        similarity = gen.embeddings @ vector
        exact = sorted(range(len(gen.passages)), key=lambda r: (-similarity[r], r))[:12]
        assert gen.nearest(vector, 12) == exact
        assert gen.nearest(vector, 12) == gen.nearest(vector, 12)
    assert gen.nearest(np.asarray(vector), 0) == []


NEW_YORKER = """Ferry party's secret weapon

By any measure, New Yorker Dick Morrow is a winner, and the ferry party's best hope of one.

He has fought toll boards in three states. On the ferry tolls, Morrow appears almost evangelical.

"I think the greatest threat to the harbour is not the storms but the toll board".

Jane Dawes, who chairs the toll board, said the tolls would stay.
"""


def test_a_name_asked_in_full_finds_a_speaker_the_article_introduced_with_words_before_the_name(make_engine, tmp_path):
    # The label keeps what the article wrote before the name ("New Yorker Dick Morrow"); asked as
    # "Dick Morrow", the first name is one of its words, not necessarily the first.
    engine = _one_document_engine(make_engine, tmp_path, "2005-03-01-morrow.txt", NEW_YORKER)
    answer = engine.ask("What does Dick Morrow think is the greatest threat to the harbour?")
    assert not answer.abstained
    assert "greatest threat to the harbour" in answer.quotes[0].text
    assert "Morrow" in answer.quotes[0].speaker
    # Another first name is another person: nothing of his is here.
    assert engine.ask("What does Bob Morrow think is the greatest threat to the harbour?").abstained


def test_a_slip_in_an_office_still_asks_for_its_holder(meals_engine):
    answer = meals_engine.ask("what did the secetary say about junk food")  # unmended, a person named "secetary"
    assert not answer.abstained
    assert answer.quotes[0].speaker == "Mary Fenwick"


def test_only_words_no_passage_uses_are_mended_into_an_office():
    from retrieval.query import mend_office_words

    known = {"minster", "cathedral"}.__contains__
    assert mend_office_words("What did the Health Secetary say?", known) == "What did the Health Secretary say?"
    assert mend_office_words("the shadow chancelor on tax", known) == "the shadow chancellor on tax"
    assert mend_office_words("repairs to the minster roof", known) == "repairs to the minster roof"  # a word the corpus uses
    assert mend_office_words("the ferry timetable", known) == "the ferry timetable"



def test_holding_a_role_but_its_rarest_word_is_holding_another_bodys_office():
    from scipy.sparse import csc_matrix

    from retrieval.features import _holds_rarest

    # columns: chief, executive, catholic, church; rows: a health board's chief executive, a cardinal, nobody
    presence = csc_matrix(np.array([[1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0], [1, 1, 0, 0]], dtype=np.float32))
    assert _holds_rarest(presence, [0, 1, 2, 3]).tolist() == [False, True, False, False]
    assert _holds_rarest(presence, [0, 2]).tolist() == [False, True, False, False]  # "catholic" is rarer than "chief"
    # two words as rare: holding either is holding the rarest
    assert _holds_rarest(presence, [0, 1]).tolist() == [True, False, False, True]
    assert _holds_rarest(presence, [0, 3, 9]).tolist() == [False, True, False, False]  # 9: a word no row holds
    assert not _holds_rarest(presence, [9]).any()


TEENAGE_MPS = """Teenagers to be allowed to be MPs

Constitutional affairs minister Christopher Vane said the minimum age for an MP would be cut from 21 to 18.

"The government intends to legislate to lower the age," said Mr Vane.
"""


def test_a_nickname_finds_the_person_an_article_names_in_full(make_engine, tmp_path):
    engine = _one_document_engine(make_engine, tmp_path, "2005-03-09-teenage-mps.txt", TEENAGE_MPS)
    answer = engine.ask("What did Chris Vane say about the minimum age for an MP?", top=3)
    assert not answer.abstained
    assert answer.quotes[0].speaker == "Christopher Vane"
    # another first name is another person
    assert engine.ask("What did Martin Vane say about the minimum age for an MP?", top=3).quotes == []
