import pathlib

import pytest

from retrieval.attribution import attribute, read_speakers
from retrieval.models import Attribution
from retrieval.sentences import split_sentences

SEED = pathlib.Path(__file__).resolve().parents[1] / "seeds" / "000_654628842b703738.txt"


def run(text, default_speaker=None):
    ss = split_sentences(text)
    at = attribute(text, ss, default_speaker)
    assert len(at) == len(ss)
    return [(text[s.start : s.end], a) for s, a in zip(ss, at)]


def find(rows, needle):
    for sent, a in rows:
        if needle in sent:
            return a
    raise AssertionError(needle)


def test_empty():
    assert attribute("", []) == []


def test_quote_then_said_x_and_colon_quote():
    t = (
        'Committee chairman Owen Dace said: "There is a real strain here. '
        '"Clerks are meant to rule in about nine minutes. "\n\n'
        '"We will act," said Tory leader Neil Carver.\n\n'
        "Mr Dace said the department ought to review the cases."
    )
    rows = run(t)
    assert find(rows, "real strain") == Attribution("Owen Dace", "direct")
    assert find(rows, "nine minutes") == Attribution("Owen Dace", "direct")
    assert find(rows, "We will act") == Attribution("Neil Carver", "direct")
    assert find(rows, "ought to review") == Attribution("Owen Dace", "reported")


def test_reported_forms_and_narration():
    t = (
        "The minister met officials on Monday. "
        "According to Sir Hugh Tarrant, the figures are too high. "
        "Lib Dem leader Rob Farrant warned that the plan would fail. "
        "Mr Farrant, who was speaking in Bath, argued the tax was unfair. "
        "A Home Office spokesman said the scheme had been reviewed. "
        "He added that checks would continue."
    )
    rows = run(t)
    assert find(rows, "met officials") == Attribution(None, "none")
    a = find(rows, "According to")
    assert a.mode == "reported" and "Tarrant" in a.speaker
    assert find(rows, "warned that") == Attribution("Rob Farrant", "reported")
    assert find(rows, "Bath") == Attribution("Rob Farrant", "reported")
    a = find(rows, "reviewed")
    assert a.mode == "reported" and a.speaker == "Home Office spokesman"
    assert find(rows, "checks would") == Attribution("Home Office spokesman", "reported")


def test_pronoun_and_role_carry_over():
    t = (
        "Vice President JD Vance spoke in Ohio.\n\n"
        "\u201cWe look into it,\u201d he told reporters.\n\n"
        "\u201cYou can do both,\u201d the vice president said.\n\n"
        "Mr Vance also told voters that taxes would fall."
    )
    rows = run(t)
    assert find(rows, "look into it") == Attribution("JD Vance", "direct")
    assert find(rows, "do both") == Attribution("JD Vance", "direct")
    assert find(rows, "taxes would fall") == Attribution("JD Vance", "reported")


def test_pronoun_after_named_speaker():
    t = "Alan Jessop said the scheme was fair. \u201cIt works,\u201d he said."
    rows = run(t)
    assert find(rows, "It works") == Attribution("Alan Jessop", "direct")


def test_continuation_across_sentences_and_paragraphs():
    t = (
        "\u201cFirst point,\u201d Jane Roe responded. \u201cSecond point. Third point.\n\n"
        "\u201cFourth point in a new paragraph.\u201d\n\n"
        "Narration follows here."
    )
    rows = run(t)
    for needle in ("First point", "Second point", "Third point", "Fourth point"):
        assert find(rows, needle) == Attribution("Jane Roe", "direct"), needle
    assert find(rows, "Narration") == Attribution(None, "none")


def test_speaker_named_after_quote_in_later_sentence():
    t = "\u201cWe will win. We always do,\u201d said Graham Pell."
    rows = run(t)
    assert find(rows, "We will win") == Attribution("Graham Pell", "direct")
    assert find(rows, "We always do") == Attribution("Graham Pell", "direct")


def test_peer_titles_kept_and_roles_stripped():
    t = (
        "Lord Chief Justice Lord Fenby said the law was clear. "
        "Home Secretary Carol Pike said ministers would appeal. "
        "Former Labour MP Lord Tilsley told ITV: \u201cThe time has come.\u201d"
    )
    rows = run(t)
    assert find(rows, "law was clear") == Attribution("Lord Fenby", "reported")
    assert find(rows, "would appeal") == Attribution("Carol Pike", "reported")
    assert find(rows, "time has come") == Attribution("Lord Tilsley", "direct")


