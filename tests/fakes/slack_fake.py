"""Loopback fake of Slack (Web API, response_url, Socket Mode) for tests and benchmarks.

The real ``slack_sdk`` / ``slack_bolt`` clients are pointed at this server, so tests exercise the
library's actual code paths (token handling, retry handlers, socket-mode acks) instead of mocks.
Everything listens on 127.0.0.1 with a random port; nothing leaves the machine.

Typical use::

    async with FakeSlack() as fake:
        client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
        app = AsyncApp(client=client, signing_secret="secret")
        ...
        await fake.wait_for(lambda: fake.posted("C0NEWS"))
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import math
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import WSCloseCode, WSMsgType, web

from tests.fakes.component_rules import slack_blocks_error
from tests.fakes.slack_stream_fake import AgentWire, StreamError

T = TypeVar("T")
Params = dict[str, Any]
Message = dict[str, Any]

DEFAULT_BOT_TOKEN = "xoxb-fake-bot-token"
DEFAULT_APP_TOKEN = "xapp-1-fake-app-token"
DEFAULT_TEAM_ID = "T0FAKE"
DEFAULT_APP_ID = "A0FAKE"
DEFAULT_BOT_USER_ID = "U0BOT"
DEFAULT_BOT_ID = "B0BOT"
DEFAULT_USER_ID = "U0HUMAN"
DEFAULT_CHANNEL_ID = "C0NEWS"
DEFAULT_DM_CHANNEL_ID = "D0HUMAN"

#: Slack's Web API rate tiers: requests per minute per method and workspace, short bursts
#: allowed (api.slack.com/apis/rate-limits). chat.postMessage is not tiered: about one
#: message per second per channel (``POST_RATE_PER_SEC``, ``POST_BURST``).
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "apps.connections.open": 1,
    "chat.update": 3,
    "conversations.info": 3,
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "auth.test": 4,
    "chat.postEphemeral": 4,
    "chat.getPermalink": 4,
    "users.info": 4,
    "views.open": 4,
}
#: "A small amount of burst behaviour is tolerated" even in Tier 1 (a reconnect or two).
TIER_MIN_BURST = 3
POST_RATE_PER_SEC = 1.0
POST_BURST = 3

CHANNEL_ERRORS = ("channel_not_found", "not_in_channel", "is_archived")
# Methods whose target conversation is the `channel` argument (so fail_channel applies).
CHANNEL_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "chat.getPermalink",
        "conversations.info",
        "conversations.history",
        "conversations.replies",
        "chat.startStream",
        "chat.appendStream",
        "chat.stopStream",
    }
)
# Fields that form-encoded callers send as JSON strings; decoded so both encodings look alike.
JSON_STRING_FIELDS = ("blocks", "attachments", "metadata", "view", "chunks", "prompts")
SOCKET_ENVELOPE_TYPES = ("events_api", "slash_commands", "interactive")


# --------------------------------------------------------------------------------------------
# Signed requests and payload builders (HTTP mode)
# --------------------------------------------------------------------------------------------


def signed_request_headers(
    signing_secret: str,
    body: str,
    timestamp: int | str | None = None,
    *,
    content_type: str | None = None,
) -> dict[str, str]:
    """Headers Slack would send with `body`, so Bolt's signature check runs for real.

    The signature is ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``. Pass an old
    `timestamp` to provoke the stale-request (> 5 minutes) rejection.
    """
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    if content_type is None:
        is_json = body.lstrip().startswith("{")
        content_type = "application/json" if is_json else "application/x-www-form-urlencoded"
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def _event_ts() -> str:
    """A Slack-style message ts for hand-built events."""
    return f"{time.time():.6f}"


def slash_command_payload(
    command: str = "/ceasefire",
    text: str = "ask latest",
    *,
    user_id: str = DEFAULT_USER_ID,
    user_name: str = "tester",
    channel_id: str = DEFAULT_CHANNEL_ID,
    channel_name: str = "news",
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = "fake-team",
    response_url: str = "http://127.0.0.1:9/response/unset",
    trigger_id: str | None = None,
    api_app_id: str = DEFAULT_APP_ID,
) -> dict[str, str]:
    """Slash command fields; the same dict is the Socket Mode `slash_commands` payload."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or f"trigger-{uuid.uuid4().hex[:12]}",
    }


