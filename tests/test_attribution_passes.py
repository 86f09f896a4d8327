"""The failure kinds of news attribution, each in an invented article, and the passes that fix them."""

from __future__ import annotations

from retrieval.attribution import attribute
from retrieval.models import Attribution
from retrieval.sentences import split_sentences


def read(text: str, default_speaker: str | None = None) -> list[tuple[str, Attribution]]:
    spans = split_sentences(text)
    return [(text[s.start : s.end], a) for s, a in zip(spans, attribute(text, spans, default_speaker))]


def who(rows, needle: str) -> Attribution:
    for sentence, attribution in rows:
        if needle in sentence:
            return attribution
    raise AssertionError(f"no sentence holds {needle!r}")


def test_a_surname_that_is_an_ordinary_word_is_still_the_speaker():
    rows = read(
        "Housing Minister Paul Denton defended the scheme on Monday.\n\n"
        'Karen March, the shadow housing secretary, said: "This scheme will not build a single home."\n\n'
        'Sir Alan White, who chairs the review, said: "We need more time."'
    )
    assert who(rows, "single home") == Attribution("Karen March", "direct")
    assert who(rows, "more time") == Attribution("Sir Alan White", "direct")


def test_he_is_the_subject_of_the_sentence_before_not_the_last_name_at_a_sentence_start():
    rows = read(
        "Mr Osei, the opposition leader, attacked the budget in the morning. "
        "Prime Minister Tom Askew defended the cuts in a speech to the Commons, rejecting Mr Osei's figures. "
        '"It is a scandal that anyone would call this austerity," he told MPs.'
    )
    assert who(rows, "It is a scandal") == Attribution("Tom Askew", "direct")


def test_a_critics_quote_that_names_a_minister_is_the_critics():
    rows = read(
        "Ruth Bellamy, who leads the Rural Buses Campaign, spoke after the announcement. "
        '"Jane Hale wants to scrap the scheme, and she knows it," she said.'
    )
    assert who(rows, "wants to scrap") == Attribution("Ruth Bellamy", "direct")


def test_a_role_resolves_to_the_person_the_article_gives_it():
    rows = read(
        "Tom Reed, the MP for Barnsley North, has opposed the casino plan from the start. "
        "The bill passed its second reading on Tuesday.\n\n"
        "The MP for Barnsley North claimed the law would encourage crime."
    )
    assert who(rows, "claimed the law") == Attribution("Tom Reed", "reported")


def test_an_office_the_article_never_links_to_a_name_has_no_speaker_in_the_article():
    rows = read(
        "Campaigners Ann Cole and Rob Fry met at the station.\n\n"
        "In an angry reply, the first minister said his words had been twisted. "
        'He told Ms Cole: "It is sad to see you lend your name to this campaign."'
    )
    # The office is kept: the corpus may know its holder (see test_offices.py)
    assert who(rows, "words had been twisted") == Attribution(None, "reported", office="first minister")
    assert who(rows, "It is sad") == Attribution(None, "direct", office="first minister")


def test_the_prime_minister_is_not_whoever_the_article_calls_a_minister():
    rows = read(
        "Sam Ode has rejected calls for an inquiry into the deal.\n\n"
        "The prime minister told his weekly briefing the affair was over. "
        "Former minister Ann Vale, who resigned over the deal, said it should be reopened."
    )
    # "prime" makes another office, as "deputy" or "shadow" do: nobody here is introduced as prime minister.
    assert who(rows, "weekly briefing") == Attribution(None, "reported", office="prime minister")
    assert who(rows, "should be reopened") == Attribution("Ann Vale", "reported")


def test_a_lead_that_describes_its_speaker_is_the_person_the_next_sentence_names():
    rows = read(
        "Wales's housing minister has warned landlords that she will close loopholes in the rent rules.\n\n"
        "Mary Tudwal said the changes would come into force in April. "
        "However, the minister said tenants would also face new duties."
    )
    assert who(rows, "close loopholes") == Attribution("Mary Tudwal", "reported")
    assert who(rows, "tenants would also") == Attribution("Mary Tudwal", "reported")


def test_a_lead_description_is_not_someone_named_next_with_an_office_of_their_own():
    rows = read(
        "A council leader has warned that bin collections will be cut.\n\n"
        "Housing Minister Paul Denton said councils had been given enough money."
    )
    assert who(rows, "bin collections") != Attribution("Paul Denton", "reported")


