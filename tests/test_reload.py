"""Reloads under load and under crashes: readers see one whole generation, kill -9 loses nothing, one reload at a time."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from retrieval.errors import ReloadInProgress

from .conftest import DISCIPLINE, ROOT
from .test_ingest import write_small_corpus

MINUTES = "Council minutes\n\n" + "\n\n".join(
    f"Item {n}: the committee agreed that the {topic} would be reviewed again in the spring."
    for n, topic in enumerate(
        ["harbour wall", "tram depot", "park lighting", "market roof", "swimming pool", "cycle lanes",
         "town hall clock", "river ferry", "housing register", "allotment rents"], 1
    )
) + "\n"

# Killed by its own progress callback, or right after a write step: the test decides when, retrieval reads nothing.
KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path

import retrieval.ingest as ingest_module
import retrieval.lexical as lexical
from retrieval.engine import Engine

corpus, index, phase = sys.argv[1:4]

def die():
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)

progress = None
if phase == "embedding":
    ingest_module.EMBED_BATCH = 4

    def progress(done, total):
        if done > 0:
            print(f"killed at {done}/{total}")
            die()
else:
    save = lexical.Lexical.save

    def save_then_die(self, path):
        save(self, path)
        print("killed while writing the generation")
        die()

    lexical.Lexical.save = save_then_die
Engine(Path(corpus), Path(index)).ingest(progress=progress)
print("not killed")
"""


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "CHROMA_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _current(index):
    return json.loads((index / "CURRENT").read_text())["generation"]


def _gen_dirs(index):
    return sorted(p.name for p in index.iterdir() if p.is_dir() and p.name.startswith("g"))


def _ask_until(engine, question, generation, timeout=60.0):
    """Readers follow CURRENT in the background: ask until the answer comes from `generation`."""
    deadline = time.monotonic() + timeout
    while True:
        answer = engine.ask(question)
        if answer.generation == generation or time.monotonic() > deadline:
            assert answer.generation == generation
            return answer
        time.sleep(0.05)


def _trees(n: int) -> str:
    return f"Tree plan, version {n}\n\n“We will plant {n + 1} thousand oak trees along every avenue in the city,” the mayor said on day {n}.\n"


@pytest.mark.parametrize("phase", ["embedding", "writing"])
def test_kill_9_during_a_reload_keeps_the_last_generation_and_the_next_ingest_recovers(phase, make_engine, tmp_path):
    corpus = write_small_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    first = make_engine(corpus).ingest()
    (corpus / "minutes.txt").write_text(MINUTES, encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(corpus), str(index), phase],
        capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=600,
    )
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    if phase == "embedding":
        done, total = map(int, result.stdout.split("killed at ")[1].split("/"))
        assert 0 < done < total  # really in the middle of embedding
        assert _gen_dirs(index) == [first.generation]
    else:
        assert "killed while writing" in result.stdout
        partial = [name for name in _gen_dirs(index) if name != first.generation]
        assert len(partial) == 1 and not (index / partial[0] / "meta.json").exists()

    # The last complete generation still answers, in a fresh reader...
    assert _current(index) == first.generation
    reader = make_engine(corpus)
    answer = reader.ask("what did Vance say about discipline?")
    assert answer.generation == first.generation and DISCIPLINE in answer.quotes[0].text

    # ...the dead process's lock is gone, and the next ingest completes and removes the leftovers.
    report = make_engine(corpus).ingest()
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 0, 0, 4)
    assert report.embedded_passages == 10
    assert set(_gen_dirs(index)) == {first.generation, report.generation}  # the reader still holds the first
    # The reader follows CURRENT to the new generation, and the old one is removed by the next reload.
    answer = _ask_until(reader, "what did the committee agree about the tram depot?", report.generation)
    assert answer.quotes[0].source == "minutes.txt"
    (corpus / "minutes.txt").unlink()
    final = make_engine(corpus).ingest()
    assert final.removed == 1 and final.embedded_passages == 0
    # The first generation, no longer read by anyone, is gone; the one just replaced is kept a round.
    assert set(_gen_dirs(index)) == {report.generation, final.generation}