def test_alias_resolves_to_fullest_form_seen_later():
    t = "Mr Carver said the plan was flawed. It was backed by Tory leader Neil Carver on Monday."
    rows = run(t)
    assert find(rows, "flawed") == Attribution("Neil Carver", "reported")


def test_scare_quotes_are_not_direct():
    t = "Jo Bloggs suggested that officers have \u201cabsolute immunity\u201d while on duty."
    assert find(run(t), "immunity") == Attribution("Jo Bloggs", "reported")


def test_organisation_speaker():
    t = "Visa staff were rushed, MPs have said. The committee said checks were too quick."
    rows = run(t)
    assert find(rows, "rushed") == Attribution("MPs", "reported")
    assert find(rows, "too quick") == Attribution("committee", "reported")


def test_passive_said_is_not_attribution():
    t = "It is said that the plan was costly. The plan is said to be costly."
    for _, a in run(t):
        assert a.mode == "none"


def test_transcript_default_speaker():
    t = (
        "I have directed the Secretary to act. We will rebuild.\n\n"
        "As Lincoln wrote, \u201cA house divided against itself cannot stand.\u201d\n\n"
        "THE VICE PRESIDENT: Thank you, Mr. President.\n\n"
        "Q: What about taxes?"
    )
    rows = run(t, "Ann Vale")
    assert find(rows, "I have directed") == Attribution("Ann Vale", "direct")
    assert find(rows, "rebuild") == Attribution("Ann Vale", "direct")
    a = find(rows, "house divided")
    assert a.mode == "direct" and a.speaker is not None
    assert find(rows, "Thank you") == Attribution("Vice President", "direct")
    assert find(rows, "taxes") == Attribution("Reporter", "direct")


def test_crlf_text():
    t = "Mr Dace said: \"It is bad.\r\n\r\n\"It is worse.\"\r\n\r\nCommittee chairman Owen Dace spoke."
    rows = run(t)
    assert find(rows, "It is bad") == Attribution("Owen Dace", "direct")
    assert find(rows, "It is worse") == Attribution("Owen Dace", "direct")


@pytest.mark.skipif(not SEED.exists(), reason="seed article not present")
def test_seed_article():
    t = SEED.read_text(encoding="utf-8")
    body = t.index("\n\n") + 2
    ss = split_sentences(t, body)
    at = attribute(t, ss)
    rows = [(t[s.start : s.end], a) for s, a in zip(ss, at)]
    a = find(rows, "If we think that there are disciplinary actions justified")
    assert a.mode == "direct" and "Vance" in a.speaker
    a = find(rows, "Vance himself suggested during a press briefing")
    assert a.mode == "reported" and "Vance" in a.speaker
    a = find(rows, "You\u2019re talking about human beings")
    assert a.mode == "direct" and "Vance" in a.speaker
    a = find(rows, "I would say the same of police officers")
    assert a.mode == "direct" and "Vance" in a.speaker
    a = find(rows, "the vice president said")
    assert a == Attribution("JD Vance", "direct")
    a = find(rows, "he told reporters when asked")
    assert a.mode == "direct" and "Vance" in a.speaker
    a = find(rows, "Related Content")
    assert a.mode == "none"


def test_pronoun_after_a_sentence_led_by_a_named_person():
    # The subject of the sentence just before, not the last name mentioned, is who "he" is.
    t = (
        "Oskar Brandt, an adviser to the transport board, says the rail plan is misjudged. "
        "He is also worried about the board after one of its engineers, Jan Piet Mayhew, admitted hiding faults. "
        "Prof Brandt criticises the board for ignoring those warnings. "
        '"This is like leaving the front door wide open," he says.'
    )
    rows = run(t)
    assert find(rows, "front door") == Attribution("Oskar Brandt", "direct")


def test_possessive_or_unknown_lead_is_not_a_subject():
    t = (
        "Dennis Ormsby spoke in Gateshead. Mr Ormsby said shelter was a duty. "
        "London's Evening Standard quoted the speech at length. "
        '"That is a moral duty," he said.'
    )
    rows = run(t)
    assert find(rows, "moral duty") == Attribution("Dennis Ormsby", "direct")


