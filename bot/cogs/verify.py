"""/verify: check a circulating quote against the sources."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.cogs.ask import _cooldown

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)


class VerifyCog(commands.Cog, name="Verify"):
    def __init__(self, bot: Policybot) -> None:
        self.bot = bot
        # Bounded so a burst of requests cannot starve reloads and the event loop's threads.
        self._searches = asyncio.Semaphore(max(1, bot.settings.max_concurrent_searches))

    @app_commands.command(name="verify", description="Check a quote that circulates: the true wording, its source, and how the claim differs.")
    @app_commands.describe(claim="The claim, e.g. Vance said ICE officers have absolute immunity")
    @app_commands.checks.dynamic_cooldown(_cooldown)
    async def verify(self, interaction: discord.Interaction, claim: str) -> None:
        claim = " ".join(claim.split())
        limit = self.bot.settings.max_question_chars
        if not claim:
            await interaction.response.send_message(
                "Please paste the claim, e.g. /verify claim:Vance said ICE officers have absolute immunity", ephemeral=True
            )
            return
        if len(claim) > limit:
            await interaction.response.send_message(
                f"That claim is {len(claim)} characters long; please keep it under {limit}.", ephemeral=True
            )
            return
        await interaction.response.defer(thinking=True)
        async with self._searches:
            result = await asyncio.to_thread(self.bot.engine.verify, claim)
        await interaction.followup.send(embed=render.verify_embed(result))


async def setup(bot: Policybot) -> None:
    await bot.add_cog(VerifyCog(bot))
