"""Permission checks for app commands."""

from __future__ import annotations

from typing import Callable, TypeVar

import discord
from discord import app_commands

from retrieval.audit import Actor

T = TypeVar("T")


class NotModerator(app_commands.CheckFailure):
    """Raised when a non-moderator runs a moderator command; its message is shown to them."""

    def __init__(self) -> None:
        super().__init__("Only moderators can do that (Manage Server permission or a moderator role).")


def is_moderator(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    # Role ids straight from the interaction payload: the guild's role cache may lag behind.
    return any(member._roles.has(role_id) for role_id in interaction.client.settings.mod_role_ids)


def is_mod() -> Callable[[T], T]:
    """Moderators only: Manage Server, or a role in POLICYBOT_MOD_ROLE_IDS.

    `default_permissions` only hides the command by default and server admins can
    override it, so the same rule is also enforced here, on our side.
    """

    def predicate(interaction: discord.Interaction) -> bool:
        if not is_moderator(interaction):
            raise NotModerator()
        return True

    def decorator(func: T) -> T:
        func = app_commands.check(predicate)(func)
        func = app_commands.guild_only()(func)
        return app_commands.default_permissions(manage_guild=True)(func)

    return decorator


def actor_of(interaction: discord.Interaction) -> Actor:
    """Who ran a command, as the audit log names them."""
    return Actor.discord(interaction.user.id, interaction.user.name)