def test_a_described_speaker_past_the_lead_is_the_person_named_next_with_their_words():
    from retrieval.attribution import read_speakers

    text = (
        "Councils would elect their own transport commissioners under the plans.\n\n"
        "Asked about the proposals, the chairman of the Bus Federation, which speaks for drivers, said "
        "the network must stay independent.\n\n"
        'Ann Kell said: "Buses are a lifeline, not a bargaining chip." '
        'The Archbishop of Dover said: "I am glad the proposals were shelved." '
        'Tom Reed said he was "thrilled" for the drivers.'
    )
    rows = read(text)
    assert who(rows, "must stay independent") == Attribution("Ann Kell", "reported")
    # ...and that description is how she is introduced, for a question that asks by it
    assert "chairman of the bus federation" in read_speakers(text, split_sentences(text)).roles["kell"]
    # Given words of their own, a described speaker is not whoever the next sentence names.
    assert who(rows, "I am glad") != Attribution("Tom Reed", "direct")


def test_branding_or_labelling_something_is_saying_it():
    rows = read(
        "Lib Dem spokesman Tom Reed has branded the scheme a needless expense and \"badly drawn up\".\n\n"
        "Separately, Labour backbencher Sam Ode labelled the stadium plans \"a load of nonsense\"."
    )
    assert who(rows, "needless expense") == Attribution("Tom Reed", "reported")
    assert who(rows, "load of nonsense") == Attribution("Sam Ode", "reported")


def test_berating_or_rebuking_someone_is_saying_it_but_a_rebuke_is_not_a_speaker():
    rows = read(
        "Press secretary Ann Roe berated a reporter last week for suggesting that the inspectors had made mistakes.\n\n"
        "Councillor Tom Reed rebuked the contractors for the delays.\n\n"
        "The report was a stinging rebuke for the council."
    )
    assert who(rows, "inspectors had made mistakes") == Attribution("Ann Roe", "reported")
    assert who(rows, "for the delays") == Attribution("Tom Reed", "reported")
    assert who(rows, "stinging rebuke").mode == "none"


def test_a_closing_report_names_the_speaker_of_the_whole_sentence():
    rows = read(
        "Later, Downing Street spokesman Tom Reed asked people to take the minister's words as a whole.\n\n"
        "The minister had been saying she shared the concern, but that the facts told another story, the spokesman said. "
        "The solicitor who had acted for Mr Pike had said the fees were unfair, said Mr Ode."
    )
    assert who(rows, "shared the concern") == Attribution("Tom Reed", "reported")
    assert who(rows, "fees were unfair") == Attribution("Ode", "reported")


def test_a_report_with_words_of_its_own_after_a_quote_does_not_take_the_quote():
    rows = read(
        'Mr Carver attacked the council. He continued: "How can there be order on the wards?" '
        'Mr Pell said he would not comment.'
    )
    assert who(rows, "order on the wards").speaker != "Mr Pell"


def test_an_unnamed_source_keeps_its_description_and_she_needs_a_woman():
    rows = read(
        "Mr Denton said the figures were right.\n\n"
        "But a spokeswoman for the Treasury rejected the claim. "
        'She added: "These numbers have been checked twice."'
    )
    assert who(rows, "rejected the claim") == Attribution("Treasury spokeswoman", "reported")
    assert who(rows, "checked twice") == Attribution("Treasury spokeswoman", "direct")


def test_she_never_means_a_man():
    rows = read(
        "Mrs Tarrow's puppy was sold in 2011. Mr Pellow is suing for the dog. "
        "She insists he is not Mr Pellow's."
    )
    # the sentence before is about a man: "she" is the woman named just before it
    assert who(rows, "She insists") == Attribution("Tarrow", "reported")


def test_a_quote_paragraph_with_no_attribution_takes_nobody_from_far_away():
    rows = read(
        'Lib Dem spokesman Mark Tanner said: "We oppose it."\n\n'
        "The council met on Friday to discuss the budget for the year.\n\n"
        '"Nothing about this is fair."'
    )
    assert who(rows, "Nothing about this is fair") == Attribution(None, "direct")


def test_a_quote_running_on_into_the_next_paragraph_keeps_its_speaker():
    rows = read(
        'Director David Cole told the programme: "The reason people come here is quality.\n\n'
        '"They know the fees will rise in England. "However, that is not the whole story."'
    )
    assert who(rows, "fees will rise") == Attribution("David Cole", "direct")
    assert who(rows, "whole story") == Attribution("David Cole", "direct")


