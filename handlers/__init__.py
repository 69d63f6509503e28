"""What each command, mention, DM and thread reply does: written once for every platform.

A handler is ``async def handle(req, deps) -> Result``: it returns, it never sends.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping

from bot.deps import Deps
from bot.errors import UserFacingError
from bot.model import Reply, Request, Result

log = logging.getLogger(__name__)

Handler = Callable[[Request, Deps], Awaitable[Result]]
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class Registry:
    """Command name -> handler. Registration is all or nothing: a bad name or a duplicate
    rejects the whole batch."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._unlisted: set[str] = set()
        self.descriptions: dict[str, dict[str, str]] = {}

    def register_all(self, table: Mapping[str, tuple[Handler, dict[str, str]]], *,
                     listed: bool = True) -> None:
        """Register commands; ``listed=False`` for requests only adapters make (a button
        click), which help and "unknown command" never mention."""
        for name in table:
            if not _NAME.match(name):
                raise ValueError(f"invalid command name {name!r}")
            if name in self._handlers:
                raise ValueError(f"command {name!r} is already registered")
        for name, (handler, description) in table.items():
            self._handlers[name] = handler
            self.descriptions[name] = description
            if not listed:
                self._unlisted.add(name)

    def get(self, name: str) -> Handler | None:
        return self._handlers.get(name)

    @property
    def names(self) -> list[str]:
        return [name for name in self._handlers if name not in self._unlisted]


async def dispatch(registry: Registry, req: Request, deps: Deps) -> Result:
    """Run the handler for ``req``. Expected failures become a plain reply; anything else
    is logged with the request id and the user gets a generic apology (no internals)."""
    handler = registry.get(req.command)
    if handler is None:
        known = ", ".join(registry.names)
        return Reply(f"Unknown command `{req.command}`. Try one of: {known}.", ephemeral=True)
    try:
        return await handler(req, deps)
    except UserFacingError as exc:
        return Reply(str(exc), ephemeral=True)
    except Exception:
        log.exception("handler %s failed (platform=%s request=%s)", req.command, req.platform,
                      req.request_id)
        return Reply(f"Sorry, something went wrong on our side (request {req.request_id}). "
                     "It has been logged; please try again in a moment.", ephemeral=True)


def default_registry() -> Registry:
    from handlers.commands import COMMANDS, UNLISTED

    registry = Registry()
    registry.register_all(COMMANDS)
    registry.register_all(UNLISTED, listed=False)
    return registry
