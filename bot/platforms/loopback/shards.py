"""Shards for the loopback platform: its spaces are numbered like Discord guilds, so shard
routing can be exercised end to end without Discord."""

from __future__ import annotations

from dataclasses import dataclass

from bot.platforms.base import Shards


@dataclass(frozen=True)
class LoopbackShards(Shards):
    """A space's route is its id's bits above the low 22, as for a Discord guild."""

    def route_of(self, space_id: str) -> int:
        return int(space_id) >> 22
