"""The buttons under every answer, follow-up replies and speaker autocomplete: the real bot, engine,
model and feedback.sqlite against the Discord stand-in."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3

import discord

from bot import render
from retrieval.feedback import DOWN, UP

from .discord_standin import BOT_ID, BOT_USER, CHANNEL_ID, GUILD_ID, member
from .e2e_corpus import HARBOR_DOC, LUNCH_DOC, SEED
from .test_bot_e2e import DEFERRED, EPHEMERAL, MESSAGE, assert_verbatim_and_cited, callback, followup, quoted_bodies, slash, unescape

AUTOCOMPLETE_RESULT = 8
ASKER = member(7800000000000000001, "asker")
OTHER = member(7800000000000000002, "other")


def buttons(body: dict) -> dict[str, str]:
    """custom_id of each button under a message, by action (ctx, more, up, down)."""
    found = {}
    for row in body.get("components") or []:
        for button in row["components"]:
            action = button["custom_id"].split(":")[1]
            found[action] = button["custom_id"]
    return found


def answer_id(body: dict) -> str:
    return buttons(body)["ctx"].split(":")[2]


async def press(fake, action: str, message: dict, who: dict) -> tuple[dict, object]:
    payload = fake.button(buttons(message)[action], message, who=who)
    await fake.dispatch("INTERACTION_CREATE", payload)
    return payload, await callback(fake, payload)


async def ask(fake, question: str, top: int = 3, who: dict = ASKER) -> dict:
    """/ask, and the public answer message as the stand-in stored it."""
    payload = await slash(fake, "ask", {"question": question, "top": top}, who=who)
    body = (await followup(fake, payload)).body
    return fake.messages[max(fake.messages)] if body.get("components") else body


def paragraphs(doc: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", doc) if p.strip()]


# --- Context --------------------------------------------------------------------------------


def test_every_answer_has_buttons_and_context_shows_the_quote_in_bold_between_its_neighbours(run_bot, feedback):
    async def scenario(fake, bot):
        message = await ask(fake, "What did Quimby say about free school lunches?", top=1)
        assert set(buttons(message)) == {"ctx", "more", "up", "down"}
        assert all(len(c) <= 100 for c in buttons(message).values())
        record = feedback.answer(answer_id(message))
        assert record.question == "What did Quimby say about free school lunches?"
        (ref,) = record.quotes
        quote = LUNCH_DOC[ref.start : ref.end]
        assert ref.source == "2024-05-01_town-hall.md" and "@everyone" in quote

        _, reply = await press(fake, "ctx", message, ASKER)
        assert reply.body["type"] == MESSAGE and reply.body["data"]["flags"] & EPHEMERAL
        assert reply.body["data"]["allowed_mentions"]["parse"] == []
        (embed,) = reply.body["data"]["embeds"]
        assert not render.check_embeds([discord.Embed.from_dict(embed)])
        description = embed["description"]
        assert render.bold(render.escape(quote)) in description
        paras = paragraphs(LUNCH_DOC)
        quoted = next(i for i, p in enumerate(paras) if quote in p)
        assert render.escape(paras[quoted - 1]) in description  # the paragraph before
        assert render.escape(paras[quoted + 1]) in description  # and the one after
        assert description.index(render.escape(paras[quoted - 1])) < description.index(render.escape(quote))
        assert "Joe Quimby" in embed["title"] and embed["footer"]["text"].startswith("2024-05-01_town-hall.md ¶ ")

    run_bot(scenario)


def test_context_of_several_long_quotes_fits_one_message(run_bot, feedback):
    async def scenario(fake, bot):
        message = await ask(fake, "What did Vance say about ICE officers?", top=5)
        record = feedback.answer(answer_id(message))
        assert len(record.quotes) >= 3
        _, reply = await press(fake, "ctx", message, OTHER)  # anyone may open a public answer's context
        embeds = reply.body["data"]["embeds"]
        assert len(embeds) == len(record.quotes)
        assert not render.check_embeds([discord.Embed.from_dict(e) for e in embeds])
        text = SEED.read_text(encoding="utf-8")
        for ref, embed in zip(record.quotes, embeds):
            bolded = re.findall(r"\*\*(.+?)\*\*", embed["description"], flags=re.S)
            assert bolded, embed["description"]
            shown = unescape(bolded[0]).removesuffix("…")
            assert shown and text[ref.start : ref.end].startswith(shown)

    run_bot(scenario)


# --- More -------------------------------------------------------------------------------------


def test_more_pages_on_privately_and_only_for_the_member_who_asked_for_the_page(run_bot, feedback):
    async def scenario(fake, bot):
        first = await ask(fake, "What did Vance say about ICE officers?", top=1)
        shown = assert_verbatim_and_cited(first["embeds"][0])

        payload, deferral = await press(fake, "more", first, ASKER)
        assert deferral.body["type"] == DEFERRED and deferral.body["data"]["flags"] & EPHEMERAL
        page2 = (await followup(fake, payload)).body
        assert page2["flags"] & EPHEMERAL
        (embed,) = page2["embeds"]
        page2_quotes = assert_verbatim_and_cited(embed)
        assert len(page2_quotes) == 1 and page2_quotes[0] != shown[0]
        assert "(quotes 2–2)" in embed["footer"]["text"]
        assert set(buttons(page2)) == {"ctx", "more", "up", "down"}

        page2_message = fake.messages[max(fake.messages)]
        # Someone else cannot turn the pages of a page only its asker sees.
        _, refused = await press(fake, "more", page2_message, OTHER)
        assert refused.body["type"] == MESSAGE and refused.body["data"]["flags"] & EPHEMERAL
        assert "belong to the member who asked" in refused.body["data"]["content"]

        payload, _ = await press(fake, "more", page2_message, ASKER)
        page3 = (await followup(fake, payload)).body
        page3_quotes = assert_verbatim_and_cited(page3["embeds"][0])
        assert "(quotes 3–3)" in page3["embeds"][0]["footer"]["text"]
        assert not set(page3_quotes) & set(shown + page2_quotes)
        records = [feedback.answer(answer_id(m)) for m in (first, page2, page3)]
        assert [r.shown_before for r in records] == [0, 1, 2]
        assert records[2].owner_id == int(ASKER["user"]["id"])

    run_bot(scenario)


# --- votes ------------------------------------------------------------------------------------


def test_a_vote_is_stored_changed_and_kept_apart_from_another_members(run_bot, feedback):
    async def scenario(fake, bot):
        message = await ask(fake, "What did Senator Stone say about the harbor dredging plan?", top=1)
        record = feedback.answer(answer_id(message))

        _, reply = await press(fake, "up", message, ASKER)
        assert reply.body["data"]["flags"] & EPHEMERAL and "recorded" in reply.body["data"]["content"]
        (vote,) = feedback.votes()
        assert (vote.vote, vote.member_id, vote.guild_id) == (UP, int(ASKER["user"]["id"]), GUILD_ID)
        assert vote.answer.question == "What did Senator Stone say about the harbor dredging plan?"
        assert vote.answer.quotes == record.quotes and vote.answer.quotes[0].source == "2023-03-02_harbor.txt"

        _, reply = await press(fake, "down", message, ASKER)
        assert "now \N{THUMBS DOWN SIGN}" in reply.body["data"]["content"]
        (vote,) = feedback.votes()
        assert vote.vote == DOWN

        await press(fake, "up", message, OTHER)
        votes = {v.member_id: v.vote for v in feedback.votes()}
        assert votes == {int(ASKER["user"]["id"]): DOWN, int(OTHER["user"]["id"]): UP}
        assert feedback.tally(record.id) == (1, 1)

        # Only the question and the quotes' places are stored: no quote text, no other message content.
        with sqlite3.connect(feedback.path) as conn:
            dump = "\n".join(conn.iterdump())
        assert "dredging plan is_not_ negotiable" not in dump and "Stone said" not in dump

    run_bot(scenario)


# --- restart, reload and broken stores --------------------------------------------------------


def test_an_old_answers_buttons_work_after_a_restart(run_bot, feedback):
    kept = {}

    async def before(fake, bot):
        kept["message"] = await ask(fake, "What did Quimby say about free school lunches?", top=1)
        await press(fake, "up", kept["message"], ASKER)

    async def after(fake, bot):
        message = kept["message"]
        _, reply = await press(fake, "ctx", message, OTHER)
        assert "@everyone" in unescape(reply.body["data"]["embeds"][0]["description"])
        _, reply = await press(fake, "down", message, ASKER)
        assert "was \N{THUMBS UP SIGN}" in reply.body["data"]["content"]  # the vote from before the restart
        payload, _ = await press(fake, "more", message, OTHER)
        body = (await followup(fake, payload)).body
        assert body["flags"] & EPHEMERAL and (body.get("embeds") or body["content"])

    run_bot(before, after_restart=after)
    (vote,) = feedback.votes()
    assert vote.vote == DOWN


def test_presses_on_an_answer_whose_source_was_removed_by_a_reload_get_a_clear_message(run_bot, settings, make_engine, tmp_path, feedback):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "2023-03-02_harbor.txt").write_text(HARBOR_DOC, encoding="utf-8")
    engine = make_engine(corpus)
    engine.load()

    async def scenario(fake, bot):
        message = await ask(fake, "What did Senator Stone say about the harbor dredging plan?", top=1)
        await press(fake, "up", message, ASKER)
        (corpus / "2023-03-02_harbor.txt").unlink()
        await asyncio.to_thread(engine.ingest)

        _, reply = await press(fake, "ctx", message, ASKER)
        (embed,) = reply.body["data"]["embeds"]
        assert "removed from the corpus" in embed["description"]
        assert "Traceback" not in embed["description"]

        _, reply = await press(fake, "down", message, ASKER)  # votes survive the reload
        assert "now \N{THUMBS DOWN SIGN}" in reply.body["data"]["content"]

        # An answer the store has no record of (the file was deleted, say): the same message, another id.
        forgotten = json.loads(json.dumps(message).replace(answer_id(message), "0123456789abcdef"))
        _, reply = await press(fake, "ctx", forgotten, ASKER)
        assert reply.body["data"]["flags"] & EPHEMERAL
        assert reply.body["data"]["content"].startswith("I no longer have a record of that answer")

    run_bot(scenario, engine=engine, settings=settings.model_copy(update={"corpus": corpus}))


def test_a_corrupt_or_locked_feedback_store_is_reported_and_never_stops_answers(run_bot, feedback, caplog):
    async def scenario(fake, bot):
        message = await ask(fake, "What did Quimby say about free school lunches?", top=1)

        lock = sqlite3.connect(feedback.path)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            _, reply = await press(fake, "up", message, ASKER)
            content = reply.body["data"]["content"]
            assert reply.body["data"]["flags"] & EPHEMERAL
            assert "feedback store is unavailable" in content and "locked" in content
            payload = await slash(fake, "ask", {"question": "What did Vance say about discipline?"})
            body = (await followup(fake, payload)).body
            assert_verbatim_and_cited(body["embeds"][0])  # answered, without buttons
            assert not body.get("components")
        finally:
            lock.rollback()
            lock.close()

        feedback.path.write_bytes(b"this is not a database " * 100)
        _, reply = await press(fake, "up", message, OTHER)
        assert "feedback store is unavailable" in reply.body["data"]["content"]
        payload = await slash(fake, "ask", {"question": "What did Senator Stone say about the harbor?"})
        body = (await followup(fake, payload)).body
        assert_verbatim_and_cited(body["embeds"][0])

    run_bot(scenario)
    assert any("feedback store" in r.getMessage() and "not a database" in r.getMessage() for r in caplog.records)


# --- follow-ups -------------------------------------------------------------------------------


def test_a_reply_to_an_answer_reads_he_as_its_speaker_and_it_as_its_topic(run_bot, feedback):
    def bot_replies(fake):
        return [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"]

    async def scenario(fake, bot):
        mention = fake.user_message(f"<@{BOT_ID}> what did Vance say about discipline?", author=ASKER, mentions=[BOT_USER])
        await fake.dispatch("MESSAGE_CREATE", mention)
        await fake.wait_for(lambda r: len(bot_replies(fake)) == 1)
        first = fake.messages[max(fake.messages)]
        first_quotes = assert_verbatim_and_cited(first["embeds"][0])
        assert set(buttons(first)) == {"ctx", "more", "up", "down"}

        follow = fake.user_message("what else did he say about it?", author=ASKER, reply_to=first)
        await fake.dispatch("MESSAGE_CREATE", follow)
        await fake.wait_for(lambda r: len(bot_replies(fake)) == 2)
        body = bot_replies(fake)[1].body
        (embed,) = body["embeds"]
        assert embed["title"] == "Q: what did Vance say about discipline?"  # "he" and "it" filled in
        assert "(quotes 4–" in embed["footer"]["text"]  # "else": past the three already shown
        quotes = assert_verbatim_and_cited(embed)
        assert set(re.findall(r"\n— \*\*(.+?)\*\*", embed["description"])) == {"JD Vance"}
        assert not set(quotes) & set(first_quotes)  # "else": not what was already shown
        record = feedback.answer(answer_id(body))
        assert record.question == "what did Vance say about discipline?" and record.speaker == "Vance"
        assert record.shown_before == 3 and feedback.answer(record.parent).question == first["embeds"][0]["title"][3:]

        # A missing speaker is the previous one too; a new topic replaces the old.
        second = fake.messages[max(fake.messages)]
        follow = fake.user_message("and on immunity?", author=ASKER, reply_to=second)
        await fake.dispatch("MESSAGE_CREATE", follow)
        await fake.wait_for(lambda r: len(bot_replies(fake)) == 3)
        (embed,) = bot_replies(fake)[2].body["embeds"]
        assert "Vance" in embed["title"] and "immunity" in embed["title"]
        assert set(re.findall(r"\n— \*\*(.+?)\*\*", embed["description"])) == {"JD Vance"}

    run_bot(scenario)


def test_a_message_in_a_thread_the_bot_opened_is_a_follow_up(run_bot, settings):
    settings = settings.model_copy(update={"reply_in_thread": True})

    async def scenario(fake, bot):
        mention = fake.user_message(f"<@{BOT_ID}> what did Senator Stone say about the harbor?", author=ASKER, mentions=[BOT_USER])
        await fake.dispatch("MESSAGE_CREATE", mention)
        created = await fake.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages/{mention['id']}/threads")
        thread_post = await fake.wait_for(lambda r: r.method == "POST" and r.path.endswith("/messages") and r.path != f"/channels/{CHANNEL_ID}/messages")
        thread_id = thread_post.path.split("/")[2]
        assert created.at <= thread_post.at

        follow = dict(fake.user_message("when will she start the work?", author=ASKER), channel_id=thread_id)
        await fake.dispatch("MESSAGE_CREATE", follow)
        answer = await fake.wait_for(
            lambda r: r.method == "POST" and r.path == f"/channels/{thread_id}/messages" and r is not thread_post
        )
        assert str(answer.body["message_reference"]["message_id"]) == follow["id"]
        (embed,) = answer.body["embeds"]
        assert "Ada Stone" in embed["title"] or "Stone" in embed["title"]
        assert set(re.findall(r"\n— \*\*(.+?)\*\*", embed["description"])) <= {"Ada Stone"}

    run_bot(scenario, settings=settings)


# --- autocomplete -----------------------------------------------------------------------------


def test_autocomplete_suggests_the_corpus_speakers(run_bot):
    async def scenario(fake, bot):
        payload = fake.autocomplete("timeline", {"speaker": "qu"}, "speaker")
        await fake.dispatch("INTERACTION_CREATE", payload)
        reply = await callback(fake, payload)
        assert reply.body["type"] == AUTOCOMPLETE_RESULT
        assert [c["name"] for c in reply.body["data"]["choices"]] == ["Joe Quimby"]

        payload = fake.autocomplete("timeline", {"speaker": ""}, "speaker")
        await fake.dispatch("INTERACTION_CREATE", payload)
        names = [c["name"] for c in (await callback(fake, payload)).body["data"]["choices"]]
        assert set(names) == {"JD Vance", "Karoline Leavitt", "Joe Quimby", "Ada Stone"}  # people only, not the outlet

        payload = fake.autocomplete("ask", {"question": "what did sto"}, "question")
        await fake.dispatch("INTERACTION_CREATE", payload)
        choices = (await callback(fake, payload)).body["data"]["choices"]
        assert [c["value"] for c in choices] == ["what did Ada Stone"]

    run_bot(scenario)


# --- the invite's permissions -----------------------------------------------------------------


def permissions_used(requests, threads: set[str]) -> set[str]:
    """The channel permissions Discord checks for each REST call the bot made (interaction
    callbacks and webhooks need none). Receiving a channel's messages needs View Channel."""
    used = {"read_messages"}
    for r in requests:
        parts = r.path.strip("/").split("/")
        if parts[0] != "channels":
            continue
        in_thread = parts[1] in threads
        send = "send_messages_in_threads" if in_thread else "send_messages"
        if r.method == "POST" and parts[2:] == ["typing"]:
            used.add(send)
        elif r.method == "POST" and parts[2:] == ["messages"]:
            used.add(send)
            if r.body.get("embeds"):
                used.add("embed_links")
            if r.body.get("message_reference"):
                used.add("read_message_history")
        elif r.method == "POST" and parts[-1] == "threads":
            used.add("create_public_threads")
        elif r.method == "GET" and parts[2] == "messages":
            used.add("read_message_history")
        else:
            raise AssertionError(f"no permission mapped for {r}")
    return used


