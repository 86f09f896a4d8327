"""Question parsing: the asked speaker in its usual forms."""

from retrieval.query import (
    describes_one_person,
    names_another_office,
    parse_question,
    person_like,
    place_qualifiers,
    query_text,
    subject_text,
    topic_text,
)

KNOWN = frozenset({"crane", "carver", "lowry", "holloway", "white", "labour", "scotland", "police"})
PEOPLE = frozenset({"crane", "carver", "lowry", "holloway", "white"})


def ask(question):
    return parse_question(question, KNOWN, PEOPLE)


def test_subject_of_a_speech_verb():
    parsed = ask("What did Owen Crane say about the harbour lights?")
    assert (parsed.speaker, parsed.speaker_key, parsed.first_name) == ("Owen Crane", "crane", "owen")
    assert ask("How did Carver defend the plan?").speaker_key == "carver"
    assert ask("Why did Mr Crane say ferries were stopping?").speaker_key == "crane"


def test_possessive_and_short_forms():
    assert ask("Lowry's view on discipline").speaker_key == "lowry"
    assert ask("Holloway on the toll bridge").speaker_key == "holloway"
    parsed = ask("What did Harbour Watch's Sir Hugh White say about Norway?")
    assert parsed.speaker_key == "white" and parsed.first_name == "hugh"


def test_lower_case_question_names_a_known_person():
    parsed = ask("what did lowry say about discipline?")
    assert parsed.speaker_key == "lowry" and parsed.first_name is None


def test_places_bodies_and_topics_are_not_speakers():
    assert ask("Should large stores in Scotland trade on Easter Sunday?").speaker is None
    assert ask("Which Tory backbencher hinted at a rebellion?").speaker is None
    assert ask("Why do head teachers think the tests are too hard?").speaker is None
    assert ask("What was said about Holloway?").speaker is None


def test_unknown_person_in_subject_slot_is_still_the_asked_speaker():
    parsed = ask("What did Greta Lindqvist say about Greece?")
    assert parsed.speaker_key == "lindqvist"  # not in the corpus: the search must then abstain


def test_topic_text_drops_speaker_and_scaffolding():
    assert topic_text(ask("What did Owen Crane say about the harbour lights' repair?")) == "harbour lights' repair?"


def test_person_like():
    assert person_like("Owen Crane") and person_like("Lord Fenby") and person_like("TJ Lowry")
    assert not person_like("Labour") and not person_like("spokesman") and not person_like("Campaigners")
    # a party, however many capitalised words; a person may still be surnamed Green
    assert not person_like("Liberal Democrats") and not person_like("Scottish Conservatives") and person_like("Damian Green")


def test_a_surname_the_parse_reads_as_a_verb_still_names_the_person():
    people = PEOPLE | {"may"}
    firsts = {"may": frozenset({"theresa"}), "crane": frozenset({"owen"})}
    parsed = parse_question("What did Theresa May say about maternity pay?", KNOWN | {"may"}, people, firsts)
    assert (parsed.speaker, parsed.speaker_key, parsed.first_name) == ("Theresa May", "may", "theresa")
    parsed = parse_question("What did Owen Crane say about maternity pay?", KNOWN | {"may"}, people, firsts)
    assert parsed.speaker_key == "crane"


def test_the_subject_after_a_question_word_is_asked_whatever_the_verb():
    firsts = {"crane": frozenset({"owen"}), "roe": frozenset({"jane"})}
    people = PEOPLE | {"roe"}
    # "answer" is no speech verb the patterns list; the possessive later names whom he answers
    parsed = parse_question("How did Owen Crane answer Jane Roe's claim that fares would double?", KNOWN | {"roe"}, people, firsts)
    assert parsed.speaker_key == "crane"