def test_titled_person_leading_a_sentence_is_the_pronouns_antecedent():
    t = (
        "Lord Harwood said the change was complex. "
        "Lord Elstow agreed to pull his amendment after its third reading. "
        '"We cannot keep telling people that nothing will ever move," he told peers.'
    )
    rows = run(t)
    assert find(rows, "cannot keep telling") == Attribution("Lord Elstow", "direct")


def test_interview_questions_are_not_the_interviewees_words():
    # Turns on separate paragraphs and on consecutive lines of one paragraph; "Q:"/"A:" and name labels.
    turns = [
        "Q: Why did you vote against the fuel duty rise?",
        "A: Because it hits rural drivers hardest. They have no bus to take.",
        "INTERVIEWER: Do you regret the campaign?",
        "MARGARET ELLISON: No. I regret nothing about it.",
        "Interviewer: And tuition fees?",
        "Margaret Ellison: Students should not pay them.",
    ]
    for sep in ("\n\n", "\n"):
        rows = run(sep.join(turns), "Margaret Ellison")
        assert find(rows, "fuel duty rise") == Attribution("Reporter", "direct")
        assert find(rows, "rural drivers") == Attribution("Margaret Ellison", "direct")
        assert find(rows, "no bus") == Attribution("Margaret Ellison", "direct")
        assert find(rows, "regret the campaign").speaker != "Margaret Ellison"
        assert find(rows, "regret nothing") == Attribution("Margaret Ellison", "direct")
        assert find(rows, "tuition fees").speaker != "Margaret Ellison"
        assert find(rows, "should not pay") == Attribution("Margaret Ellison", "direct")


def test_title_case_line_opener_is_not_a_label_unless_it_recurs():
    rows = run("THE PRESIDENT: We will act.\n\nNote: the vote is on Tuesday.", "Ann Vale")
    assert find(rows, "the vote is") == Attribution("Ann Vale", "direct")


def test_how_speakers_are_introduced_from_titles_and_appositions():
    text = (
        "Tory backbencher Alan Dunmore said the bill was a mistake. "
        "Ruth Adeyemi, of the Rural Transport Alliance, told reporters the plan was clear. "
        "But chair of the Patients First Trust, Colin Marsh, disagreed. "
        "Peter Lyle, who said the plans were cautious, declined to comment."
    )
    roles = read_speakers(text, split_sentences(text)).roles
    assert roles["dunmore"] == "tory backbencher"
    assert roles["adeyemi"] == "of the rural transport alliance"
    assert "chair of the patients first trust" in roles["marsh"]
    assert "lyle" not in roles  # what someone did is not who they are


def test_an_office_named_with_ordinary_words_is_taken_whole():
    text = (
        "The rules will change, said immigration minister Tom Hale.\n\n"
        "BBC political editor Ann Marlow said the vote was close.\n\n"
        "Tories attacked health secretary John Reade over the figures.\n\n"
        "Critics could picture Tory leader Sam Byrne in charge.\n\n"
        "It was a good deal, the local government minister Nick Rayne said.\n\n"
        "More sites are needed, said housing minister Ann Vale.\n\n"
        "Former harbour commissioner Rob Tate disagreed."
    )
    roles = read_speakers(text, split_sentences(text)).roles
    assert roles["hale"] == "immigration minister"
    assert roles["marlow"] == "bbc political editor"
    assert roles["reade"] == "health secretary"  # "attacked" is what the Tories did
    assert roles["byrne"] == "tory leader"
    assert roles["rayne"] == "local government minister"
    assert roles["vale"] == "housing minister"  # an office, though it reads like a verb form
    assert roles["tate"] == "former harbour commissioner"  # not the harbour commissioner


def test_an_office_that_opens_its_sentence_keeps_its_capitalised_first_word():
    text = (
        "The report was late.\n\n"
        "Public accounts committee chairman Ed Lyle said the bills were unpaid. "
        "Road safety head Ann Prior said drivers had changed. "
        "Yesterday health minister Tom Reade said little.\n\n"
        "Welsh Conservative Party leader Ian Dyer agreed. "
        "PCS leader Mo Kaur did not."
    )
    roles = read_speakers(text, split_sentences(text)).roles
    assert roles["lyle"] == "public accounts committee chairman"
    assert roles["prior"] == "road safety head"
    assert roles["dyer"] == "welsh conservative party leader"
    assert roles["kaur"] == "pcs leader"
    assert roles["reade"] == "health minister"  # "Yesterday" opens the sentence, not the office

