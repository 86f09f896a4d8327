"""`policybot add`, `remove`, `restore` and `audit` as a user runs them, with their --json reports."""

from __future__ import annotations

import json
import shutil

import yaml

from .article_server import FERRY_CANONICAL, FERRY_TITLE, PDF_PARAGRAPHS, PDF_QUOTE, PDF_TITLE, article_server, pdf_bytes
from .conftest import SEED_FILE, SEEDS
from .test_cli import run

RELOAD_KEYS = {"added", "changed", "removed", "unchanged", "skipped", "embedded_passages", "documents", "passages", "seconds"}
TEST_ONLY = {"POLICYBOT_ALLOW_PRIVATE_URLS": "true"}


def test_add_remove_restore_and_audit_from_the_command_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / SEED_FILE, corpus / SEED_FILE)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]

    with article_server() as server:
        result = run("add", server.url("/go/night-ferry"), *where, "--json", env_extra=TEST_ONLY)
        assert result.returncode == 0, result.stderr
        added = json.loads(result.stdout)
        assert set(added) == {"action", "source", "title", "outlet", "url", "published", "author", "speaker", "passages", "speakers", "reload"}
        assert added["action"] == "add" and added["title"] == FERRY_TITLE
        assert (added["outlet"], added["url"], added["published"], added["author"]) == ("Riverton Herald", FERRY_CANONICAL, "2025-03-11", "Lena Brooks")
        assert added["source"] == "added/2025-03-11-riverton-council-backs-a-night-ferry-across-the-estuary.md"
        assert {"name": "Dana Whitfield", "statements": 2} in added["speakers"]
        assert set(added["reload"]) == RELOAD_KEYS and added["reload"]["added"] == 1

        # The same page again: refused, one line, exit 2. Without the test-only setting, 127.0.0.1 is refused.
        again = run("add", server.url("/news/night-ferry"), *where, "--json", env_extra=TEST_ONLY)
        assert again.returncode == 2 and "Traceback" not in again.stderr
        assert f"error: {FERRY_CANONICAL} is already in the corpus as {added['source']}" in again.stderr
        closed = run("add", server.url("/news/night-ferry"), *where)
        assert closed.returncode == 2 and "127.0.0.1 is a loopback address" in closed.stderr
        # The second fetch found the page's canonical URL already stored; the refused one never connected.
        assert server.hits == ["/go/night-ferry", "/news/night-ferry", "/news/night-ferry"]

    pdf = tmp_path / "wall.pdf"
    pdf.write_bytes(pdf_bytes(PDF_TITLE, PDF_PARAGRAPHS))
    result = run(
        "add", str(pdf), *where, "--json",
        "--title", "Harbour Board: wall repairs", "--outlet", "Harbour Board", "--published", "2025-04-02",
        "--url", "https://harbour-board.example/wall",
    )
    assert result.returncode == 0, result.stderr
    from_pdf = json.loads(result.stdout)
    assert from_pdf["source"] == "added/2025-04-02-harbour-board-wall-repairs.md"
    stored = (corpus / from_pdf["source"]).read_text(encoding="utf-8")
    meta = yaml.safe_load(stored.split("---\n")[1])
    assert meta == {"title": "Harbour Board: wall repairs", "outlet": "Harbour Board", "url": "https://harbour-board.example/wall", "published": "2025-04-02"}
    assert PDF_QUOTE in stored

    answer = json.loads(run("ask", "What did Ingrid Holm say about the harbour wall?", *where, "--json").stdout)
    assert answer["quotes"] and answer["quotes"][0]["source"] == from_pdf["source"]
    assert stored[answer["quotes"][0]["start"] : answer["quotes"][0]["end"]] == answer["quotes"][0]["text"]

    result = run("remove", from_pdf["source"], *where, "--json")
    assert result.returncode == 0, result.stderr
    removed = json.loads(result.stdout)
    assert set(removed) == {"action", "source", "title", "kept_at", "reload"}
    assert removed["action"] == "remove" and removed["reload"]["removed"] == 1
    assert not (corpus / from_pdf["source"]).exists()
    assert (tmp_path / "index" / removed["kept_at"]).read_text(encoding="utf-8") == stored

    result = run("restore", from_pdf["source"], *where, "--json")
    assert result.returncode == 0, result.stderr
    restored = json.loads(result.stdout)
    assert (restored["action"], restored["source"], restored["kept_at"]) == ("restore", from_pdf["source"], removed["kept_at"])
    assert (corpus / from_pdf["source"]).read_text(encoding="utf-8") == stored

    log = json.loads(run("audit", *where, "--json").stdout)
    assert [(e["action"], e["outcome"]) for e in log] == [
        ("add", "ok"), ("add", "refused"), ("add", "refused"), ("add", "ok"), ("remove", "ok"), ("restore", "ok"),
    ]
    for entry in log:
        assert set(entry) == {"at", "action", "user_id", "user", "what", "source", "outcome", "message"}
        assert entry["user"] == "cli" and entry["user_id"] is None
    assert log[3]["what"] == str(pdf) and log[3]["source"] == from_pdf["source"]
    text = run("audit", *where)
    assert text.returncode == 0 and text.stdout.count("\n") >= len(log) and "refused" in text.stdout
