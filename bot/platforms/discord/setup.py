"""How a run starts the Discord platform (imports discord.py only when it is configured)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import Registry
from bot.platforms.base import PlatformAdapter
from bot.platforms.discord.settings import SECTION
from config.settings import Settings

if TYPE_CHECKING:
    import aiohttp

    from bot.platforms.select import RunOptions


def adapters(settings: Settings, options: RunOptions,
             commands: Registry, *,
             http: aiohttp.ClientSession | None = None) -> list[PlatformAdapter]:
    """Discord when DISCORD_TOKEN is set (AutoShardedClient when the shard count is > 1)."""
    discord = settings.section(SECTION)
    if discord.token is None or not discord.token.get_secret_value():
        return []
    from bot.platforms.discord import DiscordAdapter

    adapter = DiscordAdapter(discord, zone=settings.zone, shard_ids=options.shard_ids,
                             shard_count=options.shard_count)
    adapter.commands = commands
    return [adapter]
