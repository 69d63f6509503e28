"""HTTP mode's front door: malformed requests get a plain 400/401, never a 500.

Bolt reads the body and the timestamp header before it checks anything, and raises on a
non-numeric ``X-Slack-Request-Timestamp`` or a body that is not the JSON (or form) it
expects, which aiohttp turns into a 500 with a traceback in the log. This middleware checks
the request the way Bolt will (slack_sdk's verifier, Bolt's own body parser) first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def refuse_malformed(signing_secret: str) -> Middleware:
    """An aiohttp middleware: 401 for an unsigned, stale or unreadable signature, 400 for
    a signed body Bolt could not parse."""
    verifier = SignatureVerifier(signing_secret)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST":
            return await handler(request)
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        body = await request.text()  # aiohttp keeps it: Bolt reads the same bytes again
        if not (stamp.isascii() and stamp.isdigit()) or not verifier.is_valid(
                body, stamp, request.headers.get("X-Slack-Signature", "")):
            log.info("slack: refused a request without a valid signature (401)")
            return web.Response(status=401, text="invalid request")
        try:
            payload = parse_body(body, request.content_type)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            log.info("slack: refused a signed request whose body is not readable (400)")
            return web.Response(status=400, text="malformed body")
        return await handler(request)

    return middleware
