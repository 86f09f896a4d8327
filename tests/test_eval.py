"""`policybot eval` arithmetic on hand-made answers, and a small run over the fixture corpus."""

from __future__ import annotations

import json

from retrieval.evaluate import EvalRow, evaluate, hits, load_rows, score
from retrieval.models import Answer, Quote

from .conftest import DISCIPLINE, SEED_FILE

TEXT = "Intro sentence here. The gold sentence says something important. A tail sentence follows."
GOLD = "The gold sentence says something important."
G0 = TEXT.index(GOLD)


def quote(start, end, source="a.txt", speaker="Jane Doe"):
    return Quote(TEXT[start:end], source, start, end, "t", None, None, None, speaker, 1.0)


def row(id_, doc="a.txt", speaker="Doe", kind="speaker"):
    return EvalRow(id_, "q?", speaker, doc, GOLD if doc else None, kind)


def test_hit_rule_half_of_gold_or_half_of_quote():
    r = row("x")
    assert hits(quote(G0, G0 + len(GOLD)), r, TEXT)
    assert hits(quote(0, len(TEXT)), r, TEXT)  # the whole gold inside a longer quote
    assert hits(quote(G0, G0 + 10), r, TEXT)  # a short quote entirely inside the gold
    assert not hits(quote(0, G0 + 3), r, TEXT)  # barely touching
    assert not hits(quote(G0, G0 + len(GOLD), source="b.txt"), r, TEXT)


def test_score_arithmetic():
    good, bad = quote(G0, G0 + len(GOLD)), quote(0, 20, speaker="Someone Else")
    rows = [row("a"), row("b"), row("c"), row("d", speaker=None), row("u1", doc=None), row("u2", doc=None)]
    answers = [
        Answer("q", False, [good, bad]),  # hit@1
        Answer("q", False, [bad, bad, good]),  # hit@3, rank 3
        Answer("q", True, []),  # false abstention
        Answer("q", False, [bad, bad, bad, good]),  # rank 4: MRR only
        Answer("q", True, []),
        Answer("q", False, [bad]),
    ]
    report = score(rows, answers, {"a.txt": TEXT}, 1.0)
    assert report.hit_at_1 == 1 / 4
    assert report.hit_at_3 == 2 / 4
    assert abs(report.mrr_at_5 - (1 + 1 / 3 + 0 + 1 / 4) / 4) < 1e-9
    assert report.speaker_at_1 == 1 / 3  # rows a, b, c have a speaker; only a's top quote is Doe's
    assert report.abstain == 1 / 2 and report.false_abstain == 1 / 4
    assert report.verbatim == 1.0
    quotes = [q for a in answers for q in a.quotes]
    assert report.mean_quote_chars == sum(len(q.text) for q in quotes) / len(quotes)
    assert set(report.misses) == {"c", "d", "u2"}
    assert report.by_kind["speaker"]["hit@3"] == 2 / 4


def test_speaker_match_is_by_word():
    r = row("a", speaker="White")
    answer = Answer("q", False, [quote(G0, G0 + len(GOLD), speaker="Alan Whiteley")])
    assert score([r], [answer], {"a.txt": TEXT}, 0).speaker_at_1 == 0.0


def test_eval_over_fixture_corpus(tmp_path, make_engine, corpus):
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "v1", "question": "What did Vance say about discipline?", "speaker": "Vance", "doc": SEED_FILE, "gold": DISCIPLINE, "kind": "speaker"},
        {"id": "u1", "question": "What did Vance say about the boiling point of tin?", "speaker": "Vance", "doc": None, "gold": None, "kind": "unanswerable"},
    ]
    questions.write_text("\n".join(json.dumps(x) for x in lines))
    report = evaluate(make_engine(corpus), load_rows(questions))
    assert report.hit_at_1 == 1.0 and report.speaker_at_1 == 1.0
    assert report.abstain == 1.0 and report.verbatim == 1.0


def test_eval_answers_from_the_corpus_as_it_is_not_a_stale_index(tmp_path, make_engine, corpus):
    make_engine(corpus).ingest()
    # A file added after the index was built is part of what is measured.
    (corpus / "2005-04-02-bus-routes.txt").write_text(
        "Council cuts rural bus routes\n\n"
        '"We have to cut the routes because the fuel subsidy has been halved," said transport chief Helen Marsh.\n'
    )
    questions = tmp_path / "q.jsonl"
    row = {"id": "b1", "question": "Why did Helen Marsh cut the bus routes?", "speaker": "Marsh",
           "doc": "2005-04-02-bus-routes.txt", "gold": "We have to cut the routes because the fuel subsidy has been halved",
           "kind": "why"}
    questions.write_text(json.dumps(row))
    report = evaluate(make_engine(corpus), load_rows(questions))
    assert report.hit_at_1 == 1.0 and report.false_abstain == 0.0


def test_a_quote_overlapping_an_also_span_is_a_hit_and_every_figure_is_reported_per_kind():
    other = "Second file. Its copy of the same words lives here."
    also = "Its copy of the same words lives here."
    r = EvalRow("x", "q?", "Doe", "a.txt", GOLD, "casual", also=(("b.txt", also),))
    copy = Quote(also, "b.txt", other.index(also), len(other), "t", None, None, None, "Jane Doe", 1.0)
    elsewhere = Quote("Second file.", "b.txt", 0, 12, "t", None, None, None, "Jane Doe", 1.0)
    texts = {"a.txt": TEXT, "b.txt": other}
    assert hits(copy, r, other) and not hits(elsewhere, r, other)
    rows = [r, row("s1"), row("u1", doc=None, kind="unanswerable")]
    answers = [Answer("q", False, [elsewhere, copy]), Answer("q", True, []), Answer("q", True, [])]
    report = score(rows, answers, texts, 0.0)
    casual, speaker, unanswerable = report.by_kind["casual"], report.by_kind["speaker"], report.by_kind["unanswerable"]
    assert casual["hit@1"] == 0.0 and casual["hit@3"] == 1.0 and casual["mrr@5"] == 0.5 and casual["speaker@1"] == 1.0
    assert casual["false_abstain"] == 0.0 and casual["mean_quote_chars"] == (len(also) + 12) / 2 and casual["verbatim"] == 1.0
    assert speaker["false_abstain"] == 1.0 and "abstain" not in speaker
    assert unanswerable["abstain"] == 1.0 and "hit@1" not in unanswerable
    assert "casual" in report.table() and "false_abstain" in report.table()


def test_load_rows_reads_also_spans(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "a", "question": "q?", "speaker": None, "doc": "a.txt", "gold": GOLD, "kind": "topic",
                                "also": [{"doc": "b.txt", "gold": "copy"}]}))
    (loaded,) = load_rows(path)
    assert loaded.also == (("b.txt", "copy"),) and loaded.spans() == [("a.txt", GOLD), ("b.txt", "copy")]
