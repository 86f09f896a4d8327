"""`policybot invite`: the OAuth2 URL that adds the bot to a server, with exactly the permissions it uses."""

from __future__ import annotations

import base64
import binascii

import discord

from bot.config import Settings
from retrieval.errors import PolicybotError

SCOPES = ("bot", "applications.commands")


def bot_permissions(settings: Settings) -> discord.Permissions:
    """What the bot needs in a channel. Slash commands need nothing: their replies go through the
    interaction, not the channel. Answering mentions and replies does: seeing the channel, sending
    (and typing), embeds, and reading history (a reply references a message; a follow-up in a
    thread looks back for the answer it follows). Answering in threads adds opening and posting in them."""
    permissions = discord.Permissions.none()
    if settings.answer_mentions:
        permissions |= discord.Permissions(view_channel=True, send_messages=True, embed_links=True, read_message_history=True)
        if settings.reply_in_thread:
            permissions |= discord.Permissions(create_public_threads=True, send_messages_in_threads=True)
    return permissions


def application_id(settings: Settings) -> int:
    """POLICYBOT_APPLICATION_ID, else the bot id in the token's first part (base64): no network call."""
    if settings.application_id:
        return settings.application_id
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise PolicybotError("set POLICYBOT_APPLICATION_ID (or DISCORD_TOKEN, which holds the application id)")
    first = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), altchars=b"-_", validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if not decoded.isdigit():
        raise PolicybotError("DISCORD_TOKEN does not start with an application id; set POLICYBOT_APPLICATION_ID")
    return int(decoded)


def invite_url(settings: Settings) -> str:
    return discord.utils.oauth_url(application_id(settings), permissions=bot_permissions(settings), scopes=SCOPES)
