"""/timeline and /verify embeds never break Discord's limits, whatever the input, and quote verbatim."""

from __future__ import annotations

import random

import pytest

from bot import render
from retrieval.timeline import Citation, Statement, Timeline
from retrieval.verify import VERDICT_LINES, Match, Verification

from .test_render import assert_valid, quoted_bodies, rand_text, unescape


def rand_statement(rng: random.Random) -> Statement:
    text = rand_text(rng, 1, rng.choice([300, 6000])).strip() or "x"
    url = None
    if rng.random() < 0.5:
        url = "https://example.org/" + rand_text(rng, 0, rng.choice([30, 3000])).replace("\n", "")
    return Statement(
        text=text,
        source=rand_text(rng, 1, rng.choice([20, 400])).replace("\n", "") or "a.txt",
        start=0,
        end=len(text),
        title=rand_text(rng, 0, rng.choice([60, 2000])),
        speaker=rng.choice([None, rand_text(rng, 0, 400)]),
        published=rng.choice([None, "2024-05-01", "1999-12-31"]),
        score=rng.random(),
        outlet=rng.choice([None, rand_text(rng, 0, 500)]),
        url=url,
        paragraph=rng.randint(0, 500),
        mode=rng.choice(["direct", "direct", "reported"]),
        also=tuple(
            Citation(rand_text(rng, 1, 300).replace("\n", "") or "b.txt", 0, 1, rand_text(rng, 0, 300), rng.choice([None, "2020-01-01"]))
            for _ in range(rng.choice([0, 0, 1, 5]))
        ),
    )


def rand_match(rng: random.Random) -> Match:
    text = rand_text(rng, 1, rng.choice([300, 6000])).strip() or "x"
    return Match(
        text=text,
        source=rand_text(rng, 1, rng.choice([20, 400])).replace("\n", "") or "a.txt",
        start=0,
        end=len(text),
        speaker=rng.choice([None, rand_text(rng, 0, 400)]),
        published=rng.choice([None, "2024-05-01"]),
        similarity=rng.random(),
        differences=[rand_text(rng, 0, rng.choice([80, 3000])) for _ in range(rng.randint(0, 12))],
        title=rand_text(rng, 0, rng.choice([60, 2000])),
        outlet=rng.choice([None, rand_text(rng, 0, 500)]),
        url=rng.choice([None, "https://example.org/" + rand_text(rng, 0, 2000).replace("\n", "")]),
        paragraph=rng.randint(0, 500),
        mode=rng.choice(["direct", "reported", "none", "quoted"]),
        before=rng.choice(["", rand_text(rng, 0, 3000)]),
        after=rng.choice(["", rand_text(rng, 0, 3000)]),
        related=rng.random() < 0.3,
    )


def assert_prefixes(description: str, texts: list[str]) -> None:
    bodies = quoted_bodies(description)
    assert bodies
    for body, text in zip(bodies, texts):
        shown = unescape(body)
        if shown != text:
            assert shown.endswith("…")
            assert text.startswith(shown[:-1].rstrip())


@pytest.mark.parametrize("seed", range(200))
def test_random_timelines_always_fit(seed):
    rng = random.Random(seed)
    statements = [rand_statement(rng) for _ in range(rng.randint(1, 30))]
    timeline = Timeline(
        speaker=rand_text(rng, 1, 2000), topic=rng.choice([None, rand_text(rng, 0, 3000)]), statements=statements,
        speakers=tuple(rand_text(rng, 1, 300) for _ in range(rng.randint(0, 3))),
    )
    embed = render.timeline_embed(timeline)
    assert_valid(embed)
    assert_prefixes(embed.description, [s.text for s in statements])


@pytest.mark.parametrize("seed", range(50))
def test_random_empty_timelines_fit(seed):
    rng = random.Random(seed)
    timeline = Timeline(rand_text(rng, 1, 3000), rng.choice([None, rand_text(rng, 0, 3000)]), [],
                        suggestions=tuple(rand_text(rng, 1, 500) for _ in range(rng.randint(0, 10))))
    embed = render.timeline_embed(timeline)
    assert_valid(embed)
    assert embed.description.startswith("I found no statements by")


@pytest.mark.parametrize("seed", range(200))
def test_random_verifications_always_fit(seed):
    rng = random.Random(seed)
    verdict = rng.choice(["exact", "close", "differs", "not_found"])
    matches = [] if verdict == "not_found" else [rand_match(rng) for _ in range(rng.randint(1, 6))]
    verification = Verification(rand_text(rng, 1, 3000), verdict, matches, rng.choice([None, rand_text(rng, 0, 300)]))
    embed = render.verify_embed(verification)
    assert_valid(embed)
    assert embed.description.startswith("**" + render.escape(VERDICT_LINES[verdict]) + "**")
    if matches:
        assert_prefixes(embed.description, [m.text for m in matches])


def test_timeline_shows_dates_oldest_first_labels_reports_and_copies():
    old = Statement("We will act.", "a.txt", 0, 12, "A", "Ada", "2001-01-01", 1.0)
    reported = Statement("Ada said they would act.", "b.txt", 0, 24, "B", "Ada", "2002-02-02", 1.0, mode="reported",
                         also=(Citation("copy.txt", 0, 24, "B copy", None),))
    undated = Statement("We acted, *finally*.", "c.txt", 0, 20, "C", "Ada", None, 1.0)
    embed = render.timeline_embed(Timeline("Ada", "acting", [old, reported, undated], speakers=("Ada Stone",)))
    desc = embed.description
    assert embed.title == "Timeline: Ada Stone on “acting”"
    assert desc.index("**2001-01-01**") < desc.index("**2002-02-02**") < desc.index("**undated**")
    assert "reported by the source, not their own words" in desc
    assert "also in `copy.txt` (undated)" in desc
    assert r"We acted, \*finally\*." in desc
    assert desc.count("\n— ") == 3


def test_verify_embed_has_verdict_quote_citation_context_and_differences():
    match = Match("That’s absurd.", "seed.txt", 10, 24, "JD Vance", None, 0.9, ["added by the claim: “*very*”"],
                  title="T", paragraph=12, mode="direct", before="No, I didn’t say that.", after="What I did say <@123>.")
    embed = render.verify_embed(Verification("Vance said that's very absurd", "close", [match], "Vance"))
    desc = embed.description
    assert desc.startswith("**Close:")
    assert quoted_bodies(desc) == ["That’s absurd."]
    assert "`seed.txt` ¶ 13" in desc and "JD Vance" in desc
    assert "before: *No, I didn’t say that.*" in desc
    assert r"• added by the claim: “\*very\*”" in desc
    assert embed.footer.text.startswith("verdict: close")


def test_not_found_says_so():
    embed = render.verify_embed(Verification("Ann Vale said the moon is cheese", "not_found", []))
    assert embed.description == "**" + render.escape(VERDICT_LINES["not_found"]) + "**"
    assert not quoted_bodies(embed.description)