def slash_command_body(command: str = "/ceasefire", text: str = "ask latest", **fields: Any) -> str:
    """Form-encoded slash command body (HTTP mode); keywords as in `slash_command_payload`."""
    return urlencode(slash_command_payload(command, text, **fields))


def app_mention_event(
    text: str,
    *,
    user: str = DEFAULT_USER_ID,
    channel: str = DEFAULT_CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
) -> dict[str, Any]:
    """An `app_mention` event; prefixes the bot mention when `text` lacks it, as Slack would."""
    mention = f"<@{bot_user_id}>"
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text if mention in text else f"{mention} {text}",
        "ts": ts or _event_ts(),
        "channel": channel,
        "event_ts": ts or _event_ts(),
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def dm_message_event(
    text: str,
    *,
    user: str = DEFAULT_USER_ID,
    channel: str = DEFAULT_DM_CHANNEL_ID,
    ts: str | None = None,
) -> dict[str, Any]:
    """A `message.im` event (direct message to the bot)."""
    ts = ts or _event_ts()
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel": channel,
    }


def thread_message_event(
    text: str,
    *,
    thread_ts: str,
    user: str = DEFAULT_USER_ID,
    channel: str = DEFAULT_CHANNEL_ID,
    ts: str | None = None,
    channel_type: str = "channel",
) -> dict[str, Any]:
    """A `message` event posted as a reply inside a thread (carries `thread_ts`)."""
    ts = ts or _event_ts()
    return {
        "type": "message",
        "channel_type": channel_type,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "thread_ts": thread_ts,
        "parent_user_id": DEFAULT_BOT_USER_ID,
        "channel": channel,
    }


def event_callback(
    event: dict[str, Any],
    *,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    event_id: str | None = None,
    event_time: int | None = None,
) -> dict[str, Any]:
    """The Events API `event_callback` envelope; also the Socket Mode `events_api` payload."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": event_time or int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def event_body(event: dict[str, Any], **envelope: Any) -> str:
    """JSON body of an `event_callback` (HTTP mode); keywords as in `event_callback`."""
    return json.dumps(event_callback(event, **envelope))


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    user: str = DEFAULT_USER_ID,
    channel: str = DEFAULT_CHANNEL_ID,
    message_ts: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    response_url: str = "http://127.0.0.1:9/response/unset",
    trigger_id: str | None = None,
    block_id: str = "actions",
    api_app_id: str = DEFAULT_APP_ID,
    action_type: str = "button",
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload for a button click; also the Socket Mode `interactive` one.

    ``action_type="feedback_buttons"``: a click on a streamed answer's 👍/👎 element (its
    ``value`` is the clicked button's); ``thread_ts``: the clicked message is in a thread.
    """
    message_ts = message_ts or _event_ts()
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts,
                                 "channel_id": channel, "is_ephemeral": False}
    if thread_ts:
        container["thread_ts"] = thread_ts
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "tester", "name": "tester", "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger_id or f"trigger-{uuid.uuid4().hex[:12]}",
        "team": {"id": team_id, "domain": "fake-team"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "news"},
        "message": {"type": "message", "ts": message_ts, "text": "", "user": DEFAULT_BOT_USER_ID},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "type": action_type,
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "text": {"type": "plain_text", "text": action_id},
                "action_ts": _event_ts(),
            }
        ],
    }


def block_actions_body(action_id: str, value: str, **fields: Any) -> str:
    """Form body ``payload=<json>`` as Slack posts interactions; keywords as in the payload."""
    return urlencode({"payload": json.dumps(block_actions_payload(action_id, value, **fields))})


# --------------------------------------------------------------------------------------------
# Rate limiting and injected failures
# --------------------------------------------------------------------------------------------