def test_a_person_named_first_and_then_asked_about_as_he_is_the_speaker():
    firsts = {"crane": frozenset({"owen"})}
    parsed = parse_question("new party comms guy crane - what did he say abt rivals", KNOWN, PEOPLE, firsts)
    assert parsed.speaker_key == "crane"
    # a name in the topic is not whom "he" means
    assert parse_question("what did he say about the crane", KNOWN, PEOPLE, firsts).speaker_key is None


def test_a_body_of_a_place_and_someones_thing_are_not_people():
    # Else "Britain" would be a person's surname, and "What aid has Britain sent?" a person's question.
    assert not person_like("Muslim Council of Britain") and not person_like("Association of Harbour Masters")
    assert not person_like("Hale's Kingdom")
    assert person_like("Lord Tilsley of Hartwell") and person_like("President Orsini of Estland")


def test_query_text_drops_only_the_asked_name():
    # The embedded question keeps its wording but not the name, which every passage of that speaker carries.
    assert query_text(ask("What did Owen Crane say about the harbour lights?")) == "What did say about the harbour lights?"
    assert query_text(ask("Crane's view on the EU subsidy")) == "view on the EU subsidy"
    assert query_text(ask("Which economist said interest rates should fall?")) == "Which economist said interest rates should fall?"


def test_a_role_in_the_subject_slot_when_no_name_is_asked():
    cases = {
        "Which Tory backbencher warned that the tax plans would hurt pensioners?": "Tory backbencher",
        "How did the Scottish health minister respond to the criticism?": "Scottish health minister",
        "Why do head teachers think the exam reforms are rushed?": "head teachers",
        "What did the Prime Minister say about Iraq?": "Prime Minister",
        "What are residents asking for on the bypass?": "residents",
        # how long the office is held goes with the office, not with a name
        "What did the acting Director of National Intelligence say about resigning?": "acting Director of National Intelligence",
        # the small parser may hang the auxiliary on the subject; it is never part of a description
        "What have shadow education spokesmen said about the canteen ban?": "shadow education spokesmen",
    }
    for question, role in cases.items():
        parsed = parse_question(question)
        assert parsed.speaker is None and parsed.role == role, question
    for question in ("What did Owen Crane say about the subsidy?", "Who says the law cannot be enforced?",
                     "What is the policy on immigration?", "Why won't motorists pay more this year?"):
        assert parse_question(question, {"crane"}).role is None, question


def test_according_to_and_lower_case_shorthand():
    known = {"pell", "holloway", "lowry"}
    assert parse_question("According to Pell, why was the rescue plan necessary?", known).speaker_key == "pell"
    assert parse_question("holloway on health care", known, known).speaker_key == "holloway"
    assert parse_question("according to holloway, what is the plan?", known, known).speaker_key == "holloway"
    assert parse_question("the plan on tax", known, known).speaker is None


def test_a_why_question_asks_for_a_reason():
    for question in ("Why did Jane Roe oppose the levy?", "how come the council cut bus routes?",
                     "What was the reason for the delay?", "Give the reasons why the plan failed",
                     "According to Jane Roe, why did the levy fail?", "What has been said about why fares keep rising?"):
        assert parse_question(question).asks_reason, question
    for question in ("What did Jane Roe say about the levy?", "Who says the law cannot be enforced?"):
        assert not parse_question(question).asks_reason, question


def test_subject_text_keeps_what_a_statement_must_be_about():
    assert subject_text(parse_question("How did Jane Roe defend the new tariffs?", {"roe"})) == "new tariffs?"
    assert subject_text(parse_question("Did any president talk about regulating crypto?")) == "any regulating crypto?"
    assert subject_text(parse_question("How did the Scottish health minister respond to the smoking ban?")) == "to smoking ban?"


