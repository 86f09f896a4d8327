"""Loading and chunking: offsets index the decoded text, boilerplate is never quoted, bad files are explained."""

from __future__ import annotations

import os

import pytest

from retrieval.chunking import chunk_document
from retrieval.documents import load_corpus
from retrieval.errors import CorpusError

from .conftest import SEED_FILE, SEEDS


def _load_one(tmp_path, name: str, data: bytes):
    root = tmp_path / "c"
    root.mkdir(exist_ok=True)
    (root / name).write_bytes(data)
    docs, skipped = load_corpus(root)
    return docs, skipped


def _assert_invariant(doc):
    chunked = chunk_document(doc)
    assert chunked.passages, "expected at least one passage"
    for passage in chunked.passages:
        assert passage.text == doc.text[passage.start : passage.end]
        assert passage.text == passage.text.strip()
    for sentence in chunked.sentences:
        assert doc.text[sentence.start : sentence.end].strip()
    return chunked


@pytest.mark.parametrize(
    "name,data",
    [
        ("crlf.txt", "Title line\r\n\r\nThe minister said: \"We will act.\" She added more.\r\n\r\nA second paragraph, here.\r\n".encode()),
        ("bom.txt", b"\xef\xbb\xbfTitle\n\n\xe2\x80\x9cWe will act,\xe2\x80\x9d the minister said. Then nothing.\n"),
        ("cp1252.txt", "Title\n\n\u201cCosts rose by \u00a35m,\u201d she said \u2013 sharply.\n".encode("cp1252")),
        ("curly.md", "Title\n\n\u201cIt\u2019s absurd,\u201d he told reporters. \u2018Quite so,\u2019 said another.\n".encode()),
        ("one_line.txt", b"Just one line with a statement in it."),
    ],
)
def test_passages_index_the_decoded_text(tmp_path, name, data):
    docs, skipped = _load_one(tmp_path, name, data)
    assert not skipped
    (doc,) = docs
    _assert_invariant(doc)


def test_bom_is_stripped_and_cp1252_falls_back_with_warning(tmp_path, caplog):
    docs, _ = _load_one(tmp_path, "bom.txt", b"\xef\xbb\xbfHello title\n\nBody text here.\n")
    assert docs[0].text.startswith("Hello") and docs[0].title == "Hello title"
    with caplog.at_level("WARNING"):
        docs, _ = _load_one(tmp_path, "latin.txt", "Caf\u00e9 title\n\nThe caf\u00e9 said \u201chi\u201d.\n".encode("cp1252"))
    latin = [d for d in docs if d.source == "latin.txt"][0]
    assert "Caf\u00e9" in latin.text
    assert "latin.txt" in caplog.text and "cp1252" in caplog.text


def test_crlf_is_not_translated(tmp_path):
    docs, _ = _load_one(tmp_path, "crlf.txt", b"Title\r\n\r\nOne sentence here. Another one there.\r\n")
    assert "\r\n" in docs[0].text


def test_seed_front_matter_and_byte_identical_body():
    docs, skipped = load_corpus(SEEDS)
    assert not skipped
    (doc,) = docs
    assert doc.outlet == "Washington Examiner"
    assert doc.title.startswith("Vance: Trump administration will")
    assert doc.url is None and doc.published is None
    shared = SEEDS.parent.parent / "shared" / "seeds" / SEED_FILE
    if shared.exists():  # the developers' copy of the original; a user's clone has none
        assert (SEEDS / SEED_FILE).read_bytes().endswith(shared.read_bytes())


def test_seed_boilerplate_is_never_quoted():
    (doc,), _ = load_corpus(SEEDS)
    chunked = _assert_invariant(doc)
    quoted = " ".join(p.text for p in chunked.passages)
    assert "VANCE HITS HIS STRIDE" not in quoted
    assert "Related Content" not in quoted
    # The headline repeats the front-matter title: it is not a statement.
    assert not any(p.text.startswith("Vance: Trump administration will") for p in chunked.passages)
    assert any("disciplinary actions justified" in p.text for p in chunked.passages)


def test_front_matter_that_is_not_yaml_is_read_line_by_line(caplog):
    from retrieval.documents import parse_text

    text = (
        "---\n"
        'title: "Nobody waiting in pain cares whose name is on the building": Jane Roe on waiting lists\n'
        "speaker: Jane Roe\n"
        "published: 2024-05-02\n"
        "---\n\n"
        "Q: What about waiting lists?\nA: We will cut them.\n"
    )
    with caplog.at_level("WARNING", logger="retrieval.documents"):
        doc = parse_text(text, "2024-05-02-roe.txt")
    assert doc.title == '"Nobody waiting in pain cares whose name is on the building": Jane Roe on waiting lists'
    assert doc.speaker == "Jane Roe" and doc.published == "2024-05-02"
    assert doc.text[doc.body_start :].lstrip().startswith("Q: What about waiting lists?")
    assert "not valid YAML" in caplog.text and "2024-05-02-roe.txt" in caplog.text


def test_front_matter_fields_and_file_name_date(tmp_path):
    text = (
        "---\ntitle: A speech\noutlet: Example Times\nurl: https://example.org/a\n"
        "published: 2020-02-03\nspeaker: Jane Doe\n---\nWe will build roads. We will build bridges.\n"
    )
    docs, _ = _load_one(tmp_path, "speech.md", text.encode())
    doc = docs[0]
    assert (doc.title, doc.outlet, doc.url, doc.published, doc.speaker) == (
        "A speech", "Example Times", "https://example.org/a", "2020-02-03", "Jane Doe"
    )
    docs, _ = _load_one(tmp_path, "2013-01-29-remarks.txt", b"President: Ann Vale\n\nWe must fix the ferries.\n")
    dated = [d for d in docs if d.source == "2013-01-29-remarks.txt"][0]
    assert dated.published == "2013-01-29" and dated.speaker == "Ann Vale"


def test_bad_files_are_skipped_with_reasons(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "good.txt").write_text("Good title\n\nThe mayor said the plan works.\n")
    (root / "binary.txt").write_bytes(b"abc\x00def")
    (root / "empty.txt").write_text("  \n\t\n")
    (root / "big.txt").write_text("x" * 2000)
    (root / "broken.md").write_text("---\ntitle: [unclosed\nnot a field line\n---\nBody.\n")
    (root / "undecodable.txt").write_bytes(b"Title\n\n\x81\x8d\x8f bytes\n")
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret\n\nNot in the corpus.\n")
    os.symlink(outside, root / "link.txt")
    docs, skipped = load_corpus(root, max_file_bytes=1000)
    assert [d.source for d in docs] == ["good.txt"]
    reasons = {s.source: s.reason for s in skipped}
    assert "NUL" in reasons["binary.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "larger than" in reasons["big.txt"]
    assert reasons["broken.md"].startswith("broken front matter:") and "flow sequence" in reasons["broken.md"]
    assert "decoded" in reasons["undecodable.txt"]
    assert "symlink" in reasons["link.txt"]


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
