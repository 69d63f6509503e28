"""The Slack platform (slack-bolt). The only package that imports slack_bolt / slack_sdk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.platforms.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter"]


def __getattr__(name: str) -> Any:
    """The adapter, imported on first use: ``setup`` (which a run always reads) must not
    pull in the platform's library when the platform is not configured."""
    if name == "SlackAdapter":
        from bot.platforms.slack.adapter import SlackAdapter

        return SlackAdapter
    raise AttributeError(name)