def test_an_office_of_a_body_named_by_its_kind_is_the_office_of_the_body_the_article_names():
    text = (
        "Ferry fares should be capped, the harbour select committee said. "
        "The influential Commons harbour select committee heard from 40 groups.\n\n"
        "Committee chairman Ed Lyle said the fares were too high. "
        "Council leader Ann Prior said the ferries were late. "
        "The port council and the county council disagreed."
    )
    roles = read_speakers(text, split_sentences(text)).roles
    assert roles["lyle"] == "commons harbour select committee chairman"
    # two councils named: which one she leads, the article does not say
    assert roles["prior"] == "council leader"


def test_an_apposition_whose_office_follows_a_hyphen_introduces_the_person():
    text = (
        "Sam Poe, ex-head of communications at the Harbour Board, says the plan will fail. He gave no reason. "
        "Ann Roe, one of my co-chairs -- I would not be here without her, agreed."
    )
    roles = read_speakers(text, split_sentences(text)).roles
    assert "ex-head of communications at the harbour board" in roles["poe"]
    assert roles["roe"] == "one of my co-chairs"  # a dash ends the description


def test_transcript_header_gives_the_speakers_office():
    from retrieval.chunking import chunk_document
    from retrieval.documents import parse_text

    doc = parse_text("President: Ann Vale\n\nGood evening. Tonight I want to talk about jobs.\n", "remarks.txt")
    passages = chunk_document(doc).passages
    assert passages and all(p.role == "president" for p in passages)


def test_presidency_project_turns_open_with_a_label_and_a_full_stop():
    from retrieval.chunking import chunk_document
    from retrieval.documents import parse_text

    text = (
        "---\nspeaker: Ann Vale\n---\n\nHealth care reform\n\n"
        "Some claim that our reforms would insure illegal immigrants. This too is false.\n\n"
        "Representative Tom Reed. You lie!\n\n"
        "The President. It's not true. And there is one more thing.\n\n"
        "Q. Madam President, will you veto the bill?\n\n"
        "The President. No.\n"
    )
    passages = chunk_document(parse_text(text, "address.txt")).passages
    said = {p.text: p.speaker for p in passages}
    assert said["You lie!"] == "Tom Reed"
    assert said["It's not true. And there is one more thing."] == "Ann Vale"
    assert said["Madam President, will you veto the bill?"] == "Reporter"
    assert said["No."] == "Ann Vale"
    assert said["Some claim that our reforms would insure illegal immigrants. This too is false."] == "Ann Vale"
    assert not any(p.text.startswith(("The President.", "Q.", "Representative")) for p in passages)  # a label says nothing


def test_transcript_label_names_the_office_holder_introduced_earlier():
    t = (
        "THE PRESIDENT: With that, I'd like to ask Vice President Harlow to say a few words.\n\n"
        "THE VICE PRESIDENT: Thank you, Mr. President. We are cutting the queues.\n\n"
        "THE PRESIDENT: He'll say, \u201cDo you think we will get there?\u201d And we will."
    )
    rows = run(t, "Ann Vale")
    assert find(rows, "cutting the queues") == Attribution("Harlow", "direct")
    assert find(rows, "I'd like to ask") == Attribution("Ann Vale", "direct")
    # a contraction opening a sentence names no one, and what "he" will say is not the speaker's own
    assert find(rows, "He'll say") == Attribution(None, "direct")


def test_labelled_interview_without_a_named_speaker():
    t = (
        "HUGH DRAKE: Chancellor, will you raise taxes?\n\n"
        "PETER LOWRY: We have no plans to raise income tax. We will keep our promises.\n\n"
        "DRAKE: But VAT?\n\n"
        "LOWRY: I am not going to write the budget on this programme."
    )
    rows = run(t)
    assert find(rows, "will you raise taxes") == Attribution("Hugh Drake", "direct")
    assert find(rows, "keep our promises") == Attribution("Peter Lowry", "direct")
    assert find(rows, "But VAT") == Attribution("Hugh Drake", "direct")  # the short label is the same man
    assert find(rows, "write the budget") == Attribution("Peter Lowry", "direct")