class ChannelPostLimiter:
    """Token bucket per channel, approximating Slack's ~1 message/s/channel with short bursts.

    `clock` is injectable so tests can advance time deterministically and benchmarks can use
    a faster `rate_per_sec` to compress time.
    """

    def __init__(self, rate_per_sec: float, burst: int, clock: Callable[[], float]) -> None:
        if rate_per_sec <= 0 or burst < 1:
            raise ValueError("rate_per_sec must be > 0 and burst >= 1")
        self.rate_per_sec = rate_per_sec
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def try_acquire(self, channel: str) -> float:
        """Take a token: 0.0 when allowed, else the seconds until one is available."""
        now = self._clock()
        tokens, last = self._buckets.get(channel, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate_per_sec)
        if tokens >= 1.0:
            self._buckets[channel] = (tokens - 1.0, now)
            return 0.0
        self._buckets[channel] = (tokens, now)
        return (1.0 - tokens) / self.rate_per_sec


@dataclass
class _InjectedFailure:
    """One queued failure answered instead of the next matching API call."""

    status: int
    error: str
    method: str | None
    headers: dict[str, str] = field(default_factory=dict)


class _SlackError(Exception):
    """Raised by method handlers to answer ``{"ok": false, "error": ...}`` with HTTP 200."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _json_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(body, status=status, headers=headers)


#: chat.update refuses longer ``text`` (msg_too_long), as chat.postMessage does.
UPDATE_TEXT_MAX = 40_000


def _truthy(value: Any) -> bool:
    """Slack booleans arrive as True, 1, "1" or "true" depending on the encoding."""
    return value is True or str(value).lower() in {"1", "true"}


def _ts_float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


async def _read_params(request: web.Request) -> Params:
    """Merge query string and body (form or JSON), as real Slack accepts all three."""
    params: Params = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError as exc:
                raise _SlackError("invalid_json") from exc
            if not isinstance(body, dict):
                raise _SlackError("invalid_json")
            params.update(body)
        else:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    for name in JSON_STRING_FIELDS:
        value = params.get(name)
        if isinstance(value, str) and value[:1] in ("{", "["):
            try:
                params[name] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise _SlackError(f"invalid_{name}") from exc
    return params


def _bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[len("Bearer ") :].strip() if header.startswith("Bearer ") else None


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


class FakeSlack(AgentWire):
    """In-process fake Slack: Web API under ``/api/``, ``/response/{id}``, ``/socket-mode``.

    Point ``AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)`` at it; Socket Mode
    clients find the websocket through ``apps.connections.open`` (needs ``fake.app_token``).
    Slack's limits are enforced by default, answered with 429 + ``Retry-After`` as Slack
    does: each method's tier (``METHOD_TIERS``) and chat.postMessage's per-channel rate
    (``post_rate_per_sec``, ``post_burst``). A test that wants none passes ``limits=False``.
    """

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_BOT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        team_id: str = DEFAULT_TEAM_ID,
        bot_user_id: str = DEFAULT_BOT_USER_ID,
        bot_id: str = DEFAULT_BOT_ID,
        app_id: str = DEFAULT_APP_ID,
        limits: bool = True,
        post_rate_per_sec: float = POST_RATE_PER_SEC,
        post_burst: int = POST_BURST,
        min_retry_after: int = 1,
        clock: Callable[[], float] = time.monotonic,
        auto_users: bool = True,
        host: str = "127.0.0.1",
        stream_timeout: float = 300.0,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.auto_users = auto_users
        self.min_retry_after = min_retry_after
        self.stream_timeout = stream_timeout
        self._clock = clock
        self.limiter = ChannelPostLimiter(post_rate_per_sec, post_burst, clock) if limits else None
        #: One token bucket per tier, keyed by method (a tier's budget is per method).
        self.tier_limiters = (
            {
                tier: ChannelPostLimiter(n / 60.0, max(n, TIER_MIN_BURST), clock)
                for tier, n in TIER_PER_MINUTE.items()
            }
            if limits
            else {}
        )
        self._host = host
        self._runner: web.AppRunner | None = None
        self.port: int = 0

        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[Message]] = {}
        self._channel_failures: dict[str, tuple[str, frozenset[str] | None]] = {}
        self._injected: list[_InjectedFailure] = []
        self._last_ts_us = 0
        self._ids = itertools.count(1)
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._methods: dict[str, Callable[[Params], dict[str, Any] | web.Response]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.info": self._conversations_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "apps.connections.open": self._apps_connections_open,
            "views.open": self._views_open,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            **self.agent_methods(),
        }
        #: files.uploadV2: issued upload URLs (file id -> upload), then the shared files.
        self._uploads: dict[str, dict[str, Any]] = {}
        self.files: list[dict[str, Any]] = []
        self.reset_records()

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        """Listen on a random loopback port."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{response_id}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket-mode", self._handle_socket)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Close websockets first: open ones would otherwise hold runner cleanup."""
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"fake slack stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """Web API base URL for ``AsyncWebClient(base_url=...)``; ends with "/"."""
        return f"{self.base_url}api/"

    def socket_url(self, ticket: str) -> str:
        return f"ws://{self._host}:{self.port}/socket-mode?ticket={ticket}&app_id={self.app_id}"

    # -- records ----------------------------------------------------------------------------

    def reset_records(self) -> None:
        """Forget recorded traffic (not stored messages or configuration)."""
        self.calls: list[tuple[str, Params]] = []
        self.posts: list[Params] = []
        self.ephemerals: list[Params] = []
        self.updates: list[Params] = []
        self.views: list[Params] = []
        self.response_posts: list[tuple[str, Any]] = []
        self.socket_sent: list[dict[str, Any]] = []
        self.acks: list[dict[str, Any]] = []
        self.socket_connections = 0
        self.rate_limited_count = 0
        self.throttled_count = 0
        self.throttled_by_channel: Counter[str] = Counter()
        self.reset_agent_records()

    def posted(self, channel: str | None = None) -> list[Params]:
        """Successful chat.postMessage params (plus the assigned ``ts``), oldest first."""
        return [p for p in self.posts if channel is None or p["channel"] == channel]

    def calls_to(self, method: str) -> list[Params]:
        """Params of every call to `method`, including rejected (429, errors) attempts."""
        return [params for name, params in self.calls if name == method]

    def responses(self, response_id: str | None = None) -> list[Any]:
        """Bodies posted to response_url endpoints (optionally of one id)."""
        return [b for rid, b in self.response_posts if response_id is None or rid == response_id]

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 2.0,  # noqa: ASYNC109 - a plain timeout keeps test call sites short
        interval: float = 0.005,
    ) -> T:
        """Poll `predicate` until truthy and return its value; the bot works asynchronously."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(interval)

    # -- configuration ----------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        tz: str = "UTC",
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Register a user for users.info (admins/owners matter for permission checks;
        ``locale`` is shown only when the call asks ``include_locale``, as on Slack)."""
        name = name or user_id.lower()
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": name.title(),
            "deleted": False,
            "tz": tz,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "locale": locale,
            "profile": {"real_name": name.title(), "display_name": name},
        }
        return self.users[user_id]

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_private: bool = False,
        is_archived: bool = False,
        is_member: bool = True,
    ) -> dict[str, Any]:
        """Register conversations.info details; unknown channels get member defaults."""
        is_im = channel_id.startswith("D")
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name or channel_id.lower(),
            "is_channel": not is_im and not is_private,
            "is_group": is_private,
            "is_im": is_im,
            "is_private": is_private or is_im,
            "is_archived": is_archived,
            "is_member": is_member,
            "created": 1_600_000_000,
        }
        return self.channels[channel_id]

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str | None = DEFAULT_USER_ID,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
        from_bot: bool = False,
    ) -> Message:
        """Seed history (e.g. a post left by an earlier run) without a recorded API call."""
        params: Params = {"text": text, "thread_ts": thread_ts, "metadata": metadata}
        message = self._new_message(params, from_bot=from_bot, user=user)
        self.messages.setdefault(channel, []).append(message)
        return message

    def fail_channel(self, channel: str, error: str, methods: set[str] | None = None) -> None:
        """Make calls on `channel` answer ok:false with `error` (optionally only `methods`)."""
        if error not in CHANNEL_ERRORS:
            raise ValueError(f"unsupported channel error {error!r}; use one of {CHANNEL_ERRORS}")
        self._channel_failures[channel] = (error, frozenset(methods) if methods else None)

    def clear_channel_failure(self, channel: str) -> None:
        self._channel_failures.pop(channel, None)

    def rate_limit_next(self, n: int = 1, retry_after: int = 1, method: str | None = None) -> None:
        """Answer the next `n` calls (of `method`, or any) with HTTP 429 + Retry-After.

        Use `method`: with None, Bolt's own first auth.test call would absorb the 429.
        """
        headers = {"Retry-After": str(int(retry_after))}
        self._injected.extend(
            _InjectedFailure(429, "ratelimited", method, headers) for _ in range(n)
        )

    def refuse_next(self, method: str, error: str, n: int = 1) -> None:
        """Answer the next `n` calls of `method` with ``{"ok": false, "error": error}``."""
        self._injected.extend(_InjectedFailure(200, error, method) for _ in range(n))

    def server_error_next(
        self, n: int = 1, status: int = 500, method: str | None = None, error: str = "fatal_error"
    ) -> None:
        """Answer the next `n` calls (of `method`, or any) with a 5xx status."""
        if not 500 <= status <= 599:
            raise ValueError("status must be 5xx")
        self._injected.extend(_InjectedFailure(status, error, method) for _ in range(n))

    # -- Web API dispatch -------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
        except _SlackError as exc:
            self.calls.append((method, {}))
            return _json_response({"ok": False, "error": exc.error})
        token = _bearer_token(request) or params.pop("token", None)
        params.pop("token", None)
        self.calls.append((method, params))

        injected = self._take_injected(method)
        if injected is not None:
            return self._injected_response(injected)
        auth_error = self._auth_error(method, token)
        if auth_error is not None:
            return _json_response({"ok": False, "error": auth_error})
        handler = self._methods.get(method)
        if handler is None:
            body = {"ok": False, "error": "unknown_method", "req_method": method}
            return _json_response(body, status=404)
        tier = self.tier_limiters.get(METHOD_TIERS.get(method, 0))
        if tier is not None and (wait := tier.try_acquire(method)) > 0:
            return self._rate_limited(wait)
        try:
            self._check_channel(method, params)
            result = handler(params)
        except (_SlackError, StreamError) as exc:
            return _json_response({"ok": False, "error": exc.error})
        if isinstance(result, web.Response):
            return result
        return _json_response({"ok": True, **result}, headers=self._scope_headers(method))

    def _take_injected(self, method: str) -> _InjectedFailure | None:
        for index, failure in enumerate(self._injected):
            if failure.method is None or failure.method == method:
                return self._injected.pop(index)
        return None

    def _injected_response(self, failure: _InjectedFailure) -> web.Response:
        if failure.status == 429:
            self.rate_limited_count += 1
        body = {"ok": False, "error": failure.error}
        return _json_response(body, status=failure.status, headers=failure.headers)

    def _auth_error(self, method: str, token: str | None) -> str | None:
        """Socket Mode needs the xapp- token; every other method the bot token."""
        if not token:
            return "not_authed"
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token == expected:
            return None
        if token in (self.app_token, self.bot_token):
            return "not_allowed_token_type"
        return "invalid_auth"

    def _check_channel(self, method: str, params: Params) -> None:
        if method not in CHANNEL_METHODS:
            return
        failure = self._channel_failures.get(str(params.get("channel", "")))
        if failure is not None:
            error, methods = failure
            if methods is None or method in methods:
                raise _SlackError(error)

    @staticmethod
    def _scope_headers(method: str) -> dict[str, str] | None:
        if method != "auth.test":
            return None
        scopes = "app_mentions:read,chat:write,commands,im:history,channels:history,users:read"
        return {"X-OAuth-Scopes": scopes}

    # -- helpers for messages -----------------------------------------------------------------

    def _next_ts(self) -> str:
        """Wall-clock based, strictly increasing, so `oldest=` filters behave like Slack."""
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _new_message(
        self, params: Params, *, from_bot: bool = True, user: str | None = None
    ) -> Message:
        message: Message = {"type": "message", "ts": self._next_ts(), "text": params.get("text")}
        if message["text"] is None:
            message["text"] = ""
        if from_bot:
            message.update(
                user=self.bot_user_id, bot_id=self.bot_id, app_id=self.app_id, team=self.team_id
            )
        elif user:
            message.update(user=user, team=self.team_id)
        for key in ("blocks", "attachments"):
            if params.get(key):
                message[key] = params[key]
        metadata = params.get("metadata")
        if metadata:
            if not isinstance(metadata, dict) or not {"event_type", "event_payload"} <= set(
                metadata
            ):
                raise _SlackError("invalid_metadata_format")
            message["metadata"] = metadata
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
            if _truthy(params.get("reply_broadcast")):
                message["subtype"] = "thread_broadcast"
        return message

    def _require_channel(self, params: Params) -> str:
        channel = params.get("channel")
        if not channel:
            raise _SlackError("channel_not_found")
        channel = str(channel)
        if channel[:1] in ("U", "W"):  # posting to a user id lands in the DM, as on Slack
            channel = self._dm_channel(channel)
        return channel

    def _find_message(self, channel: str, ts: str) -> Message:
        for message in self.messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise _SlackError("message_not_found")

    def _thread_replies(self, channel: str, thread_ts: str) -> list[Message]:
        return [
            m
            for m in self.messages.get(channel, [])
            if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
        ]

    def _render(self, channel: str, message: Message, include_metadata: bool) -> Message:
        """A copy as read APIs show it: thread stats on parents, metadata only on request."""
        rendered = dict(message)
        if not include_metadata:
            rendered.pop("metadata", None)
        replies = self._thread_replies(channel, message["ts"])
        if replies and "thread_ts" not in message:
            rendered["thread_ts"] = message["ts"]
            rendered["reply_count"] = len(replies)
            rendered["latest_reply"] = replies[-1]["ts"]
            rendered["reply_users"] = sorted({r.get("user", "") for r in replies} - {""})
        return rendered

    def _page(self, channel: str, messages: list[Message], params: Params) -> dict[str, Any]:
        """Apply oldest/latest/inclusive/limit/cursor like Slack's paginated read APIs."""
        oldest = _ts_float(params.get("oldest"), 0.0)
        latest = _ts_float(params.get("latest"), math.inf)
        inclusive = _truthy(params.get("inclusive"))

        def in_range(message: Message) -> bool:
            ts = float(message["ts"])
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        selected = [m for m in messages if in_range(m)]
        start = int(str(params.get("cursor") or "cursor-0").removeprefix("cursor-") or 0)
        limit = int(params.get("limit") or 100)
        page = selected[start : start + limit]
        has_more = start + limit < len(selected)
        include_metadata = _truthy(params.get("include_all_metadata"))
        return {
            "messages": [self._render(channel, m, include_metadata) for m in page],
            "has_more": has_more,
            "response_metadata": {"next_cursor": f"cursor-{start + limit}" if has_more else ""},
        }

    def _dm_channel(self, user_id: str) -> str:
        channel_id = "D" + user_id.lstrip("UW")
        if channel_id not in self.channels:
            self.add_channel(channel_id, name=user_id)
        return channel_id

    # -- Web API methods ----------------------------------------------------------------------

    def _auth_test(self, params: Params) -> dict[str, Any]:
        return {
            "url": "https://fake-team.slack.com/",
            "team": "Fake Team",
            "user": "ceasefire-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: Params) -> dict[str, Any] | web.Response:
        channel = self._require_channel(params)
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            raise _SlackError("no_text")
        blocks_error = slack_blocks_error(params.get("blocks"))
        if blocks_error is not None:
            raise _SlackError(blocks_error)
        if self.limiter is not None:
            wait = self.limiter.try_acquire(channel)
            if wait > 0:
                return self._throttled(channel, wait)
        message = self._new_message(params)
        self.messages.setdefault(channel, []).append(message)
        self.posts.append({**params, "channel": channel, "ts": message["ts"]})
        return {"channel": channel, "ts": message["ts"], "message": dict(message)}

    def _throttled(self, channel: str, wait: float) -> web.Response:
        self.throttled_count += 1
        self.throttled_by_channel[channel] += 1
        return self._rate_limited(wait)

    def _rate_limited(self, wait: float) -> web.Response:
        """Slack's Retry-After is whole seconds; the precise wait helps time-scaled benches."""
        self.rate_limited_count += 1
        headers = {
            "Retry-After": str(max(self.min_retry_after, math.ceil(wait))),
            "X-Fake-Retry-After-Precise": f"{wait:.3f}",
        }
        return _json_response({"ok": False, "error": "ratelimited"}, status=429, headers=headers)

    def _chat_post_ephemeral(self, params: Params) -> dict[str, Any]:
        channel = self._require_channel(params)
        if not params.get("user"):
            raise _SlackError("user_not_in_channel")
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            raise _SlackError("no_text")
        ts = self._next_ts()
        self.ephemerals.append({**params, "channel": channel, "message_ts": ts})
        return {"message_ts": ts}

    def _chat_update(self, params: Params) -> dict[str, Any]:
        """chat.update as Slack documents it: only the bot's own messages, something to
        show, and Block Kit's limits (50 blocks, 3,000 characters of section text)."""
        channel = self._require_channel(params)
        message = self._find_message(channel, str(params.get("ts", "")))
        if message.get("user") != self.bot_user_id:
            raise _SlackError("cant_update_message")
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            raise _SlackError("no_text")
        if len(str(params.get("text") or "")) > UPDATE_TEXT_MAX:
            raise _SlackError("msg_too_long")
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if len(blocks) > 50 or any(
                len(str((b.get("text") or {}).get("text", ""))) > 3000 for b in blocks
                if isinstance(b, dict) and b.get("type") == "section"):
            raise _SlackError("invalid_blocks")
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params and params[key] is not None:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        self.updates.append({**params, "channel": channel})
        text = message["text"]
        return {"channel": channel, "ts": message["ts"], "text": text, "message": message}

    def _chat_get_permalink(self, params: Params) -> dict[str, Any]:
        channel = self._require_channel(params)
        ts = str(params.get("message_ts", ""))
        if not ts:
            raise _SlackError("message_not_found")
        permalink = f"https://fake-team.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": permalink}

    # -- files.uploadV2: getUploadURLExternal -> POST bytes -> completeUploadExternal --------

    def _files_get_upload_url(self, params: Params) -> dict[str, Any]:
        filename = str(params.get("filename") or "")
        try:
            length = int(params.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not filename or length <= 0:
            raise _SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self._uploads[file_id] = {"filename": filename, "length": length,
                                  "alt_txt": params.get("alt_txt"), "data": None}
        return {"upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """The upload URL: the raw bytes, exactly as many as announced."""
        upload = self._uploads.get(request.match_info["file_id"])
        data = await request.read()
        if upload is None:
            return web.Response(status=404, text="unknown upload")
        if len(data) != upload["length"]:
            return web.Response(status=400, text="length mismatch")
        upload["data"] = data
        return web.Response(text=f"OK - {len(data)}")

    def _files_complete_upload(self, params: Params) -> dict[str, Any]:
        raw = params.get("files")
        try:
            items = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise _SlackError("invalid_arguments") from exc
        if not isinstance(items, list) or not items:
            raise _SlackError("invalid_arguments")
        shared = []
        for item in items:
            upload = self._uploads.get(str(item.get("id")))
            if upload is None or upload["data"] is None:
                raise _SlackError("file_not_found")
            shared.append({"id": str(item["id"]), "name": upload["filename"],
                           "title": item.get("title") or upload["filename"],
                           "alt_txt": upload["alt_txt"], "data": upload["data"]})
        channel = params.get("channel_id")
        for file in shared:
            self._uploads.pop(file["id"], None)
            self.files.append({**file, "channel": channel, "thread_ts": params.get("thread_ts")})
        if channel:
            message = self._new_message({"thread_ts": params.get("thread_ts")})
            message["files"] = [{k: f[k] for k in ("id", "name", "title")} for f in shared]
            self.messages.setdefault(str(channel), []).append(message)
        return {"files": [{k: f[k] for k in ("id", "name", "title")} for f in shared]}

    def _conversations_info(self, params: Params) -> dict[str, Any]:
        channel = self._require_channel(params)
        info = self.channels.get(channel) or self.add_channel(channel)
        return {"channel": dict(info)}

    def _conversations_open(self, params: Params) -> dict[str, Any]:
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if params.get("channel"):
            return {"channel": {"id": str(params["channel"])}}
        if len(users) != 1:
            raise _SlackError("users_list_not_supplied" if not users else "not_enough_users")
        channel_id = self._dm_channel(users[0])
        return {"channel": {"id": channel_id}, "no_op": False, "already_open": False}

    def _conversations_history(self, params: Params) -> dict[str, Any]:
        """Top-level messages (and thread broadcasts), newest first."""
        channel = self._require_channel(params)
        top_level = [
            m
            for m in self.messages.get(channel, [])
            if "thread_ts" not in m or m.get("subtype") == "thread_broadcast"
        ]
        return self._page(channel, list(reversed(top_level)), params)

    def _conversations_replies(self, params: Params) -> dict[str, Any]:
        """Parent then replies, oldest first: that is Slack's real order for this method."""
        channel = self._require_channel(params)
        thread_ts = str(params.get("ts", ""))
        thread = [
            m
            for m in self.messages.get(channel, [])
            if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
        ]
        if not thread:
            raise _SlackError("thread_not_found")
        return self._page(channel, thread, params)

    def _users_info(self, params: Params) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        user = self.users.get(user_id)
        if user is None:
            if not self.auto_users or not user_id:
                raise _SlackError("user_not_found")
            user = self.add_user(user_id)
        shown = dict(user)
        if not _truthy(params.get("include_locale")):
            shown.pop("locale", None)
        return {"user": shown}

    def _apps_connections_open(self, params: Params) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return {"url": self.socket_url(ticket)}

    def _views_open(self, params: Params) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("trigger_id") or not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        self.views.append(params)
        return {"view": {"id": f"V{next(self._ids):08d}", "team_id": self.team_id, **view}}

    # -- response_url ---------------------------------------------------------------------------

    def new_response_url(self) -> str:
        """A fresh response_url served by the fake; posts land in `response_posts`."""
        return f"{self.base_url}response/{next(self._ids)}"

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        raw = await request.text()
        try:
            body: Any = json.loads(raw)
        except json.JSONDecodeError:
            body = raw
        self.response_posts.append((request.match_info["response_id"], body))
        return _json_response({"ok": True})

    # -- Socket Mode ----------------------------------------------------------------------------

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse(autoping=True, timeout=1.0)
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connections += 1
        try:
            await self._socket_send(ws, self._hello())
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._record_socket_message(msg.data)
        finally:
            self._sockets.remove(ws)
        return ws

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": len(self._sockets),
            "debug_info": {
                "host": "fake-applink",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _record_socket_message(self, data: str) -> None:
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            return
        if isinstance(message, dict) and "envelope_id" in message:
            self.acks.append(message)

    async def _socket_send(self, ws: web.WebSocketResponse, message: dict[str, Any]) -> None:
        self.socket_sent.append(message)
        await ws.send_json(message)

    def _open_socket(self) -> web.WebSocketResponse | None:
        open_sockets = [ws for ws in self._sockets if not ws.closed]
        return open_sockets[-1] if open_sockets else None

    async def wait_for_socket(self, timeout: float = 2.0) -> web.WebSocketResponse:  # noqa: ASYNC109
        """The newest open Socket Mode connection, waiting for the client to connect."""
        return await self.wait_for(self._open_socket, timeout)

    async def socket_push(
        self,
        envelope_type: str = "events_api",
        payload: dict[str, Any] | None = None,
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 2.0,  # noqa: ASYNC109
    ) -> str:
        """Send an envelope to the connected client, as Slack does; returns its envelope_id."""
        if envelope_type not in SOCKET_ENVELOPE_TYPES:
            raise ValueError(f"envelope_type must be one of {SOCKET_ENVELOPE_TYPES}")
        ws = await self.wait_for_socket(timeout)
        envelope_id = str(uuid.uuid4())
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type == "slash_commands"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload or {},
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        await self._socket_send(ws, envelope)
        return envelope_id

    async def socket_request_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, like Slack's periodic `disconnect` message."""
        ws = await self.wait_for_socket()
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-applink"}}
        await self._socket_send(ws, message)

    def ack_for(self, envelope_id: str) -> dict[str, Any] | None:
        return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

    async def wait_for_ack(
        self,
        envelope_id: str,
        timeout: float = 2.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The client's ack ``{"envelope_id": ..., "payload"?: ...}`` for an envelope."""
        return await self.wait_for(lambda: self.ack_for(envelope_id), timeout)
