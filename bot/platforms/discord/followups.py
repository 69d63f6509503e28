"""Follow-up button clicks on Discord: answered in the clicked message's thread.

The click is acknowledged at once (a deferred update: nothing shown), the request names
only the button's key, and the answer goes through the core reply path and the app's
reply budget into the thread: the thread the message is in, or the one on the message
(opened when it has none; a DM has no threads, so it answers below). A refusal (an
unknown or forged key) is shown to the clicker only.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Coroutine
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import discord

from bot.errors import PlatformError
from bot.model import FOLLOW_UP_COMMAND, Reply, Request, Result
from bot.platforms.base import MessageRef, Target
from bot.platforms.discord.errors import platform_errors
from bot.platforms.discord.followup_row import key_of
from bot.platforms.discord.render import render
from bot.platforms.discord.shapes import interaction_payload
from bot.platforms.discord.translate import PLATFORM, THREAD_TYPES
from bot.platforms.text import zone_for
from bot.respond import Conversation


class DiscordAdapter(Protocol):
    """What a click needs of the adapter (a protocol: the adapter imports this module)."""

    zone: ZoneInfo

    @property
    def on_request(self) -> object: ...

    def _refuse_malformed(self, interaction: discord.Interaction,
                          payload: dict[str, Any]) -> Coroutine[Any, Any, bool]: ...

    async def open_thread(self, target: Target, parent: MessageRef,
                          title: str) -> MessageRef: ...

    async def answer(self, req: Request, conversation: Conversation) -> Result | None: ...

    async def reply(self, target: Target, result: Result, *,
                    key: str | None = None) -> MessageRef | None: ...

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
#: Longest key a click may carry (ours are about 30 characters).
KEY_MAX = 90


def follow_up_request(payload: dict[str, Any], key: str, *,
                      thread_id: str | None) -> Request:
    """A click as a ``more`` request (pure: tested on raw payloads)."""
    user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
    guild_id = payload.get("guild_id")
    channel = payload.get("channel") or {}
    channel_id = str(payload.get("channel_id") or "")
    if channel.get("type") in THREAD_TYPES and channel.get("parent_id"):
        channel_id = str(channel["parent_id"])
    return Request(platform=PLATFORM, command=FOLLOW_UP_COMMAND, text=key[:KEY_MAX],
                   args=(("key", key[:KEY_MAX]),), kind="command",
                   user_id=str(user.get("id", "")), channel_id=channel_id,
                   thread_id=thread_id, space_id=str(guild_id) if guild_id else None,
                   is_dm=guild_id is None)


async def on_follow_up(adapter: DiscordAdapter, interaction: discord.Interaction) -> bool:
    """Handle a follow-up click; False when the interaction is something else."""
    if interaction.type is not discord.InteractionType.component or not interaction.data:
        return False
    key = key_of(str(interaction.data.get("custom_id", "")))
    if key is None or adapter.on_request is None:
        return False
    payload = interaction_payload(interaction)
    if await adapter._refuse_malformed(interaction, payload):
        return True
    await interaction.response.defer()
    where = await _thread_of(adapter, interaction)
    req = follow_up_request(payload, key, thread_id=where.thread_id)
    await adapter.answer(req, InThread(adapter, interaction, where))
    return True


async def _thread_of(adapter: DiscordAdapter, interaction: discord.Interaction) -> Target:
    """Where the answer goes: the thread the clicked message is in, or the thread on it."""
    channel = interaction.channel
    channel_id = str(interaction.channel_id or "")
    if isinstance(channel, discord.Thread):
        return Target(str(channel.parent_id or channel_id), thread_id=channel_id)
    message = interaction.message
    if message is None or not isinstance(channel, discord.TextChannel):
        return Target(channel_id)
    title = next((e.title for e in message.embeds if e.title), None) or "Q&A"
    try:
        ref = await adapter.open_thread(Target(channel_id), MessageRef(str(message.id)), title)
    except PlatformError as exc:  # no thread permission here: answered below the message
        log.info("discord: no thread for follow-up click %s: %s", interaction.id, exc)
        return Target(channel_id)
    return Target(channel_id, thread_id=ref.thread_id)


@dataclasses.dataclass
class InThread(Conversation):
    """The answer in the thread, paced with every other reply; a refusal to the clicker."""

    adapter: DiscordAdapter
    interaction: discord.Interaction
    target: Target

    async def send(self, result: Result, *, zone: str | None) -> None:
        if isinstance(result, Reply) and result.ephemeral:
            messages = render(result, zone=zone_for(zone, self.adapter.zone))
            async with platform_errors(f"interaction {self.interaction.id}"):
                for message in messages:
                    await self.interaction.followup.send(message.content, ephemeral=True,
                                                         allowed_mentions=NONE)
            return
        await self.adapter.reply(dataclasses.replace(self.target, zone=zone), result)
