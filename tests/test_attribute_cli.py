"""`policybot attribute` and `policybot eval --attribution` as a user runs them: real processes, no index, no model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ARTICLE = (
    "Ministers defend bus cuts\n\n"
    "The government has defended cuts to rural bus services.\n\n"
    'Transport Secretary Jane Hale said: "We are putting money where the passengers are. '
    '"No village will be left without a service."\n\n'
    "Ruth Bellamy, of the Rural Buses Campaign, said the cuts would isolate older people.\n\n"
    "The changes take effect in April.\n"
)


def policybot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    (root / "news").mkdir(parents=True)
    (root / "news" / "buses.txt").write_bytes(ARTICLE.encode("utf-8"))
    return root


def test_attribute_json_is_one_object_per_file_with_verbatim_sentences(corpus, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text('The mayor spoke.\n\n"We will build it," said Mayor Tom Price.\n', encoding="utf-8")
    result = policybot("attribute", "--json", "--corpus", str(corpus), str(corpus / "news" / "buses.txt"), str(outside), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["source"] == "news/buses.txt"  # relative to --corpus
    assert second["source"] == "elsewhere.txt"
    text = (corpus / "news" / "buses.txt").read_bytes().decode("utf-8")
    for row in first["sentences"]:
        assert set(row) == {"text", "start", "end", "speaker", "mode"}
        assert row["text"] == text[row["start"] : row["end"]]
        assert row["mode"] in ("direct", "reported", "none")
    by_text = {row["text"]: row for row in first["sentences"]}
    village = next(row for t, row in by_text.items() if "No village" in t)
    assert (village["speaker"], village["mode"]) == ("Jane Hale", "direct")
    isolate = next(row for t, row in by_text.items() if "isolate older people" in t)
    assert (isolate["speaker"], isolate["mode"]) == ("Ruth Bellamy", "reported")
    april = next(row for t, row in by_text.items() if "April" in t)
    assert (april["speaker"], april["mode"]) == (None, "none")
    assert any(row["speaker"] == "Tom Price" and row["mode"] == "direct" for row in second["sentences"])


def test_attribute_plain_output_summarises_who_says_how_much(corpus, tmp_path):
    result = policybot("attribute", "--corpus", str(corpus), str(corpus / "news" / "buses.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Jane Hale: 2 direct, 0 reported" in result.stdout
    assert "Ruth Bellamy: 0 direct, 1 reported" in result.stdout


def test_attribute_a_missing_file_is_one_clear_line(tmp_path):
    result = policybot("attribute", str(tmp_path / "nope.txt"), cwd=tmp_path)
    assert result.returncode == 2
    assert "not a file" in result.stderr and "Traceback" not in result.stderr


def test_eval_attribution_scores_an_invented_gold_file(corpus, tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "g1", "doc": "news/buses.txt", "text": "No village will be left without a service.", "speaker": "Jane Hale", "mode": "direct"},
        {"id": "g2", "doc": "news/buses.txt", "text": "Ruth Bellamy, of the Rural Buses Campaign, said the cuts would isolate older people.", "speaker": "Ruth Bellamy", "mode": "reported"},
        {"id": "g3", "doc": "news/buses.txt", "text": "The changes take effect in April.", "speaker": None, "mode": "none"},
        # a deliberately wrong label: the scorer must count it as a wrong speaker and a mode miss
        {"id": "g4", "doc": "news/buses.txt", "text": "We are putting money where the passengers are.", "speaker": "Ruth Bellamy", "mode": "reported"},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = policybot("eval", "--attribution", str(gold), "--corpus", str(corpus), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rows"] == 4
    assert report["speaker_accuracy"] == pytest.approx(2 / 3, abs=0.001)
    assert report["wrong_speaker"] == pytest.approx(1 / 3, abs=0.001)
    assert report["narration"] == 1.0
    assert report["mode_accuracy"] == 0.75
    assert [miss["id"] for miss in report["misses"]] == ["g4"]
    verbose = policybot("eval", "--attribution", str(gold), "--corpus", str(corpus), "-v", cwd=tmp_path)
    assert "g4 news/buses.txt" in verbose.stdout and "WRONG SPEAKER" in verbose.stdout


def test_eval_attribution_names_a_bad_gold_row(corpus, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "g1", "doc": "news/buses.txt"}\n', encoding="utf-8")
    result = policybot("eval", "--attribution", str(gold), "--corpus", str(corpus), cwd=tmp_path)
    assert result.returncode == 2
    assert "gold.jsonl:1" in result.stderr
