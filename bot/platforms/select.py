"""Which platforms a run starts: Slack and/or Discord when their tokens are set, else the
console (the embedded default)."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from bot.errors import ConfigError
from bot.platforms.base import PlatformAdapter
from bot.platforms.console import ConsoleAdapter
from config.settings import Settings
from handlers import default_registry


@dataclass(frozen=True)
class RunOptions:
    console: bool = False
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None


def slack_adapters(settings: Settings, options: RunOptions, *,
                   http: aiohttp.ClientSession | None = None) -> list[PlatformAdapter]:
    """Slack when SLACK_BOT_TOKEN is set (Socket Mode with SLACK_APP_TOKEN, else HTTP),
    calling its Web API through ``http`` when given (the app's session for platforms).

    Raises:
        ConfigError: a bot token without SLACK_APP_TOKEN or SLACK_SIGNING_SECRET.
    """
    slack = settings.slack
    if slack.bot_token is None or not slack.bot_token.get_secret_value():
        return []
    app_token = slack.app_token.get_secret_value() if slack.app_token else None
    secret = slack.signing_secret.get_secret_value() if slack.signing_secret else None
    if not app_token and not secret:
        raise ConfigError("invalid setting slack: SLACK_BOT_TOKEN is set but neither "
                          "SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode)")
    from bot.platforms.slack import SlackAdapter

    return [SlackAdapter(bot_token=slack.bot_token.get_secret_value(), app_token=app_token,
                         signing_secret=secret, api_url=slack.api_url,
                         http_port=slack.http_port, http_host=slack.http_host,
                         admin_allowlist=slack.admin_allowlist,
                         zone=settings.zone, session=http)]


def discord_adapters(settings: Settings, options: RunOptions) -> list[PlatformAdapter]:
    """Discord when DISCORD_TOKEN is set (AutoShardedClient when the shard count is > 1)."""
    if settings.discord.token is None or not settings.discord.token.get_secret_value():
        return []
    from bot.platforms.discord import DiscordAdapter

    return [DiscordAdapter(settings.discord, zone=settings.zone, shard_ids=options.shard_ids,
                           shard_count=options.shard_count)]


def loopback_adapters(settings: Settings, options: RunOptions) -> list[PlatformAdapter]:
    """The loopback chat platform when ``[loopback] url`` (CEASEFIRE_BOT_LOOPBACK_URL) is set."""
    if not settings.loopback.url:
        return []
    from bot.platforms.loopback import LoopbackAdapter
    from bot.platforms.loopback.shards import LoopbackShards

    adapter = LoopbackAdapter(settings.loopback.url, zone=settings.zone, lang=settings.language)
    if options.shard_ids is not None and options.shard_count is not None:
        # Sharded like Discord, so shard routing can be exercised end to end.
        adapter.shards = LoopbackShards(options.shard_ids, options.shard_count)
    return [adapter]


def build_platforms(settings: Settings, options: RunOptions, *,
                    http: aiohttp.ClientSession | None = None) -> list[PlatformAdapter]:
    """The run's platforms; ``http``: the app's HTTP session for platform calls."""
    adapters: list[PlatformAdapter] = []
    if not options.console:
        adapters += slack_adapters(settings, options, http=http)
        adapters += discord_adapters(settings, options)
        adapters += loopback_adapters(settings, options)
    if not adapters:
        adapters.append(ConsoleAdapter(zone=settings.zone, commands=default_registry().names,
                                       history=settings.data_dir / "console-history"))
    return adapters
