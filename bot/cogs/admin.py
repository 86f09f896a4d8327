"""/reload: moderators re-read the corpus without restarting the bot."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.checks import actor_of, is_mod
from retrieval.errors import ReloadInProgress

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)

BUSY = "A reload is already running. Try again when it has finished."


class Admin(commands.Cog):
    def __init__(self, bot: Policybot) -> None:
        self.bot = bot
        # In-process guard; the engine's own lock also covers `policybot ingest` in another process.
        self._reloading = asyncio.Lock()

    @app_commands.command(name="reload", description="Re-read the corpus and report what changed (moderators only).")
    @is_mod()
    async def reload(self, interaction: discord.Interaction) -> None:
        if self._reloading.locked():
            await interaction.response.send_message(BUSY, ephemeral=True)
            return
        async with self._reloading:
            await interaction.response.defer(thinking=True)
            log.info("Reload requested by %s (%s)", interaction.user, interaction.user.id)
            try:
                report = await asyncio.to_thread(self.bot.curator.reload, actor_of(interaction))
            except ReloadInProgress:
                await interaction.followup.send(BUSY + " (It was started outside this bot.)")
                return
        log.info(
            "Reload done in %.1f s: %d added, %d changed, %d removed, %d skipped",
            report.seconds, report.added, report.changed, report.removed, len(report.skipped),
        )
        await interaction.followup.send(embed=render.ingest_embed(report))


async def setup(bot: Policybot) -> None:
    await bot.add_cog(Admin(bot))
