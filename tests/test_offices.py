"""An office an article names a speaker by, credited to its holder as the rest of the corpus introduces them."""

from __future__ import annotations

from retrieval.models import Passage
from retrieval.offices import OfficeRegister


def _said(source: str, speaker: str, role: str) -> Passage:
    return Passage(f"{source}-{speaker}", source, 0, 1, "x", 0, speaker, "reported", (0,), role)


def test_the_holder_named_in_the_article_is_the_one_the_corpus_introduces_with_the_office():
    register = OfficeRegister.of(
        [_said(f"{i}.txt", "Ann Roe", "harbour minister") for i in range(4)]
        + [_said("9.txt", "Sam Poe", "future harbour minister"), _said("8.txt", "Tom Reed", "harbour minister")]
    )
    assert register.holder_in("harbour minister", "Ann Roe and Mr Poe spoke.") == "Ann Roe"
    assert register.holder_in("harbour minister", "Mr Poe spoke.") is None  # only ever the future one
    assert register.holder_in("harbour minister", "Mr Reed spoke.") == "Tom Reed"
    # Beside someone the corpus gives the office far less often, the usual holder
    assert register.holder_in("harbour minister", "Mr Reed and Ms Roe spoke.") == "Ann Roe"
    even = OfficeRegister.of([_said("1.txt", "Ann Roe", "harbour minister"), _said("2.txt", "Tom Reed", "harbour minister")])
    assert even.holder_in("harbour minister", "Mr Reed and Ms Roe spoke.") is None


def test_another_office_with_the_same_words_is_not_the_office():
    register = OfficeRegister.of(
        [_said("1.txt", "Ann Roe", "shadow chancellor"), _said("2.txt", "Tom Reed", "lord chancellor"),
         _said("3.txt", "Sam Poe", "chancellor of the duchy"), _said("4.txt", "Jo Kell", "labour chancellor")]
    )
    assert set(register.holders("chancellor")) == {"Jo Kell"}


def test_an_added_article_credits_the_office_in_another(make_engine, tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "levy.txt").write_text(
        "Harbour levy row\n\n"
        "Ann Roe's plan for a harbour levy was attacked by the opposition on Monday.\n\n"
        'Later the harbour minister said: "Every ship that docks will pay its share of the dredging."\n',
        encoding="utf-8",
    )
    engine = make_engine(root)
    engine.load()
    [unknown] = [p for p in engine.generation.passages if "dredging" in p.text]
    assert unknown.speaker is None and unknown.office == "harbour minister"
    (root / "quay.txt").write_text(
        "New quay opens\n\nHarbour Minister Ann Roe opened the new quay on Friday.\n\n"
        'Ms Roe said: "The quay will bring work to the town."\n',
        encoding="utf-8",
    )
    engine.ingest()
    [credited] = [p for p in engine.generation.passages if "dredging" in p.text]
    assert credited.speaker == "Ann Roe"
    answer = engine.ask("what did Ann Roe say about dredging?")
    assert not answer.abstained and "dredging" in answer.quotes[0].text and answer.quotes[0].speaker == "Ann Roe"


def test_eval_attribution_credits_an_office_as_the_index_does(tmp_path):
    from retrieval.attribution_eval import GoldRow, score_gold

    (tmp_path / "quay.txt").write_text(
        "New quay opens\n\nHarbour Minister Ann Roe opened the new quay on Friday.\n\n"
        'Ms Roe said: "The quay will bring work to the town."\n',
        encoding="utf-8",
    )
    (tmp_path / "levy.txt").write_text(
        "Harbour levy row\n\nAnn Roe's plan for a harbour levy was attacked by the opposition on Monday.\n\n"
        'Later the harbour minister said: "Every ship that docks will pay its share of the dredging."\n',
        encoding="utf-8",
    )
    row = GoldRow("g1", "levy.txt", "Every ship that docks will pay its share of the dredging.", "Ann Roe", "direct")
    report = score_gold([row], tmp_path)
    assert report.speaker_accuracy == 1.0
    (tmp_path / "quay.txt").unlink()  # no article introduces the holder: unknown, not guessed
    report = score_gold([row], tmp_path)
    assert report.speaker_accuracy == 0.0 and report.wrong_speaker == 0.0
