"""HTML articles saved from a browser: the article text is extracted, stored and quoted, with the page's metadata."""

from __future__ import annotations

import json
import shutil

from retrieval.chunking import chunk_document
from retrieval.documents import load_corpus

from .conftest import ROOT

HTML = ROOT / "tests" / "fixtures" / "html"
PAGE = "riverside-flood-plan.html"
CANONICAL = "https://harbourgazette.example/news/2024/03/riverside-flood-plan"


def _corpus(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(HTML, root)
    for path in root.iterdir():
        path.chmod(0o644)
    return root


def test_article_text_and_metadata_are_extracted(tmp_path):
    root = _corpus(tmp_path)
    (root / "menu-only.htm").write_text(
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<script>var x = 1;</script></body></html>"
    )
    docs, skipped = load_corpus(root)
    assert [s.source for s in skipped] == ["menu-only.htm"] and "no article text" in skipped[0].reason
    (doc,) = docs
    assert doc.source == PAGE
    assert doc.title == "Mayor Okafor promises flood barriers for Riverside"
    assert doc.url == CANONICAL  # the canonical link, not og:url with its tracking tag
    assert doc.published == "2024-03-14"
    assert doc.outlet == "The Harbour Gazette"
    assert doc.speaker is None  # a byline is not a speaker
    # Only the article: no navigation, byline, related links, footer, script or repeated headline.
    assert doc.text.startswith("The mayor of Harbourton, Grace Okafor,")
    for noise in ("Subscribe", "Related stories", "Ferry timetable", "All rights reserved", "analytics", "By Priya", "promises flood"):
        assert noise not in doc.text
    passages = chunk_document(doc).passages
    assert len(passages) >= 5
    for passage in passages:
        assert doc.text[passage.start : passage.end] == passage.text  # offsets index the extracted text


def test_html_article_is_ingested_and_quoted_verbatim_with_its_metadata(tmp_path, make_engine):
    root = _corpus(tmp_path)
    engine = make_engine(root)
    report = engine.ingest()
    assert (report.added, report.documents, report.skipped) == (1, 1, [])
    answer = engine.ask("what did Okafor say about Riverside and sandbags?")
    assert not answer.abstained
    quote = answer.quotes[0]
    assert quote.source == PAGE and "another winter of sandbags and prayers" in quote.text
    assert (quote.url, quote.outlet, quote.published) == (CANONICAL, "The Harbour Gazette", "2024-03-14")
    assert quote.title == "Mayor Okafor promises flood barriers for Riverside"
    assert quote.speaker == "Grace Okafor"

    # The extracted text is stored with the index, and quotes are checked against it,
    # even after the page on disk changes.
    stored = json.loads((tmp_path / "index" / answer.generation / "documents.json").read_text(encoding="utf-8"))
    text = {d["source"]: d["text"] for d in stored}[PAGE]
    for q in answer.quotes:
        assert text[q.start : q.end] == q.text
    page = (root / PAGE).read_text(encoding="utf-8")
    (root / PAGE).write_text(page.replace("another winter of sandbags", "one more winter of sandbags"), encoding="utf-8")
    again = engine.ask("what did Okafor say about Riverside and sandbags?")
    assert [(q.start, q.end, q.text) for q in again.quotes] == [(q.start, q.end, q.text) for q in answer.quotes]
    # A reload picks the change up.
    assert engine.ingest().changed == 1
    assert "one more winter" in engine.ask("what did Okafor say about Riverside and sandbags?").quotes[0].text
