"""Listening on a configured address: a port already taken or a host this machine does not
have is a setting to change, said in one line, not a traceback from the socket layer."""

from __future__ import annotations

import errno
import os
import socket
from typing import TYPE_CHECKING

from bot.errors import ConfigError

if TYPE_CHECKING:
    from aiohttp import web


async def start_site(runner: web.AppRunner, *, host: str, port: int, host_key: str,
                     port_key: str) -> int:
    """Listen on ``host:port`` for ``runner`` (set up already); the port actually bound.

    Args:
        host_key, port_key: the settings the address comes from (``health.host``), named
            in the error.

    Raises:
        ConfigError: the address cannot be listened on; ``runner`` is cleaned up first.
    """
    from aiohttp import web

    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(_explain(exc, host=host, port=port, host_key=host_key,
                                   port_key=port_key)) from None
    sockets = getattr(site._server, "sockets", None) or []
    return int(sockets[0].getsockname()[1]) if sockets else port


def _explain(exc: OSError, *, host: str, port: int, host_key: str, port_key: str) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (f"invalid setting {port_key}: {where} is already in use by another program: "
                f"stop it, or choose another {port_key}")
    if exc.errno == errno.EACCES:
        return (f"invalid setting {port_key}: listening on port {port} is not permitted "
                f"(ports below 1024 need privileges): choose a port above 1023")
    if isinstance(exc, socket.gaierror):
        return (f"invalid setting {host_key}: {host!r} is not a known host name: use an "
                "address of this machine, e.g. 127.0.0.1 or 0.0.0.0")
    return (f"invalid setting {host_key}: cannot listen on {where} "
            f"({os.strerror(exc.errno) if exc.errno else exc}): "
            "use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0")
