"""`policybot ask` and `ingest` as a user runs them: real processes, the real model, a real Chroma directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DISCIPLINE, SEED_FILE, SEEDS

POLICYBOT = [sys.executable, "-m", "bot.cli"]
QUOTE_KEYS = {"text", "source", "start", "end", "title", "outlet", "url", "published", "speaker", "score"}


def run(*args: str, stdin: str | None = None, cwd: Path | None = None, env_extra: dict | None = None):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "CHROMA_", "DISCORD_"))}
    env.update(env_extra or {})
    return subprocess.run(
        [*POLICYBOT, *args], input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One index over the seed corpus, built through the CLI, shared by the tests that only read it."""
    base = tmp_path_factory.mktemp("cli")
    corpus = base / "corpus"
    shutil.copytree(SEEDS, corpus)
    index = base / "index"
    result = run("ingest", "--corpus", str(corpus), "--index", str(index), "--json")
    assert result.returncode == 0, result.stderr
    return corpus, index, json.loads(result.stdout)


def _decoded(corpus: Path, source: str) -> str:
    raw = (corpus / source).read_bytes()
    return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")


def test_ask_json_contract_and_discipline_first(built):
    corpus, index, report = built
    assert report["documents"] == 1 and report["passages"] > 5
    result = run("ask", "--json", "--corpus", str(corpus), "--index", str(index), "what did Vance say about discipline?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "abstained", "quotes", "nearest"} and answer["nearest"] == []
    assert answer["question"] == "what did Vance say about discipline?"
    assert answer["abstained"] is False
    assert 1 <= len(answer["quotes"]) <= 3
    assert DISCIPLINE in answer["quotes"][0]["text"]
    for quote in answer["quotes"]:
        assert set(quote) == QUOTE_KEYS
        assert quote["source"] == SEED_FILE
        assert _decoded(corpus, quote["source"])[quote["start"] : quote["end"]] == quote["text"]
        assert quote["outlet"] == "Washington Examiner"
        assert isinstance(quote["score"], float)
    assert "Vance" in answer["quotes"][0]["speaker"]


def test_ask_batch_mode_reads_stdin(built):
    corpus, index, _ = built
    questions = "what did Vance say about discipline?\nWhat did Vance say about immunity?\n\nwhat is the boiling point of tin?\n"
    result = run("ask", "-", "--corpus", str(corpus), "--index", str(index), stdin=questions)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in lines] == [
        "what did Vance say about discipline?",
        "What did Vance say about immunity?",
        "what is the boiling point of tin?",
    ]
    assert lines[1]["quotes"] and "immunity" in lines[1]["quotes"][0]["text"]
    assert lines[2]["abstained"] is True and lines[2]["quotes"] == []


def test_ask_text_output_cites(built):
    corpus, index, _ = built
    result = run("ask", "--corpus", str(corpus), "--index", str(index), "--top", "1", "what did Vance say about discipline?")
    assert result.returncode == 0, result.stderr
    assert DISCIPLINE in result.stdout
    assert "Washington Examiner" in result.stdout and "¶" in result.stdout


@pytest.mark.parametrize("question", ["", "   \t "])
def test_empty_question_is_one_line_exit_2(question, tmp_path):
    result = run("ask", question, "--index", str(tmp_path / "i"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_corpus_is_one_line_exit_2(tmp_path):
    result = run("ask", "anything?", "--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "i"))
    assert result.returncode == 2
    assert "corpus directory not found" in result.stderr and "Traceback" not in result.stderr


def test_unreadable_corpus_is_one_line_exit_2(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "blank.txt").write_text("   \n")
    (corpus / "binary.txt").write_bytes(b"\x00\x01")
    result = run("ask", "anything?", "--corpus", str(corpus), "--index", str(tmp_path / "i"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no readable documents" in errors[0] and "binary.txt" in errors[0]


def test_index_built_with_another_model_is_refused(built, tmp_path):
    corpus, index, _ = built
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    current = json.loads((copy / "CURRENT").read_text())["generation"]
    meta_path = copy / current / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["model"] = "some-other/model"
    meta_path.write_text(json.dumps(meta))
    result = run("ask", "what did Vance say?", "--corpus", str(corpus), "--index", str(copy))
    assert result.returncode == 2
    assert "some-other/model" in result.stderr and "Traceback" not in result.stderr
