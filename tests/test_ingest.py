"""Incremental ingest with the real model and a real Chroma directory: what is embedded, what is reported, what is skipped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from retrieval.chunking import chunk_document
from retrieval.documents import load_corpus
from retrieval.errors import CorpusError

from .conftest import DISCIPLINE, SEED_FILE, SEEDS

TREES = "Tree plan\n\n“We will plant ten thousand oak trees along every avenue in the city,” the mayor said.\n"


SMALL = {
    "2024-02-01-library-hours.txt": (
        "---\ntitle: Libraries to open on Sundays\noutlet: Northfield Courier\npublished: 2024-02-01\n---\n"
        "Every branch library in Northfield will open on Sundays from April, the council leader announced.\n\n"
        "“Reading should not stop at the weekend,” council leader Amara Lind said. "
        "“We will fund the extra hours from the arts budget.”\n"
    ),
    "2024-02-08-bus-fares.md": (
        "Bus fares frozen for a year\n\n"
        "Transport chief Colin Marsh said fares on every city bus route would be frozen until next spring.\n\n"
        "“Nobody should have to choose between the bus and their lunch,” Mr Marsh said.\n"
    ),
    "2024-02-15-school-meals.txt": (
        "Free school meals extended\n\n"
        "“Every child in our primary schools will get a hot lunch, free, from September,” "
        "education secretary Dana Whitfield told parents.\n\n"
        "The scheme will cost four million pounds a year.\n"
    ),
}


def write_small_corpus(root):
    """The seed article and three short articles: a corpus that embeds in seconds."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEEDS / SEED_FILE, root / SEED_FILE)
    (root / SEED_FILE).chmod(0o644)
    for name, text in SMALL.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def small(tmp_path):
    return write_small_corpus(tmp_path / "small")


def _gen_dirs(index):
    return sorted(p.name for p in index.iterdir() if p.is_dir() and p.name.startswith("g"))


def _current(index):
    return json.loads((index / "CURRENT").read_text())["generation"]


def _passages_of(root, *sources):
    docs, _ = load_corpus(root)
    return sum(len(chunk_document(d).passages) for d in docs if d.source in sources)


def test_unchanged_corpus_embeds_nothing_and_is_not_parsed_again(small, make_engine, tmp_path, monkeypatch):
    engine = make_engine(small)
    first = engine.ingest()
    assert (first.added, first.changed, first.removed, first.unchanged) == (4, 0, 0, 0)
    assert first.embedded_passages == first.passages > 0 and first.documents == 4

    # Unchanged files are hashed, not parsed or embedded again.
    import retrieval.documents as documents

    def no_parse(*args, **kwargs):
        raise AssertionError("an unchanged document was parsed again")

    monkeypatch.setattr(documents, "parse_text", no_parse)
    monkeypatch.setattr(engine.embedder, "encode", no_parse)
    second = engine.ingest()
    assert second.to_json() | {"seconds": 0} == {
        "added": 0, "changed": 0, "removed": 0, "unchanged": 4, "skipped": [],
        "embedded_passages": 0, "documents": 4, "passages": first.passages, "seconds": 0,
    }
    assert second.generation == first.generation
    assert _gen_dirs(tmp_path / "index") == [first.generation]


def test_edit_add_delete_are_reported_exactly(small, make_engine, tmp_path):
    engine = make_engine(small)
    first = engine.ingest()
    engine.load()
    names = sorted(p.name for p in small.iterdir() if p.name != SEED_FILE)
    edited, deleted = names[0], names[1]
    with open(small / edited, "a", encoding="utf-8") as fh:
        fh.write("\nWe will also build a new bridge across the estuary, and we will finish it this decade.\n")
    (small / deleted).unlink()
    (small / "trees.txt").write_text(TREES, encoding="utf-8")

    report = engine.ingest()
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 1, 1, 2)
    assert report.skipped == []
    assert report.embedded_passages == _passages_of(small, edited, "trees.txt")
    assert report.documents == 4
    gen = engine.generation
    assert gen.name == report.generation != first.generation
    assert deleted not in gen.documents and "trees.txt" in gen.documents
    assert all(p.source != deleted for p in gen.passages)
    assert gen.collection.count() == len(gen.passages) == report.passages

    answer = engine.ask("what did the mayor say about planting trees?")
    assert answer.generation == gen.name
    assert answer.quotes[0].source == "trees.txt" and "oak trees" in answer.quotes[0].text
    bridge = engine.ask("a new bridge across the estuary this decade")
    assert bridge.quotes and bridge.quotes[0].source == edited
    # The replaced generation is kept one round; the next reload removes it, now that nothing answers from it.
    assert _gen_dirs(tmp_path / "index") == sorted([first.generation, gen.name])
    (small / "trees.txt").unlink()
    third = engine.ingest()
    assert (third.removed, third.embedded_passages) == (1, 0)
    assert _gen_dirs(tmp_path / "index") == sorted([gen.name, third.generation])