def test_the_invite_asks_for_exactly_the_permissions_the_bot_uses(run_bot, settings):
    """Answers in threads (opened, posted in, followed up), then plain replies (answered, followed up):
    the permissions those REST calls need are exactly the ones `policybot invite` asks for."""
    from bot.invite import bot_permissions, invite_url

    threads: set[str] = set()

    async def in_threads(fake, bot):
        mention = fake.user_message(f"<@{BOT_ID}> what did Senator Stone say about the harbor?", author=ASKER, mentions=[BOT_USER])
        await fake.dispatch("MESSAGE_CREATE", mention)
        first = await fake.wait_for(lambda r: r.method == "POST" and r.path.endswith("/messages") and r.path != f"/channels/{CHANNEL_ID}/messages")
        thread_id = first.path.split("/")[2]
        threads.add(thread_id)
        await fake.dispatch("MESSAGE_CREATE", dict(fake.user_message("and on the spring?", author=ASKER), channel_id=thread_id))
        await fake.wait_for(lambda r: r.method == "POST" and r.path == f"/channels/{thread_id}/messages" and r is not first)

    async def in_replies(fake, bot):
        def answers():
            return [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"]

        mention = fake.user_message(f"<@{BOT_ID}> what did Vance say about discipline?", author=ASKER, mentions=[BOT_USER])
        await fake.dispatch("MESSAGE_CREATE", mention)
        await fake.wait_for(lambda r: len(answers()) == 1)
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("what else did he say?", author=ASKER, reply_to=fake.last_message()))
        await fake.wait_for(lambda r: len(answers()) == 2)

    for scenario, thread_setting in ((in_threads, True), (in_replies, False)):
        used_settings = settings.model_copy(update={"reply_in_thread": thread_setting})
        fake = run_bot(scenario, settings=used_settings)
        wanted = bot_permissions(used_settings)
        assert permissions_used(fake.requests, threads) == {name for name, on in wanted if on}
        assert int(invite_url(used_settings).split("permissions=")[1]) == wanted.value
