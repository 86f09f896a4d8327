"""/sources: the documents in the corpus, a page at a time."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import send_ephemeral, user_message, GENERIC_ERROR
from retrieval.models import SourceInfo

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)


class SourcesPages(discord.ui.View):
    """Previous/next buttons over a fixed list of sources; only the asker can turn pages."""

    def __init__(self, sources: list[SourceInfo], query: str | None, owner_id: int) -> None:
        super().__init__(timeout=300)
        self.sources = sources
        self.query = query
        self.owner_id = owner_id
        self.page = 0
        self.pages = render.page_count(len(sources))
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None
        self._sync_buttons()

    def embed(self) -> discord.Embed:
        return render.sources_embed(self.sources, self.page, self.query)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page <= 0
        self.next.disabled = self.page >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("Run /sources yourself to browse the list.", ephemeral=True)
            return False
        return True

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(self.page + step, 0), self.pages - 1)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, +1)

    async def on_timeout(self) -> None:
        if self.message is not None:
            try:
                await self.message.edit(view=None)
            except discord.HTTPException:
                pass

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        message = user_message(error)
        if message is None:
            log.error("Error in the /sources pager", exc_info=error)
            message = GENERIC_ERROR
        await send_ephemeral(interaction, message)


class Sources(commands.Cog):
    def __init__(self, bot: Policybot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="List the documents in the corpus.")
    @app_commands.describe(query="Only documents whose title, outlet or file name match this")
    async def sources(self, interaction: discord.Interaction, query: Optional[app_commands.Range[str, 1, 200]] = None) -> None:
        await interaction.response.defer(thinking=True)
        query = query.strip() if query else None
        found = await asyncio.to_thread(self.bot.engine.sources, query or None)
        view = SourcesPages(found, query, interaction.user.id)
        if view.pages == 1:
            await interaction.followup.send(embed=view.embed())
            return
        view.message = await interaction.followup.send(embed=view.embed(), view=view, wait=True)


async def setup(bot: Policybot) -> None:
    await bot.add_cog(Sources(bot))