def test_a_report_speaks_for_the_body_that_wrote_it():
    rows = read(
        "The National Audit Office examined the lease of the depot.\n\n"
        "The NAO report said that the lease was signed because it cost less than the rival bids."
    )
    assert who(rows, "lease was signed") == Attribution("National Audit Office", "reported")


def test_inverted_said_with_an_appositive_name():
    rows = read(
        '"It would be a disaster if ministers gave way now," said the chairman of the Commons '
        "transport committee, Labour MP Gareth Holt.\n\n"
        '"We must sort out the tangle of timetables," he wrote in a newspaper.'
    )
    assert who(rows, "disaster") == Attribution("Gareth Holt", "direct")
    assert who(rows, "tangle of timetables") == Attribution("Gareth Holt", "direct")


def test_narration_with_thinking_inside_a_question_is_nobodys():
    rows = read("The minister talks to our reporter about waiting lists and why she thinks doctors leave.")
    assert who(rows, "waiting lists") == Attribution(None, "none")


def test_the_newspaper_is_the_one_last_named_and_the_report_its_committee():
    rows = read(
        "The Weekly Courier Times first published the letters in March.\n\n"
        "The paper said the minister had known of the plan for a year.\n\n"
        "The public accounts committee found the scheme had been badly run. "
        "Costs had doubled since 2003, the report said."
    )
    assert who(rows, "known of the plan") == Attribution("Weekly Courier Times", "reported")
    assert who(rows, "Costs had doubled") == Attribution("public accounts committee", "reported")


def test_an_infinitive_of_a_speech_verb_reports_nothing():
    rows = read("The treaty obliges the alliance to help Estland defend itself.")
    assert who(rows, "defend itself") == Attribution(None, "none")


def test_mrs_is_not_mr_with_the_same_surname():
    rows = read(
        "Tory leader Neil Marden spoke in Leeds. Mr Marden said the campaign was going well.\n\n"
        "Mrs Marden has also joined her husband on the campaign bus. "
        "Speaking to a local radio station on Monday she said she mocked his taste in music."
    )
    assert who(rows, "mocked his taste") == Attribution("Mrs Marden", "reported")


def test_who_said_after_a_coordination_is_the_last_conjunct():
    rows = read(
        "The plan was welcomed by ministers. "
        'The idea was supported by Culture, Media and Sport Secretary Ann Poll who said: "No one should miss out, however old they are or wherever their home is."'
    )
    assert who(rows, "No one should miss out") == Attribution("Ann Poll", "direct")


def test_a_turn_that_quotes_someone_it_names_gives_them_the_quoted_words():
    text = (
        "THE PRESIDENT:  Thank you all for coming.\n\n"
        "Q    After meeting with you, Sam Keller came out and told us, \"The bill cannot pass this year. "
        "Why would we talk about a bill that cannot pass?\"  Is that right?\n\n"
        "THE PRESIDENT:  Well, here is how I answered Sam."
    )
    rows = read(text, default_speaker="Jane Dawes")
    assert who(rows, "The bill cannot pass") == Attribution("Sam Keller", "direct")
    assert who(rows, "Why would we talk") == Attribution("Sam Keller", "direct")
    assert who(rows, "here is how I answered") == Attribution("Jane Dawes", "direct")


def test_a_speech_that_quotes_someone_it_describes_does_not_speak_those_words_itself():
    text = (
        "Good evening. Tonight I want to talk about the troops coming home.\n\n"
        "As one staff sergeant said, \u201cI know that to my brothers in arms this day would mean a lot.\u201d  "
        "I agree with him.\n\n"
        "I met a mother in Ohio last week. \u201cWe\u2019re not going anywhere,\u201d she said. \u201cWe are here.\u201d  "
        "And I believe her."
    )
    rows = read(text, default_speaker="Jane Dawes")
    assert who(rows, "brothers in arms").speaker is None  # a sergeant the speech does not name
    # "she" has no one named in full to stand for: unknown, and never the speaker's own words
    assert who(rows, "not going anywhere").speaker is None
    assert who(rows, "We are here").speaker is None  # the same quotation, carried on without a cue of its own
    assert who(rows, "I agree with him") == Attribution("Jane Dawes", "direct")
    assert who(rows, "I believe her") == Attribution("Jane Dawes", "direct")


