"""Retrieval over the seed article and public-domain transcripts: real model, real Chroma directory."""

from __future__ import annotations

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


def test_absent_topic_abstains(engine):
    answer = engine.ask("What is the boiling point of tin?")
    assert answer.abstained and answer.quotes == []


def test_speaker_not_in_corpus_never_attributes(engine):
    answer = engine.ask("What did Angela Merkel say about immigration?")
    assert answer.abstained or all("Merkel" in (q.speaker or "") for q in answer.quotes)
    assert answer.quotes == []


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
