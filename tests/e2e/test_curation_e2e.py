"""/add, /remove and /restore through the real bot and the Discord stand-in, with a real web server on 127.0.0.1."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from retrieval.audit import AUDIT_FILE

from ..article_server import (
    FERRY_CANONICAL,
    FERRY_REYES,
    FERRY_TITLE,
    FERRY_WHITFIELD,
    PDF_PARAGRAPHS,
    PDF_QUOTE,
    PDF_TITLE,
    article_server,
    pdf_bytes,
)
from .discord_standin import member
from .e2e_corpus import LUNCH_DOC, SEED
from .test_bot_e2e import (
    DEFERRED,
    EPHEMERAL,
    MESSAGE,
    assert_verbatim_and_cited,
    callback,
    followup,
    moderator_by_role,
    slash,
)

MOD_ID = 7100000000000000001  # moderator_by_role()
LUNCH = "2024-05-01_town-hall.md"
AUTOCOMPLETE_RESULT = 8


@pytest.fixture
def curated(tmp_path, make_engine, settings):
    """A corpus of its own (the shared one must not change), its engine, and settings that let /add reach 127.0.0.1."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / LUNCH).write_text(LUNCH_DOC, encoding="utf-8")
    engine = make_engine(corpus, tmp_path / "index")
    engine.load()
    settings = settings.model_copy(update={"corpus": corpus, "allow_private_urls": True, "max_file_mb": 0.2})
    return corpus, engine, settings


def snapshot(corpus: Path, engine) -> tuple[dict, str]:
    files = {p.relative_to(corpus).as_posix(): p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file()}
    return files, (engine.store.dir / "CURRENT").read_text()


def audit_entries(engine) -> list[dict]:
    path = engine.store.dir / AUDIT_FILE
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def front_matter(path: Path) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", path.read_text(encoding="utf-8"), re.S)
    assert match, path.read_text()[:300]
    return yaml.safe_load(match.group(1))