def test_casual_names_lower_case_typos_and_roles():
    people = frozenset({"marsh", "okafor", "mcquarrie", "lal"})
    firsts = {"marsh": frozenset({"helen"}), "lal": frozenset({"priya"})}
    for question, key in [
        ("okefr on school dinners", None),  # two slips: too far from any known name
        ("okaforr on school dinners", "okafor"),
        ("what did mcquarie tell the drivers about buses", "mcquarrie"),
        ("why is marsh cutting routes", "marsh"),
        ("helen marsh view on flood barriers", "marsh"),
        ("priya lal on sunday opening", "lal"),
        ("what will happen to the salt marsh", None),  # a topic word, not in a speaker's place
    ]:
        assert parse_question(question, people, people, firsts).speaker_key == key, question
    assert parse_question("After the floods, did the council leader think the town was safe?", people, people).role == "council leader"


def test_a_first_name_the_corpus_knows_reads_the_surname_after_it():
    people = frozenset({"marlow", "pike", "crane", "marsh"})
    firsts = {"marlow": frozenset({"jo"}), "pike": frozenset({"marlo"}), "crane": frozenset({"owen"}), "marsh": frozenset({"helen"})}
    for question, key, first in [
        ("marlo pike what should happen with the legal advice", "pike", "marlo"),  # not "marlo" for Marlow
        ("owen crnae response to the rift gossip", "crane", "owen"),  # one slip, after his first name
        ("what did owen crnae say on tax", "crane", "owen"),  # the same in a speech verb's subject slot
        ("What did Owen Crnae say about tax?", "crane", "owen"),  # ... and written with capitals
        ("cnrae response to the rift gossip", None, None),  # a slip alone, not two letters swapped, is too far to guess at
        ("crnae response to the rift gossip", "crane", None),  # two letters swapped: the commonest slip
        ("helen crnae on the ferry", None, None),  # a first name the corpus knows with another surname
        ("What did Helen Crnae say about tax?", "crnae", "helen"),  # so someone the corpus does not know
    ]:
        parsed = parse_question(question, people, people, firsts)
        assert (parsed.speaker_key, parsed.first_name) == (key, first), question


def test_two_letters_typed_the_wrong_way_round_find_a_short_name():
    people = frozenset({"dray", "pike", "okafor"})
    for question, key in [
        ("dary on tolls", "dray"),
        ("what did pkie say about the ferries", "pike"),
        ("What did Pkie say about the ferries?", "pike"),
        ("pkei on tolls", None),  # two slips
        ("day on tolls", None),  # a letter missing from a short name is not a swap
    ]:
        assert parse_question(question, people, people).speaker_key == key, question


def test_a_letter_left_out_of_a_short_name_finds_it_when_only_one_name_gives_it_back():
    people = frozenset({"okafor", "obana", "pike", "dray"})
    assert parse_question("obna hardest day in office", people, people).speaker_key == "obana"
    assert parse_question("what did pke say about the ferries", people, people).speaker_key is None  # three letters: too short
    both = frozenset({"obana", "obena"})
    assert parse_question("obna hardest day in office", both, both).speaker_key is None  # two names give it back


def test_a_slip_in_a_first_name_before_a_known_surname_is_that_person_not_a_near_surname():
    people = frozenset({"francis", "dray"})
    firsts = {"francis": frozenset({"ada"}), "dray": frozenset({"francis"})}
    for question in ("fracnis dray immigration", "fracnis dray on tolls", "what did fracnis dray say about tolls"):
        parsed = parse_question(question, people, people, firsts)
        assert (parsed.speaker_key, parsed.first_name) == ("dray", "francis"), question
    # With no first name known for Dray, the known surname still wins over a near spelling of another.
    parsed = parse_question("fracnis dray on tolls", people, people, {"francis": frozenset({"ada"})})
    assert parsed.speaker_key == "dray"
    # A word that is itself a known surname is that person, not a misspelt first name.
    assert parse_question("francis on tolls", people, people, firsts).speaker_key == "francis"