def test_a_short_quotation_given_by_he_in_a_long_turn_sentence_is_not_the_turns_speaker():
    text = (
        "THE PRESIDENT:  A fake story came out today about Tom Avery, our trade envoy, who I know well.\n\n"
        "Before I could even either talk to him or talk to anybody else in the building, he put out a statement "
        "\u2014 I didn\u2019t call him yet, I was busy all morning \u2014 but he said, \u201cAt no time have I resigned.\u201d  "
        "So the story was a fake."
    )
    rows = read(text, default_speaker="Jane Dawes")
    assert who(rows, "have I resigned") == Attribution("Tom Avery", "direct")
    assert who(rows, "story was a fake") == Attribution("Jane Dawes", "direct")


def test_a_statement_read_out_in_a_turn_is_the_person_named_after_it():
    text = (
        "THE PRESIDENT:  Let me read you something that came in a few minutes ago.\n\n"
        "\u201cAt no time have I considered resigning my position.  I have never quit anything in my life.\u201d  "
        "That\u2019s from the Acting Director of Trade, a very good man, Tom Avery.  So we\u2019re doing well."
    )
    rows = read(text, default_speaker="Jane Dawes")
    assert who(rows, "considered resigning") == Attribution("Tom Avery", "direct")
    assert who(rows, "never quit anything") == Attribution("Tom Avery", "direct")
    assert who(rows, "That\u2019s from") == Attribution("Jane Dawes", "direct")  # the reading out is the reader's
    assert who(rows, "doing well") == Attribution("Jane Dawes", "direct")


def test_a_name_after_a_bodys_possessive_is_the_person_alone():
    rows = read(
        "The reforms were published on Monday.\n\n"
        "Shelter Watch's Dana Okafor said the reform was \"years late\".\n\n"
        '"Families cannot wait any longer," the Housing Forum\'s Ravi Mehta said.'
    )
    assert who(rows, "years late") == Attribution("Dana Okafor", "reported")
    assert who(rows, "cannot wait any longer") == Attribution("Ravi Mehta", "direct")


def test_someones_named_thing_is_not_a_person():
    rows = read(
        "A new book, Hale's Kingdom, says the minister broke a promise.\n\n"
        "The book, Hale's Kingdom, said Tom Askew felt betrayed by the vote."
    )
    for _sentence, attribution in rows:
        assert attribution.speaker not in ("Hale Kingdom", "Kingdom", "Tom Askew")


def test_the_holder_named_at_the_end_of_an_office_is_the_speaker():
    rows = read(
        "Ministers defended the plan.\n\n"
        'Shadow leader of the Commons Alan Pryce said: "This is a waste of money."\n\n'
        'Chairman of the Rural Affairs Committee Jean Tapper MP, said: "The policy is alarming."\n\n'
        "Association of Harbour Masters president Colin Dray said the rules did not go far enough.\n\n"
        'A spokesman for Jean Tapper said: "She stands by every word."'
    )
    assert who(rows, "waste of money") == Attribution("Alan Pryce", "direct")
    assert who(rows, "policy is alarming").speaker == "Jean Tapper"
    assert who(rows, "did not go far enough") == Attribution("Colin Dray", "reported")
    assert who(rows, "stands by every word").speaker != "Jean Tapper"  # a spokesman speaks for her


def test_a_name_after_an_office_and_a_comma_is_the_speaker_without_the_closing_comma():
    rows = read(
        "Lawyers fear the plans.\n\n"
        "The chairman of the Barristers' Guild, Tom Reade QC has cautioned that freedom itself is at stake.\n\n"
        'The charity\'s head of policy in Britain, Ann Vale said: "Clean water is needed now."'
    )
    assert who(rows, "freedom itself") == Attribution("Tom Reade", "reported")
    assert who(rows, "Clean water is needed") == Attribution("Ann Vale", "direct")


def test_the_office_is_split_from_its_holder_past_the_letters_after_the_name():
    from retrieval.attribution import _office_holder

    holder, office = _office_holder(["Chairman"], ("of", "the", "Rural", "Affairs", "Committee", "Jean", "Tapper", "MP"))
    assert holder.value == "Jean Tapper"
    assert office == "chairman of the rural affairs committee"


def test_a_place_after_a_name_is_not_part_of_it():
    rows = read(
        "Closing the border would be a grave error, President Orsini of Estland has said.\n\n"
        "Lena Ortiz of Save the Harbours said there were serious doubts."
    )
    assert who(rows, "grave error").speaker == "Orsini"
    assert who(rows, "serious doubts") == Attribution("Lena Ortiz", "reported")


