"""The buttons under every answer: Context, More, 👍 and 👎.

Each press looks the answer up in feedback.sqlite by the id in the button's custom_id,
so it works after a restart and after a reload. Every press gets a short answer of its
own, privately: a missing record, a removed source or a broken store is said plainly.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot import answers, render
from bot.client import GENERIC_ERROR, send_ephemeral, user_message
from retrieval.errors import FeedbackUnavailable, PolicybotError
from retrieval.feedback import DOWN, UP, AnswerRecord

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)

NOT_YOURS = "These buttons belong to the member who asked for this page. Use /ask to get your own."
NO_MORE = "There are no more quotes for this question."
_THUMB = {UP: "\N{THUMBS UP SIGN}", DOWN: "\N{THUMBS DOWN SIGN}"}


def vote_message(vote: int, previous: int | None) -> str:
    if previous is None:
        return f"Thanks: your {_THUMB[vote]} on this answer is recorded."
    if previous == vote:
        return f"You had already given this answer a {_THUMB[vote]}; it stays."
    return f"Your vote on this answer is now {_THUMB[vote]} (it was {_THUMB[previous]})."


class Buttons(commands.Cog):
    def __init__(self, bot: Policybot) -> None:
        self.bot = bot
        # Bounded so a burst of "More" presses cannot starve reloads and the event loop's threads.
        self._searches = asyncio.Semaphore(max(1, bot.settings.max_concurrent_searches))

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(answers.AnswerButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(answers.AnswerButton)

    async def press(self, interaction: discord.Interaction, action: str, answer_id: str) -> None:
        try:
            record = await asyncio.to_thread(self.bot.feedback.answer, answer_id)
            if record.owner_id is not None and interaction.user.id != record.owner_id:
                await interaction.response.send_message(NOT_YOURS, ephemeral=True)
                return
            if action == "ctx":
                await self.context(interaction, record)
            elif action == "more":
                await self.more(interaction, record)
            else:
                await self.vote(interaction, record, UP if action == "up" else DOWN)
        except Exception as exc:  # noqa: BLE001 - a press always gets an answer, never a traceback
            message = user_message(exc)
            if message is None:
                log.error("Error handling the %s button of answer %s", action, answer_id, exc_info=exc)
                message = GENERIC_ERROR
            await send_ephemeral(interaction, message)

    async def context(self, interaction: discord.Interaction, record: AnswerRecord) -> None:
        def gather() -> list:
            items: list = []
            for ref in record.quotes:
                try:
                    items.append(self.bot.engine.context(ref))
                except PolicybotError as exc:  # one removed source does not hide the others' context
                    items.append(str(exc))
            return items

        items = await asyncio.to_thread(gather)
        await interaction.response.send_message(embeds=render.context_embeds(items), ephemeral=True)

    async def more(self, interaction: discord.Interaction, record: AnswerRecord) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        seen = await asyncio.to_thread(self.bot.feedback.seen, record)
        async with self._searches:
            answer = await asyncio.to_thread(self.bot.engine.more, record.question, seen, record.page)
        if not answer.quotes:
            await interaction.followup.send(NO_MORE, ephemeral=True)
            return
        view = await answers.record(
            self.bot,
            answer,
            page=record.page,
            guild_id=interaction.guild_id,
            owner_id=interaction.user.id,
            parent=record.id,
            shown_before=len(seen),
        )
        embed = render.answer_embed(answer, shown_before=len(seen))
        await interaction.followup.send(embed=embed, ephemeral=True, **({"view": view} if view else {}))

    async def vote(self, interaction: discord.Interaction, record: AnswerRecord, vote: int) -> None:
        try:
            result = await asyncio.to_thread(self.bot.feedback.vote, record.id, interaction.user.id, interaction.guild_id, vote)
        except FeedbackUnavailable as exc:
            await interaction.response.send_message(f"Your vote could not be saved. {exc}", ephemeral=True)
            return
        log.info("Vote %+d on answer %s by member %s", vote, record.id, interaction.user.id)
        await interaction.response.send_message(vote_message(result.vote, result.previous), ephemeral=True)


async def setup(bot: Policybot) -> None:
    await bot.add_cog(Buttons(bot))
