"""Loopback chat server: the platform the `loopback` adapter talks to, for tests and benches.

A small HTTP/JSON chat service on 127.0.0.1 that behaves like the hard parts of Discord and
Slack: rate limits it enforces itself (429 + ``retry_after``), idempotency by delivery key
(switchable, so both Discord's ``nonce`` and Slack's history lookup can be exercised),
history lookup by key, threads, and injected transient (429/5xx) and permanent
(channel gone, bot removed, missing permission) failures.

Wire format (all JSON):

* ``GET  /api/info`` -> ``{"profile", "limits": {...}}``
* ``POST /api/messages`` ``{"channel", "thread"?, "text", "metadata": {"key"},
  "interaction"?}`` ->
  ``{"ok": true, "message": {...}}`` | 429 ``{"error": "rate_limited", "retry_after"}`` |
  5xx ``{"error"}`` | 403/404 ``{"error": "channel_not_found" | "not_in_channel" |
  "missing_permission" | "thread_not_found"}``
* ``PATCH /api/messages/{id}`` ``{"channel", "text"}`` -> ``{"ok": true, "message": {...}}``
  (the message's text replaced, ``edited`` set) | 429 as above | 404 ``{"error":
  "message_not_found"}`` (no such message in that channel)
* ``GET  /api/history?channel=C&key=K`` -> ``{"messages": [...]}``
* ``GET  /api/events?timeout=S`` -> ``{"events": [{"id", "channel", "user", "text", "dm",
  "interaction"}]}`` (long poll: what users typed; a reply carries ``reply:<id>`` as its key)

Every event is a command invocation, as on Discord an application command is an interaction
with a token: a message posted with ``"interaction": <its token>`` (valid for 15 minutes)
answers it and, as Discord documents ("Interaction endpoints are not bound to the bot's
Global Rate Limit"), does not count against the global window. It still counts against its
channel's window, which is stricter than Discord (whose per-route limit for an interaction's
responses is its own).

Test controls are plain methods on :class:`ChatFake` (and ``/_admin/*`` for other processes).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

Message = dict[str, Any]


@dataclass(frozen=True)
class Profile:
    global_calls: int | None
    global_period: float
    channel_calls: int | None
    channel_period: float
    thread_is_channel: bool

    def scaled(self, scale: float) -> Profile:
        return Profile(self.global_calls, self.global_period / scale, self.channel_calls,
                       self.channel_period / scale, self.thread_is_channel)


PROFILES = {
    #: 50 requests/s global; 5 messages / 5 s per channel, a thread is its own channel.
    "discord": Profile(50, 1.0, 5, 5.0, True),
    #: chat.postMessage: about 1 message/s per channel with short bursts (2 in 2 s).
    "slack": Profile(None, 1.0, 2, 2.0, False),
    #: No limits (fast functional tests).
    "none": Profile(None, 1.0, None, 1.0, False),
}


#: How long an interaction's token stays valid (Discord: 15 minutes).
INTERACTION_TTL = 15 * 60.0


class Window:
    """At most ``calls`` in any ``period`` seconds (strict sliding window)."""

    def __init__(self, calls: int, period: float) -> None:
        self.calls, self.period = calls, period
        self.stamps: deque[float] = deque()

    def retry_after(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] >= self.period:
            self.stamps.popleft()
        return 0.0 if len(self.stamps) < self.calls else self.stamps[0] + self.period - now

    def add(self, now: float) -> None:
        self.stamps.append(now)


@dataclass
class Plan:
    """Injected failures."""

    #: channel -> (status, error) returned for every send there (permanent failures).
    channel_errors: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: (status, error) returned for the next sends, one each.
    transient: deque[tuple[int, str]] = field(default_factory=deque)
    #: Accept (store) the next N messages but answer only after ``hang_seconds``.
    hang_after_accept: int = 0
    hang_seconds: float = 30.0
    #: Accept (store) the next N messages but answer 200 with a page that is not the API's
    #: JSON (what a misbehaving proxy in between sends): an answer no adapter can read.
    garbled: int = 0


class ChatFake:
    def __init__(self, *, profile: str = "discord", scale: float = 1.0,
                 idempotent: bool = True, port: int = 0) -> None:
        self.profile_name = profile
        self.profile = PROFILES[profile].scaled(scale)
        self.idempotent = idempotent
        self.port = port
        self.plan = Plan()
        self.messages: list[Message] = []
        #: Every accepted edit: ``{"id", "channel", "text"}``, in order.
        self.edits: list[Message] = []
        self.stats: Counter[str] = Counter()
        self._ids = itertools.count(1000)
        self._event_ids = itertools.count(1)
        self._by_key: dict[tuple[str, str], Message] = {}
        self._by_id: dict[str, Message] = {}
        self._global = (Window(self.profile.global_calls, self.profile.global_period)
                        if self.profile.global_calls else None)
        self._channels: dict[str, Window] = {}
        self._events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        #: Interaction token -> when it was issued (``time.monotonic``).
        self._interactions: dict[str, float] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------------
    async def __aenter__(self) -> ChatFake:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app.add_routes([
            web.get("/api/info", self._info),
            web.post("/api/messages", self._post_message),
            web.patch("/api/messages/{id}", self._edit_message),
            web.get("/api/history", self._history),
            web.get("/api/events", self._poll_events),
            web.get("/_admin/messages", self._admin_messages),
            web.get("/_admin/stats", self._admin_stats),
        ])
        # Do not wait for held long polls or hanging sends when the test is over.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- test helpers ------------------------------------------------------------------
    def type_command(self, channel: str, text: str, *, user: str = "U1",
                     dm: bool = False, space: str | None = None,
                     manager: bool = True) -> str:
        """A user types ``text`` (e.g. ``subscribe daily 08:00``) in ``channel`` (of the
        server ``space``; ``manager``: the user may manage the channel). Returns the event's
        id (replies carry ``reply:<id>`` as their key)."""
        event_id = str(next(self._event_ids))
        token = self.interaction_of(event_id)
        self._interactions[token] = time.monotonic()
        self._events.put_nowait({"id": event_id, "channel": channel, "user": user,
                                 "text": text, "dm": dm, "space": space, "manager": manager,
                                 "interaction": token})
        return event_id

    def interaction_of(self, event_id: str) -> str:
        """The interaction token an event (a typed command) carries."""
        return f"itk-{event_id}"

    def posted(self, channel: str | None = None) -> list[Message]:
        return [m for m in self.messages if channel is None or m["channel"] == channel]

    async def wait_for(self, predicate: Callable[[], bool], *, within: float = 10.0) -> None:
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            await asyncio.sleep(0.02)

    # -- handlers ----------------------------------------------------------------------
    def _limits(self) -> dict[str, Any]:
        p = self.profile
        return {"global_calls": p.global_calls, "global_period": p.global_period,
                "channel_calls": p.channel_calls, "channel_period": p.channel_period,
                "thread_is_channel": p.thread_is_channel}

    async def _info(self, request: web.Request) -> web.Response:
        return web.json_response({"profile": self.profile_name, "limits": self._limits(),
                                  "idempotent": self.idempotent})

    def _rate_limited(self, bucket: str | None, now: float, *,
                      interaction: bool = False) -> float:
        """Seconds to wait, or 0 after counting this call against its windows (an answer
        to an ``interaction`` skips the global one)."""
        glob = None if interaction else self._global
        wait = glob.retry_after(now) if glob else 0.0
        window = None
        if bucket is not None and self.profile.channel_calls:
            window = self._channels.get(bucket)
            if window is None:
                window = self._channels[bucket] = Window(self.profile.channel_calls,
                                                         self.profile.channel_period)
            wait = max(wait, window.retry_after(now))
        if wait > 0:
            return wait
        if glob:
            glob.add(now)
        if window is not None:
            window.add(now)
        return 0.0

    async def _post_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        channel, thread = str(body["channel"]), body.get("thread")
        key = (body.get("metadata") or {}).get("key")
        self.stats["requests"] += 1
        if channel in self.plan.channel_errors:
            status, error = self.plan.channel_errors[channel]
            self.stats["permanent_errors"] += 1
            return web.json_response({"ok": False, "error": error}, status=status)
        refused = self._refuse_over_limit(channel, thread,
                                          interaction=self._live_interaction(body))
        if refused is not None:
            return refused
        if self.plan.transient:
            return self._next_transient(retry_after=True)
        parent = self._by_id.get(str(thread)) if thread is not None else None
        if thread is not None and (parent is None or parent["channel"] != channel
                                   or parent["thread"] is not None):
            return web.json_response({"ok": False, "error": "thread_not_found"}, status=404)
        if key and self.idempotent and (channel, key) in self._by_key:
            self.stats["deduplicated"] += 1
            return web.json_response({"ok": True, "message": self._by_key[(channel, key)],
                                      "duplicate": True})
        message = {"id": str(next(self._ids)), "channel": channel, "thread": thread,
                   "text": body.get("text", ""), "key": key, "ts": time.time()}
        self.messages.append(message)
        self._by_id[message["id"]] = message
        self.stats["accepted"] += 1
        if key:
            self._by_key.setdefault((channel, key), message)
        if self.plan.hang_after_accept > 0:
            self.plan.hang_after_accept -= 1
            await asyncio.sleep(self.plan.hang_seconds)
        if self.plan.garbled > 0:
            self.plan.garbled -= 1
            return web.Response(text="<html><body>Please wait</body></html>",
                                content_type="text/html")
        return web.json_response({"ok": True, "message": message})

    def _next_transient(self, *, retry_after: bool) -> web.Response:
        """The next injected transient failure (a 429 may say when to retry)."""
        status, error = self.plan.transient.popleft()
        self.stats["transient_errors"] += 1
        body: dict[str, Any] = {"ok": False, "error": error}
        if retry_after:
            body["retry_after"] = 0.05 if status == 429 else None
        return web.json_response(body, status=status)

    def _live_interaction(self, body: dict[str, Any]) -> bool:
        """Whether the message answers an interaction whose token is still valid."""
        issued = self._interactions.get(str(body.get("interaction")))
        if issued is None or time.monotonic() - issued > INTERACTION_TTL:
            return False
        self.stats["interaction_replies"] += 1
        return True

    def _refuse_over_limit(self, channel: str, thread: str | None, *,
                           interaction: bool = False) -> web.Response | None:
        """A 429 like the platform's when the message's channel (or thread) window is full
        (or the global one, unless it answers an ``interaction``)."""
        bucket = f"{channel}/{thread}" if thread and self.profile.thread_is_channel else channel
        wait = self._rate_limited(bucket, time.monotonic(), interaction=interaction)
        if wait <= 0:
            return None
        self.stats["rate_limited"] += 1
        return web.json_response({"ok": False, "error": "rate_limited",
                                  "retry_after": round(wait, 3)}, status=429,
                                 headers={"Retry-After": f"{wait:.3f}"})

    async def _edit_message(self, request: web.Request) -> web.Response:
        """Replace a message's text; an edit counts against the rate windows like a post."""
        body = await request.json()
        channel = str(body.get("channel", ""))
        self.stats["requests"] += 1
        message = self._by_id.get(request.match_info["id"])
        if message is None or message["channel"] != channel:
            return web.json_response({"ok": False, "error": "message_not_found"}, status=404)
        thread = message["thread"]
        refused = self._refuse_over_limit(channel, thread)
        if refused is not None:
            return refused
        if self.plan.transient:
            return self._next_transient(retry_after=False)
        message["text"] = str(body.get("text", ""))
        message["edited"] = True
        self.edits.append({"id": message["id"], "channel": channel, "text": message["text"]})
        self.stats["edited"] += 1
        return web.json_response({"ok": True, "message": message})

    async def _history(self, request: web.Request) -> web.Response:
        channel, key = request.query["channel"], request.query.get("key")
        self.stats["history_lookups"] += 1
        if self._global:
            wait = self._rate_limited(None, time.monotonic())
            if wait > 0:
                self.stats["rate_limited"] += 1
                return web.json_response({"ok": False, "error": "rate_limited",
                                          "retry_after": round(wait, 3)}, status=429)
        found = [m for m in self.messages
                 if m["channel"] == channel and (key is None or m["key"] == key)]
        return web.json_response({"ok": True, "messages": found[-100:]})

    async def _poll_events(self, request: web.Request) -> web.Response:
        timeout = float(request.query.get("timeout", "10"))
        events: list[dict[str, Any]] = []
        try:
            events.append(await asyncio.wait_for(self._events.get(), timeout))
        except TimeoutError:
            pass
        while not self._events.empty():
            events.append(self._events.get_nowait())
        return web.json_response({"events": events})

    async def _admin_messages(self, request: web.Request) -> web.Response:
        return web.json_response({"messages": self.messages})

    async def _admin_stats(self, request: web.Request) -> web.Response:
        return web.json_response(dict(self.stats))


async def _serve(args: argparse.Namespace) -> None:
    async with ChatFake(profile=args.profile, scale=args.scale, port=args.port,
                        idempotent=not args.no_idempotency) as fake:
        print(fake.url, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="loopback chat server")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="discord")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-idempotency", action="store_true",
                        help="a repeated delivery key posts again (Slack-like)")
    asyncio.run(_serve(parser.parse_args()))
