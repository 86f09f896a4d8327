"""`policybot run`: build the engine and the bot from settings and run until stopped."""

from __future__ import annotations

import logging

import discord

from bot.config import Settings
from retrieval.errors import PolicybotError

log = logging.getLogger(__name__)


def _token(settings: Settings) -> str:
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise PolicybotError("DISCORD_TOKEN is not set: put the bot token in the environment or in .env")
    return token


def run_bot(settings: Settings) -> None:
    token = _token(settings)
    # root=True so retrieval's loggers share discord.py's format and level.
    discord.utils.setup_logging(level=getattr(logging, settings.log_level.upper(), logging.INFO), root=True)

    from bot.client import Policybot
    from bot.config import make_engine

    from retrieval.feedback import FEEDBACK_FILE, FeedbackStore

    engine = make_engine(settings)
    bot = Policybot(settings=settings, engine=engine, feedback=FeedbackStore(settings.index / FEEDBACK_FILE))
    log.info("Starting policybot (corpus %s, index %s, model %s)", settings.corpus, settings.index, settings.model)
    try:
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        raise PolicybotError("Discord rejected DISCORD_TOKEN (login failed): check the bot token.") from None
    except discord.PrivilegedIntentsRequired:
        raise PolicybotError(
            "Discord refused the Message Content intent: enable it for the bot in the Developer Portal,"
            " or set POLICYBOT_ANSWER_MENTIONS=false to use slash commands only."
        ) from None
