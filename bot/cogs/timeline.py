"""/timeline: what one speaker said on a topic, across the corpus, oldest first."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.cogs.ask import _cooldown
from retrieval.speakers import matching_speakers

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)

MAX_SPEAKER_CHARS = 100


class TimelineCog(commands.Cog, name="Timeline"):
    def __init__(self, bot: Policybot) -> None:
        self.bot = bot
        # Bounded so a burst of requests cannot starve reloads and the event loop's threads.
        self._searches = asyncio.Semaphore(max(1, bot.settings.max_concurrent_searches))

    @app_commands.command(name="timeline", description="What a speaker said on a topic, oldest first, verbatim and cited.")
    @app_commands.describe(speaker="Whose statements, e.g. Barack Obama or Vance", topic="Only statements on this topic (optional)")
    @app_commands.checks.dynamic_cooldown(_cooldown)
    async def timeline(self, interaction: discord.Interaction, speaker: str, topic: Optional[str] = None) -> None:
        speaker = " ".join(speaker.split())
        topic = " ".join((topic or "").split()) or None
        limit = self.bot.settings.max_question_chars
        if not speaker:
            await interaction.response.send_message("Please name a speaker, e.g. /timeline speaker:Obama topic:immigration", ephemeral=True)
            return
        if len(speaker) > MAX_SPEAKER_CHARS:
            await interaction.response.send_message(
                f"That speaker name is {len(speaker)} characters long; please keep it under {MAX_SPEAKER_CHARS}.", ephemeral=True
            )
            return
        if topic and len(topic) > limit:
            await interaction.response.send_message(
                f"That topic is {len(topic)} characters long; please keep it under {limit}.", ephemeral=True
            )
            return
        await interaction.response.defer(thinking=True)
        async with self._searches:
            result = await asyncio.to_thread(self.bot.engine.timeline, speaker, topic)
        await interaction.followup.send(embed=render.timeline_embed(result))

    @timeline.autocomplete("speaker")
    async def speaker_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        speakers = await self.bot.known_speakers()
        return [app_commands.Choice(name=s, value=s) for s in matching_speakers(speakers, current)]


async def setup(bot: Policybot) -> None:
    await bot.add_cog(TimelineCog(bot))
