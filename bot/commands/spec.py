"""What a command is, as data: platforms build their native commands from it.

Names follow Discord's rules for application commands and options (the strictest of our
platforms), so every platform can show every command as declared.
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.model import Lang, Request, Result

#: ``async def handle(req, deps) -> Result``: returns, never sends. ``deps`` is the app's
#: ``bot.deps.Deps``, a layer above this one, so it is not named here.
Handler = Callable[[Request, Any], Awaitable[Result]]
#: A typed line's words -> argument values (for commands whose text has its own grammar).
TextParser = Callable[[str], Mapping[str, str]]

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
#: Discord refuses longer command and option descriptions.
MAX_DESCRIPTION = 100


def handler_at(target: str) -> Handler:
    """The handler ``"package.module:function"``, imported when first run: the declaration
    stays cheap to import for adapters, which read it without running handlers."""
    module_name, _, name = target.partition(":")
    if not module_name or not name:
        raise ValueError(f"handler {target!r} is not 'module:function'")

    async def handle(req: Request, deps: Any) -> Result:
        handler: Handler = getattr(importlib.import_module(module_name), name)
        return await handler(req, deps)

    handle.__qualname__ = handle.__name__ = target
    return handle


@dataclass(frozen=True)
class Text:
    """One piece of user-facing text in each language the bot speaks."""

    en: str
    ja: str

    def get(self, lang: Lang | None) -> str:
        return self.ja if lang == "ja" else self.en


class Permission(enum.Enum):
    """Who may run a command."""

    #: Anyone, anywhere.
    ANYONE = "anyone"
    #: In a channel, only who may manage it (the platform says who, on ``Request``); in a
    #: DM, the user (it is their own). Platforms that learn a user's rights only with a
    #: native command (Discord's slash commands) offer it by message in DMs only.
    MANAGERS = "managers"


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Argument:
    """A typed argument. Values reach handlers as ``req.arg(name)`` (a string)."""

    name: str
    description: Text
    required: bool = False
    choices: tuple[Choice, ...] = ()
    #: How the value reads in a typed line (``tz={}``), for the request's text and help.
    typed_as: str = "{}"

    def as_typed(self, value: str) -> str:
        return self.typed_as.format(value)


@dataclass(frozen=True)
class Command:
    """One command, declared once: every platform and ``help`` read it from here."""

    name: str
    handler: Handler
    description: Text
    arguments: tuple[Argument, ...] = ()
    permission: Permission = Permission.ANYONE
    #: The typed form after the name for ``help`` (``<question>``); derived when None.
    syntax: str | None = None
    #: The line ``help`` shows; the description when None.
    help: Text | None = None
    #: False for requests only adapters make (a button click): help, completion and native
    #: command lists leave it out, and typed text never selects it.
    listed: bool = True
    #: Typed text -> argument values; default: the whole text is the first argument.
    parse: TextParser | None = None

    def validate(self) -> None:
        """Raises ValueError for a name, option or description a platform would refuse."""
        if not NAME.match(self.name):
            raise ValueError(f"invalid command name {self.name!r}")
        texts = [self.description] + [a.description for a in self.arguments]
        for text in texts:
            if not text.en or not text.ja or max(len(text.en), len(text.ja)) > MAX_DESCRIPTION:
                raise ValueError(f"command {self.name!r}: descriptions need en and ja, "
                                 f"at most {MAX_DESCRIPTION} characters")
        seen: set[str] = set()
        optional = False
        for arg in self.arguments:
            if not NAME.match(arg.name) or arg.name in seen:
                raise ValueError(f"command {self.name!r}: bad or repeated option {arg.name!r}")
            if arg.required and optional:
                raise ValueError(f"command {self.name!r}: required option {arg.name!r} "
                                 "after an optional one")
            seen.add(arg.name)
            optional = optional or not arg.required

    def usage(self) -> str:
        """``name <required> [optional]``, or the declared syntax."""
        if self.syntax is not None:
            return f"{self.name} {self.syntax}".rstrip()
        words = [self.name]
        for arg in self.arguments:
            shown = "|".join(c.value for c in arg.choices) or arg.name
            words.append(f"<{shown}>" if arg.required else f"[{shown}]")
        return " ".join(words)

    def bind_text(self, text: str) -> dict[str, str]:
        """Argument values from typed text (``parse``, else all of it to the first one)."""
        if self.parse is not None:
            return {k: v for k, v in self.parse(text).items() if v}
        text = text.strip()
        if not text or not self.arguments:
            return {}
        return {self.arguments[0].name: text}

    def typed_line(self, values: Mapping[str, Any]) -> str:
        """The text a user would type for these values (declaration order)."""
        words = []
        for arg in self.arguments:
            value = str(values.get(arg.name) or "").strip()
            if value:
                words.append(arg.as_typed(value))
        return " ".join(words)
