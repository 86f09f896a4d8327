"""Questions: /ask, @mentions, and replies to the bot's own answers (read as follow-ups)."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot import answers, render
from bot.client import GENERIC_ERROR
from retrieval.errors import PolicybotError
from retrieval.followup import Turn
from retrieval.models import Answer, QuoteRef
from retrieval.speakers import question_suggestions

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 25  # messages searched, in a thread the bot opened, for the answer a message follows up


def _cooldown(interaction: discord.Interaction) -> Optional[app_commands.Cooldown]:
    seconds = interaction.client.settings.cooldown_seconds
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None


class Ask(commands.Cog):
    def __init__(self, bot: Policybot) -> None:
        self.bot = bot
        settings = bot.settings
        self._searches = asyncio.Semaphore(max(1, settings.max_concurrent_searches))
        self._mention_cooldown = (
            commands.CooldownMapping.from_cooldown(1, settings.cooldown_seconds, commands.BucketType.user)
            if settings.cooldown_seconds > 0
            else None
        )

    def too_long(self, question: str) -> str | None:
        limit = self.bot.settings.max_question_chars
        if len(question) > limit:
            return f"That question is {len(question)} characters long; please keep it under {limit}."
        return None

    async def answer(self, question: str, top: int = 3) -> Answer:
        # Bounded so a burst of questions cannot starve reloads and the event loop's threads.
        async with self._searches:
            return await asyncio.to_thread(self.bot.engine.ask, question, top)

    @app_commands.command(name="ask", description="Answer a question with verbatim, cited quotes from the corpus.")
    @app_commands.describe(question="What do you want to know?", top="How many quotes to show (1-5)")
    @app_commands.checks.dynamic_cooldown(_cooldown)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: str,
        top: app_commands.Range[int, 1, 5] = 3,
    ) -> None:
        question = question.strip()
        if problem := self.too_long(question):
            await interaction.response.send_message(problem, ephemeral=True)
            return
        if not question:
            await interaction.response.send_message("Please ask a question.", ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        answer = await self.answer(question, top)
        view = await answers.record(self.bot, answer, page=top, guild_id=interaction.guild_id)
        await interaction.followup.send(embed=render.answer_embed(answer), **({"view": view} if view else {}))

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        speakers = await self.bot.known_speakers()
        return [app_commands.Choice(name=s, value=s) for s in question_suggestions(speakers, current)]

    # --- mentions and replies -----------------------------------------------------------

    def _replied_to_me(self, message: discord.Message) -> discord.Message | None:
        ref = message.reference
        if ref is None or self.bot.user is None:
            return None
        resolved = ref.resolved if isinstance(ref.resolved, discord.Message) else ref.cached_message
        return resolved if resolved is not None and resolved.author.id == self.bot.user.id else None

    def _in_my_thread(self, message: discord.Message) -> bool:
        channel = message.channel
        return isinstance(channel, discord.Thread) and self.bot.user is not None and channel.owner_id == self.bot.user.id

    def _question_from(self, message: discord.Message) -> str:
        assert self.bot.user is not None
        me = self.bot.user.id
        text = re.sub(rf"<@!?{me}>", " ", message.content)
        return " ".join(text.split())

    async def _previous(self, message: discord.Message) -> tuple[Turn, list[QuoteRef], str | None] | None:
        """The answer `message` follows up: the one it replies to, else the latest in a thread the bot
        opened. Its question and speaker, the quotes shown for it so far, and its record's id."""
        earlier = self._replied_to_me(message)
        if earlier is None and self._in_my_thread(message):
            try:
                async for candidate in message.channel.history(limit=HISTORY_LOOKBACK, before=message):
                    if self.bot.user and candidate.author.id == self.bot.user.id and answers.answer_id_of(candidate):
                        earlier = candidate
                        break
            except discord.HTTPException:
                log.warning("Could not read the history of thread %s", message.channel.id, exc_info=True)
        if earlier is None:
            return None
        answer_id = answers.answer_id_of(earlier)
        if answer_id:
            try:
                record = await asyncio.to_thread(self.bot.feedback.answer, answer_id)
                seen = await asyncio.to_thread(self.bot.feedback.seen, record)
                return Turn(record.question, record.speaker), seen, record.id
            except PolicybotError as exc:
                log.warning("Reading a follow-up without answer %s's record: %s", answer_id, exc)
        # Without the record, the question is still in the answer's title.
        for embed in earlier.embeds:
            if embed.title and embed.title.startswith("Q: "):
                return Turn(embed.title[3:], None), [], None
        return None

    async def _answer_message(self, message: discord.Message, question: str) -> tuple[Answer, int, str | None]:
        """The answer to a mention or reply, reading a reply as a follow-up to the answer it replies to.
        Also how many quotes were shown before it, and the answer it continues (for "what else…")."""
        previous = await self._previous(message)
        if previous is None:
            return await self.answer(question), 0, None
        turn, seen, parent = previous
        follow = await asyncio.to_thread(self.bot.engine.follow_up, question, turn)
        if follow.question != question:
            log.info("Follow-up %r read as %r", question, follow.question)
        if follow.wants_more and seen:
            async with self._searches:
                answer = await asyncio.to_thread(self.bot.engine.more, follow.question, seen, 3)
            if answer.quotes:
                return answer, len(seen), parent
        return await self.answer(follow.question), 0, None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self.bot.settings.answer_mentions or message.author.bot or self.bot.user is None:
            return
        if message.guild is not None and message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        mentioned = self.bot.user.id in message.raw_mentions
        if not (mentioned or self._replied_to_me(message) or self._in_my_thread(message)):
            return

        question = self._question_from(message)
        if not question:
            await self._reply(message, "Ask me a question, e.g. “what did they say about discipline?”")
            return
        if problem := self.too_long(question):
            await self._reply(message, problem)
            return
        retry_after = self._mention_cooldown.update_rate_limit(message) if self._mention_cooldown else None
        if retry_after:
            await self._reply(message, f"Slow down: you can ask again in {retry_after:.0f} s.")
            return

        try:
            async with message.channel.typing():
                answer, shown_before, parent = await self._answer_message(message, question)
        except PolicybotError as exc:
            await self._reply(message, str(exc))
            return
        except Exception:
            log.exception("Error answering message %s", message.id)
            await self._reply(message, GENERIC_ERROR)
            return
        view = await answers.record(
            self.bot, answer, page=3, guild_id=message.guild.id if message.guild else None,
            parent=parent, shown_before=shown_before,
        )
        await self._reply(message, embed=render.answer_embed(answer, shown_before), question=answer.question, view=view)

    async def _reply(
        self,
        message: discord.Message,
        content: str | None = None,
        *,
        embed: discord.Embed | None = None,
        question: str | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        kwargs = {"allowed_mentions": discord.AllowedMentions.none()}
        if view is not None:
            kwargs["view"] = view
        if content is not None:
            content = render.truncate(content, render.CONTENT_LIMIT)
        if embed is not None:
            kwargs["embed"] = embed
        try:
            if question and self.bot.settings.reply_in_thread and isinstance(message.channel, discord.TextChannel):
                thread = await message.create_thread(name=render.truncate(question, 100), auto_archive_duration=1440)
                await thread.send(content, **kwargs)
            else:
                await message.reply(content, mention_author=False, **kwargs)
        except discord.HTTPException:
            log.warning("Could not reply to message %s", message.id, exc_info=True)


async def setup(bot: Policybot) -> None:
    await bot.add_cog(Ask(bot))