def test_dotted_and_bold_interview_labels():
    dotted = "Q. What is your view on the fuel duty rise?\nA. It would punish rural families.\nQ. And rail fares?\nA. We would cap them."
    rows = run(dotted, "Jane Roe")
    assert find(rows, "fuel duty rise").speaker == "Reporter"
    assert find(rows, "rural families") == Attribution("Jane Roe", "direct")
    assert find(rows, "cap them") == Attribution("Jane Roe", "direct")
    bold = "**Interviewer:** What about schools?\n\n**Jane Roe:** Every child deserves a good local school."
    rows = run(bold, "Jane Roe")
    assert find(rows, "What about schools").speaker == "Interviewer"
    assert find(rows, "good local school") == Attribution("Jane Roe", "direct")


def test_white_house_press_conference_questions_set_off_by_spaces():
    # whitehouse.gov transcripts open a reporter's question with "Q" and spaces, no colon.
    t = (
        "Good morning, everybody. I just met with the leaders of both parties.\n\n"
        "Q    Thank you, Mr. President. Do you think the country has changed its mind on the budget?\n\n"
        "THE PRESIDENT:  I think the country has moved a long way on this.\n\n"
        "Q\tAnd the deadline?\n\n"
        "THE PRESIDENT:  We will meet it."
    )
    rows = run(t, "Ann Vale")
    assert find(rows, "leaders of both parties") == Attribution("Ann Vale", "direct")
    assert find(rows, "changed its mind") == Attribution("Reporter", "direct")
    assert find(rows, "moved a long way") == Attribution("Ann Vale", "direct")
    assert find(rows, "the deadline") == Attribution("Reporter", "direct")
    assert find(rows, "meet it") == Attribution("Ann Vale", "direct")
    # A "Q" that merely opens a line of prose is not a label.
    assert find(run("Q is the seventeenth letter. It follows P.", "Ann Vale"), "seventeenth").speaker == "Ann Vale"


def test_initials_labels_name_the_people_introduced_in_full():
    t = (
        "HUGH DRAKE: Chancellor, welcome. Will you put up taxes next year?\n\n"
        "PETER LOWRY: We have made our commitments on income tax and we will keep them.\n\n"
        "HD: But what about national insurance?\n\n"
        "PL: I am not going to write the budget on this sofa, Hugh. Our record speaks for itself."
    )
    rows = run(t)
    assert find(rows, "national insurance") == Attribution("Hugh Drake", "direct")
    assert find(rows, "this sofa") == Attribution("Peter Lowry", "direct")
    assert find(rows, "record speaks") == Attribution("Peter Lowry", "direct")
    # Introduced in prose only, with no full label: the initials still find them.
    t = "Hugh Drake talks to Chancellor Peter Lowry.\n\nHD: Will you raise taxes?\n\nPL: No. We will keep our promises.\n\nHD: Thank you."
    rows = run(t)
    assert find(rows, "raise taxes") == Attribution("Hugh Drake", "direct")
    assert find(rows, "keep our promises") == Attribution("Peter Lowry", "direct")


def test_podcast_transcript_with_title_case_labels_and_no_front_matter():
    t = (
        "Rail fares: the Transport Secretary\n\n"
        "Interviewer: Let's start with rail fares. Will they rise again in January?\n\n"
        "Priya Nandakumar: From next January, regulated fare rises will be capped at inflation.\n\n"
        "And season tickets will be cheaper for people who travel three days a week.\n\n"
        "Interviewer: Why not freeze them?\n\n"
        "Priya Nandakumar: Because a freeze would cost the taxpayer two billion pounds a year."
    )
    rows = run(t)
    assert find(rows, "Will they rise") == Attribution("Interviewer", "direct")
    assert find(rows, "capped at inflation") == Attribution("Priya Nandakumar", "direct")
    assert find(rows, "three days a week") == Attribution("Priya Nandakumar", "direct")  # a turn runs on
    assert find(rows, "two billion") == Attribution("Priya Nandakumar", "direct")


