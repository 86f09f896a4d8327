"""The curation engine on its own: fetch safety rules, limits, safe file names, duplicates and rollback."""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
import sys

import pytest

from retrieval import curation, errors
from retrieval.articles import pdf_paragraphs
from retrieval.audit import Actor
from retrieval.curation import Curator, Overrides, slugify
from retrieval.fetch import FetchLimits, address_problem, fetch
from retrieval.index import LOCK

from .article_server import FERRY_HTML, PLAIN_TEXT, _send, article_server
from .conftest import SEED_FILE, SEEDS

LOCAL = FetchLimits(max_bytes=200_000, allow_loopback=True)


@pytest.fixture
def curator(tmp_path, make_engine):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / SEED_FILE, corpus / SEED_FILE)
    engine = make_engine(corpus, tmp_path / "index")
    engine.load()
    return Curator(engine, LOCAL)


def state(curator: Curator) -> tuple[dict, str]:
    corpus = curator.corpus
    files = {p.relative_to(corpus).as_posix(): p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file()}
    return files, (curator.engine.store.dir / "CURRENT").read_text()


@pytest.mark.parametrize(
    "address, problem",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("::ffff:10.0.0.1", "private"),  # an IPv4 address dressed as IPv6
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_only_public_addresses_pass(address, problem):
    assert address_problem(ipaddress.ip_address(address)) == problem


def test_the_test_setting_lets_loopback_through_and_nothing_else():
    assert address_problem(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert address_problem(ipaddress.ip_address("10.0.0.1"), allow_loopback=True) == "private"
    assert address_problem(ipaddress.ip_address("169.254.169.254"), allow_loopback=True) == "link-local"


def test_loopback_is_refused_unless_the_test_setting_is_on():
    with article_server() as server:
        with pytest.raises(errors.UnsafeURL, match="127.0.0.1 is a loopback address"):
            fetch(server.url("/news/night-ferry"), FetchLimits(max_bytes=200_000))
        with pytest.raises(errors.UnsafeURL, match="localhost resolves to .*loopback"):
            fetch(server.url("/news/night-ferry").replace("127.0.0.1", "localhost"), FetchLimits(max_bytes=200_000))
        assert server.hits == []
        assert fetch(server.url("/news/night-ferry"), LOCAL).body == FERRY_HTML.encode()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt", "gopher://x", "//example.org/a", "http://user:pw@example.org/"])
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(errors.UnsafeURL):
        fetch(url, LOCAL)


def test_the_time_limit_covers_the_whole_download():
    # The server sends a byte every 50 ms: each read is quick, the whole is not.
    with article_server() as server:
        with pytest.raises(errors.FetchFailed, match="took longer than 0.5 s"):
            fetch(server.url("/slow"), FetchLimits(max_bytes=200_000, seconds=0.5, allow_loopback=True))


def test_redirects_are_followed_and_the_final_address_kept():
    with article_server() as server:
        download = fetch(server.url("/go/night-ferry"), LOCAL)
    assert download.final_url == server.url("/news/night-ferry") and download.content_type == "text/html"
    assert server.hits == ["/go/night-ferry", "/news/night-ferry"]


def test_too_many_redirects():
    loop = {"/loop": _send(302, "text/html", b"", {"Location": "/loop"})}
    with article_server(loop) as server:
        with pytest.raises(errors.FetchFailed, match="redirects more than 5 times"):
            fetch(server.url("/loop"), LOCAL)
        assert len(server.hits) == 6


def test_slugs_are_safe_file_names():
    assert slugify("Vance: “absolute immunity”? No.") == "vance-absolute-immunity-no"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify(".env") == "env"
    assert slugify("Żółć über café") == "zoc-uber-cafe"
    assert slugify("!!!") == "source"
    assert len(slugify("word " * 40)) <= curation.SLUG_CHARS


def test_pdf_lines_are_joined_into_paragraphs():
    page = (
        "A short heading\n"
        "The council met on Monday to discuss the new ferry and agreed that the service\n"
        "would start in the autumn.\n"
        "Officials said the cost was covered by a grant from the regional transport\n"
        "fund.\n"
    )
    assert pdf_paragraphs(page) == [
        "A short heading",
        "The council met on Monday to discuss the new ferry and agreed that the service would start in the autumn.",
        "Officials said the cost was covered by a grant from the regional transport fund.",
    ]


def test_a_file_with_the_same_name_is_never_overwritten(curator, tmp_path):
    first = tmp_path / "a.txt"
    first.write_text("Ferry news\n\nThe ferry will run at night from October, the mayor said on Monday.\n")
    second = tmp_path / "b.txt"
    second.write_text("Ferry news\n\nThe council has not yet voted on the night ferry budget, a spokesman said.\n")
    one = curator.add_file(first, Overrides(published="2025-03-01"))
    two = curator.add_file(second, Overrides(published="2025-03-01"))
    assert one.source == "added/2025-03-01-ferry-news.md"
    assert two.source == "added/2025-03-01-ferry-news-2.md"
    assert "mayor said" in (curator.corpus / one.source).read_text()


def test_uploaded_names_cannot_leave_the_corpus_or_hide(curator):
    with article_server({"/upload": _send(200, "text/plain", PLAIN_TEXT.encode())}) as server:
        added = curator.add_download(server.url("/upload"), "../../.hidden.txt", None)
    assert added.source == "added/" + added.source.removeprefix("added/")
    assert "/" not in added.source.removeprefix("added/") and not added.source.removeprefix("added/").startswith(".")
    assert added.title == "Library hours to grow"


def test_overrides_are_checked(curator, tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Title\n\nThe mayor said the ferry would run every night from October.\n")
    before = state(curator)
    with pytest.raises(errors.SourceRefused, match="published must be a date"):
        curator.add_file(page, Overrides(published="last Tuesday"))
    with pytest.raises(errors.SourceRefused, match="url must be an http or https link"):
        curator.add_file(page, Overrides(url="javascript:alert(1)"))
    with pytest.raises(errors.UnsupportedContent, match=r"\.docx"):
        curator.add_file(tmp_path / "notes.docx")
    with pytest.raises(errors.TooLarge):
        big = tmp_path / "big.txt"
        big.write_text("word " * 100_000)
        curator.add_file(big)
    assert state(curator) == before


def test_a_failed_reload_takes_the_new_file_out_again(curator, tmp_path, monkeypatch):
    """Another process holds the reload lock past the wait: the add fails and nothing is left behind."""
    monkeypatch.setattr(curation, "RELOAD_WAIT", 0.3)
    before = state(curator)
    page = tmp_path / "p.txt"
    page.write_text("Ferry\n\nThe mayor said the ferry would run every night from October.\n")
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import fcntl, sys\n"
            f"f = open({str(curator.engine.store.dir / LOCK)!r}, 'a+')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n"
        )],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(errors.ReloadInProgress):
            curator.add_file(page)
        with pytest.raises(errors.ReloadInProgress):
            curator.remove(SEED_FILE)
    finally:
        holder.communicate("", timeout=10)
    assert state(curator) == before
    assert not list((curator.engine.store.dir / "removed").rglob("*.txt"))
    assert [(e.action, e.outcome) for e in curator.audit()] == [("add", "failed"), ("remove", "failed")]


def test_the_last_document_cannot_be_removed(curator):
    before = state(curator)
    with pytest.raises(errors.SourceRefused, match="cannot be removed: no readable documents"):
        curator.remove(SEED_FILE, Actor.discord(42, "mod"))
    assert state(curator) == before
    assert curator.removed() == []
    (entry,) = curator.audit()
    assert (entry.action, entry.outcome, entry.user_id, entry.user) == ("remove", "refused", "42", "mod")
