"""Rendering never produces a payload that Discord would reject, whatever the input."""

from __future__ import annotations

import random
import re
import string
from urllib.parse import unquote

import pytest

from bot import render
from retrieval.models import Answer, IngestReport, Quote, Skipped, SourceInfo

ALPHABET = string.ascii_letters + string.digits + " " * 12 + "*_~|>`\\#-[]()<@!&,.:;'\"\n" + "éü—…“”’🙂"


def rand_text(rng: random.Random, low: int, high: int) -> str:
    n = rng.randint(low, high)
    if rng.random() < 0.2:  # one giant word
        return "".join(rng.choices(string.ascii_letters + "*_", k=n))
    return "".join(rng.choices(ALPHABET, k=n))


def rand_quote(rng: random.Random) -> Quote:
    text = rand_text(rng, 1, 6000).strip() or "x"
    url = None
    if rng.random() < 0.6:
        url = "https://example.org/" + rand_text(rng, 0, rng.choice([30, 3000])).replace("\n", "")
    return Quote(
        text=text,
        source=rand_text(rng, 1, rng.choice([20, 400])).replace("\n", "") or "a.txt",
        start=0,
        end=len(text),
        title=rand_text(rng, 0, rng.choice([60, 2000])),
        outlet=rng.choice([None, rand_text(rng, 0, 500)]),
        url=url,
        published=rng.choice([None, "2024-05-01"]),
        speaker=rng.choice([None, rand_text(rng, 0, 400)]),
        score=rng.random(),
        paragraph=rng.randint(0, 500),
    )


