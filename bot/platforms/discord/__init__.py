"""Discord through discord.py: the only package that imports ``discord``."""

from bot.platforms.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
