"""What each command, mention, DM and thread reply does: written once for every platform.

A handler is ``async def handle(req, deps) -> Result``: it returns, it never sends. The
commands are declared in ``handlers.registry``; ``dispatch`` runs one.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from bot.commands import Command, Permission, Registry
from bot.commands.spec import Handler
from bot.errors import UserFacingError
from bot.model import Reply, Request, Result
from bot.respond import apology

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

__all__ = ["Handler", "Registry", "apology", "bind", "default_registry", "dispatch"]


def bind(command: Command, req: Request) -> Request:
    """The request with typed arguments (from its text, on text platforms) and the text a
    user would have typed (from its arguments, on platforms with typed options).

    Raises:
        UserFacingError: a native option's value outside its choices, or text the
            command's grammar refuses.
    """
    if not req.args:
        # Typed text: the command's grammar reads it and its handler explains mistakes.
        values = command.bind_text(req.text)
        return dataclasses.replace(req, args=tuple(values.items())) if values else req
    if not req.text:
        req = dataclasses.replace(req, text=command.typed_line(dict(req.args)))
    for arg in command.arguments:
        value = req.arg(arg.name)
        if value is not None and arg.choices and value not in {c.value for c in arg.choices}:
            allowed = ", ".join(f"`{c.value}`" for c in arg.choices)
            raise UserFacingError(f"`{value}` is not a {arg.name}: use one of {allowed}.")
    return req


def refusal(command: Command, req: Request) -> str | None:
    """Why ``req``'s user may not run ``command``, or None when they may."""
    if command.permission is Permission.MANAGERS and not req.is_dm and not req.can_manage:
        return f"Only {req.manager_hint} can {command.name} this channel."
    return None


async def dispatch(registry: Registry, req: Request, deps: Deps) -> Result:
    """Run the command ``req`` names. Expected failures become a plain reply; anything else
    is logged with the request id and the user gets a generic apology (no internals)."""
    command = registry.command(req.command)
    if command is None:
        known = ", ".join(registry.names)
        if not req.command.strip():  # a bare "/"
            return Reply(f"Type a command after the `/`: one of {known}.", ephemeral=True)
        return Reply(f"Unknown command `{req.command[:100]}`. Try one of: {known}.",
                     ephemeral=True)
    try:
        refused = refusal(command, req)
        if refused is not None:
            raise UserFacingError(refused)
        return await command.handler(bind(command, req), deps)
    except UserFacingError as exc:
        return Reply(str(exc), ephemeral=True)
    except Exception:
        log.exception("handler %s failed (platform=%s request=%s)", req.command, req.platform,
                      req.request_id)
        return apology(req)


def default_registry() -> Registry:
    """Every command the bot has (``handlers.registry``)."""
    from handlers.registry import default_registry as build

    return build()