def test_one_of_a_kind_is_described_not_named():
    known = frozenset({"roe", "liberal", "democrat"})
    parsed = parse_question("Did a Liberal Democrat suggest the plan was too costly?", known, frozenset({"roe"}))
    assert parsed.speaker_key is None and parsed.role == "Liberal Democrat"
    parsed = parse_question("Did UKIP's American strategist ridicule the Tory plan?", known, frozenset({"roe"}))
    assert parsed.speaker_key is None


def test_the_subject_slot_holds_the_asked_person_whatever_the_verb():
    known = frozenset({"roe", "poe", "xyz", "kettle"})
    firsts = {"roe": frozenset({"jane"}), "poe": frozenset({"sam"}), "kettle": frozenset({"ada"})}
    for question, key, first in [
        ("Why did Jane Roe decide to back the ferry plans?", "roe", "jane"),
        ("Would Ms Roe accept donations from XYZ members?", "roe", None),
        ("How did Jane Roe answer Sam Poe's attack on the harbour plan?", "roe", "jane"),
        ("Why did Sam Poe QC leave the board of trustees?", "poe", "sam"),
        ("What did harbour commissioner Sam Poe say about the tolls?", "poe", "sam"),
        ("What did the union boss Sam Poe say about the tolls?", "poe", "sam"),
    ]:
        parsed = parse_question(question, known, known, firsts)
        assert (parsed.speaker_key, parsed.first_name) == (key, first), question


def test_what_someone_made_of_something_is_their_view_whoever_else_the_question_names():
    known = frozenset({"roe", "kell"})
    parsed = parse_question("What did the editor of the Harbour Gazette make of the poster showing Jane Roe as a pirate?", known, known)
    assert parsed.speaker_key is None and parsed.role == "editor of the Harbour Gazette"
    parsed = parse_question("What did Ms Kell make of Jane Roe's email to the council?", known, known)
    assert parsed.speaker_key == "kell"


def test_a_described_speaker_keeps_what_it_is_of():
    parsed = parse_question("What did the chairman of the Harbour Commission say about fares?", {"commission"}, frozenset())
    assert parsed.speaker is None and parsed.role == "chairman of the Harbour Commission"
    parsed = parse_question("What did the Borsetshire council's transport spokesman say about fares?", {"roe"}, {"roe"})
    assert parsed.speaker is None and "transport spokesman" in parsed.role
    # A country or body that acts, not speaks, is the topic: nobody is asked.
    assert parse_question("What aid has Ruritania sent the islands?", {"ruritania"}, frozenset()).speaker is None


def test_a_first_name_the_corpus_does_not_know_stays_another_person():
    firsts = {"kettle": frozenset({"ada"})}
    parsed = parse_question("What did Bob Kettle say about the ferries?", {"kettle"}, {"kettle"}, firsts)
    assert (parsed.speaker_key, parsed.first_name) == ("kettle", "bob")  # not Ada Kettle: nothing of his answers


def test_names_written_with_their_titles_and_bodies_that_are_not_people():
    from retrieval.query import given_names, name_key

    assert name_key("data commissioner Helen Farrant") == ("farrant", "helen")
    assert name_key("BFU boss Colin Dray") == ("dray", "colin")
    assert name_key("Archbishop Peter Ormsby") == ("ormsby", "peter")
    assert given_names("New Yorker Dick Morrow") == {"new", "yorker", "dick"}  # what the article wrote before him
    assert given_names("Lord Reade") == set() and given_names("BFU boss Colin Dray") == {"colin"}
    assert not person_like("Cabinet Office") and not person_like("Home Office minister")
    assert not person_like("Commission for Coastal Safety spokesman")


def test_a_role_is_also_looked_for_in_its_other_wordings():
    from retrieval.query import role_variants

    assert "Scottish conservative leader" in role_variants("Scottish Tory leader")
    assert "liberal democrat spokesman" in role_variants("Lib Dem spokesman")
    assert role_variants("health minister") == ["health minister"]
    # the party as owner: "the Tories' spokeswoman" is a "Conservative spokeswoman"
    assert "conservatives local government spokeswoman" in role_variants("Tories' local government spokeswoman")
    assert "conservative health spokesman" in role_variants("Tory's health spokesman")