def fields_of(embed: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def ask(fake, question: str) -> dict:
    payload = await slash(fake, "ask", {"question": question, "top": 3}, who=member(7900000000000000001, "reader"))
    (embed,) = (await followup(fake, payload)).body["embeds"]
    return embed


async def refused(fake, name: str, options: dict, who: dict) -> str:
    """The private message a refused command gets (after its public "thinking…" was taken back)."""
    payload = await slash(fake, name, options, who=who)
    body = (await followup(fake, payload)).body
    assert body["flags"] & EPHEMERAL, body
    assert "Traceback" not in body["content"]
    return body["content"]


def test_moderator_adds_a_page_and_ask_then_quotes_it_with_its_url(run_bot, curated):
    corpus, engine, settings = curated

    with article_server() as server:

        async def scenario(fake, bot):
            payload = await slash(fake, "add", {"url": server.url("/go/night-ferry")}, who=moderator_by_role())
            assert (await callback(fake, payload)).body["type"] == DEFERRED
            body = (await followup(fake, payload)).body
            assert body["allowed_mentions"]["parse"] == []
            (embed,) = body["embeds"]
            assert embed["title"] == f"Added: {FERRY_TITLE}"
            fields = fields_of(embed)
            assert fields["Outlet"] == "Riverton Herald" and fields["Published"] == "2025-03-11"
            assert int(fields["Passages"]) >= 4
            speakers = fields["Speakers"].split("\n")
            assert speakers[0] == "Dana Whitfield: 2 statements" and "Omar Reyes: 1 statement" in speakers
            stored = fields["Stored as"].strip("`")
            assert re.fullmatch(r"added/2025-03-11-riverton-council-backs-a-night-ferry-across-the-estuary\.md", stored)
            assert "/sources" in embed["footer"]["text"]

            meta = front_matter(corpus / stored)
            assert meta == {
                "title": FERRY_TITLE,
                "outlet": "Riverton Herald",
                "url": FERRY_CANONICAL,
                "published": "2025-03-11",
                "author": "Lena Brooks",
            }
            text = (corpus / stored).read_text(encoding="utf-8")

            answer = await ask(fake, "What did Whitfield say about the night ferry?")
            shown = assert_ververbatim(answer, {stored: text})
            assert any(FERRY_WHITFIELD in q for q in shown)
            assert f"]({FERRY_CANONICAL}#:~:text=" in answer["description"]

            answer = await ask(fake, "What did Reyes say about the money for the ferry crew?")
            assert any(FERRY_REYES in q for q in assert_ververbatim(answer, {stored: text}))

        run_bot(scenario, engine=engine, settings=settings)

    (entry,) = audit_entries(engine)
    assert entry["action"] == "add" and entry["outcome"] == "ok"
    assert entry["user_id"] == str(MOD_ID) and entry["user"] == "mod"
    assert entry["what"].endswith("/go/night-ferry") and entry["source"].startswith("added/2025-03-11-")


def assert_ververbatim(embed: dict, extra: dict[str, str]) -> list[str]:
    """Quotes verbatim from the corpus as it now is: the e2e documents plus what was added."""
    docs = {SEED.name: SEED.read_text(encoding="utf-8"), LUNCH: LUNCH_DOC, **extra}
    return assert_verbatim_and_cited(embed, docs)


def test_moderator_adds_a_text_file_and_a_pdf(run_bot, curated):
    corpus, engine, settings = curated
    statement = (
        "Fire chief Rosa Imre said on Tuesday that every station would carry flood pumps by June. "
        "“We will not wait for the next storm to find out what we lack,” Imre said.\n"
    )

    async def scenario(fake, bot):
        text_file = fake.attachment("fire pumps (draft).txt", statement.encode(), "text/plain; charset=utf-8")
        options = {"file": text_file, "title": "Fire service buys flood pumps", "outlet": "Riverton Fire Service", "published": "2025-02-04"}
        payload = await slash(fake, "add", options, who=moderator_by_role())
        body = (await followup(fake, payload)).body
        assert "embeds" in body, body
        (embed,) = body["embeds"]
        stored_txt = fields_of(embed)["Stored as"].strip("`")
        assert stored_txt == "added/2025-02-04-fire-service-buys-flood-pumps.md"
        assert fields_of(embed)["Speakers"] == "Rosa Imre: 2 statements"
        assert front_matter(corpus / stored_txt) == {
            "title": "Fire service buys flood pumps",
            "outlet": "Riverton Fire Service",
            "published": "2025-02-04",
        }

        pdf = fake.attachment("harbour-statement.pdf", pdf_bytes(PDF_TITLE, PDF_PARAGRAPHS), "application/pdf")
        payload = await slash(fake, "add", {"file": pdf, "url": "https://harbour-board.example/statements/wall"}, who=moderator_by_role())
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert embed["title"] == f"Added: {PDF_TITLE}"
        stored_pdf = fields_of(embed)["Stored as"].strip("`")
        assert stored_pdf.startswith("added/") and stored_pdf.endswith("-statement-on-the-harbour-wall-repairs.md")
        assert "Ingrid Holm: " in fields_of(embed)["Speakers"]
        meta = front_matter(corpus / stored_pdf)
        assert meta["title"] == PDF_TITLE and meta["url"] == "https://harbour-board.example/statements/wall"

        added = {s: (corpus / s).read_text(encoding="utf-8") for s in (stored_txt, stored_pdf)}
        answer = await ask(fake, "What did Ingrid Holm say about the harbour wall?")
        assert any(PDF_QUOTE in q for q in assert_ververbatim(answer, added))
        answer = await ask(fake, "What did Imre say about the next storm?")
        assert any("We will not wait for the next storm" in q for q in assert_ververbatim(answer, added))

    run_bot(scenario, engine=engine, settings=settings)
    assert [e["outcome"] for e in audit_entries(engine)] == ["ok", "ok"]
    assert audit_entries(engine)[0]["what"] == "fire pumps (draft).txt"


def test_remove_takes_a_source_out_and_restore_brings_it_back(run_bot, curated):
    corpus, engine, settings = curated
    question = "What did Quimby say about free school lunches?"

    async def scenario(fake, bot):
        assert any("@everyone" in q for q in assert_ververbatim(await ask(fake, question), {}))

        # Autocomplete offers the corpus's sources by title or file name.
        typing = fake.autocomplete("remove", {"source": "lunch"}, "source", who=moderator_by_role())
        await fake.dispatch("INTERACTION_CREATE", typing)
        offered = (await callback(fake, typing)).body
        assert offered["type"] == AUTOCOMPLETE_RESULT
        assert [c["value"] for c in offered["data"]["choices"]] == [LUNCH]

        payload = await slash(fake, "remove", {"source": LUNCH}, who=moderator_by_role())
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert embed["title"] == "Removed: Mayor Quimby pledges free school lunches"
        assert not (corpus / LUNCH).exists()
        kept = list((engine.store.dir / "removed").rglob(LUNCH))
        assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == LUNCH_DOC

        answer = await ask(fake, question)
        assert LUNCH not in answer["description"] and "@everyone" not in answer["description"]

        typing = fake.autocomplete("restore", {"source": "town"}, "source", who=moderator_by_role())
        await fake.dispatch("INTERACTION_CREATE", typing)
        assert [c["value"] for c in (await callback(fake, typing)).body["data"]["choices"]] == [LUNCH]

        payload = await slash(fake, "restore", {"source": LUNCH}, who=moderator_by_role())
        (embed,) = (await followup(fake, payload)).body["embeds"]
        assert embed["title"] == "Restored: Mayor Quimby pledges free school lunches"
        assert (corpus / LUNCH).read_text(encoding="utf-8") == LUNCH_DOC
        assert any("@everyone" in q for q in assert_ververbatim(await ask(fake, question), {}))

        # Nothing to restore, and a path that leaves the corpus: each its message.
        assert "not among the removed sources" in await refused(fake, "restore", {"source": LUNCH}, moderator_by_role())
        assert "not a source path" in await refused(fake, "remove", {"source": "../secrets.txt"}, moderator_by_role())

    run_bot(scenario, engine=engine, settings=settings)
    entries = audit_entries(engine)
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("remove", "ok"), ("restore", "ok"), ("restore", "refused"), ("remove", "refused"),
    ]
    assert all(e["user_id"] == str(MOD_ID) for e in entries)


