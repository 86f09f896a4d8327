"""The bot: settings and engine come in through the constructor; features live in cogs."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import EXTENSIONS
from bot.config import Settings, make_curator
from retrieval.errors import PolicybotError
from retrieval.feedback import FEEDBACK_FILE, FeedbackStore

if TYPE_CHECKING:
    from retrieval.engine import Engine

log = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong while answering. The error has been logged."


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Tell the user something privately, whether or not the interaction was answered yet."""
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(message, ephemeral=True)
            return
        if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            # The first follow-up would replace the public "thinking…" message and could not
            # be ephemeral, so drop that message and send the error as a new, private one.
            await interaction.delete_original_response()
        await interaction.followup.send(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not send an error message for interaction %s", interaction.id, exc_info=True)


def user_message(error: BaseException) -> str | None:
    """The text to show a user for `error`, or None when it must stay in the logs."""
    if isinstance(error, (app_commands.CommandInvokeError, app_commands.TransformerError)):
        error = error.__cause__ or getattr(error, "original", error)
    if isinstance(error, PolicybotError):
        return str(error) or None
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can ask again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure) and str(error):
        return str(error)
    return None


class PolicyTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        message = user_message(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("Error in /%s (interaction %s)", command, interaction.id, exc_info=error)
            message = GENERIC_ERROR
        await send_ephemeral(interaction, message)


class Policybot(commands.Bot):
    def __init__(self, settings: Settings, engine: Engine, feedback: FeedbackStore | None = None, **options: Any) -> None:
        intents = discord.Intents.default()
        # Privileged: only needed to read questions that mention the bot.
        intents.message_content = settings.answer_mentions
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=PolicyTree,
            help_command=None,
            **options,
        )
        self.settings = settings
        self.engine = engine
        # Beside the index, so answers' buttons and votes outlive restarts and reloads.
        self.feedback = feedback or FeedbackStore(engine.store.dir / FEEDBACK_FILE)
        self.curator = make_curator(settings, engine)

    async def setup_hook(self) -> None:
        log.info("Loading the embedding model and opening the index")
        await asyncio.to_thread(self.engine.load)
        documents, passages = await asyncio.to_thread(self.engine.stats)
        log.info("Loaded %d documents, %d passages", documents, passages)

        for extension in EXTENSIONS:
            await self.load_extension(extension)

        if self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("Synced %d commands to guild %d", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("Synced %d global commands (they may take a while to appear)", len(synced))

    async def known_speakers(self) -> list[str]:
        """The corpus's speakers for autocomplete; none when the engine cannot say (suggestions are a convenience)."""
        try:
            return await asyncio.to_thread(self.engine.speakers)
        except Exception:  # noqa: BLE001 - typing goes on without suggestions
            log.warning("No speaker suggestions", exc_info=True)
            return []

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("Ready as %s (id %s) in %d guilds", self.user, self.user.id, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        # No text commands: mentions and replies are answered by the ask cog's listener.
        return