def test_readers_during_reloads_get_whole_answers_from_one_generation(make_engine, tmp_path, caplog):
    """A thread asks in a loop while the main thread reloads: zero errors, zero mixed generations."""
    corpus = write_small_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    (corpus / "trees.txt").write_text(_trees(0), encoding="utf-8")
    engine = make_engine(corpus)  # reloads, and answers (the bot)
    engine.ingest()
    engine.load()
    other = make_engine(corpus)  # another process's engine on the same index, following CURRENT
    stored: dict[str, dict[str, str]] = {}

    def remember():
        gen = engine.generation
        stored[gen.name] = {source: doc.text for source, doc in gen.documents.items()}

    remember()
    questions = [
        "what did the mayor say about planting oak trees?",
        "what did Vance say about discipline?",
        "what did Amara Lind say about libraries on Sundays?",
    ]
    answers, errors = [], []
    stop = threading.Event()

    def ask_in_a_loop():
        n = 0
        while not stop.is_set():
            try:
                for asker in (engine, other):
                    answers.append(asker.ask(questions[n % len(questions)]))
            except Exception as exc:  # noqa: BLE001 - every error fails the test
                errors.append(repr(exc))
            n += 1

    reader = threading.Thread(target=ask_in_a_loop)
    reader.start()
    try:
        for n in range(1, 5):
            (corpus / "trees.txt").write_text(_trees(n), encoding="utf-8")
            if n == 3:
                (corpus / "2024-02-08-bus-fares.md").unlink()
            report = engine.ingest()
            assert report.changed == 1 and report.embedded_passages == 1
            remember()
            seen = len(answers)
            deadline = time.monotonic() + 60
            while len(answers) < seen + 4 and time.monotonic() < deadline:
                time.sleep(0.05)  # let the readers answer from this generation too
    finally:
        stop.set()
        reader.join(120)
    assert errors == []
    # No reader failed to open a new generation (e.g. Chroma's client cache raced) and fell behind.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert len(stored) == 5
    generations_seen = {a.generation for a in answers}
    assert len(generations_seen) >= 3, generations_seen
    trees_quotes = 0
    for answer in answers:
        assert answer.generation in stored, answer.generation
        texts = stored[answer.generation]
        assert answer.quotes, answer.question
        for quote in answer.quotes:
            # Each quote is verbatim in the documents of the very generation that answered.
            assert quote.source in texts and texts[quote.source][quote.start : quote.end] == quote.text
            trees_quotes += quote.source == "trees.txt"
    assert trees_quotes > 0
    # Once the other reader has moved on, the next reload leaves only the new generation and the one it replaced.
    last = engine.generation.name
    _ask_until(other, questions[0], last)
    (corpus / "trees.txt").write_text(_trees(9), encoding="utf-8")
    newest = engine.ingest().generation
    assert _gen_dirs(index) == sorted([last, newest])


def test_a_second_concurrent_ingest_is_refused(make_engine, tmp_path):
    corpus = write_small_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    engine = make_engine(corpus)
    embedding, release = threading.Event(), threading.Event()
    results = []

    def slow_progress(done, total):
        embedding.set()
        release.wait(120)

    worker = threading.Thread(target=lambda: results.append(engine.ingest(progress=slow_progress)))
    worker.start()
    try:
        assert embedding.wait(300)
        # Another thread of the same process (the bot's /reload), through the same engine or another.
        for other in (engine, make_engine(corpus)):
            with pytest.raises(ReloadInProgress, match="a reload is already running"):
                other.ingest()
        # Another process: `policybot ingest` while the bot reloads.
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "ingest", "--corpus", str(corpus), "--index", str(index), "--json"],
            capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=600,
        )
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith("error: a reload is already running") and f"process {os.getpid()}" in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    finally:
        release.set()
        worker.join(300)
    assert results and results[0].added == 4
    assert engine.ingest().unchanged == 4  # the lock is free again