def test_the_head_of_a_body_is_also_looked_for_as_whichever_office_leads_it():
    from retrieval.query import office_heads, role_variants

    variants = role_variants("head of the noise group")
    assert variants[0] == "head of the noise group"
    assert {"chairman of the noise group", "director of the noise group", "chief executive of the noise group"} <= set(variants)
    assert "chairman" in office_heads("noise group boss") and office_heads("health secretary") == {"secretary"}
    # one generic head word is written as another: "the head of the commission" is its "boss" or its "chief"
    assert {"boss of the noise group", "chief of the noise group"} <= set(variants)
    assert {"head", "chief"} <= office_heads("noise group boss")


def test_the_occasion_a_question_names_is_set_aside_from_what_it_asks():
    parsed = ask("What did Mr Crane say about ferries when he visited Lagos?")
    assert parsed.speaker_key == "crane" and parsed.core == "What did Mr Crane say about ferries?"
    from retrieval.query import core_query_text

    assert "Lagos" not in core_query_text(parsed) and "Lagos" in query_text(parsed)
    assert ask("What was Holloway's message to farmers after the floods?").core == "What was Holloway's message to farmers?"
    assert ask("After the floods, did Holloway think the town was doing enough?").core.startswith("did Holloway think")
    # a clause about what is said, a "before" that is part of the topic, and an occasion with nothing else asked
    assert ask("When Crane talks about reform, does he mean the council?").core is None
    assert ask("What did Carver say about shredding files before the law takes effect?").core is None
    assert ask("What did Mr Carver say when the council dropped the scheme?").core is None
    assert ask("What did Carver say about tax?").core is None


def test_a_pronoun_subject_is_the_person_named_in_the_clause_before_it():
    assert ask("When Crane talks about reform, does he mean the council?").speaker_key == "crane"
    assert ask("What did he say about Iraq?").speaker is None


def test_passive_topic_questions_ask_no_one_and_keep_acronyms():
    parsed = ask("What has been said about how soon the old pier could fall into the sea?")
    assert parsed.speaker is None and parsed.role is None
    assert topic_text(parsed) == "soon old pier could fall into sea?"
    assert topic_text(ask("holloway on WHO funding")) == "WHO funding"
    assert topic_text(ask("According to Holloway, why were US bases spared?")) == "US bases spared?"


def test_chat_shorthand_is_spelled_out():
    from retrieval.query import expand_shorthand

    assert expand_shorthand("what did crane say abt 24 hr parking w/ the govt") == "what did crane say about 24 hour parking with the government"
    assert expand_shorthand("US bases and HR rules") == "US bases and HR rules"
    parsed = ask("what did crane say abt pub hrs")
    assert parsed.speaker_key == "crane" and topic_text(parsed) == "pub hours"


def test_a_spokesman_label_is_not_the_person_spoken_for():
    from retrieval.query import name_key

    assert name_key("Mr Carver's official spokesman") == ("spokesman", None)
    assert name_key("Prime Minister Neil Carver official spokesman")[0] == "spokesman"
    assert name_key("Mr Pell aides")[0] == "aides"
    assert name_key("Neil Carver") == ("carver", "neil")


def test_name_key_of_a_peer_and_of_a_name_with_a_place():
    from retrieval.query import name_key

    assert name_key("Lord Tilsley of Hartwell")[0] == "tilsley"
    assert name_key("Orsini of Estland")[0] == "orsini"
    assert name_key("Bishop of Winchester")[0] == "winchester"  # an office of a place: the place names it


