"""The registry: command name -> ``Command``. Registration is all or nothing (a bad name
or a duplicate rejects the whole batch), as errbot and discord.py validate at definition."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping

from bot.commands.spec import Command, Handler, Permission, Text

#: What a command without a declared description says (tests' ad-hoc commands).
_UNDESCRIBED = Text("(no description)", "(説明なし)")


def _as_command(name: str, entry: Command | tuple[Handler, Mapping[str, str]]) -> Command:
    """A ``Command``, or the short form ``(handler, {"en": ..., "ja": ...})``."""
    if isinstance(entry, Command):
        if entry.name != name:
            raise ValueError(f"command {entry.name!r} registered as {name!r}")
        return entry
    handler, description = entry
    text = (Text(description.get("en", ""), description.get("ja", description.get("en", "")))
            if description else _UNDESCRIBED)
    return Command(name, handler, text)


class Registry:
    """Every command the bot knows, in declaration order."""

    def __init__(self, commands: Iterable[Command] = (), *, fallback: str = "ask") -> None:
        """Args:
            fallback: the command typed text that names no command runs (a question).
        """
        self._commands: dict[str, Command] = {}
        self.fallback = fallback
        self.register_all({c.name: c for c in commands})

    def register_all(self, table: Mapping[str, Command | tuple[Handler, Mapping[str, str]]],
                     *, listed: bool = True) -> None:
        """Register commands, all or nothing.

        Args:
            listed: False for requests only adapters make (a button click), which help,
                completion and "unknown command" never mention.

        Raises:
            ValueError: a bad name, option or description, or a name already registered.
        """
        batch: list[Command] = []
        for name, entry in table.items():
            command = _as_command(name, entry)
            if not listed and command.listed:
                command = dataclasses.replace(command, listed=False)
            command.validate()
            if name in self._commands or any(c.name == name for c in batch):
                raise ValueError(f"command {name!r} is already registered")
            batch.append(command)
        self._commands.update((c.name, c) for c in batch)

    def get(self, name: str) -> Handler | None:
        command = self._commands.get(name)
        return command.handler if command is not None else None

    def command(self, name: str) -> Command | None:
        return self._commands.get(name)

    def __iter__(self) -> Iterator[Command]:
        """The listed commands (what users see and type)."""
        return (c for c in self._commands.values() if c.listed)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self]

    def typable(self, *, native_rights: bool = True) -> list[str]:
        """Names typed text may select. ``native_rights=False``: where the platform cannot
        tell a user's rights from a message (a Discord mention), commands for managers
        are left out and such text is a question."""
        return [c.name for c in self
                if native_rights or c.permission is not Permission.MANAGERS]
