"""How a run starts the Slack platform (imports slack-bolt only when it is configured)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp

from bot.commands import Registry
from bot.errors import ConfigError
from bot.platforms.base import PlatformAdapter
from bot.platforms.slack.settings import SECTION
from config.settings import Settings

if TYPE_CHECKING:
    from bot.platforms.select import RunOptions


def adapters(settings: Settings, options: RunOptions,
             commands: Registry, *,
             http: aiohttp.ClientSession | None = None) -> list[PlatformAdapter]:
    """Slack when SLACK_BOT_TOKEN is set (Socket Mode with SLACK_APP_TOKEN, else HTTP).

    Raises:
        ConfigError: a bot token without SLACK_APP_TOKEN or SLACK_SIGNING_SECRET.
    """
    slack = settings.section(SECTION)
    if slack.bot_token is None or not slack.bot_token.get_secret_value():
        return []
    app_token = slack.app_token.get_secret_value() if slack.app_token else None
    secret = slack.signing_secret.get_secret_value() if slack.signing_secret else None
    if not app_token and not secret:
        raise ConfigError("invalid setting slack: SLACK_BOT_TOKEN is set but neither "
                          "SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode)")
    from bot.platforms.slack import SlackAdapter

    adapter = SlackAdapter(bot_token=slack.bot_token.get_secret_value(), app_token=app_token,
                           signing_secret=secret, api_url=slack.api_url,
                           http_port=slack.http_port, http_host=slack.http_host,
                           admin_allowlist=slack.admin_allowlist, zone=settings.zone,
                           lang="ja" if settings.language == "ja" else "en", session=http)
    adapter.commands = commands
    return [adapter]