def test_a_plain_member_is_refused_every_curation_command(run_bot, curated):
    corpus, engine, settings = curated
    before = snapshot(corpus, engine)
    pleb = member(7300000000000000009, "pleb")

    with article_server() as server:

        async def scenario(fake, bot):
            pdf = fake.attachment("statement.pdf", pdf_bytes(PDF_TITLE, PDF_PARAGRAPHS), "application/pdf")
            for name, options in (
                ("add", {"url": server.url("/news/night-ferry")}),
                ("add", {"file": pdf}),
                ("remove", {"source": LUNCH}),
                ("restore", {"source": LUNCH}),
                ("reload", {}),
            ):
                payload = await slash(fake, name, options, who=pleb)
                reply = (await callback(fake, payload)).body
                assert reply["type"] == MESSAGE and reply["data"]["flags"] & EPHEMERAL, (name, reply)
                assert "Only moderators" in reply["data"]["content"]

        run_bot(scenario, engine=engine, settings=settings)
        assert server.hits == []  # nothing was fetched for them
    assert snapshot(corpus, engine) == before
    assert audit_entries(engine) == []


def test_bad_links_each_get_their_message_and_change_nothing(run_bot, curated):
    corpus, engine, settings = curated
    mod = moderator_by_role()

    with article_server() as server:

        async def scenario(fake, bot):
            await slash(fake, "add", {"url": server.url("/news/night-ferry")}, who=mod)  # one good page first
            await fake.wait_for(lambda r: r.method == "POST" and r.path.startswith("/webhooks/"))
            before = snapshot(corpus, engine)
            cases = [
                ("/go/internal", r"10\.20\.30\.40 is a private address"),
                ("/go/metadata", r"169\.254\.169\.254 is a link-local address"),
                ("/huge", r"larger than the 0\.2 MB limit"),
                ("/huge-declared", r"larger than the 0\.2 MB limit"),
                ("/logo.png", r"is image/png; only HTML pages, plain text, Markdown and PDF"),
                ("/missing", r"answered HTTP 404"),
                ("/menu", r"no article text could be extracted"),
                ("/news/night-ferry", rf"{re.escape(FERRY_CANONICAL)} is already in the corpus as added/2025-03-11-"),
                ("/syndicated/night-ferry", r"the same text is already in the corpus as added/2025-03-11-"),
            ]
            for path, message in cases:
                assert re.search(message, await refused(fake, "add", {"url": server.url(path)}, mod)), path
                assert snapshot(corpus, engine) == before, path
            assert re.search(r"only http and https", await refused(fake, "add", {"url": "file:///etc/passwd"}, mod))
            docx = fake.attachment("notes.docx", b"PK\x03\x04", "application/octet-stream")
            assert ".docx" in await refused(fake, "add", {"file": docx}, mod)
            assert snapshot(corpus, engine) == before

        run_bot(scenario, engine=engine, settings=settings)

    entries = audit_entries(engine)
    assert [e["outcome"] for e in entries] == ["ok"] + ["refused"] * 11
    assert entries[1]["what"].endswith("/go/internal") and "private address" in entries[1]["message"]
    assert entries[-1]["what"] == "notes.docx"
