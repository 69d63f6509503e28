"""Which platforms a run starts: Slack and/or Discord when their tokens are set, else the
console (the embedded default)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.platforms.base import PlatformAdapter, Shards
from bot.platforms.console import ConsoleAdapter
from config.settings import Settings


@dataclass(frozen=True)
class RunOptions:
    console: bool = False
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None


def slack_adapters(settings: Settings, options: RunOptions) -> list[PlatformAdapter]:
    """Slack when SLACK_BOT_TOKEN is set (Socket Mode with SLACK_APP_TOKEN, else HTTP)."""
    return []


def discord_adapters(settings: Settings, options: RunOptions) -> list[PlatformAdapter]:
    """Discord when DISCORD_TOKEN is set."""
    return []


def loopback_adapters(settings: Settings, options: RunOptions) -> list[PlatformAdapter]:
    """The loopback chat platform when ``[loopback] url`` (CEASEFIRE_BOT_LOOPBACK_URL) is set."""
    if not settings.loopback.url:
        return []
    from bot.platforms.loopback import LoopbackAdapter

    adapter = LoopbackAdapter(settings.loopback.url, zone=settings.zone, lang=settings.language)
    if options.shard_ids is not None and options.shard_count is not None:
        # Sharded like Discord, so shard routing can be exercised end to end.
        adapter.shards = Shards(options.shard_ids, options.shard_count)
    return [adapter]


def build_platforms(settings: Settings, options: RunOptions) -> list[PlatformAdapter]:
    adapters: list[PlatformAdapter] = []
    if not options.console:
        adapters += slack_adapters(settings, options)
        adapters += discord_adapters(settings, options)
        adapters += loopback_adapters(settings, options)
    if not adapters:
        adapters.append(ConsoleAdapter(zone=settings.zone, lang=settings.language))
    return adapters
