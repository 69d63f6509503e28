"""What Discord allows and how it spreads guilds over shards: platform facts, kept with
the platform (neutral layers get them from the adapter)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.platforms.base import RateLimits, Shards

#: Discord: 50 requests/s per bot, 5 messages / 5 s per channel (a thread is a channel).
DISCORD_LIMITS = RateLimits(50, 1.0, 5, 5.0, thread_is_channel=True)


@dataclass(frozen=True)
class DiscordShards(Shards):
    """Discord's routing: a guild's shard is ``(guild_id >> 22) % shard_count`` (the
    snowflake's timestamp bits); DMs go through shard 0."""

    def route_of(self, space_id: str) -> int:
        return int(space_id) >> 22
