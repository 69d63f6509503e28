"""How a run starts the Slack platform (imports slack-bolt only when it is configured)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import Registry
from bot.errors import ConfigError
from bot.platforms.base import PlatformAdapter
from bot.platforms.slack.settings import SECTION
from config.settings import Settings

if TYPE_CHECKING:
    import aiohttp

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
    _check_kind("SLACK_BOT_TOKEN", slack.bot_token.get_secret_value(), "xoxb-",
                "the Bot User OAuth Token, on the app's OAuth & Permissions page")
    if app_token:
        _check_kind("SLACK_APP_TOKEN", app_token, "xapp-",
                    "an app-level token with connections:write, on the app's Basic "
                    "Information page")
    from bot.platforms.slack import SlackAdapter

    adapter = SlackAdapter(bot_token=slack.bot_token.get_secret_value(), app_token=app_token,
                           signing_secret=secret, api_url=slack.api_url,
                           http_port=slack.http_port, http_host=slack.http_host,
                           admin_allowlist=slack.admin_allowlist, zone=settings.zone,
                           lang="ja" if settings.language == "ja" else "en", session=http)
    adapter.commands = commands
    return [adapter]


def _check_kind(variable: str, token: str, prefix: str, where: str) -> None:
    """Slack's token kinds are told apart by their prefix; the two tokens swapped, or a
    user token, would otherwise be sent to Slack as they are and fail somewhere later.

    Raises:
        ConfigError: the token is not of the kind the variable needs (only its prefix is
            shown).
    """
    if token.startswith(prefix):
        return
    kind = token.split("-", 1)[0] + "-" if "-" in token[:6] else None
    got = f"this one starts with {kind!r}" if kind else "this one does not look like one"
    raise ConfigError(f"invalid setting {variable}: it needs a token starting with {prefix} "
                      f"({where}); {got}")
