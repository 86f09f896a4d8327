"""/verify's engine: the true wording of a circulating quote, and how the claim differs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from retrieval.errors import EmptyQuestion
from retrieval.verify import parse_claim

from .conftest import SEED_FILE, copy_fixture_corpus

MATCH_KEYS = {"text", "source", "start", "end", "speaker", "published", "similarity", "differences"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder):
    from retrieval.engine import Engine

    base = tmp_path_factory.mktemp("verify")
    corpus = copy_fixture_corpus(base / "corpus")
    eng = Engine(corpus, base / "index", embedder=embedder)
    eng.load()
    return eng


def assert_verbatim(engine, result):
    for match in result.matches:
        assert engine.generation.documents[match.source].text[match.start : match.end] == match.text


@pytest.mark.parametrize(
    "claim, speaker, words",
    [
        ("Vance said ICE officers have absolute immunity", "Vance", "ICE officers have absolute immunity"),
        ("Vance said that ICE officers have absolute immunity.", "Vance", "ICE officers have absolute immunity"),
        ("President Obama once said: “we are a nation of immigrants”", "President Obama", "we are a nation of immigrants"),
        ("According to JD Vance, that's absurd", "JD Vance", "that's absurd"),
        ("Obama: \"Now is the time.\"", "Obama", "Now is the time"),
        ("\"Now is the time,\" Obama said.", "Obama", "Now is the time"),
        ("“That’s absurd.” — JD Vance", "JD Vance", "That’s absurd"),
        ("He said now is the time", None, "now is the time"),
        ("ICE officers have absolute immunity", None, "ICE officers have absolute immunity"),
    ],
)
def test_claims_are_parsed_into_speaker_and_words(claim, speaker, words):
    assert parse_claim(claim) == (speaker, words)


def test_an_exact_quote_is_exact_with_its_source_and_context(engine):
    result = engine.verify('Vance said "That\'s absurd."')
    assert result.verdict == "exact"
    best = result.matches[0]
    assert "That’s absurd" in best.text and best.speaker == "JD Vance"
    assert best.source == SEED_FILE and best.differences == []
    assert best.before and best.after  # the sentence before and after
    assert_verbatim(engine, result)

    result = engine.verify("Obama said we define ourselves as a nation of immigrants")
    assert result.verdict == "exact"
    assert result.matches[0].speaker == "Barack Obama"
    assert result.matches[0].published == "2013-01-29"
    assert_verbatim(engine, result)


def test_a_misquote_differs_and_shows_the_true_wording(engine):
    result = engine.verify("Bush said our economy faces very serious challenges")
    assert result.verdict == "differs"
    best = result.matches[0]
    assert best.text == "Our economy continues to face serious challenges."
    assert best.speaker == "George W. Bush"
    assert any("continues to face" in d for d in best.differences)
    assert_verbatim(engine, result)


def test_a_reported_statement_is_not_confirmed_as_said(engine):
    result = engine.verify("Vance said ICE officers have absolute immunity")
    assert result.verdict == "differs"
    best = result.matches[0]
    assert "absolute immunity" in best.text and best.mode == "reported"
    assert any(d.startswith("reported, not said") and "“absolute immunity”" in d for d in best.differences)
    # His later denial is shown beside it.
    assert any("That’s absurd" in m.text for m in result.matches[1:])
    assert_verbatim(engine, result)


def test_words_of_someone_else_differ(engine):
    result = engine.verify("Bush said we define ourselves as a nation of immigrants")
    assert result.verdict == "differs"
    assert result.matches[0].speaker == "Barack Obama"
    assert any("different speaker" in d for d in result.matches[0].differences)


def test_small_changes_are_close(engine):
    result = engine.verify("Vance said 99 percent of ICE officers are doing the right thing")
    assert result.verdict == "close"
    assert "99% of our ICE officers are doing the right thing" in result.matches[0].text
    assert result.matches[0].differences == ["missing from the claim: “our”"]


@pytest.mark.parametrize(
    "claim",
    [
        "Obama said the moon is made of cheese and we will tax it",
        "Vance said ICE officers should be abolished",
        "Bush said the stock market will double next year",
    ],
)
def test_an_invented_quote_is_not_found(engine, claim):
    result = engine.verify(claim)
    assert result.verdict == "not_found"
    assert result.matches == []


def test_empty_claims_are_refused(engine):
    with pytest.raises(EmptyQuestion):
        engine.verify("  \n ")


def test_cli_json_and_text(engine):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "CHROMA_", "DISCORD_"))}
    base = [sys.executable, "-m", "bot.cli", "verify", "--corpus", str(engine.corpus_dir), "--index", str(engine.store.dir)]
    result = subprocess.run([*base, "--json", "Vance said ICE officers have absolute immunity"], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["claim"] == "Vance said ICE officers have absolute immunity"
    assert data["verdict"] == "differs"
    for match in data["matches"]:
        assert set(match) >= MATCH_KEYS
        assert isinstance(match["differences"], list)

    text = subprocess.run([*base, "Obama said the moon is made of cheese"], capture_output=True, text=True, env=env, timeout=600)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Not found")

    empty = subprocess.run([*base, " "], capture_output=True, text=True, env=env, timeout=600)
    assert empty.returncode == 2
    assert empty.stderr.startswith("error: ") and empty.stderr.count("\n") == 1


def test_one_changed_word_of_substance_is_not_close(engine):
    result = engine.verify("Bush said our economy continues to face serious opportunities")
    assert result.verdict == "differs"
    assert result.matches[0].text == "Our economy continues to face serious challenges."
    assert any("“challenges”" in d and "“opportunities”" in d for d in result.matches[0].differences)