def test_a_speech_verb_in_a_relative_clause_reports_the_noun_not_the_sentence():
    rows = read(
        'Mr Dunmore, the transport secretary, stepped down on Friday. "I have broken no rule," he said.\n\n'
        "The claims, which he has denied, are being looked into by Sir Colin Ashworth."
    )
    assert who(rows, "broken no rule") == Attribution("Dunmore", "direct")
    assert who(rows, "being looked into").speaker is None


def test_a_name_after_said_that_starts_a_clause_is_not_an_inverted_speaker():
    rows = read("The survey was published. A majority, 61%, said Chancellor Tom Askew had handled the economy well.")
    assert who(rows, "handled the economy").speaker != "Tom Askew"


def test_a_day_after_a_preposition_leaves_the_speaker_named():
    rows = read(
        "The council changed its guidance.\n\n"
        'In a statement released on Thursday Lord Tilbury said: "I am sure the new rules are clearer."'
    )
    assert who(rows, "I am sure") == Attribution("Lord Tilbury", "direct")


def test_a_knight_called_by_his_first_name_is_the_knight_named_before():
    rows = read(
        'Results for rural pupils "barely moved", said its chief executive, Sir Rupert Vale.\n\n'
        'Sir Rupert said the figures exposed the gap. He added: "It starts at primary school."'
    )
    assert who(rows, "exposed the gap") == Attribution("Sir Rupert Vale", "reported")
    assert who(rows, "primary school") == Attribution("Sir Rupert Vale", "direct")


def test_in_a_speech_he_is_someone_the_speaker_named_never_the_speaker():
    rows = read(
        'Thank you all for coming. Last week Senator Tom Reed said: "We must act on this bill."\n\n'
        'I agree. "What we owe them," he wrote to me, "is first of all a fair hearing."\n\n'
        "I agree with him, and we will pass it.",
        default_speaker="Ann Vale",
    )
    assert who(rows, "fair hearing").speaker == "Tom Reed"
    assert who(rows, "we will pass it") == Attribution("Ann Vale", "direct")


def test_in_a_speech_he_may_be_a_man_named_in_passing():
    rows = read(
        "A few days ago I received a letter. It was from my old friend Tom Reed.\n\n"
        '"What we owe them," he wrote, "is first of all a fair hearing."\n\n'
        "I agree with him.",
        default_speaker="Ann Vale",
    )
    assert who(rows, "fair hearing") == Attribution("Tom Reed", "direct")
    assert who(rows, "I agree with him") == Attribution("Ann Vale", "direct")


def test_in_a_speech_words_quoted_from_someone_unnamed_are_not_the_speakers():
    rows = read(
        "I met a mother in Ohio last spring. Her son was killed outside his school.\n\n"
        "She said, \u201cEvery night, I beg for him to come back. And during the day, I just work.\u201d\n\n"
        "The builders looked at the plans. They said, \u201cWe don\u2019t want a wall.\u201d\n\n"
        "And I said, \u201cGive me four walls.\u201d We will build them.",
        default_speaker="Ann Vale",
    )
    assert who(rows, "I beg for him") == Attribution(None, "direct")
    assert who(rows, "I just work") == Attribution(None, "direct")  # the quotation carried on
    assert who(rows, "want a wall") == Attribution(None, "direct")
    assert who(rows, "four walls") == Attribution("Ann Vale", "direct")
    assert who(rows, "We will build them") == Attribution("Ann Vale", "direct")


def test_anyone_is_no_one_in_particular():
    rows = read(
        'Now, as any American who is still looking for work will tell you, "we are not out of the woods."',
        default_speaker="Ann Vale",
    )
    assert who(rows, "out of the woods") == Attribution("Ann Vale", "direct")


def test_a_closing_passive_report_names_no_speaker():
    rows = read(
        "Two council officers were caught forging signatures, a tribunal has heard.\n\n"
        "Inspectors found the pair filling in blank licence forms in an empty depot on the edge of town during an "
        "early-morning visit in April 2011, the tribunal was told.\n\n"
        'Dr Hale was asked if he would resign. "I will not," he said.'
    )
    assert who(rows, "blank licence forms").speaker is None
    assert who(rows, "I will not").speaker == "Hale"


def test_letters_after_a_name_are_not_the_speaker():
    from retrieval.attribution import _find_ref

    # the rules' reading, used when the parse hangs "QC" apart from the name
    ref = _find_ref("Deputy High Court Judge Simon Penhale, QC told the hearing the case was grave.")
    assert ref is not None and ref.value == "Simon Penhale"


