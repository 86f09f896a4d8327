"""/timeline's engine: one speaker's statements on a topic, oldest first, verbatim, attributed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from retrieval.errors import EmptyQuestion
from retrieval.timeline import STAGE_DIRECTION, timeline as build_timeline

from .conftest import STATEMENTS, copy_fixture_corpus

ADDRESS = "2014-11-20-address-nation-immigration.txt"
# An undated document by the same president, on the same topic, in words of its own.
UNDATED = """President: Barack Obama

Immigration reform is about who we are as a people, and every family that came here seeking a better life knows it.

Thank you very much.  (Applause.)
"""
# A speech titled after a topic that its speaker never talks about.
TITLE_ONLY = """---
title: Remarks on immigration reform
published: 2016-03-01
speaker: Barack Obama
---

Thank you all so much for coming out tonight.  (Applause.)  It is wonderful to see so many old friends here.

The basketball team had a terrific season, and I am told the coach is already planning the parade downtown.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder):
    from retrieval.engine import Engine

    base = tmp_path_factory.mktemp("timeline")
    corpus = copy_fixture_corpus(base / "corpus")
    # A near-duplicate copy of the 2014 address under an undated name: one entry, two citations.
    shutil.copy(STATEMENTS / ADDRESS, corpus / "copy-of-the-address.txt")
    (corpus / "obama-undated-remarks.txt").write_text(UNDATED, encoding="utf-8")
    (corpus / "2016-03-01-remarks-on-immigration-reform.txt").write_text(TITLE_ONLY, encoding="utf-8")
    eng = Engine(corpus, base / "index", embedder=embedder)
    eng.load()
    return eng


def assert_verbatim(engine, statement):
    doc = engine.generation.documents[statement.source]
    assert doc.text[statement.start : statement.end] == statement.text
    for also in statement.also:
        other = engine.generation.documents[also.source]
        assert other.text[also.start : also.end]


def test_one_president_on_one_topic_is_dated_ordered_verbatim_and_attributed(engine):
    result = engine.timeline("Obama", "immigration")
    assert result.statements
    for statement in result.statements:
        assert_verbatim(engine, statement)
        assert statement.speaker == "Barack Obama"
        assert statement.mode == "direct"
        assert not statement.text.startswith("THE PRESIDENT")
        assert not STAGE_DIRECTION.match(statement.text)
    dated = [s.published for s in result.statements if s.published]
    assert dated == sorted(dated)
    assert {"2013-01-29", "2014-11-20"} <= set(dated)
    # Dates come from the file names of the dated remarks.
    for statement in result.statements:
        if statement.source.startswith("2013-01-29"):
            assert statement.published == "2013-01-29"


def test_undated_statements_go_last(engine):
    result = engine.timeline("Barack Obama", "immigration")
    published = [s.published for s in result.statements]
    assert None in published, [s.source for s in result.statements]
    first_undated = published.index(None)
    assert all(p is None for p in published[first_undated:])
    assert any(s.source == "obama-undated-remarks.txt" for s in result.statements)


def test_near_duplicate_articles_collapse_into_one_entry_with_both_citations(engine):
    result = engine.timeline("Obama", "immigration")
    sources = [s.source for s in result.statements]
    assert "copy-of-the-address.txt" not in sources  # the dated original leads
    cited = [s for s in result.statements if s.source == ADDRESS]
    assert cited
    for statement in cited:
        assert [c.source for c in statement.also] == ["copy-of-the-address.txt"]
        assert statement.also[0].published is None


def test_a_title_alone_does_not_make_a_statement_on_the_topic(engine):
    result = engine.timeline("Obama", "immigration")
    assert not [s for s in result.statements if s.source.startswith("2016-03-01")]
    # Greetings and applause of the immigration speech are not statements on immigration either.
    assert not [s for s in result.statements if "Del Sol High School" in s.text or s.text.startswith("Thank you")]


def test_reported_statements_are_not_presented_as_said(engine):
    result = engine.timeline("Vance", "immunity")
    assert result.statements
    for statement in result.statements:
        assert statement.mode == "direct"
        assert "Vance himself suggested" not in statement.text
        assert statement.published is None  # the seed article has no date
    assert any("That’s absurd" in s.text for s in result.statements)

    labelled = build_timeline(engine.generation, engine.embedder, "Vance", "immunity", include_reported=True)
    reported = [s for s in labelled.statements if "Vance himself suggested" in s.text]
    assert reported and all(s.mode == "reported" for s in reported)
    assert all(s.to_json()["mode"] == "reported" for s in reported)


def test_without_a_topic_every_document_of_the_speaker_is_represented(engine):
    result = engine.timeline("George W. Bush")
    assert result.statements
    assert any(s.speaker == "George W. Bush" for s in result.statements)
    # His own speeches, and his words another speech quotes ("As my predecessor, President Bush, once put
    # it: "..."", credited to him as the article names him); never the quoting speaker's own words.
    assert all(s.speaker.split()[-1] == "Bush" for s in result.statements)
    for statement in result.statements:
        assert_verbatim(engine, statement)


def test_unknown_speakers_and_empty_names(engine):
    result = engine.timeline("Obamma", "immigration")
    assert result.statements == []
    assert "Barack Obama" in result.suggestions
    assert engine.timeline("Lincoln").statements == []
    assert engine.timeline("Obama", "recipes for sourdough bread and pastry").statements == []
    with pytest.raises(EmptyQuestion):
        engine.timeline("   ")


def test_cli_json_has_the_specified_keys(engine):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "CHROMA_", "DISCORD_"))}
    args = [sys.executable, "-m", "bot.cli", "timeline", "--json", "--corpus", str(engine.corpus_dir), "--index", str(engine.store.dir)]
    result = subprocess.run([*args, "Obama", "immigration"], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"speaker", "topic", "statements"}
    assert data["speaker"] == "Obama" and data["topic"] == "immigration"
    assert data["statements"]
    for row in data["statements"]:
        assert set(row) >= {"text", "source", "start", "end", "title", "speaker", "published", "score"}

    text = subprocess.run([*args[:4], "--corpus", str(engine.corpus_dir), "--index", str(engine.store.dir), "Obama", "immigration"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert text.returncode == 0, text.stderr
    assert "oldest first" in text.stdout and "2013-01-29" in text.stdout

    empty = subprocess.run([*args, "  "], capture_output=True, text=True, env=env, timeout=600)
    assert empty.returncode == 2
    assert empty.stderr.startswith("error: ") and empty.stderr.count("\n") == 1
