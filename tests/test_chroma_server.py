"""Server mode: the same ingest and ask against a real `chroma run` on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import DISCIPLINE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    log = open(tmp_path / "chroma.log", "w")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("chroma run did not start listening")
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_ingest_and_ask_against_a_chroma_server(chroma_server, corpus, make_engine, tmp_path):
    import chromadb

    engine = make_engine(corpus, chroma_host="127.0.0.1", chroma_port=chroma_server)
    report = engine.ingest()
    assert report.documents == 5 and report.embedded_passages == report.passages > 0
    # The vectors live on the server, not in the index directory.
    assert not list((tmp_path / "index").glob("g*/chroma"))
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    names = [c.name for c in client.list_collections()]
    assert len(names) == 1 and names[0].startswith("policybot-")
    assert client.get_collection(names[0]).count() == report.passages

    answer = engine.ask("what did Vance say about discipline?")
    assert not answer.abstained and DISCIPLINE in answer.quotes[0].text

    # A changed corpus makes a new generation on the server; the old one is kept one round, then removed.
    (corpus / "extra.txt").write_text("Extra notes\n\n“We will plant a million trees,” the mayor said.\n")
    engine.ingest()
    (corpus / "extra.txt").unlink()
    engine.ingest()
    assert len(client.list_collections()) == 2
