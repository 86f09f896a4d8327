"""The buttons under every answer, as persistent dynamic items: their custom_id names the recorded
answer, so a press works after a restart or a reload (the record lives in feedback.sqlite)."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord

from bot import render
from retrieval.errors import FeedbackUnavailable
from retrieval.feedback import AnswerRecord
from retrieval.models import Answer, QuoteRef

if TYPE_CHECKING:
    from bot.client import Policybot

log = logging.getLogger(__name__)

CUSTOM_ID = re.compile(r"pb:(?P<action>ctx|more|up|down):(?P<answer>[0-9a-f]{16})")
# action -> (label, emoji, style)
ACTIONS: dict[str, tuple[str | None, str | None, discord.ButtonStyle]] = {
    "ctx": ("Context", None, discord.ButtonStyle.secondary),
    "more": ("More", None, discord.ButtonStyle.secondary),
    "up": (None, "\N{THUMBS UP SIGN}", discord.ButtonStyle.secondary),
    "down": (None, "\N{THUMBS DOWN SIGN}", discord.ButtonStyle.secondary),
}


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button], template=CUSTOM_ID):
    def __init__(self, action: str, answer_id: str) -> None:
        label, emoji, style = ACTIONS[action]
        super().__init__(discord.ui.Button(label=label, emoji=emoji, style=style, custom_id=f"pb:{action}:{answer_id}"))
        self.action = action
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["action"], match["answer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs what a dynamic item raises; the cog answers every press itself.
        cog = interaction.client.get_cog("Buttons")
        await cog.press(interaction, self.action, self.answer_id)


def answer_view(record: AnswerRecord) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(AnswerButton(action, record.id))
    return view


def answer_id_of(message: discord.Message) -> str | None:
    """The recorded answer behind a message of ours, from its buttons' custom_ids."""
    for row in message.components:
        for child in getattr(row, "children", ()):
            match = CUSTOM_ID.fullmatch(getattr(child, "custom_id", None) or "")
            if match:
                return match["answer"]
    return None


def speaker_of(answer: Answer) -> str | None:
    return answer.asked_speaker or (answer.quotes[0].speaker if answer.quotes else None)


async def record(
    bot: Policybot,
    answer: Answer,
    *,
    page: int,
    guild_id: int | None,
    owner_id: int | None = None,
    parent: str | None = None,
    shown_before: int = 0,
) -> discord.ui.View | None:
    """Record an answer and return its buttons; None (the answer goes out without them) when there are
    no quotes to act on or the feedback store is unavailable: a broken store never stops an answer."""
    quotes = render.shown_quotes(answer)
    if answer.abstained or not quotes:
        return None
    try:
        saved = await asyncio.to_thread(
            bot.feedback.record_answer,
            answer.question,
            speaker_of(answer),
            [QuoteRef.of(q) for q in quotes],
            page=page,
            shown_before=shown_before,
            parent=parent,
            owner_id=owner_id,
            guild_id=guild_id,
        )
    except FeedbackUnavailable:
        log.warning("answer to %r sent without buttons: the feedback store is unavailable", answer.question)
        return None
    return answer_view(saved)