def test_an_interviews_standfirst_is_not_the_interviewees_words():
    standfirst = (
        "The shadow health secretary talks to our correspondent about waiting lists and why she thinks doctors leave.\n\n"
        "Q: What would you do first?\nA: I would fund evening and weekend clinics.\n"
        "Q: And dentists?\nA: Every child would be seen within a year."
    )
    rows = run(standfirst, "Rosalind Okafor")
    assert find(rows, "talks to our correspondent").mode == "none"
    assert find(rows, "weekend clinics") == Attribution("Rosalind Okafor", "direct")
    # Opening remarks before the questions are the speaker's own.
    remarks = "Good morning. Today I am announcing a review of the price cap.\n\nQ    Will bills fall?\n\nTHE MINISTER:  They will."
    rows = run(remarks, "Martin Holloway")
    assert find(rows, "Good morning") == Attribution("Martin Holloway", "direct")
    assert find(rows, "review of the price cap") == Attribution("Martin Holloway", "direct")


def test_news_lines_are_not_taken_for_a_transcript():
    from retrieval.attribution import is_labelled_transcript

    assert not is_labelled_transcript("UPDATE: The vote is tonight.\n\nMPs will vote at 10pm, the Speaker said.")
    assert is_labelled_transcript("HOST: Welcome.\nGUEST: Thanks.\nHOST: So, taxes?")


def test_an_office_opening_the_first_paragraph_is_read_whole():
    # The reading starts where the first sentence does, right at "London": that is a line's start, so
    # the capitalised place opens the office ("London mayor"), as it would after the line break.
    text = "Mayor stands by his remark\n\nLondon mayor Colin Ashby has once more declined to say sorry."
    spans = split_sentences(text, text.index("London"), len(text))
    assert read_speakers(text, spans).roles["ashby"] == "london mayor"


def test_a_party_or_body_before_an_office_that_opens_its_phrase_is_part_of_the_office():
    # "Liberal Democrat transport spokesman Ray Ferris": a question asks for "the Lib Dem transport
    # spokesman", and "spokesman" alone fits every party's. The phrase opens at a sentence start, after "the",
    # a comma, a speech verb or a preposition that takes a person ("welcomed by", "criticism from"); "in"
    # and a comma after a place open a place, which stays out of the office.
    text = (
        'The report was published on Monday. "It is damning." Liberal Democrat transport spokesman Ray Ferris agreed. '
        "Rural Buses Campaign director Nia Roberts agreed. Speaking in London, mayor Colin Ashby did not. "
        "The scheme was welcomed by Conservative shadow health secretary Tom Dale. "
        "It drew criticism from Labour backbencher Ann Lee. Talks were held in Cardiff with council leader Rhodri Hale."
    )
    roles = read_speakers(text, split_sentences(text)).roles
    assert roles["ferris"] == "liberal democrat transport spokesman"
    assert roles["roberts"] == "rural buses campaign director"
    assert roles["ashby"] == "mayor"  # "London," ends a clause: a place, not the office's body
    assert roles["dale"] == "conservative shadow health secretary"
    assert roles["lee"] == "labour backbencher"
    assert roles["hale"] == "council leader"




def test_an_offices_last_word_is_not_part_of_the_name_after_it():
    # The office ends in a capitalised word the article also writes in lower case: it is not a first name.
    t = (
        "Minister for Schools, Colleges and Families Ruth Kettering said the fund would grow. "
        "Ms Kettering said: \u201cNo family will pay more.\u201d Foster families welcomed the plan."
    )
    rows = run(t)
    assert find(rows, "fund would grow").speaker == "Ruth Kettering"
    assert find(rows, "No family") == Attribution("Ruth Kettering", "direct")


def test_a_clause_about_the_body_is_not_part_of_its_spokesmans_name():
    t = (
        "A spokesman for the Harbour Pilots Association, which represents the pilots, said the plan was rushed. "
        "\u201cWe were never asked,\u201d he said."
    )
    rows = run(t)
    assert find(rows, "never asked") == Attribution("Harbour Pilots Association spokesman", "direct")


def test_underlining_or_reiterating_a_position_reports_it():
    t = (
        "Green Party leader Ann Roe launched her campaign on Monday. "
        "She underlined Green plans to scrap road tolls. "
        "The Harbour Trust reiterated its support for the bridge."
    )
    rows = run(t)
    assert find(rows, "scrap road tolls") == Attribution("Ann Roe", "reported")
    assert find(rows, "support for the bridge").mode == "reported"