def test_a_described_speaker_is_one_person_unless_a_kind_or_a_group_is_asked():
    # One person: if nobody in the corpus is introduced so, nobody's words may answer for them.
    for question in ("What did the Pope say about gay marriage?", "what did greta lindqvist say about fishing",
                     "did the surgeon general say anything about masks", "What did the head of the Baptist Union say about war?",
                     "What changes to the budget did the Labour leader on the council demand?"):
        parsed = ask(question)
        assert parsed.role and describes_one_person(parsed), question
    # A kind of speaker to find, or a group whose members speak under other descriptions.
    for question in ("Which bishop said the surplus should be spent on the homeless?", "What Tory MP warned about pensions?",
                     "What have councillors said about rebuilding the pier?", "Did Grimsby's fishermen feel let down by the union?",
                     "What did opposition health spokesmen say about the waiting lists?", "What did the chairmen of the committees say?"):
        parsed = ask(question)
        assert not describes_one_person(parsed), question
    assert not describes_one_person(ask("What did Owen Crane say about Iraq?"))  # a name, not a description


def test_a_near_spelling_of_a_known_surname_before_another_name_is_a_first_name():
    known = frozenset({"spenser"})
    # "spencer" is one letter from Spenser, but the name in the speaker's place ends with "okafor".
    assert parse_question("spencer okafor on the ferries", known, known).speaker_key != "spenser"
    # Alone in the speaker's place, a slip of the keyboard still finds the known person.
    assert parse_question("spensor on aid", known, known).speaker_key == "spenser"
    # "view" is where the question turns to what was said: the slip before it is the speaker, not a first name.
    assert parse_question("spensor view on aid", known, known).speaker_key == "spenser"


def test_typed_in_lower_case_a_description_is_not_a_near_spelling_of_a_surname():
    known = frozenset({"penson"})
    people = frozenset({"penson"})
    # "pensions" is a near spelling of Ann Penson's name, but "the pensions secretary" describes someone.
    parsed = parse_question("what did the pensions secretary say about annuities", known, people)
    assert parsed.speaker_key is None and parsed.role == "pensions secretary"
    assert parse_question("what did penson say about the budget", known, people).speaker_key == "penson"


def test_the_questions_own_words_are_never_the_described_speaker():
    # The role patterns can read "view" or "raising" as the verb; what they leave is not a person asked about.
    for question in ("What is the view on rail fares?", "What was said about raising national insurance?",
                     "Has anyone proposed bringing back national service?"):
        parsed = ask(question)
        assert not describes_one_person(parsed), (question, parsed.role)
    assert ask("What was said about raising national insurance?").role is None


def test_the_words_of_an_asked_role_that_say_where_the_office_is():
    assert place_qualifiers("Welsh transport minister") == {"Welsh": ("Welsh", "wales")}
    assert place_qualifiers("Scotland justice minister") == {"Scotland": ("Scotland", "scottish")}
    assert place_qualifiers("American ambassador") == {"American": ("American", "america")}
    # An office's own words, and words that change the office, say nothing of a place.
    assert place_qualifiers("English children's commissioner") == {"English": ("English", "england")}
    assert place_qualifiers("shadow chancellor") == {}
    # A party tells speakers apart: "Labour's campaign spokesman" is not the Tory one of a report on Labour.
    assert place_qualifiers("Labour's campaign spokesman") == {}
    assert place_qualifiers("Republican senator") == {}
    assert place_qualifiers("spokeswoman") == {}
    assert place_qualifiers("chairman of the Harbour Commission") == {}


def test_the_dates_a_question_names():
    from retrieval.query import named_dates

    assert named_dates("What did Holloway announce about the port in October 2011?") == ("2011-10",)
    assert named_dates("Did Holloway call his 2014 executive order a pardon?") == ("2014",)
    assert named_dates("what did pell say on march 3rd, 2008") == ("2008-03",)
    assert named_dates("What did Carver say about the 25 per cent rise?") == ()
    # A deadline the statement sets is its topic, not when it was said.
    assert named_dates("How many ships did Holloway say would leave the port by summer 2012?") == ()
    assert named_dates("Did Carver promise fares would stay frozen until the end of 2014, in his May 2011 speech?") == ("2011-05",)


