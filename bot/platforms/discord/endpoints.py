"""Point one discord.py client at other REST and gateway endpoints (a fake, a proxy).

discord.py reads both from class attributes (``Route.BASE``, ``DEFAULT_GATEWAY``) and has
no per-client option. Every REST call of a client goes through its ``HTTPClient.request``
and every gateway connection through its ``ws_connect``, so those two methods are wrapped
on this client's own ``HTTPClient`` instance. Interaction replies go through the webhook
adapter that discord.py takes from a context variable, so the client runs in a context
of its own where that variable holds a routed adapter. Other clients in the process, and
discord.py's classes, keep Discord's endpoints.
"""

from __future__ import annotations

import contextvars
from typing import Any

import discord
import discord.gateway
import discord.http
import discord.webhook.async_ as webhooks
import yarl


class RoutedWebhookAdapter(webhooks.AsyncWebhookAdapter):
    """discord.py's webhook adapter (interaction replies, follow-ups), sending to ``base``."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    async def request(self, route: discord.http.Route, *args: Any, **kwargs: Any) -> Any:
        _rebase(route, self.base)
        return await super().request(route, *args, **kwargs)


def _rebase(route: discord.http.Route, base: str) -> None:
    default = discord.http.Route.BASE
    if route.url.startswith(default):
        route.url = base + route.url[len(default):]


def client_context(api_base: str) -> contextvars.Context:
    """A context to run a client in (``asyncio.create_task(..., context=...)``): its
    interaction replies go to ``api_base``. Tasks the client starts inherit it."""
    context = contextvars.copy_context()
    base = api_base.rstrip("/")
    if base != discord.http.Route.BASE:
        context.run(webhooks.async_context.set, RoutedWebhookAdapter(base))
    return context


def point_at(client: discord.Client, *, api_base: str, gateway_url: str | None) -> None:
    """Send ``client``'s REST calls to ``api_base`` and its gateway connections to
    ``gateway_url`` (None: Discord's, or whatever Discord's gateway lookup answers)."""
    http = client.http
    default_base = discord.http.Route.BASE
    base = api_base.rstrip("/")
    if base != default_base:
        request = http.request

        async def routed_request(route: discord.http.Route, **kwargs: Any) -> Any:
            _rebase(route, base)
            return await request(route, **kwargs)

        http.request = routed_request  # type: ignore[method-assign]
    if gateway_url:
        default_host = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY.host
        gateway = yarl.URL(gateway_url)
        connect = http.ws_connect

        async def routed_connect(url: str, *, compress: int = 0) -> Any:
            target = yarl.URL(url)
            if target.host == default_host:
                target = gateway.with_query(target.query)
            return await connect(str(target), compress=compress)

        http.ws_connect = routed_connect  # type: ignore[method-assign]
