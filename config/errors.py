"""The root of the error tree and the one error settings raise.

Settings are read before anything else exists and sit in the bottom layer, so the root
lives here; ``bot.errors`` re-exports both and grows the rest of the tree on top.
"""

from __future__ import annotations


class BotError(Exception):
    """Root of every error the bot raises on purpose."""


class ConfigError(BotError):
    """A setting is missing or wrong; the message names the key and the problem."""