def test_the_commander_in_chief_is_the_president_not_a_man_named_commander():
    parsed = ask("How many more ships did the commander in chief promise the sailors he would order?")
    assert (parsed.speaker_key, parsed.role) == (None, "president")
    assert ask("What did the Commander-in-Chief say about the war?").role == "president"
    # "of" a force, it is a military post, and nothing is rewritten
    assert "Commander-in-Chief of the Gulf forces" in ask("What did the Commander-in-Chief of the Gulf forces say?").text


def test_a_fronted_object_is_not_the_subject_of_the_question():
    # The small parser makes "How many more ships" a second subject of "promise"; the asked one is after "did".
    parsed = ask("How many more ships did the prime minister promise the sailors he would order?")
    assert (parsed.speaker_key, parsed.role) == (None, "prime minister")
    assert ask("How many more ships did Holloway promise the sailors he would order?").speaker_key == "holloway"


def test_a_qualified_group_is_described_not_the_body_of_its_plain_name():
    # "MPs" speaks as a body in reports ("the MPs found"); "Labour MPs" are its members introduced as such.
    known = frozenset({"mps", "roe"})
    people = frozenset({"roe"})
    for question, role in [
        ("What did Labour MPs say about tuition fees?", "Labour MPs"),
        ("What have opposition MPs said about ID cards?", "opposition MPs"),
        ("what did tory peers say about the lords reform", "tory peers"),
    ]:
        parsed = parse_question(question, known, people)
        assert (parsed.speaker, parsed.role) == (None, role), question
        assert not describes_one_person(parsed)
    assert parse_question("What did MPs say about the report?", known, people).speaker_key == "mps"



def test_an_office_typed_fast_where_a_speaker_stands_is_the_asked_role():
    known = frozenset({"crane", "democrats", "labour"})
    people = frozenset({"crane"})
    for question, role in [
        ("tory leader on the ferries", "tory leader"),
        ("shadow transport sec on fares", "shadow transport secretary"),
        ("the harbour commissioner's view on tolls", "harbour commissioner"),
        ("lib dem leader on tolls", "liberal democrat leader"),  # the office, not the party the corpus knows as a speaker
        ("Labour leader on the pier?", "Labour leader"),
        ("potus on tolls", "president"),
        ("harbour police chief on late bars, wat did he say", "harbour police chief"),  # "chief" is an office too
    ]:
        parsed = parse_question(question, known, people)
        assert (parsed.speaker_key, parsed.role) == (None, role), question
    assert parse_question("crane on the ferries", known, people).speaker_key == "crane"


def test_chat_shorthand_for_an_office_is_written_out_but_a_body_is_left_alone():
    from retrieval.query import expand_shorthand

    assert expand_shorthand("home sec on id cards") == "home secretary on id cards"
    assert expand_shorthand("what did the foreign secs say") == "what did the foreign secretaries say"
    assert expand_shorthand("sec chair on fees") == "sec chair on fees"  # the SEC's chair, typed in lower case
    assert expand_shorthand("the sec said") == "the sec said"


def test_a_capitalised_office_after_the_is_a_role_and_an_acronym_is_a_body():
    from retrieval.query import asks_for_a_body

    for question, role in [
        ("What has the Harbour Speaker said about phones in the chamber?", "Harbour Speaker"),
        ("What did the Welsh First Minister say about ferries?", "Welsh First Minister"),
        ("What did the PM say about the toll bridge?", "Prime Minister"),
        ("what did the pm say about the toll bridge", "prime minister"),
        ("Why did the RTA say it had to spend so much on posters?", "RTA"),
    ]:
        parsed = ask(question)
        assert (parsed.speaker_key, parsed.role) == (None, role), question
    assert asks_for_a_body("RTA") and not asks_for_a_body("Prime Minister")
    assert "5 pm" in ask("What did Crane say about the ferry at 5 pm?").text  # the time of day is left alone


