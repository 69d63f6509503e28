"""The Slack platform (slack-bolt). The only package that imports slack_bolt / slack_sdk."""

from bot.platforms.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter"]