def test_quotes_are_verbatim_against_the_text_as_ingested(small, make_engine, tmp_path):
    engine = make_engine(small)
    engine.ingest()
    stored = engine.generation.documents[SEED_FILE].text
    # The file changes on disk, but nobody reloads: answers still quote what was ingested.
    (small / SEED_FILE).write_text("Rewritten\n\nNothing about discipline here any more.\n", encoding="utf-8")
    answer = engine.ask("what did Vance say about discipline?")
    assert DISCIPLINE in answer.quotes[0].text
    for quote in answer.quotes:
        text = engine.generation.documents[quote.source].text
        assert text[quote.start : quote.end] == quote.text
    assert engine.generation.documents[SEED_FILE].text == stored
    saved = json.loads((tmp_path / "index" / answer.generation / "documents.json").read_text(encoding="utf-8"))
    assert {d["source"]: d["text"] for d in saved}[SEED_FILE] == stored


def test_chunker_change_triggers_a_full_rebuild_with_a_notice(small, make_engine, monkeypatch):
    engine = make_engine(small)
    first = engine.ingest()
    import retrieval.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "CHUNKER_VERSION", "test-next")
    report = engine.ingest()
    assert report.notice and "full rebuild" in report.notice and "test-next" in report.notice
    assert report.embedded_passages == report.passages == first.passages
    assert report.added == 4 and report.unchanged == 0


def test_an_index_built_by_another_chunker_is_rebuilt_when_opened(small, make_engine, monkeypatch, caplog):
    make_engine(small).ingest()
    import retrieval.engine as engine_module
    import retrieval.ingest as ingest_module

    # A newer policybot opening the index an older one built: stale attribution must not be served.
    monkeypatch.setattr(ingest_module, "CHUNKER_VERSION", "test-next")
    monkeypatch.setattr(engine_module, "CHUNKER_VERSION", "test-next")
    with caplog.at_level("WARNING", logger="retrieval.engine"):
        generation = make_engine(small).generation
    assert generation.meta["chunker"] == "test-next"
    assert "rebuilding it with chunker test-next" in caplog.text


def test_each_bad_input_is_skipped_with_its_reason(small, make_engine, tmp_path):
    (small / "binary.txt").write_bytes(b"Title\n\nabc\x00def\n")
    (small / "empty.txt").write_bytes(b"")
    (small / "blank.md").write_text("  \n\t\n\n")
    (small / "big.txt").write_text("Big\n\n" + "All work and no play. " * 3000)
    (small / "undecodable.txt").write_bytes(b"Title\n\n\x81\x8d\x8f\x90 bytes\n")
    (small / "broken.md").write_text("---\ntitle: [unclosed\nnot a field line\n---\nBody text.\n")
    (small / "unclosed.md").write_text("---\ntitle: Nothing closes this\nBody text.\n")
    (small / "notes.pdf").write_bytes(b"%PDF-1.4")
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret\n\nNot part of the corpus.\n")
    os.symlink(outside, small / "link.txt")
    os.symlink(tmp_path, small / "linked-dir")

    report = make_engine(small, max_file_bytes=50_000).ingest()
    reasons = {s["source"]: s["reason"] for s in report.to_json()["skipped"]}
    assert reasons.keys() == {
        "binary.txt", "empty.txt", "blank.md", "big.txt", "undecodable.txt", "broken.md", "unclosed.md",
        "notes.pdf", "link.txt", "linked-dir",
    }
    assert "NUL" in reasons["binary.txt"]
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.md"]
    assert "larger than the 0.05 MB cap" in reasons["big.txt"] and "POLICYBOT_MAX_FILE_MB" in reasons["big.txt"]
    assert "decoded" in reasons["undecodable.txt"]
    # The YAML parser's own message, on one line.
    assert reasons["broken.md"].startswith("broken front matter:") and "flow sequence" in reasons["broken.md"]
    assert "\n" not in reasons["broken.md"] and "expected ',' or ']'" in reasons["broken.md"]
    assert "broken front matter" in reasons["unclosed.md"]
    assert "unsupported file type .pdf" in reasons["notes.pdf"]
    assert "symlink leaves the corpus root" in reasons["link.txt"] and "symlink leaves" in reasons["linked-dir"]
    # The rest of the corpus still loads.
    assert report.added == report.documents == 4


