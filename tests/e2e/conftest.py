"""End-to-end fixtures: the real Engine on a tiny corpus, and the real discord.py bot
connected to a local Discord stand-in."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path
from typing import Awaitable, Callable

import discord
import discord.gateway
import discord.http
import pytest

from bot.client import Policybot
from bot.config import Settings
from .discord_standin import GUILD_ID, MOD_ROLE_ID, TOKEN, FakeDiscord
from .e2e_corpus import HARBOR_DOC, LUNCH_DOC, SEED
from retrieval.engine import Engine
from retrieval.feedback import FeedbackStore

@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "2024-05-01_town-hall.md").write_text(LUNCH_DOC, encoding="utf-8")
    (corpus / "2023-03-02_harbor.txt").write_text(HARBOR_DOC, encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def engine(corpus_dir, tmp_path_factory, embedder) -> Engine:
    """The real engine on the shared tiny corpus; tests must not change that corpus.

    `embedder` is the session-wide real model from tests/conftest.py."""
    eng = Engine(corpus_dir=corpus_dir, index_dir=tmp_path_factory.mktemp("index"), embedder=embedder)
    eng.load()
    return eng


@pytest.fixture
def settings(corpus_dir, tmp_path) -> Settings:
    return Settings(
        _env_file=None,
        DISCORD_TOKEN=TOKEN,
        POLICYBOT_CORPUS=corpus_dir,
        POLICYBOT_INDEX=tmp_path / "unused-index",
        POLICYBOT_GUILD_IDS=str(GUILD_ID),
        POLICYBOT_MOD_ROLE_IDS=str(MOD_ROLE_ID),
        POLICYBOT_COOLDOWN_SECONDS=0,
    )


Scenario = Callable[[FakeDiscord, Policybot], Awaitable[None]]


@pytest.fixture
def feedback(tmp_path) -> FeedbackStore:
    """This test's own feedback.sqlite: votes and answer records do not leak between tests."""
    return FeedbackStore(tmp_path / "feedback" / "feedback.sqlite")


@pytest.fixture
def run_bot(monkeypatch, settings, engine, feedback):
    """Run `scenario(fake, bot)` with the real bot logged in and READY against the stand-in.

    With `after_restart`, the bot is then closed and a new one logged in against the same stand-in,
    engine and feedback store (messages sent before stay, as after a real restart), and
    `after_restart(fake, new_bot)` runs."""

    def run(
        scenario: Scenario,
        *,
        settings: Settings = settings,
        engine=engine,
        timeout: float = 60.0,
        feedback: FeedbackStore = feedback,
        after_restart: Scenario | None = None,
    ) -> FakeDiscord:
        fake = FakeDiscord()

        async def session(part: Scenario) -> None:
            bot = Policybot(settings=settings, engine=engine, feedback=feedback, guild_ready_timeout=0.1)
            runner = asyncio.create_task(bot.start(TOKEN))
            try:
                ready = asyncio.create_task(bot.wait_until_ready())
                done, _ = await asyncio.wait({ready, runner}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
                if runner in done:
                    runner.result()  # raises the startup error
                assert ready in done, "bot did not become ready"
                await asyncio.wait_for(part(fake, bot), timeout)
            finally:
                await bot.close()
                await asyncio.wait_for(runner, 10)

        async def main() -> None:
            await fake.start()
            monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
            monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", fake.gateway)
            try:
                await session(scenario)
                if after_restart is not None:
                    await session(after_restart)
            finally:
                await fake.stop()

        asyncio.run(main())
        return fake

    return run


@pytest.fixture(autouse=True)
def _quiet_logs(caplog):
    caplog.set_level(logging.INFO, logger="bot")
    caplog.set_level(logging.WARNING, logger="discord")
