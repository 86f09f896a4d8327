"""feedback.sqlite, quote context, paging, follow-ups and known speakers on real SQLite files and a real index;
`policybot feedback` and `policybot invite` as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import parse_qs, urlparse

import pytest

from bot import render
from bot.config import Settings
from bot.invite import application_id, bot_permissions, invite_url
from retrieval.errors import FeedbackUnavailable, PolicybotError, SourceChanged, SourceGone, UnknownAnswer
from retrieval.feedback import DOWN, FEEDBACK_FILE, UP, FeedbackStore, eval_rows, upvoted
from retrieval.followup import Turn, resolve
from retrieval.models import QuoteRef, text_digest
from retrieval.speakers import matching_speakers, question_suggestions

from .conftest import DISCIPLINE, SEED_FILE
from .test_cli import run

KNOWN = frozenset({"vance", "obama", "quimby"})


def ref(source="a.txt", start=0, end=5, digest="0" * 16) -> QuoteRef:
    return QuoteRef(source, start, end, digest)


# --- the store --------------------------------------------------------------------------------


def test_votes_are_one_per_member_per_answer_changeable_and_survive_a_new_store(tmp_path):
    path = tmp_path / "index" / FEEDBACK_FILE
    store = FeedbackStore(path)
    answer = store.record_answer("What did Vance say?", "Vance", [ref(), ref("b.txt", 3, 9)], page=3, guild_id=9)
    assert store.vote(answer.id, 1, 9, UP).previous is None
    assert store.vote(answer.id, 1, 9, DOWN).previous == UP
    assert store.vote(answer.id, 2, 9, UP).previous is None

    reopened = FeedbackStore(path)  # a restart
    assert reopened.answer(answer.id) == answer
    votes = reopened.votes()
    assert [(v.member_id, v.vote) for v in votes] == [(1, DOWN), (2, UP)]
    assert votes[0].to_json() == {
        "answer": answer.id,
        "question": "What did Vance say?",
        "quotes": [{"source": "a.txt", "start": 0, "end": 5}, {"source": "b.txt", "start": 3, "end": 9}],
        "vote": "down",
        "member_id": "1",
        "guild_id": "9",
        "time": votes[0].time,
    }
    assert reopened.tally(answer.id) == (1, 1)
    assert upvoted(votes) == []  # one up, one down: not an up-voted answer
    reopened.vote(answer.id, 3, 9, UP)
    assert upvoted(reopened.votes()) == [answer]


def test_unknown_answers_and_missing_files(tmp_path):
    store = FeedbackStore(tmp_path / "nowhere" / FEEDBACK_FILE)
    assert store.votes() == [] and not store.path.exists()  # reading never creates the file
    with pytest.raises(UnknownAnswer):
        store.answer("0123456789abcdef")
    with pytest.raises(UnknownAnswer):
        store.vote("0123456789abcdef", 1, None, UP)


def test_more_pages_remember_every_quote_shown_before(tmp_path):
    store = FeedbackStore(tmp_path / FEEDBACK_FILE)
    first = store.record_answer("q", None, [ref(end=1), ref(start=1, end=2)], page=2)
    second = store.record_answer("q", None, [ref(start=2, end=3)], page=2, parent=first.id, shown_before=2, owner_id=5)
    assert store.seen(second) == [*first.quotes, *second.quotes]
    assert store.answer(second.id).owner_id == 5


def test_a_corrupt_or_locked_store_raises_a_clear_error(tmp_path, caplog):
    path = tmp_path / FEEDBACK_FILE
    store = FeedbackStore(path, timeout=0.2)
    answer = store.record_answer("q", None, [ref()], page=3)

    lock = sqlite3.connect(path)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(FeedbackUnavailable, match="locked"):
            store.vote(answer.id, 1, None, UP)
    finally:
        lock.rollback()
        lock.close()
    assert store.vote(answer.id, 1, None, UP).vote == UP  # the lock is gone: votes work again

    path.write_bytes(b"not a database at all " * 200)
    for call in (lambda: store.answer(answer.id), store.votes, lambda: store.record_answer("q", None, [], page=3)):
        with pytest.raises(FeedbackUnavailable, match="not a database") as info:
            call()
        assert isinstance(info.value, PolicybotError)
    assert any("feedback store" in r.getMessage() for r in caplog.records)


# --- context, paging, speakers on a real index --------------------------------------------------


@pytest.fixture(scope="module")
def fixture_engine(tmp_path_factory, embedder):
    from retrieval.engine import Engine

    from .conftest import copy_fixture_corpus

    base = tmp_path_factory.mktemp("feedback-engine")
    engine = Engine(copy_fixture_corpus(base / "corpus"), base / "index", embedder=embedder)
    engine.load()
    return engine


def test_context_holds_the_quote_between_its_neighbouring_paragraphs(fixture_engine):
    answer = fixture_engine.ask("What did Vance say about discipline?", 1)
    (quote,) = answer.quotes
    context = fixture_engine.context(QuoteRef.of(quote))
    assert context.quote == quote.text and DISCIPLINE in context.quote
    text = fixture_engine.generation.documents[SEED_FILE].text
    paragraph = context.lead + context.quote + context.tail
    assert paragraph in text and "\n\n" not in paragraph
    assert text.index(context.before) < text.index(paragraph) < text.index(context.after)
    assert context.speaker == quote.speaker and context.paragraph == quote.paragraph

    (embed,) = render.context_embeds([context])
    assert render.bold(render.escape(quote.text)) in embed.description
    assert not render.check_embeds([embed])

    with pytest.raises(SourceGone):
        fixture_engine.context(QuoteRef("gone.txt", 0, 10, "0" * 16))
    with pytest.raises(SourceChanged):
        fixture_engine.context(QuoteRef(quote.source, quote.start + 1, quote.end, text_digest(quote.text)))


def test_more_gives_the_next_quotes_never_the_ones_shown(fixture_engine):
    question = "What did Vance say about ICE officers?"
    shown = [QuoteRef.of(q) for q in fixture_engine.ask(question, 2).quotes]
    page = fixture_engine.more(question, shown, 2)
    assert len(page.quotes) == 2
    assert not any(QuoteRef.of(q).overlaps(s) for q in page.quotes for s in shown)
    assert [q.text for q in page.quotes] == [q.text for q in fixture_engine.ask(question, 4).quotes[2:]]


def test_known_speakers_and_suggestions(fixture_engine):
    speakers = fixture_engine.speakers()
    assert "JD Vance" in speakers and "Barack Obama" in speakers
    assert matching_speakers(speakers, "oba") == ["Barack Obama"]
    assert matching_speakers(speakers, "VANCE") == ["JD Vance"]
    assert question_suggestions(speakers, "what did oba") == ["what did Barack Obama"]
    assert question_suggestions(speakers, "what did oba ") == []  # the word is finished
    assert all(s.startswith("What did ") for s in question_suggestions(speakers, ""))


# --- follow-ups -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, expected, wants_more",
    [
        ("what else did he say about it?", "what did JD Vance say about discipline?", True),
        ("and on tuition fees?", "What did JD Vance say on tuition fees?", False),
        ("what about the budget?", "What did JD Vance say about the budget?", False),
        ("what did Obama say?", "what did Obama say about discipline?", False),
        ("what is his view on immigration?", "what is JD Vance’s view on immigration?", False),
        ("anything else?", "What did JD Vance say about discipline?", True),
        ("what did Quimby say about school lunches?", "what did Quimby say about school lunches?", False),
    ],
)
def test_a_follow_up_takes_the_previous_speaker_and_topic(question, expected, wants_more):
    follow = resolve(question, Turn("What did Vance say about discipline?", "JD Vance"), KNOWN)
    assert (follow.question, follow.wants_more) == (expected, wants_more)


def test_without_a_recorded_speaker_the_previous_question_names_him():
    follow = resolve("what else did he say?", Turn("What did Obama say about immigration reform?", None), KNOWN)
    assert follow.question == "what did Obama say about immigration reform?"


# --- the CLI ----------------------------------------------------------------------------------


def test_feedback_as_eval_rows_score_with_policybot_eval(tmp_path, corpus, make_engine):
    index = tmp_path / "index"
    engine = make_engine(corpus, index)
    store = FeedbackStore(index / FEEDBACK_FILE)
    for question in ("What did Vance say about discipline?", "What did Obama say about ending the war in Iraq?"):
        answer = engine.ask(question)
        record = store.record_answer(question, answer.asked_speaker, [QuoteRef.of(q) for q in answer.quotes], page=3, guild_id=1)
        store.vote(record.id, 10, 1, UP)
        store.vote(record.id, 11, 1, UP)
    down = store.record_answer("What did Vance say about tin?", "Vance", [QuoteRef.of(engine.ask("What did Vance say about mistakes?").quotes[0])], page=3)
    store.vote(down.id, 10, None, DOWN)

    listed = run("feedback", "--json", "--index", str(index))
    assert listed.returncode == 0, listed.stderr
    votes = json.loads(listed.stdout)
    assert len(votes) == 5 and {v["vote"] for v in votes} == {"up", "down"}
    assert set(votes[0]) == {"answer", "question", "quotes", "vote", "member_id", "guild_id", "time"}

    out = tmp_path / "from-discord.jsonl"
    written = run("feedback", "--as-eval", str(out), "--index", str(index), "--corpus", str(corpus))
    assert written.returncode == 0, written.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["question"] for r in rows] == ["What did Vance say about discipline?", "What did Obama say about ending the war in Iraq?"]
    assert DISCIPLINE in rows[0]["gold"] and rows[0]["doc"] == SEED_FILE

    scored = run("eval", str(out), "--corpus", str(corpus), "--index", str(index), "--json")
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert report["questions"] == 2 and report["hit_at_1"] == 1.0 and report["speaker_at_1"] == 1.0


def test_as_eval_leaves_out_answers_whose_source_changed(tmp_path, corpus, make_engine):
    engine = make_engine(corpus)
    store = FeedbackStore(tmp_path / FEEDBACK_FILE)
    quote = engine.ask("What did Vance say about discipline?").quotes[0]
    record = store.record_answer("What did Vance say about discipline?", "Vance", [QuoteRef.of(quote)], page=3)
    store.vote(record.id, 1, None, UP)
    path = corpus / SEED_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("disciplinary", "corrective"), encoding="utf-8")
    rows, skipped = eval_rows(upvoted(store.votes()), corpus, 5_000_000)
    assert rows == [] and "changed" in skipped[0]


def test_invite_url_has_the_scopes_and_exactly_the_permissions_the_bot_uses():
    settings = Settings(_env_file=None, DISCORD_TOKEN="MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.secret-part")
    assert application_id(settings) == 123456789012345678
    query = parse_qs(urlparse(invite_url(settings)).query)
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"] == ["bot applications.commands"]
    permissions = int(query["permissions"][0])
    assert permissions == bot_permissions(settings).value
    import discord

    names = {name for name, on in discord.Permissions(permissions) if on}
    assert names == {"read_messages", "send_messages", "embed_links", "read_message_history"}  # read_messages is View Channel

    threads = settings.model_copy(update={"reply_in_thread": True, "application_id": 42})
    query = parse_qs(urlparse(invite_url(threads)).query)
    assert query["client_id"] == ["42"]
    assert {n for n, on in discord.Permissions(int(query["permissions"][0])) if on} == names | {
        "create_public_threads", "send_messages_in_threads"
    }
    slash_only = settings.model_copy(update={"answer_mentions": False})
    assert bot_permissions(slash_only).value == 0

    with pytest.raises(PolicybotError, match="POLICYBOT_APPLICATION_ID"):
        application_id(Settings(_env_file=None, DISCORD_TOKEN="not-base64!.x.y"))


def test_policybot_invite_prints_the_url_without_network():
    result = run("invite", env_extra={"DISCORD_TOKEN": "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.secret-part"})
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith("https://discord.com/oauth2/authorize?")
    assert parse_qs(urlparse(url).query)["permissions"] == [str(bot_permissions(Settings(_env_file=None)).value)]
    assert "secret-part" not in url
    missing = run("invite")
    assert missing.returncode == 2 and "POLICYBOT_APPLICATION_ID" in missing.stderr
