"""Loopback adapter: a small HTTP/JSON chat platform (``tests/fakes/chat_fake.py``) so a
real ``ceasefire-bot run`` can be tested and benchmarked end to end without Discord or
Slack. It behaves like them where it matters: rate limits, idempotency by delivery key,
history lookup by key (the key rides in message ``metadata``, as on Slack) and threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from yarl import URL

from bot.commands import Registry, parse_line
from bot.errors import PlatformError
from bot.model import FOLLOW_UP_COMMAND, Part, Request, Result
from bot.platforms.base import MessageRef, PlatformAdapter, RateLimits, Target
from bot.platforms.commands import commands_or_default
from bot.platforms.text import render_result, zone_for
from bot.respond import Conversation

log = logging.getLogger(__name__)

#: Errors meaning "retrying cannot help": the channel is gone or the bot may not post.
PERMANENT = {"channel_not_found", "not_in_channel", "missing_permission", "bot_removed",
             "is_archived", "thread_not_found", "message_not_found"}


#: Request headers of a message post (the body is encoded here, once, with ``json.dumps``).
JSON_HEADERS = {"Content-Type": "application/json"}

#: Rendered texts kept per adapter: a fan-out sends the same part to many channels.
RENDER_CACHE = 256


def to_platform_error(status: int, body: dict[str, Any]) -> PlatformError:
    """Translate an error response (pure; tested on raw JSON)."""
    error = str(body.get("error") or f"http_{status}")
    if status == 429:
        retry = body.get("retry_after")
        return PlatformError(f"rate limited ({error})", code=error,
                             retry_after=float(retry) if retry is not None else 1.0)
    if error in PERMANENT or status in (403, 404):
        return PlatformError(error.replace("_", " "), permanent=True, code=error)
    return PlatformError(f"server error {status} ({error})", code=error)


def to_request(event: dict[str, Any], *, lang: str | None = None,
               commands: Registry | None = None) -> Request:
    """A typed line (``/command args`` or a bare question) -> Request."""
    registry = commands_or_default(commands)
    # ``/more <code>`` asks a suggestion shown under an answer or update (no buttons here).
    command, rest = parse_line(str(event.get("text", "")),
                               [*registry.typable(), FOLLOW_UP_COMMAND],
                               fallback=registry.fallback)
    dm = bool(event.get("dm"))
    space = event.get("space")
    return Request(platform="loopback", command=command, text=rest,
                   kind="dm" if dm else "command", user_id=str(event.get("user", "")),
                   channel_id=str(event["channel"]), is_dm=dm,
                   space_id=str(space) if space else None,
                   can_manage=bool(event.get("manager", True)),
                   lang="ja" if lang == "ja" else "en" if lang == "en" else None)


class LoopbackAdapter(PlatformAdapter):
    name = "loopback"

    def __init__(self, url: str, *, zone: ZoneInfo, lang: str | None = None,
                 timeout: float = 10.0, session: aiohttp.ClientSession | None = None) -> None:
        """Args:
            timeout: the most one call to the chat server may take, in seconds.
            session: the app's HTTP session for platform calls (owned and closed by the
                app); None: the adapter opens one per ``start`` (scripts, tests).
        """
        super().__init__()
        self.url = url.rstrip("/")
        self.zone = zone
        self.lang = lang
        self.timeout = timeout
        self.limits = RateLimits()
        self._given_session = session
        self._http: aiohttp.ClientSession | None = None
        self._call_timeout = aiohttp.ClientTimeout(total=timeout)
        self._reader: asyncio.Task[None] | None = None
        self._handling: set[asyncio.Task[None]] = set()
        self._messages_url = URL(f"{self.url}/api/messages")
        self._rendered: dict[object, list[tuple[str, bool]]] = {}

    @property
    def http(self) -> aiohttp.ClientSession:
        assert self._http is not None, "start() first"
        return self._http

    async def start(self) -> None:
        self.commands = commands_or_default(self.commands)
        self._http = self._given_session or aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=256))
        async with self.http.get(f"{self.url}/api/info", timeout=self._call_timeout) as resp:
            info = await resp.json()
        limits = info.get("limits") or {}
        self.limits = RateLimits(**{k: v for k, v in limits.items()
                                    if k in RateLimits.__dataclass_fields__})

    async def on_ready(self) -> None:
        self._reader = asyncio.create_task(self._read_loop(), name="loopback-events")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        for task in list(self._handling):
            task.cancel()
        if self._handling:
            await asyncio.gather(*self._handling, return_exceptions=True)
        if self._http is not None and self._http is not self._given_session:
            await self._http.close()
        self._http = None

    async def send(self, target: Target, result: Result | Part, *,
                   key: str | None = None) -> MessageRef:
        first: MessageRef | None = None
        for i, (text, threaded) in enumerate(self._render(result, target.zone)):
            thread = target.thread_id or (first.message_id if threaded and first else None)
            part_key = key if i == 0 else (f"{key}#{i}" if key else None)
            ref = await self._post(target.channel_id, thread, text, part_key,
                                   interaction=target.interaction if i == 0 else None)
            first = first or ref
        assert first is not None
        return first

    async def edit(self, target: Target, message_id: str, result: Part) -> None:
        """``PATCH /api/messages/{id}`` with the part's text (a part is one message)."""
        text = "\n".join(text for text, _ in self._render(result, target.zone))
        await self._call("PATCH", self._messages_url / message_id,
                         {"channel": target.channel_id, "text": text})

    def _render(self, result: Result | Part, zone: str | None) -> list[tuple[str, bool]]:
        """Render once per part and zone (frozen values): one update goes to many
        channels."""
        shown = zone_for(zone, self.zone)
        try:
            hit = self._rendered.get((result, shown))
        except TypeError:  # an unhashable result: render it every time
            return render_result(result, shown, follow_ups=True)
        if hit is None:
            if len(self._rendered) >= RENDER_CACHE:
                self._rendered.clear()
            hit = self._rendered[(result, shown)] = render_result(result, shown,
                                                                 follow_ups=True)
        return hit

    async def _post(self, channel: str, thread: str | None, text: str,
                    key: str | None, *, interaction: str | None = None) -> MessageRef:
        payload: dict[str, Any] = {"channel": channel, "thread": thread, "text": text}
        if key:
            payload["metadata"] = {"event_type": "ceasefire_delivery", "key": key}
        if interaction:  # an answer to a command: outside the global limit, as on Discord
            payload["interaction"] = interaction
        body = await self._call("POST", self._messages_url, payload)
        message = body["message"]
        return MessageRef(str(message["id"]), str(message["thread"] or message["id"]))

    async def _call(self, method: str, url: URL, payload: dict[str, Any]) -> dict[str, Any]:
        """One JSON request to the chat server; its refusals as ``PlatformError``."""
        try:
            async with self.http.request(method, url, data=json.dumps(payload).encode(),
                                         headers=JSON_HEADERS,
                                         timeout=self._call_timeout) as resp:
                raw = await resp.read()
                status = resp.status
            body = json.loads(raw) if raw else {}
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PlatformError(f"disconnected ({type(exc).__name__})",
                                code="disconnected") from exc
        if status != 200 or not isinstance(body, dict) or not body.get("ok"):
            raise to_platform_error(status, body if isinstance(body, dict) else {})
        return body

    async def message_link(self, target: Target, message_id: str,
                           thread_id: str | None) -> str | None:
        """No URLs here: a plain reference to the thread."""
        return f"#{thread_id or message_id}"

    async def find_sent(self, target: Target, key: str) -> MessageRef | None:
        try:
            async with self.http.get(f"{self.url}/api/history",
                                     params={"channel": target.channel_id, "key": key},
                                     timeout=self._call_timeout) as resp:
                body = await resp.json(content_type=None)
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PlatformError(f"disconnected ({type(exc).__name__})",
                                code="disconnected") from exc
        if status != 200:
            raise to_platform_error(status, body if isinstance(body, dict) else {})
        for message in body.get("messages", []):
            if message.get("key") == key:
                return MessageRef(str(message["id"]), str(message["thread"] or message["id"]))
        return None

    async def _read_loop(self) -> None:
        while True:
            try:
                async with self.http.get(f"{self.url}/api/events",
                                         params={"timeout": "5"},
                                         timeout=aiohttp.ClientTimeout(total=15)) as resp:
                    events = (await resp.json()).get("events", [])
            except (aiohttp.ClientError, TimeoutError):
                await asyncio.sleep(1.0)
                continue
            for event in events:
                # Each in its own task: a reply waiting for a rate-limit slot must not hold
                # up the questions behind it.
                task = asyncio.create_task(self._handle(event), name="loopback-request")
                self._handling.add(task)
                task.add_done_callback(self._handling.discard)

    async def _handle(self, event: dict[str, Any]) -> None:
        try:
            req = to_request(event, lang=self.lang, commands=self.commands)
        except Exception:
            log.exception("loopback: event %r could not be read", event.get("id"))
            return
        event_id = event.get("id")
        interaction = event.get("interaction")
        target = Target(str(event["channel"]),
                        interaction=str(interaction) if interaction else None)
        await self.answer(req, _Channel(self, target,
                                        f"reply:{event_id}" if event_id else None))


@dataclasses.dataclass
class _Channel(Conversation):
    """A reply goes to the channel the line was typed in, keyed by the event id so a
    retried reply is never posted twice."""

    adapter: LoopbackAdapter
    target: Target
    key: str | None

    async def send(self, result: Result, *, zone: str | None) -> None:
        await self.adapter.reply(dataclasses.replace(self.target, zone=zone), result,
                                 key=self.key)