def test_questioning_with_a_clause_reports_and_a_misparsed_coordination_names_no_one():
    rows = read(
        "The party met on Friday.\n\n"
        "But Ann Pryor of the Walkers Union has questioned how councils will pay for the scheme.\n\n"
        '"The sums simply do not add up," she said.\n\n'
        "Detectives questioned a man about the fire.\n\n"
        "Mr Hollis dismissed the idea Mr Pike-Hart posed a danger to the club and asked why he had chosen "
        "not to deny reports he was setting up a rival club."
    )
    assert who(rows, "councils will pay") == Attribution("Ann Pryor", "reported")
    assert who(rows, "sums simply") == Attribution("Ann Pryor", "direct")
    assert who(rows, "Detectives questioned").speaker is None  # questioning someone is not a statement
    # The parser hangs "Mr Hollis dismissed" under "posed"; "asked" would inherit the wrong subject.
    assert who(rows, "dismissed the idea").speaker != "Pike-Hart"


def test_he_after_a_sentence_whose_parse_makes_the_name_its_root_is_that_person():
    # The small parser reads "Nia Roberts, head of X, called on ..." as a name with a clause hanging off it
    # (no subject at all); the name is still who the next "he" or "she" means, not the last speaker.
    rows = read(
        'Mr Dunmore said the scheme was "a disgrace". '
        "Nia Roberts, director of the Rural Buses Campaign, called on Mr Dunmore to withdraw the remark. "
        '"Try saying that to the drivers who kept the buses running all winter," she said.'
    )
    assert who(rows, "kept the buses running") == Attribution("Nia Roberts", "direct")


def test_he_after_a_passive_sentence_is_its_agent_not_the_last_speaker():
    # "The study was welcomed by X": the parse's subject is the study; whoever did the welcoming is who
    # the next "he" means. Before, the pronoun fell back on the last speaker, here a charity.
    rows = read(
        'The Rural Trust says village schools are "closing by stealth". '
        "The study was welcomed by Liberal Democrat transport spokesman Tom Ashby. "
        '"Every closure takes the heart out of a village," he said.'
    )
    assert who(rows, "heart out of a village") == Attribution("Tom Ashby", "direct")


def test_he_after_a_passive_sentence_whose_agent_is_further_down_is_that_agent():
    # "were made in a report written by X": the agent hangs off "written", not the main verb; he is still
    # who the next "he" means. Before, the pronoun fell back on the last speaker.
    rows = read(
        'Tory MP Tom Hale told the BBC: "That, as a rule, is right." '
        "The claims about the harbour deal were made in a report written this month by Dr Sam Poe, a former adviser. "
        "He also says the minister was warned about the costs in March."
    )
    assert who(rows, "warned about the costs").speaker == "Sam Poe"


def test_a_name_the_parser_reads_into_an_opening_phrase_is_still_the_speaker():
    # No comma after the opening phrase: the parser takes "Mr Hale" for the end of its object.
    rows = read(
        "Transport Secretary Tom Hale and his shadow, Ann Kell, clashed over the rail plan.\n\n"
        'Ms Kell said: "We have fought a fair campaign, and I think he will regret what Tom Hale said."\n\n'
        'In a speech to the Harbour Policy Forum Mr Hale said of his rival: "She is clever, but she is not wise."\n\n'
        'Speaking in Riverton Mr Hale said the line would reopen in May.'
    )
    assert who(rows, "not wise") == Attribution("Tom Hale", "direct")
    assert who(rows, "reopen in May") == Attribution("Tom Hale", "reported")


def test_many_or_some_is_nobody_in_particular():
    rows = read(
        "Sam Poe, the campaign strategist, has worked for three parties.\n\n"
        '"I was asked by a friend," he said. But why this party? Many might think it is only another job for him. '
        '"I think the greatest threat to the town is the bypass."\n\n'
        "One of the protesters, Tom Reade, 34, from Riverton, said he would plead not guilty."
    )
    assert who(rows, "Many might think") == Attribution(None, "none")
    assert who(rows, "greatest threat") == Attribution("Sam Poe", "direct")
    assert who(rows, "plead not guilty") == Attribution("Tom Reade", "reported")


