"""A loopback feed server (aiohttp on 127.0.0.1) serving good and misbehaving feeds.

Routes are registered per test with :meth:`FeedServer.route`; every request is counted and
its headers kept, so tests can assert what the client sent (conditional GET, User-Agent).
"""

from __future__ import annotations

import asyncio
import gzip
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ROUTES = web.AppKey("routes", dict[str, Handler])


def rss(items: list[dict[str, str]], *, title: str = "Loopback Wire", lang: str = "en",
        encoding: str = "utf-8", decl: bool = True) -> bytes:
    """An RSS 2.0 document; items take title, link, guid, description, date (datetime iso)."""
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>' if decl else "",
             f"<rss version=\"2.0\"><channel><title>{title}</title><language>{lang}</language>"]
    for it in items:
        when = format_datetime(datetime.fromisoformat(it["date"]))
        parts.append(
            f"<item><title>{it['title']}</title><link>{it['link']}</link>"
            f"<guid isPermaLink=\"false\">{it.get('guid', it['link'])}</guid>"
            f"<description><![CDATA[{it.get('description', '')}]]></description>"
            f"<pubDate>{when}</pubDate></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode(encoding)


def item(n: int, *, when: datetime, host: str = "https://news.example", **extra: str
         ) -> dict[str, str]:
    base = {
        "title": f"Ukraine ceasefire talks round {n} open in Geneva",
        "link": f"{host}/story/{n}",
        "description": (f"<p>Delegations from Ukraine and Russia met for round {n} of "
                        f"ceasefire talks on Tuesday.</p><p>Officials said item {n * 37} "
                        "of the agenda concerned prisoner exchanges and energy sites.</p>"),
        "date": when.isoformat(),
    }
    base.update(extra)
    return base


PLACES = ["Riyadh", "Jeddah", "Istanbul", "Geneva", "Anchorage", "Doha", "Vienna", "Ankara",
          "Minsk", "Helsinki", "Oslo", "Rome", "Bern", "Cairo", "Baku", "Warsaw"]
WORDS = [f"{a}{b}{c}" for a in "tmvdklrspg" for b in ("a", "e", "io", "ou")
         for c in ("k", "nt", "st", "ry", "ble")]


def burst(now: datetime, count: int, *, seed: int) -> list[dict[str, str]]:
    """``count`` fresh, distinct on-topic reports (one development each)."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        place = PLACES[n % len(PLACES)]
        figure = 100 + 37 * n + seed
        filler = " ".join(rng.choice(WORDS) for _ in range(120))
        words = " ".join(rng.choice(WORDS).capitalize() for _ in range(3))
        items.append({
            "title": f"Ukraine ceasefire: {words} in {place} ({figure})",
            "link": f"https://burst{seed}.example/{n}",
            "description": f"<p>Ukraine ceasefire {words} {place} {figure}.</p><p>{filler}.</p>",
            "date": (now - timedelta(minutes=n + 1)).isoformat()})
    return items


class Feeds:
    """Feed documents by path, which a test replaces between polls."""

    def __init__(self) -> None:
        self.docs: dict[str, bytes] = {}

    def handler(self, path: str) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            return web.Response(body=self.docs[path], content_type="application/rss+xml")
        return handle


@dataclass
class FeedServer:
    server: TestServer
    app: web.Application
    hits: Counter[str] = field(default_factory=Counter)
    headers: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def static(self, path: str, body: bytes, *, content_type: str = "application/rss+xml",
               etag: str | None = None, gzip_body: bool = False) -> str:
        async def handle(request: web.Request) -> web.StreamResponse:
            if etag and request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            headers = {"ETag": etag} if etag else {}
            data = body
            if gzip_body:
                data = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            return web.Response(body=data, headers={**headers, "Content-Type": content_type})

        return self.route(path, handle)

    @property
    def routes(self) -> dict[str, Handler]:
        return self.app[ROUTES]


async def start_feed_server() -> FeedServer:
    app = web.Application()
    app[ROUTES] = {}
    fs: FeedServer

    async def dispatch(request: web.Request) -> web.StreamResponse:
        fs.hits[request.path] += 1
        fs.headers.setdefault(request.path, []).append(dict(request.headers))
        handler = app[ROUTES].get(request.path)
        if handler is None:
            return web.Response(status=404)
        return await handler(request)

    app.router.add_route("GET", "/{tail:.*}", dispatch)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    fs = FeedServer(server, app)
    return fs


# Misbehaving handlers -------------------------------------------------------------------

def status(code: int, headers: dict[str, str] | None = None) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(status=code, headers=headers or {}, text="nope")
    return handle


def hang(seconds: float = 30.0) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return web.Response(text="late")
    return handle


def drip(chunk: bytes = b"<", every: float = 0.2, count: int = 1000) -> Handler:
    """Starts answering at once, then sends a byte now and then: only a total timeout stops it."""
    async def handle(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await resp.prepare(request)
        try:
            for _ in range(count):
                await resp.write(chunk)
                await asyncio.sleep(every)
        except (ConnectionResetError, RuntimeError):
            pass
        return resp
    return handle


def huge(total: int = 10 * 1024 * 1024) -> Handler:
    """Streams ``total`` bytes without a Content-Length (chunked), so only the streaming cap
    can stop it."""
    async def handle(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        block = b"<!-- " + b"x" * 65526 + b" -->"
        sent = 0
        try:
            while sent < total:
                await resp.write(block)
                sent += len(block)
        except (ConnectionResetError, RuntimeError):
            pass
        return resp
    return handle


def redirect(location: str, code: int = 302) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(status=code, headers={"Location": location})
    return handle


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title>
<item><title>Ukraine ceasefire &lol4;</title><link>https://x.example/1</link></item>
</channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!-- a comment first, to get past naive checks -->
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title>
<item><title>Ukraine ceasefire &xxe;</title><link>https://x.example/2</link></item>
</channel></rss>"""

INVALID_XML = b"<rss version='2.0'><channel><title>broken<item></rss"


def now_utc() -> datetime:
    return datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def unused(*_: Any) -> None:
    return None
