"""/add, /remove, /restore: moderators curate the corpus from Discord.

The work (fetching, extracting, storing, reloading, rolling back, the audit log) is
the engine's `Curator`, the same one the CLI calls; this cog only turns options into
its arguments and its records into messages. Refusals are PolicybotErrors, shown
privately to the moderator by the command tree's error handler.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.checks import actor_of, is_mod
from retrieval.curation import Overrides
from retrieval.errors import SourceRefused

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)

CHOICES = 25  # Discord shows at most 25 autocomplete choices
CHOICE_CHARS = 100  # and each name and value is at most 100 characters


def _choice(label: str, value: str) -> app_commands.Choice[str] | None:
    if len(value) > CHOICE_CHARS:
        return None  # a longer path cannot be offered; it can still be typed into the CLI
    label = " ".join(label.split())
    return app_commands.Choice(name=label if len(label) <= CHOICE_CHARS else label[: CHOICE_CHARS - 1] + "…", value=value)


class Curate(commands.Cog):
    def __init__(self, bot: Policybot) -> None:
        self.bot = bot

    @app_commands.command(name="add", description="Add a web page or a file to the corpus (moderators only).")
    @app_commands.describe(
        url="The page to add; with a file, the file's source link instead",
        file="A .txt, .md, .html or .pdf file to add",
        title="Title (instead of the extracted one)",
        outlet="Outlet, e.g. Riverton Herald",
        published="Publication date, YYYY-MM-DD",
        speaker="For a transcript: who speaks its first-person text",
    )
    @is_mod()
    async def add(
        self,
        interaction: discord.Interaction,
        url: Optional[app_commands.Range[str, 1, 2000]] = None,
        file: Optional[discord.Attachment] = None,
        title: Optional[app_commands.Range[str, 1, 300]] = None,
        outlet: Optional[app_commands.Range[str, 1, 200]] = None,
        published: Optional[app_commands.Range[str, 1, 40]] = None,
        speaker: Optional[app_commands.Range[str, 1, 200]] = None,
    ) -> None:
        if file is None and not (url or "").strip():
            raise SourceRefused("Give a link (url:) or attach a file (file:) to add.")
        await interaction.response.defer(thinking=True)
        actor = actor_of(interaction)
        curator = self.bot.curator
        if file is not None:
            overrides = Overrides(title=title, outlet=outlet, url=url, published=published, speaker=speaker)
            log.info("/add file %s (%d bytes) by %s (%s)", file.filename, file.size, actor.name, actor.id)
            added = await asyncio.to_thread(curator.add_download, file.url, file.filename, file.size, overrides, actor)
        else:
            overrides = Overrides(title=title, outlet=outlet, published=published, speaker=speaker)
            log.info("/add url %s by %s (%s)", url, actor.name, actor.id)
            added = await asyncio.to_thread(curator.add_url, url, overrides, actor)
        await interaction.followup.send(embed=render.added_embed(added))

    @app_commands.command(name="remove", description="Take a source out of the corpus; it is kept and can be restored (moderators only).")
    @app_commands.describe(source="The source to remove (start typing its title or file name)")
    @is_mod()
    async def remove(self, interaction: discord.Interaction, source: app_commands.Range[str, 1, 500]) -> None:
        await interaction.response.defer(thinking=True)
        moved = await asyncio.to_thread(self.bot.curator.remove, source, actor_of(interaction))
        await interaction.followup.send(embed=render.moved_embed(moved))

    @app_commands.command(name="restore", description="Put a removed source back into the corpus (moderators only).")
    @app_commands.describe(source="The removed source (start typing its file name)")
    @is_mod()
    async def restore(self, interaction: discord.Interaction, source: app_commands.Range[str, 1, 500]) -> None:
        await interaction.response.defer(thinking=True)
        moved = await asyncio.to_thread(self.bot.curator.restore, source, actor_of(interaction))
        await interaction.followup.send(embed=render.moved_embed(moved))

    @remove.autocomplete("source")
    async def _sources_to_remove(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        found = await asyncio.to_thread(self.bot.engine.sources, current.strip() or None)
        choices = (_choice(f"{info.title} ({info.source})", info.source) for info in found)
        return [c for c in choices if c is not None][:CHOICES]

    @restore.autocomplete("source")
    async def _sources_to_restore(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        kept = await asyncio.to_thread(self.bot.curator.removed)
        needle = current.strip().lower()
        latest = {r.source: r for r in kept}  # oldest first: the last copy of each source wins
        choices = (
            _choice(f"{r.source} (removed {r.removed_at[:10]})", r.source)
            for r in sorted(latest.values(), key=lambda r: r.removed_at, reverse=True)
            if needle in r.source.lower()
        )
        return [c for c in choices if c is not None][:CHOICES]


async def setup(bot: Policybot) -> None:
    await bot.add_cog(Curate(bot))