def test_a_subject_of_several_things_is_never_a_later_he():
    rows = read(
        "Foreign Secretary Tom Hale opened the debate. "
        'The security plan would be the key theme of the summit, said Mr Hale. '
        "Ghana and climate change would also feature highly. "
        "He said the budget would be capped at 1% of output."
    )
    assert who(rows, "capped at 1%") == Attribution("Tom Hale", "reported")


def test_a_quotation_a_colon_introduces_after_a_clause_about_a_person_is_theirs():
    rows = read(
        'The council\'s message was clear: "Vote for the bypass."\n\n'
        "Ms Ann Kell is far too careful to make grand claims about the vote.\n\n"
        'But does that not mean her party is bidding to come second? She is prepared to go this far: '
        '"A clear conclusion has been reached that the Rural Party will not win."\n\n'
        'Tory leader Sam Poe attacked the plan, saying: "This is the worst scheme I have seen."\n\n'
        'Councillor Tom Reade was asked: "Why do you want the bypass at all?"'
    )
    assert who(rows, "A clear conclusion") == Attribution("Ann Kell", "direct")
    assert who(rows, "worst scheme") == Attribution("Sam Poe", "direct")
    assert who(rows, "bypass at all") != Attribution("Tom Reade", "direct")
    assert who(rows, "Vote for the bypass").speaker is None


def test_what_someone_said_named_as_a_thing_is_not_their_words():
    # Readers' comments on a writer's piece: each is about what he said, none is his.
    rows = read(
        "Thriller writer Sam Poe tells BBC News of his response to the ferry plan.\n\n"
        "Readers respond:\n\n"
        "I agree in many ways with what Mr Poe has said - if we are to be respected we must be seen to walk the walk.\n\n"
        "He's correct in most of what he says.\n\n"
        "The council is not going down the road that Mr Poe suggests.\n\n"
        "What Mr Poe said was that the ferry would close."
    )
    assert who(rows, "walk the walk").speaker is None
    assert who(rows, "correct in most").speaker is None
    assert who(rows, "down the road").speaker is None
    assert who(rows, "ferry would close") == Attribution("Sam Poe", "reported")


def test_a_first_name_alone_is_the_one_person_named_in_full_with_it():
    rows = read(
        "Thank you all for coming. Just ask Alan Reade. He came here when he was a child.\n\n"
        'When his papers came through, Alan said, "I felt the fear vanish."\n\n'
        "Tom Hale and Tom Fry wrote to me too. Tom said the wait was long.",
        default_speaker="Ann Vale",
    )
    assert who(rows, "fear vanish") == Attribution("Alan Reade", "direct")
    # Two people share the first name: it names neither.
    assert who(rows, "wait was long").speaker not in ("Tom Hale", "Tom Fry")


def test_a_who_clause_about_someone_just_named_says_whether_she_is_meant():
    rows = read(
        "Thank you all for coming. Over the weekend, I heard Ann Kell, who lost her son that day, say that the "
        "months since feel like years. And she's determined not to let it fade away. "
        '"We\'re not going anywhere," she said.\n\n'
        'Tom Reed, who beat her in 2001, is here too. "We will pass this bill," he said.',
        default_speaker="Tom Vale",
    )
    assert who(rows, "going anywhere") == Attribution("Ann Kell", "direct")
    # "beat her": the woman is someone else, so Tom Reed is not made one, and "he" is still him.
    assert who(rows, "pass this bill") == Attribution("Tom Reed", "direct")


def test_said_then_an_office_in_lower_case_then_the_name_is_that_person():
    rows = read(
        "The Conservatives claimed the toll would cost every driver 300 pounds. "
        '"This is typical of the council," said Tory shadow local transport secretary Ann Roe. '
        '"They claim to help drivers."'
    )
    assert who(rows, "typical of the council") == Attribution("Ann Roe", "direct")
    assert who(rows, "They claim to help") == Attribution("Ann Roe", "direct")


def test_a_quote_opened_again_without_closing_is_the_speaker_named_at_its_end():
    rows = read(
        "A group of councillors agreed there was nothing wrong. Ferries, they insisted, would not be an issue. "
        '"The biggest problem we have got is the polls. "It might sound great, but it breeds complacency," '
        "said Riverton Councillor Sam Poe. And even the critics agreed."
    )
    assert who(rows, "The biggest problem") == Attribution("Sam Poe", "direct")


def test_a_person_of_a_body_whose_name_holds_a_preposition_is_that_person():
    rows = read('Fares rose again. Homes for Heroes\'s Ann Pryor said: "This is a scandal."')
    assert who(rows, "This is a scandal") == Attribution("Ann Pryor", "direct")