def assert_valid(embed, content=None):
    problems = render.check_embeds([embed], content)
    assert not problems, (problems, embed.to_dict())
    data = embed.to_dict()
    # Also re-check the raw limits here, independently of check_embeds.
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    fields = data.get("fields", [])
    assert len(fields) <= 25
    for f in fields:
        assert 0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
    total = len(data.get("title", "")) + len(data.get("description", "")) + len(data.get("footer", {}).get("text", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    assert total <= 6000


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


def quoted_bodies(description: str) -> list[str]:
    """The block-quoted texts in a rendered answer, one per quote."""
    bodies, current = [], []
    for line in description.split("\n"):
        if line.startswith("> "):
            current.append(line[2:])
        elif current:
            bodies.append("\n".join(current))
            current = []
    if current:
        bodies.append("\n".join(current))
    return bodies


@pytest.mark.parametrize("seed", range(300))
def test_random_answers_always_fit(seed):
    rng = random.Random(seed)
    quotes = [rand_quote(rng) for _ in range(rng.randint(1, 8))]
    answer = Answer(question=rand_text(rng, 1, 3000), abstained=False, quotes=quotes, asked_speaker=rng.choice([None, "X" * 500]))
    embed = render.answer_embed(answer)
    assert_valid(embed)
    bodies = quoted_bodies(embed.description)
    assert bodies
    for body, quote in zip(bodies, quotes):
        shown = unescape(body)
        if shown != quote.text:
            assert shown.endswith("…")
            assert quote.text.startswith(shown[:-1].rstrip())


@pytest.mark.parametrize("seed", range(100))
def test_random_abstentions_fit(seed):
    rng = random.Random(seed)
    answer = Answer(
        question=rand_text(rng, 0, 3000),
        abstained=True,
        nearest_topics=[rand_text(rng, 0, 800) for _ in range(rng.randint(0, 40))],
    )
    embed = render.answer_embed(answer)
    assert_valid(embed)
    assert embed.description == render.NO_MATCH


@pytest.mark.parametrize("seed", range(100))
def test_random_abstentions_with_nearest_statements_fit(seed):
    rng = random.Random(seed)
    answer = Answer(
        question=rand_text(rng, 0, 3000),
        abstained=True,
        asked_speaker=rng.choice([None, "X" * 500, "Jane Doe"]),
        nearest=[rand_quote(rng) for _ in range(rng.randint(1, 6))],
        nearest_topics=[rand_text(rng, 0, 800) for _ in range(rng.randint(0, 40))],
    )
    embed = render.answer_embed(answer)
    assert_valid(embed)
    assert embed.description == render.NO_MATCH


def test_nearest_statements_are_a_separate_section_labelled_as_maybe_not_answering():
    said = rand_quote(random.Random(1))
    embed = render.answer_embed(Answer("q", True, [], "Jane Doe", nearest_topics=["Harbor dredging"], nearest=[said]))
    statements, topics = embed.to_dict()["fields"]
    assert "Jane Doe" in statements["name"] and "may NOT answer" in statements["name"]
    assert unescape(quoted_bodies(statements["value"])[0]).rstrip("…").strip() in said.text
    assert "Harbor dredging" in topics["value"] and embed.description == render.NO_MATCH


def test_nearest_topics_are_labelled_as_not_matching():
    embed = render.answer_embed(Answer("q", True, nearest_topics=["Harbor dredging", "School lunches"]))
    (field,) = embed.to_dict()["fields"]
    assert "not" in field["name"].lower()
    assert "Harbor dredging" in field["value"]


@pytest.mark.parametrize("seed", range(100))
def test_random_ingest_reports_fit(seed):
    rng = random.Random(seed)
    report = IngestReport(
        added=rng.randint(0, 10**6),
        changed=rng.randint(0, 10),
        removed=rng.randint(0, 10),
        unchanged=rng.randint(0, 10),
        skipped=[Skipped(rand_text(rng, 1, 500), rand_text(rng, 0, 2000)) for _ in range(rng.randint(0, 200))],
        documents=rng.randint(0, 10**6),
        passages=rng.randint(0, 10**7),
        seconds=rng.random() * 1000,
        notice=rng.choice([None, rand_text(rng, 0, 5000)]),
    )
    embed = render.ingest_embed(report)
    assert_valid(embed)
    names = [f["name"] for f in embed.to_dict()["fields"]]
    assert names[:5] == ["Added", "Changed", "Removed", "Unchanged", "Skipped"]


@pytest.mark.parametrize("seed", range(100))
def test_random_source_pages_fit(seed):
    rng = random.Random(seed)
    sources = [
        SourceInfo(rand_text(rng, 1, 800), rand_text(rng, 0, 800), rng.choice([None, rand_text(rng, 0, 800)]),
                   rng.choice([None, "2020-01-01"]), rng.randint(0, 10**6))
        for _ in range(rng.randint(0, 60))
    ]
    pages = render.page_count(len(sources))
    for page in range(pages):
        assert_valid(render.sources_embed(sources, page, query=rng.choice([None, rand_text(rng, 0, 500)])))


def test_long_quote_is_cut_at_a_word_and_marked():
    text = " ".join(f"word{i}" for i in range(2000))
    quote = Quote(text, "a.txt", 0, len(text), "T", None, None, None, "S", 1.0)
    body = quoted_bodies(render.answer_embed(Answer("q", False, [quote])).description)[0]
    assert body.endswith("…")
    assert re.search(r"word\d+…$", body)
    assert text.startswith(body[:-1])


def test_markdown_and_mentions_are_escaped():
    text = "*bold* _it_ ~~s~~ ||spoiler|| > quote <@123> `code` a>b # head"
    quote = Quote(text, "a.txt", 0, len(text), "T", None, None, None, "S", 1.0)
    desc = render.answer_embed(Answer("q", False, [quote])).description
    body = quoted_bodies(desc)[0]
    assert unescape(body) == text
    assert "\\*bold\\*" in body and "\\_it\\_" in body and "\\|\\|" in body and "\\>" in body
    assert not re.search(r"(?<!\\)>", body)


def test_text_fragment_link():
    text = "Well, first of all, you're never going to eliminate, entirely, mistakes - ever & always."
    quote = Quote(text, "a.txt", 0, len(text), "T", "Outlet", "https://example.org/a(b)", None, "Vance", 1.0)
    link = render.quote_link(quote)
    base, fragment = link.split("#:~:text=")
    assert base == "https://example.org/a%28b%29"
    start, end = fragment.split(",")
    for part in (start, end):
        assert not re.search(r"[-,&\s()]", part)
    assert unquote(start) == "Well, first of all,"
    assert unquote(end) == "- ever & always."
    short = Quote("Short one-liner, really.", "a.txt", 0, 1, "T", None, "https://e.org/x", None, None, 1.0)
    assert render.quote_link(short) == "https://e.org/x#:~:text=Short%20one%2Dliner%2C%20really."


def test_citation_without_url_names_file_and_paragraph():
    quote = Quote("Hello there.", "dir/file.txt", 0, 12, "A title", "Outlet", None, "2020-01-02", "Ada", 1.0, paragraph=2)
    desc = render.answer_embed(Answer("q", False, [quote])).description
    assert "`dir/file.txt` ¶ 3" in desc
    assert "Ada" in desc and "A title" in desc and "Outlet" in desc
