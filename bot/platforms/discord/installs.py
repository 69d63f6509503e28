"""User installs: a person adds the app to their own account and uses it anywhere.

Such an interaction may come from a server that never added the bot (no bot member: no
channel sends, no threads; everything goes through the interaction's webhook), or from a
group DM. Discord then allows at most five follow-ups per interaction, and where the
server does not let the member use external apps, Discord shows the app's replies to the
member alone: the bot answers ephemerally there rather than be made to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.platforms.discord.render import Message
from bot.platforms.discord.split import group_sizes

#: Permission bit: members may use apps that the server did not add.
USE_EXTERNAL_APPS = 1 << 50
#: Follow-ups Discord allows a user-installed app per interaction.
USER_FOLLOW_UPS = 5


@dataclass(frozen=True)
class Install:
    """How the app was reached for one interaction."""

    #: Authorised by the invoking user's install alone (the server did not add the bot).
    user_only: bool = False
    #: The bot's own DM with the user (it may send there, whoever installed it).
    bot_dm: bool = False
    #: The member may not use external apps here: replies are private.
    private: bool = False

    @property
    def webhook_only(self) -> bool:
        """No bot member where it was asked: only the interaction's webhook can answer."""
        return self.user_only and not self.bot_dm

    @property
    def follow_up_limit(self) -> int | None:
        return USER_FOLLOW_UPS if self.user_only else None


def install_of(interaction: discord.Interaction) -> Install:
    user_only = interaction.is_user_integration() and not interaction.is_guild_integration()
    bot_dm = bool(interaction.context.dm_channel)
    private = (user_only and interaction.guild_id is not None
               and not interaction.permissions.value & USE_EXTERNAL_APPS)
    return Install(user_only=user_only, bot_dm=bot_dm, private=private)


def within_follow_up_limit(messages: Sequence[Message], limit: int | None) -> list[Message]:
    """``messages`` in at most ``limit`` messages: the first as it is, the others' embeds
    regrouped (up to 10 embeds and 6000 characters a message); what still does not fit
    is dropped from the end. The 👍/👎 of an answer stays on the message holding its end."""
    if limit is None or len(messages) <= limit:
        return list(messages)
    first, rest = messages[0], messages[1:]
    embeds = [e for m in rest for e in m.embeds]
    feedback = next((m.feedback_for for m in reversed(rest) if m.feedback_for), None)
    groups = group_sizes([len(e) for e in embeds])[:limit - 1]
    merged = [Message(embeds=tuple(embeds[i] for i in group), in_thread=True,
                      ephemeral=first.ephemeral) for group in groups]
    if merged and feedback is not None:
        last = merged[-1]
        merged[-1] = Message(last.content, last.embeds, feedback, True, None, last.ephemeral)
    return [first, *merged]