def test_a_description_an_article_gave_one_named_person_is_that_person():
    rows = read(
        "On Wednesday, Tory leader Ann Roe went on the offensive over the ferry contract. "
        'The Tory leader went on: "He does not stop there: he thinks the harbour board is weak. '
        '"He says the minister is a bully."'
    )
    assert who(rows, "harbour board is weak") == Attribution("Ann Roe", "direct")
    assert who(rows, "minister is a bully") == Attribution("Ann Roe", "direct")


def test_a_lead_that_names_only_an_office_is_the_person_the_next_sentence_opens_with():
    rows = read(
        "A change of course is needed if the harbour is to prosper, the shadow harbour secretary said as the conference began. "
        "Ann Roe said the town could not compete without the tax cuts she was promising."
    )
    assert who(rows, "A change of course") == Attribution("Ann Roe", "reported")


def test_he_after_the_spokesman_declined_is_that_spokesman():
    rows = read(
        "Asked about the report, the harbour board's official spokesman said: \"We believe the risk is real.\" "
        "The spokesman declined to comment on whether the board had received warnings. "
        "He said the board did not disclose the advice it received."
    )
    assert who(rows, "did not disclose") == Attribution("harbour board official spokesman", "reported")


def test_a_former_holder_is_not_the_holder_of_the_office():
    rows = read(
        "Former harbour commissioner Ann Roe attacked the fees on Monday. "
        "Harbour commissioner Tom Pike defended them in a statement.\n\n"
        "The former harbour commissioner said boat owners were being driven away. "
        "The harbour commissioner said the fees paid for the new lock gates."
    )
    assert who(rows, "driven away") == Attribution("Ann Roe", "reported")
    assert who(rows, "new lock gates") == Attribution("Tom Pike", "reported")


def test_a_quote_after_narration_about_someone_new_is_theirs():
    rows = read(
        'Harbour chief Tom Pike defended the fees, warning: "The gates will not pay for themselves." '
        '"We have no other money." '
        "Green councillor Ann Roe repeated her party's calls for the fees to be scrapped. "
        '"Boat owners are being driven out of the town."'
    )
    assert who(rows, "no other money") == Attribution("Tom Pike", "direct")
    assert who(rows, "driven out of the town") == Attribution("Ann Roe", "direct")


def test_a_sentence_opening_with_according_to_is_that_sources_account():
    rows = read(
        "Lawyer Ann Roe has seen the harbour board's papers. "
        "According to Ms Roe, Tom Pike had warned the board that the fees were unlawful."
    )
    assert who(rows, "had warned the board") == Attribution("Ann Roe", "reported")


def test_a_body_named_in_full_speaks_for_itself():
    rows = read(
        "Harbour chief Tom Pike defended the fees. "
        'The Harbour Green Party said the plan was a "wasted chance", adding: "The fees will drive people away."'
    )
    assert who(rows, "drive people away") == Attribution("Harbour Green Party", "direct")


def test_a_body_by_its_letters_and_a_demand_are_reported_speech():
    rows = read(
        "Tom Pike has no doubt the council is rushing the fees through. "
        "Why will the council not simply wait for the inquiry, he demanded. "
        'HFP asserts that the council "has a duty" to consult.'
    )
    assert who(rows, "not simply wait") == Attribution("Tom Pike", "reported")
    assert who(rows, "has a duty") == Attribution("HFP", "reported")


def test_an_office_the_article_gives_no_one_is_kept_for_the_corpus():
    rows = read(
        "Ann Roe's intervention in the row over the harbour levy was attacked by the opposition.\n\n"
        'Later the harbour minister said: "The levy will be paid by those who use the harbour."\n\n'
        "The chancellor is touring the islands this week. But before leaving, he insisted the levy was fair."
    )
    assert who(rows, "those who use") == Attribution(None, "direct", office="harbour minister")
    assert who(rows, "he insisted") == Attribution(None, "reported", office="chancellor")


def test_an_office_the_article_gives_someone_is_theirs_and_a_department_is_no_office():
    rows = read(
        "Harbour Minister Ann Roe opened the new quay on Monday.\n\n"
        'The harbour minister said: "The levy will be paid by those who use the harbour."\n\n'
        "The Treasury said the levy would raise £2m."
    )
    assert who(rows, "those who use") == Attribution("Ann Roe", "direct")
    assert who(rows, "raise £2m").office is None
