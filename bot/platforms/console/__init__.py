"""The console platform: the embedded default and our text backend for tests."""

from bot.platforms.console.adapter import ConsoleAdapter

__all__ = ["ConsoleAdapter"]
