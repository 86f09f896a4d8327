"""The real bot, the real engine and model, against a local stand-in for Discord."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import subprocess
import sys
import threading
from urllib.parse import unquote

import discord
import discord.http
import discord.utils
import pytest

from bot import render
from bot.runner import run_bot as run_bot_cli
from .discord_standin import (
    APP_ID,
    BOT_ID,
    BOT_USER,
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_GUILD,
    MOD_ROLE_ID,
    PLAIN_PERMISSIONS,
    TOKEN,
    FakeDiscord,
    Recorded,
    member,
)
from .e2e_corpus import HARBOR_DOC, LUNCH_DOC, SEED
from retrieval import errors
from retrieval.index import LOCK

EPHEMERAL = 64
DEFERRED = 5
MESSAGE = 4
UPDATE_MESSAGE = 7

DOCS = {
    SEED.name: SEED.read_text(encoding="utf-8"),
    "2024-05-01_town-hall.md": LUNCH_DOC,
    "2023-03-02_harbor.txt": HARBOR_DOC,
}


# --- helpers ------------------------------------------------------------------------------


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


def quoted_bodies(description: str) -> list[str]:
    bodies, current = [], []
    for line in description.split("\n") + [""]:
        if line.startswith("> "):
            current.append(line[2:])
        elif current:
            bodies.append("\n".join(current))
            current = []
    return bodies


def assert_verbatim_and_cited(embed: dict, docs: dict[str, str] = DOCS) -> list[str]:
    """Every block quote is a verbatim span of one corpus document, and carries a citation."""
    assert not render.check_embeds([discord.Embed.from_dict(embed)])
    description = embed["description"]
    bodies = quoted_bodies(description)
    assert bodies, description
    shown = []
    for body in bodies:
        text = unescape(body)
        if text.endswith("…"):
            text = text[:-1].rstrip()
        assert any(text in doc for doc in docs.values()), f"not verbatim: {text!r}"
        shown.append(text)
    # One citation line ("— **Speaker**, …") under each quote.
    assert description.count("\n— ") == len(bodies)
    return shown


async def callback(fake: FakeDiscord, payload: dict) -> Recorded:
    path = f"/interactions/{payload['id']}/{payload['token']}/callback"
    return await fake.wait_for(lambda r: r.method == "POST" and r.path == path)


async def followup(fake: FakeDiscord, payload: dict) -> Recorded:
    path = f"/webhooks/{APP_ID}/{payload['token']}"
    return await fake.wait_for(lambda r: r.method == "POST" and r.path == path)


async def slash(fake: FakeDiscord, name: str, options: dict | None = None, **who) -> dict:
    payload = fake.slash(name, options, **who)
    await fake.dispatch("INTERACTION_CREATE", payload)
    return payload


def moderator_by_role() -> dict:
    return member(7100000000000000001, "mod", roles=[MOD_ROLE_ID])


def moderator_by_permission() -> dict:
    return member(7100000000000000002, "admin", permissions=PLAIN_PERMISSIONS | MANAGE_GUILD)


# --- tests --------------------------------------------------------------------------------


def test_startup_registers_commands_with_options_and_permissions(run_bot, engine):
    async def scenario(fake, bot):
        assert bot.user.id == BOT_ID

    fake = run_bot(scenario)
    paths = [(r.method, r.path) for r in fake.requests]
    assert ("GET", "/users/@me") in paths
    # The gateway was asked for the compression this discord.py chose (zstd-stream when zstandard
    # is installed, else zlib-stream), and spoke it; IDENTIFY asked for message content.
    assert fake.gateway_queries[0].get("compress") == discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert fake.identify["intents"] & (1 << 15)
    assert fake.identify["token"] == TOKEN

    (put,) = [r for r in fake.requests if r.method == "PUT"]
    assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    commands = {c["name"]: c for c in put.body}
    assert set(commands) == {"ask", "sources", "reload", "timeline", "verify", "add", "remove", "restore"}

    ask = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask["question"]["type"] == 3 and ask["question"]["required"] is True
    assert ask["top"]["type"] == 4 and not ask["top"].get("required")
    assert (ask["top"]["min_value"], ask["top"]["max_value"]) == (1, 5)
    assert commands["ask"].get("default_member_permissions") is None

    (query,) = commands["sources"]["options"]
    assert query["name"] == "query" and query["type"] == 3 and not query.get("required")

    # discord.py sends the bitfield as an int; Discord documents a string; both mean manage_guild.
    assert str(commands["reload"]["default_member_permissions"]) == "32"
    assert not commands["reload"].get("options")


def test_ask_defers_then_answers_with_verbatim_cited_quotes(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "ask", {"question": "What did Vance say about discipline?", "top": 2})
        deferral = await callback(fake, payload)
        assert deferral.body["type"] == DEFERRED
        answer = await followup(fake, payload)
        assert deferral.at <= answer.at

        body = answer.body
        assert body["allowed_mentions"]["parse"] == []
        (embed,) = body["embeds"]
        shown = assert_verbatim_and_cited(embed)
        assert len(shown) == 2
        # The seed has no URL, so each quote names its file and 1-based paragraph.
        assert f"`{SEED.name}` ¶ " in embed["description"]
        assert "JD Vance" in embed["description"]
        assert any("disciplinary" in q or "mistakes" in q for q in shown)

    run_bot(scenario)


def test_everyone_in_a_quote_pings_nobody_and_links_with_a_text_fragment(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "ask", {"question": "What did Quimby say about free school lunches?"})
        answer = (await followup(fake, payload)).body
        assert answer["allowed_mentions"] == {"parse": []}
        (embed,) = answer["embeds"]
        shown = assert_verbatim_and_cited(embed)
        assert any("@everyone" in q for q in shown)
        assert "@everyone" in embed["description"]

        links = re.findall(r"\]\((https://example\.org/news/town-hall-lunches#:~:text=[^)\s]+)\)", embed["description"])
        assert links, embed["description"]
        fragment = links[0].split("#:~:text=")[1]
        parts = fragment.split(",")
        assert 1 <= len(parts) <= 2
        for part in parts:
            assert not re.search(r"[-,&\s]", part)
        assert unquote(parts[0]) in LUNCH_DOC and unquote(parts[-1]) in LUNCH_DOC
        assert "Springfield Gazette" in embed["description"]

    run_bot(scenario)


def test_markdown_in_quotes_is_escaped(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "ask", {"question": "What did Senator Stone say about the harbor dredging plan?", "top": 1})
        (embed,) = (await followup(fake, payload)).body["embeds"]
        shown = assert_verbatim_and_cited(embed)
        assert "*harbor* dredging plan is_not_ negotiable" in shown[0]
        description = embed["description"]
        for escaped in (r"\*harbor\*", r"is\_not\_", r"\>", r"\~wrong\~", r"\|"):
            assert escaped in description

    run_bot(scenario)


def test_abstains_on_questions_the_corpus_does_not_cover(run_bot):
    async def scenario(fake, bot):
        payload = await slash(fake, "ask", {"question": "What is the recipe for sourdough bread?"})
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert embed["description"] == render.NO_MATCH
        for field in embed.get("fields", []):
            assert "do not answer" in field["name"].lower()

    run_bot(scenario)


def test_overlong_and_blank_questions_get_a_friendly_ephemeral_error(run_bot, engine, monkeypatch):
    calls = []
    monkeypatch.setattr(engine, "ask", lambda *a, **k: calls.append(a))

    async def scenario(fake, bot):
        payload = await slash(fake, "ask", {"question": "why " * 200})
        reply = await callback(fake, payload)
        assert reply.body["type"] == MESSAGE
        assert reply.body["data"]["flags"] & EPHEMERAL
        assert "500" in reply.body["data"]["content"]

        blank = await slash(fake, "ask", {"question": "   "})
        reply = await callback(fake, blank)
        assert reply.body["data"]["flags"] & EPHEMERAL
        await asyncio.sleep(0.2)
        assert not [r for r in fake.requests if r.path.startswith("/webhooks/")]

    run_bot(scenario)
    assert calls == []


def test_per_user_cooldown(run_bot, settings):
    settings = settings.model_copy(update={"cooldown_seconds": 60.0})

    async def scenario(fake, bot):
        first = await slash(fake, "ask", {"question": "What did Vance say about mistakes?"}, user_id=7200000000000000001)
        assert (await callback(fake, first)).body["type"] == DEFERRED
        second = await slash(fake, "ask", {"question": "And about discipline?"}, user_id=7200000000000000001)
        reply = await callback(fake, second)
        assert reply.body["type"] == MESSAGE and reply.body["data"]["flags"] & EPHEMERAL
        assert "Slow down" in reply.body["data"]["content"]
        other = await slash(fake, "ask", {"question": "And about discipline?"}, user_id=7200000000000000002)
        assert (await callback(fake, other)).body["type"] == DEFERRED
        await followup(fake, first)
        await followup(fake, other)

    run_bot(scenario, settings=settings)


def test_reload_is_refused_to_non_moderators(run_bot, engine, monkeypatch):
    monkeypatch.setattr(engine, "ingest", lambda: pytest.fail("a non-moderator ran a reload"))

    async def scenario(fake, bot):
        payload = await slash(fake, "reload", who=member(7300000000000000001, "pleb"))
        reply = await callback(fake, payload)
        assert reply.body["type"] == MESSAGE
        assert reply.body["data"]["flags"] & EPHEMERAL
        assert "moderators" in reply.body["data"]["content"].lower()
        assert reply.body["data"]["allowed_mentions"]["parse"] == []

    run_bot(scenario)


def test_moderator_reload_reports_added_changed_removed_and_skipped(run_bot, settings, make_engine, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "2023-03-02_harbor.txt").write_text(HARBOR_DOC, encoding="utf-8")
    (corpus / "old.txt").write_text("Old news\n\nThe mayor said nothing at all today.\n", encoding="utf-8")
    engine = make_engine(corpus)
    engine.load()
    assert engine.stats()[0] == 3

    (corpus / "2024-05-01_town-hall.md").write_text(LUNCH_DOC, encoding="utf-8")  # added
    (corpus / "2023-03-02_harbor.txt").write_text(HARBOR_DOC + "\nShe left at noon.\n", encoding="utf-8")  # changed
    (corpus / "old.txt").unlink()  # removed
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")  # skipped
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\nnot a field line\n---\nBody.\n", encoding="utf-8")  # skipped

    async def scenario(fake, bot):
        for round, who in enumerate((moderator_by_role(), moderator_by_permission())):
            payload = await slash(fake, "reload", who=who)
            assert (await callback(fake, payload)).body["type"] == DEFERRED
            report = (await followup(fake, payload)).body
            assert report["allowed_mentions"]["parse"] == []
            (embed,) = report["embeds"]
            fields = {f["name"]: f["value"] for f in embed["fields"]}
            counts = tuple(fields[k] for k in ("Added", "Changed", "Removed", "Skipped"))
            assert counts == (("1", "1", "1", "2") if round == 0 else ("0", "0", "0", "2"))
            skipped = fields["Skipped files"]
            assert "`empty.txt`: empty" in skipped and "`broken.md`: broken front matter" in skipped
            assert re.match(r"Took \d+\.\d s · now 3 documents, \d+ passages", embed["footer"]["text"])

        # The reloaded corpus answers at once.
        payload = await slash(fake, "ask", {"question": "What did Quimby say about school lunches?"})
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert "@everyone" in embed["description"]

    run_bot(scenario, engine=engine, settings=settings.model_copy(update={"corpus": corpus}))


def test_second_reload_is_told_one_is_running_and_questions_still_answer(run_bot, engine, monkeypatch):
    started, release = threading.Event(), threading.Event()
    real_ingest = engine.ingest

    def slow_ingest():
        started.set()
        release.wait(30)
        return real_ingest()

    monkeypatch.setattr(engine, "ingest", slow_ingest)

    async def scenario(fake, bot):
        first = await slash(fake, "reload", who=moderator_by_permission())
        assert (await callback(fake, first)).body["type"] == DEFERRED
        await asyncio.to_thread(started.wait, 10)

        second = await slash(fake, "reload", who=moderator_by_role())
        reply = await callback(fake, second)
        assert reply.body["data"]["flags"] & EPHEMERAL
        assert "already running" in reply.body["data"]["content"]

        # Questions are not blocked by the running reload.
        question = await slash(fake, "ask", {"question": "What did Vance say about mistakes?"})
        assert_verbatim_and_cited((await followup(fake, question)).body["embeds"][0])
        assert not [r for r in fake.requests if r.path == f"/webhooks/{APP_ID}/{first['token']}"]

        release.set()
        (embed,) = (await followup(fake, first)).body["embeds"]
        assert embed["title"].startswith("Corpus reloaded")

    try:
        run_bot(scenario)
    finally:
        release.set()


def test_reload_while_another_process_holds_the_lock(run_bot, engine):
    lock_path = engine.store.dir / LOCK
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import fcntl, sys\n"
            f"f = open({str(lock_path)!r}, 'a+')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n"
        )],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"

        async def scenario(fake, bot):
            payload = await slash(fake, "reload", who=moderator_by_role())
            assert (await callback(fake, payload)).body["type"] == DEFERRED
            body = (await followup(fake, payload)).body
            assert "already running" in body["content"]
            assert body["allowed_mentions"]["parse"] == []

        run_bot(scenario)
    finally:
        holder.communicate("", timeout=10)


def test_sources_lists_documents_and_pages_with_buttons(run_bot, settings, make_engine, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(11):
        (corpus / f"2020-01-{i + 1:02d}_note-{i}.txt").write_text(
            f"---\ntitle: Note number {i}\noutlet: Ledger {i}\n---\nThe mayor said the budget item {i} would pass.\n",
            encoding="utf-8",
        )
    engine = make_engine(corpus)
    engine.load()

    async def scenario(fake, bot):
        who = member(7400000000000000001, "reader")
        payload = await slash(fake, "sources", who=who)
        assert (await callback(fake, payload)).body["type"] == DEFERRED
        first = await followup(fake, payload)
        assert first.query.get("wait") in ("1", "true")
        (embed,) = first.body["embeds"]
        names = [f["name"] for f in embed["fields"]]
        assert names == [f"Note number {i}" for i in range(render.SOURCES_PER_PAGE)]
        assert "Ledger 0 · 2020-01-01 · 1 passage" in embed["fields"][0]["value"]
        assert embed["footer"]["text"] == "Page 1/2 · 11 documents"
        buttons = {b["label"]: b for row in first.body["components"] for b in row["components"]}
        assert buttons["Previous"]["disabled"] is True and not buttons["Next"].get("disabled")

        message = fake.messages[max(fake.messages)]  # the follow-up just created
        # Someone else cannot turn the pages.
        other = fake.button(buttons["Next"]["custom_id"], message, who=member(7400000000000000002, "other"))
        await fake.dispatch("INTERACTION_CREATE", other)
        refused = await callback(fake, other)
        assert refused.body["type"] == MESSAGE and refused.body["data"]["flags"] & EPHEMERAL

        click = fake.button(buttons["Next"]["custom_id"], message, who=who)
        await fake.dispatch("INTERACTION_CREATE", click)
        update = await callback(fake, click)
        assert update.body["type"] == UPDATE_MESSAGE
        (page2,) = update.body["data"]["embeds"]
        assert [f["name"] for f in page2["fields"]] == [f"Note number {i}" for i in range(8, 11)]
        assert page2["footer"]["text"] == "Page 2/2 · 11 documents"

        filtered = await slash(fake, "sources", {"query": "number 1"}, who=who)
        body = (await followup(fake, filtered)).body
        assert [f["name"] for f in body["embeds"][0]["fields"]] == ["Note number 1", "Note number 10"]
        assert not body.get("components")

    run_bot(scenario, engine=engine, settings=settings.model_copy(update={"corpus": corpus}))


def test_mentions_and_replies_to_the_bot_are_answered(run_bot):
    asker = member(7500000000000000001, "asker")

    def bot_replies(fake):
        return [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"]

    async def scenario(fake, bot):
        mention = fake.user_message(f"<@{BOT_ID}> what did Vance say about discipline?", author=asker, mentions=[BOT_USER])
        await fake.dispatch("MESSAGE_CREATE", mention)
        reply = await fake.wait_for(lambda r: r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages")
        body = reply.body
        assert str(body["message_reference"]["message_id"]) == mention["id"]
        assert body["allowed_mentions"]["parse"] == [] and body["allowed_mentions"]["replied_user"] is False
        shown = assert_verbatim_and_cited(body["embeds"][0])
        assert body["embeds"][0]["title"] == "Q: what did Vance say about discipline?"
        assert shown

        # A reply to the bot's answer, without a mention, is a new question.
        answer_message = fake.messages[max(fake.messages)]
        follow = fake.user_message("and what did Quimby say about school lunches?", author=asker, reply_to=answer_message)
        await fake.dispatch("MESSAGE_CREATE", follow)
        await fake.wait_for(lambda r: len(bot_replies(fake)) == 2)
        body = bot_replies(fake)[1].body
        assert str(body["message_reference"]["message_id"]) == follow["id"]
        assert any("@everyone" in q for q in assert_verbatim_and_cited(body["embeds"][0]))
        assert body["allowed_mentions"]["parse"] == []

        # Ordinary chatter is ignored.
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("what did Vance say?", author=asker))
        await asyncio.sleep(0.5)
        assert len(bot_replies(fake)) == 2

    run_bot(scenario)


def test_mention_answers_in_a_thread_when_configured(run_bot, settings):
    settings = settings.model_copy(update={"reply_in_thread": True})
    asker = member(7600000000000000001, "asker")

    async def scenario(fake, bot):
        mention = fake.user_message(f"<@{BOT_ID}> what did Stone say about the harbor?", author=asker, mentions=[BOT_USER])
        await fake.dispatch("MESSAGE_CREATE", mention)
        thread = await fake.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages/{mention['id']}/threads")
        assert thread.body["name"] == "what did Stone say about the harbor?"
        sent = await fake.wait_for(
            lambda r: r.method == "POST" and r.path.endswith("/messages") and r.path != f"/channels/{CHANNEL_ID}/messages"
        )
        assert sent.body["allowed_mentions"]["parse"] == []
        assert_verbatim_and_cited(sent.body["embeds"][0])

    run_bot(scenario, settings=settings)


def test_errors_are_logged_and_users_get_a_short_message(run_bot, engine, monkeypatch, caplog):
    def broken(question, top=3):
        if "corpus" in question:
            raise errors.CorpusError("corpus directory not found: /nowhere")
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "ask", broken)

    async def scenario(fake, bot):
        payload = await slash(fake, "ask", {"question": "what about the corpus?"})
        sent = await followup(fake, payload)
        assert sent.body["content"] == "corpus directory not found: /nowhere"
        assert sent.body["flags"] & EPHEMERAL
        # The public "thinking…" message was removed first, so the error really is private.
        deleted = [r for r in fake.requests if r.method == "DELETE"]
        assert [r.path for r in deleted] == [f"/webhooks/{APP_ID}/{payload['token']}/messages/@original"]
        assert deleted[0].at <= sent.at

        payload = await slash(fake, "ask", {"question": "anything else?"})
        body = (await followup(fake, payload)).body
        assert body["content"].startswith("Something went wrong")
        assert "secret" not in body["content"] and "Traceback" not in body["content"]

    run_bot(scenario)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert any("secret internals" in str(r.exc_info[1].__cause__ or r.exc_info[1]) for r in logged)


def test_runner_rejects_missing_and_invalid_tokens_without_leaking_them(settings, monkeypatch, caplog):
    with pytest.raises(errors.PolicybotError, match="DISCORD_TOKEN is not set"):
        run_bot_cli(settings.model_copy(update={"discord_token": None}))

    fake = FakeDiscord()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    bad = "bad.token.value"
    try:
        from pydantic import SecretStr

        with pytest.raises(errors.PolicybotError) as info:
            run_bot_cli(settings.model_copy(update={"discord_token": SecretStr(bad)}))
    finally:
        root.handlers[:], root.level = handlers, level
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
    message = str(info.value)
    assert "\n" not in message and "DISCORD_TOKEN" in message
    assert bad not in message
    assert [r.path for r in fake.requests] == ["/users/@me"]
    assert all(bad not in r.getMessage() for r in caplog.records)
