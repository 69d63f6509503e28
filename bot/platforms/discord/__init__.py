"""Discord through discord.py: the only package that imports ``discord``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]


def __getattr__(name: str) -> Any:
    """The adapter, imported on first use: ``setup`` (which a run always reads) must not
    pull in the platform's library when the platform is not configured."""
    if name == "DiscordAdapter":
        from bot.platforms.discord.adapter import DiscordAdapter

        return DiscordAdapter
    raise AttributeError(name)
