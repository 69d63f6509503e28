"""The commands a platform offers when the app has not handed it a registry (an adapter or
a translation used on its own, as in tests): every command the bot has."""

from __future__ import annotations

from bot.commands import Registry


def commands_or_default(commands: Registry | None) -> Registry:
    """``commands``, else the bot's full registry (``handlers.registry``)."""
    if commands is not None:
        return commands
    from handlers import default_registry  # imported late: handlers sit above platforms

    return default_registry()