def test_a_reload_with_nothing_readable_keeps_the_previous_generation(small, make_engine, tmp_path):
    engine = make_engine(small)
    first = engine.ingest()
    for path in list(small.iterdir()):
        path.write_bytes(b"\x00\x01binary now")
    report = engine.ingest()
    assert report.generation == first.generation
    assert report.notice and "no readable documents" in report.notice and "kept" in report.notice
    assert len(report.skipped) == 4 and all("NUL" in s.reason for s in report.skipped)
    assert (report.documents, report.passages) == (first.documents, first.passages)
    assert _current(tmp_path / "index") == first.generation
    answer = engine.ask("what did Vance say about discipline?")
    assert answer.generation == first.generation and DISCIPLINE in answer.quotes[0].text

    # With no previous generation there is nothing to keep: a clear error.
    with pytest.raises(CorpusError, match="no readable documents"):
        make_engine(small, tmp_path / "other-index").ingest()


def test_crash_leftovers_and_a_broken_pointer_are_recovered(small, make_engine, tmp_path):
    index = tmp_path / "index"
    first = make_engine(small).ingest()
    # What a build killed mid-write leaves: a directory without meta.json, and a half-removed one.
    (index / "g000002-aaaaaa" / "chroma").mkdir(parents=True)
    (index / "g000002-aaaaaa" / "documents.json").write_text("[")
    (index / ".trash-g000000-bbbbbb").mkdir()
    (index / "CURRENT.tmp").write_text('{"gen')
    engine = make_engine(small)
    assert engine.ask("what did Vance say about discipline?").generation == first.generation
    (small / "trees.txt").write_text(TREES, encoding="utf-8")
    report = engine.ingest()
    assert report.added == 1 and report.embedded_passages == _passages_of(small, "trees.txt")
    assert report.generation != "g000002-aaaaaa"  # names are never reused
    assert _gen_dirs(index) == sorted([first.generation, report.generation])  # the replaced one is kept a round
    assert not list(index.glob(".trash-*"))

    # CURRENT names a generation deleted by hand: the last complete one answers, and the next ingest repairs it.
    shutil.rmtree(index / report.generation)
    engine = make_engine(small)
    assert engine.ask("what did Vance say about discipline?").generation == first.generation
    repaired = engine.ingest()
    assert repaired.added == 1 and _current(index) == repaired.generation

    # Nothing complete left at all: the next engine rebuilds from the corpus and answers.
    for name in _gen_dirs(index):
        shutil.rmtree(index / name)
    engine = make_engine(small)
    answer = engine.ask("what did the mayor say about planting trees?")
    assert answer.quotes[0].source == "trees.txt"
    assert _current(index) == answer.generation and _gen_dirs(index) == [answer.generation]

    # An unreadable CURRENT with a complete generation beside it: that generation answers,
    # and an unchanged re-ingest repairs the pointer without embedding anything.
    (index / "CURRENT").write_text("garbage")
    engine = make_engine(small)
    assert engine.ask("what did Vance say about discipline?").generation == answer.generation
    again = engine.ingest()
    assert again.embedded_passages == 0 and _current(index) == answer.generation


def test_cli_ingest_json_report_and_file_size_setting(small, tmp_path):
    (small / "big.txt").write_text("Big\n\n" + "Words and more words. " * 2000)  # 44 kB
    (small / "broken.md").write_text("---\ntitle: [unclosed\nnot a field line\n---\nBody.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "CHROMA_", "DISCORD_"))}
    env["POLICYBOT_MAX_FILE_MB"] = "0.03"
    args = [sys.executable, "-m", "bot.cli", "ingest", "--corpus", str(small), "--index", str(tmp_path / "i"), "--json"]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert list(report) == [
        "added", "changed", "removed", "unchanged", "skipped", "embedded_passages", "documents", "passages", "seconds",
    ]
    assert (report["added"], report["documents"]) == (4, 4)
    assert {s["source"] for s in report["skipped"]} == {"big.txt", "broken.md"}
    big = next(s for s in report["skipped"] if s["source"] == "big.txt")
    assert "larger than the 0.03 MB cap" in big["reason"]
    assert isinstance(report["seconds"], float) and report["embedded_passages"] == report["passages"] > 0


def test_vector_writer_child_reports_a_failed_build(tmp_path):
    from retrieval.index import _VectorWriter

    writer = _VectorWriter()
    try:
        with pytest.raises(RuntimeError, match="writing the vector index of g000009 failed"):
            writer.write(tmp_path / "missing-generation", "g000009")
    finally:
        writer.close()
    assert writer.process.returncode not in (None, 0)


def test_an_abandoned_vector_writer_exits(tmp_path):
    from retrieval.index import _VectorWriter

    writer = _VectorWriter()
    writer.close()  # the build failed before its vectors were ready
    assert writer.process.poll() is not None
