"""/timeline and /verify end to end: the real bot, engine and model against the Discord stand-in."""

from __future__ import annotations

import asyncio

from bot import render
from retrieval.verify import VERDICT_LINES

from .discord_standin import APP_ID, GUILD_ID
from .test_bot_e2e import DEFERRED, EPHEMERAL, MESSAGE, assert_verbatim_and_cited, callback, followup, slash


def test_timeline_and_verify_are_registered_with_their_options(run_bot):
    fake = run_bot(lambda fake, bot: asyncio.sleep(0))
    (put,) = [r for r in fake.requests if r.method == "PUT"]
    assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    commands = {c["name"]: c for c in put.body}
    assert {"timeline", "verify"} <= set(commands)

    timeline = {o["name"]: o for o in commands["timeline"]["options"]}
    assert timeline["speaker"]["type"] == 3 and timeline["speaker"]["required"] is True
    assert timeline["topic"]["type"] == 3 and not timeline["topic"].get("required")
    (claim,) = commands["verify"]["options"]
    assert claim["name"] == "claim" and claim["type"] == 3 and claim["required"] is True
    assert commands["timeline"].get("default_member_permissions") is None
    assert commands["verify"].get("default_member_permissions") is None


def test_timeline_defers_then_lists_verbatim_dated_cited_statements(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "timeline", {"speaker": "Vance", "topic": "immunity"})
        assert (await callback(fake, payload)).body["type"] == DEFERRED
        body = (await followup(fake, payload)).body
        assert body["allowed_mentions"]["parse"] == []
        (embed,) = body["embeds"]
        shown = assert_verbatim_and_cited(embed)
        assert embed["title"].startswith("Timeline: JD Vance")
        # Only what he said: the article's report of the "absolute immunity" remark is not listed as his words.
        assert not any("Vance himself suggested" in q for q in shown)
        assert any("That’s absurd" in q for q in shown)
        assert "**undated**" in embed["description"]  # the seed article has no date
        assert "JD Vance" in embed["description"]

    run_bot(scenario)


def test_timeline_quotes_stay_inert_and_escaped(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "timeline", {"speaker": "Joe Quimby", "topic": "school lunches"})
        body = (await followup(fake, payload)).body
        assert body["allowed_mentions"] == {"parse": []}
        (embed,) = body["embeds"]
        shown = assert_verbatim_and_cited(embed)
        assert any("@everyone" in q for q in shown)
        assert "**2024-05-01**" in embed["description"]  # from the front matter

        payload = await slash(fake, "timeline", {"speaker": "Ada Stone"})
        (embed,) = (await followup(fake, payload)).body["embeds"]
        shown = assert_verbatim_and_cited(embed)
        assert any("*harbor* dredging plan is_not_ negotiable" in q for q in shown)
        for escaped in (r"\*harbor\*", r"is\_not\_", r"\~wrong\~", r"\|"):
            assert escaped in embed["description"]

    run_bot(scenario)


def test_timeline_of_nobody_says_so(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "timeline", {"speaker": "Vanse", "topic": "immunity"})
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert embed["description"].startswith("I found no statements by Vanse")
        assert "JD Vance" in embed["description"]  # a suggestion, not a quote
        assert not [line for line in embed["description"].split("\n") if line.startswith("> ")]

    run_bot(scenario)


def test_verify_shows_the_true_wording_and_how_the_claim_differs(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "verify", {"claim": "Vance said ICE officers have absolute immunity"})
        assert (await callback(fake, payload)).body["type"] == DEFERRED
        body = (await followup(fake, payload)).body
        assert body["allowed_mentions"]["parse"] == []
        (embed,) = body["embeds"]
        description = embed["description"]
        assert description.startswith("**" + render.escape(VERDICT_LINES["differs"]) + "**")
        shown = assert_verbatim_and_cited(embed)
        assert "absolute immunity" in shown[0]
        assert "reported, not said" in description
        assert "before: *" in description and "after: *" in description
        assert embed["footer"]["text"].startswith("verdict: differs")

        payload = await slash(fake, "verify", {"claim": "Quimby said \"No child should learn on an empty stomach.\""})
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert embed["footer"]["text"].startswith("verdict: exact")
        assert "No child should learn on an empty stomach." in assert_verbatim_and_cited(embed)[0]

        payload = await slash(fake, "verify", {"claim": "Stone said the harbor will be paved over for a car park"})
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert embed["footer"]["text"] == "verdict: not_found"
        assert embed["description"] == "**" + render.escape(VERDICT_LINES["not_found"]) + "**"

    run_bot(scenario)


def test_blank_and_overlong_input_get_a_private_error_and_no_search(run_bot, engine, monkeypatch):
    calls = []
    monkeypatch.setattr(engine, "verify", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(engine, "timeline", lambda *a, **k: calls.append(a))

    async def scenario(fake, bot):
        for name, options in (
            ("verify", {"claim": "   "}),
            ("verify", {"claim": "said " * 200}),
            ("timeline", {"speaker": "  "}),
            ("timeline", {"speaker": "X" * 150}),
            ("timeline", {"speaker": "Vance", "topic": "why " * 200}),
        ):
            payload = await slash(fake, name, options)
            reply = await callback(fake, payload)
            assert reply.body["type"] == MESSAGE, (name, options)
            assert reply.body["data"]["flags"] & EPHEMERAL
        await asyncio.sleep(0.2)
        assert not [r for r in fake.requests if r.path.startswith("/webhooks/")]

    run_bot(scenario)
    assert calls == []


def test_verify_and_timeline_share_the_cooldown_rules(run_bot, settings):
    settings = settings.model_copy(update={"cooldown_seconds": 60.0})

    async def scenario(fake, bot):
        first = await slash(fake, "verify", {"claim": "Vance said that's absurd"}, user_id=7700000000000000001)
        assert (await callback(fake, first)).body["type"] == DEFERRED
        second = await slash(fake, "verify", {"claim": "Vance said that's absurd"}, user_id=7700000000000000001)
        reply = await callback(fake, second)
        assert reply.body["data"]["flags"] & EPHEMERAL and "Slow down" in reply.body["data"]["content"]
        other = await slash(fake, "timeline", {"speaker": "Vance"}, user_id=7700000000000000001)
        assert (await callback(fake, other)).body["type"] == DEFERRED  # each command has its own cooldown
        await followup(fake, first)
        await followup(fake, other)

    run_bot(scenario, settings=settings)


def test_errors_in_the_engine_become_a_short_private_message(run_bot, engine, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "verify", broken)

    async def scenario(fake, bot):
        payload = await slash(fake, "verify", {"claim": "Vance said that's absurd"})
        sent = await followup(fake, payload)
        assert sent.body["content"].startswith("Something went wrong")
        assert sent.body["flags"] & EPHEMERAL
        assert "secret" not in sent.body["content"]

    run_bot(scenario)