def test_a_name_after_from_is_the_speaker_only_where_someone_speaks():
    assert ask("Any word from Crane?").speaker_key == "crane"
    assert ask("Would Ms Crane accept donations from XYZ members?").speaker_key == "crane"
    parsed = ask("Who did the former harbour commissioner tip to take over from Crane?")
    assert (parsed.speaker_key, parsed.role) == (None, "former harbour commissioner")


def test_typed_fast_a_person_named_right_after_a_body_is_the_one_asked():
    people = frozenset({"watch", "poe"})
    firsts = {"watch": frozenset({"harbour"}), "poe": frozenset({"sam"})}
    parsed = parse_question("harbour watch sam poe take on the ferry fares", people, people, firsts)
    assert (parsed.speaker_key, parsed.first_name) == ("poe", "sam")
    assert parse_question("harbour watch on the ferry fares", people, people, firsts).speaker_key == "watch"


def test_in_a_question_written_with_capitals_an_ordinary_word_is_never_a_near_spelling_of_a_name():
    known = frozenset({"lanning", "crane"})
    parsed = parse_question("What has been said about Crane's ferry leaning on the harbour board?", known, known)
    assert parsed.speaker_key is None
    assert parse_question("leaning on the harbour board", known, known).speaker_key == "lanning"  # typed fast, a slip


def test_a_known_persons_act_or_plan_speaks_with_their_words():
    for question in ("What did Crane's Harbour Jobs Act offer employers?", "Did Crane's ferry plan cut fares?",
                     "what did crane's toll bill promise"):
        assert ask(question).speaker_key == "crane", question
    # Their spokesman, their government or someone named after them is not them.
    assert ask("What did Crane's spokesman say about fares?").speaker_key is None
    assert ask("What did Crane's wife say about fares?").speaker_key is None
    assert ask("What did Harbour Watch's Sir Tom Carver say?").speaker_key == "carver"


def test_a_known_person_named_outside_the_subject_or_last_in_a_fast_question_is_asked():
    assert ask("Which ferry users could get refunds under Crane's new toll scheme?").speaker_key == "crane"
    assert ask("how many toll refunds get paid crane").speaker_key == "crane"
    assert ask("Which ferries did the report about Crane praise?").speaker_key is None  # the topic's, not a speaker
    assert ask("Was Crane's safety put at risk when the papers turned up?").speaker_key is None  # his safety is the topic
    assert ask("What was Crane's advice to ferry users?").speaker_key == "crane"
    parsed = ask("Which harbour leader read out Crane's notes on the tolls?")
    assert (parsed.speaker_key, parsed.role) == (None, "harbour leader")
    # What a body is against is not part of its name.
    assert ask("Why is the Harbour Trust against sending the ferries back to the old berth?").role == "Harbour Trust"


def test_a_first_name_matches_its_nickname_or_full_form():
    from retrieval.query import same_first_name

    assert same_first_name("chris", "christopher") and same_first_name("christopher", "chris")
    assert same_first_name("tony", "anthony") and same_first_name("mike", "michael")
    assert not same_first_name("chris", "martin") and not same_first_name("tony", "michael")


def test_ex_is_former_and_names_the_same_office():
    asked = "number 10 former head of corporate communications"
    assert not names_another_office("ex-head of corporate communications at number 10", asked)
    assert names_another_office("head of corporate communications at number 10", asked)
    assert names_another_office("ex-head of communications", "head of communications")


def test_a_known_person_named_in_full_in_the_topic_is_not_the_one_asked():
    firsts = {"crane": frozenset({"owen"})}
    assert parse_question("What has been said about Owen Crane raising fares?", KNOWN, PEOPLE, firsts).speaker_key is None
    assert parse_question("owen crane on raising fares", KNOWN, PEOPLE, firsts).speaker_key == "crane"

