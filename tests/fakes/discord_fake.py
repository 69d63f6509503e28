"""A loopback fake of Discord (REST API v10 + gateway) that the real discord.py client talks to.

Why: unit tests with mocks cannot catch mistakes in how the bot uses discord.py (wrong payloads,
missing intents, unhandled 403/429, slow interaction acks). This fake speaks the wire protocol on
127.0.0.1 so the *real* ``discord.Client`` runs unmodified; only its two base URLs are patched
(see :func:`point_discord_at`). Behaviour mirrors Discord where tests depend on it: JSON error
codes, rate-limit headers and 429 bodies, ``enforce_nonce`` idempotency, the 3 s interaction ack
window, thread ids equal to their starter message id, sharded guild routing and the
MESSAGE_CONTENT intent stripping content from other users' guild messages.

Typical use::

    async with running_fake() as fake:
        guild = fake.add_guild("Ceasefire Watch")
        client = discord.Client(intents=intents, guild_ready_timeout=0.1)
        async with running_client(client):
            await client.get_channel(guild.text_channel_id).send("hello")
        assert fake.messages_in(guild.text_channel_id)[0]["content"] == "hello"
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import hashlib
import json
import logging
import math
import re
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import BodyPartReader, WSMsgType, web

from tests.fakes.component_rules import discord_component_error

__all__ = [
    "ACTION_PERMISSIONS",
    "UNLIMITED",
    "Call",
    "DiscordError",
    "Exchange",
    "FakeDiscord",
    "FakeGuild",
    "FakeInteraction",
    "GatewaySession",
    "Perm",
    "RateLimitHit",
    "RateLimitPolicy",
    "point_discord_at",
    "running_client",
    "running_fake",
]

JSON = dict[str, Any]
T = TypeVar("T")

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway-ws"
DISCORD_EPOCH_MS = 1_420_070_400_000
FAKE_TOKEN = "fake-bot-token"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
_log = logging.getLogger(__name__)


class Intent:
    """Gateway intent bits used by the fake to filter events like Discord does."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


class Perm:
    """Permission bits (subset) the fake computes and enforces."""

    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    USE_EXTERNAL_APPS = 1 << 50
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    ALL = (1 << 51) - 1


DEFAULT_EVERYONE_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS | Perm.MANAGE_THREADS
DM_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
)

#: Names accepted by :meth:`FakeDiscord.deny` / :meth:`FakeDiscord.allow`.
ACTION_PERMISSIONS: dict[str, int] = {
    "view": Perm.VIEW_CHANNEL,
    "send": Perm.SEND_MESSAGES,
    "send_in_threads": Perm.SEND_MESSAGES_IN_THREADS,
    "create_thread": Perm.CREATE_PUBLIC_THREADS,
    "read_history": Perm.READ_MESSAGE_HISTORY,
    "embed": Perm.EMBED_LINKS,
    "attach": Perm.ATTACH_FILES,
    "react": Perm.ADD_REACTIONS,
    "manage_messages": Perm.MANAGE_MESSAGES,
}

# Channel types.
GUILD_TEXT, DM, GUILD_ANNOUNCEMENT = 0, 1, 5
ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD = 10, 11, 12
GUILD_FORUM, GUILD_MEDIA = 15, 16
THREAD_TYPES = frozenset({ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})
FORUM_TYPES = frozenset({GUILD_FORUM, GUILD_MEDIA})
GROUP_DM = 3
MESSAGEABLE_TYPES = frozenset({GUILD_TEXT, DM, GROUP_DM, GUILD_ANNOUNCEMENT, *THREAD_TYPES})

# Message flags.
FLAG_CROSSPOSTED, FLAG_HAS_THREAD, FLAG_EPHEMERAL, FLAG_LOADING = 1, 32, 64, 128
FLAG_COMPONENTS_V2 = 1 << 15

# Interaction contexts and installation types (``authorizing_integration_owners`` keys).
CONTEXT_GUILD, CONTEXT_BOT_DM, CONTEXT_PRIVATE_CHANNEL = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = "0", "1"
#: Follow-up messages Discord allows per interaction of a user-installed app.
USER_INSTALL_FOLLOWUPS = 5
#: Permissions an app has where it is only user-installed (it answers through webhooks).
USER_APP_PERMISSIONS = Perm.EMBED_LINKS | Perm.ATTACH_FILES | Perm.MENTION_EVERYONE

# Component types (Components V2 adds 9-17) and Discord's caps for a V2 message.
ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY, THUMBNAIL = 1, 2, 9, 10, 11
MEDIA_GALLERY, FILE_COMPONENT, SEPARATOR, CONTAINER = 12, 13, 14, 17
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
V2_TYPES = frozenset({SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE_COMPONENT,
                      SEPARATOR, CONTAINER})
CONTAINER_CHILDREN = frozenset({ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY,
                                FILE_COMPONENT, SEPARATOR})
V2_MAX_COMPONENTS, V2_MAX_TOP_LEVEL, V2_MAX_TEXT = 40, 10, 4000
LINK_STYLE = 5
#: Forum channel flag: a post must carry a tag; Discord allows 20 tags per forum.
FLAG_REQUIRE_TAG = 1 << 4
MAX_FORUM_TAGS, MAX_APPLIED_TAGS = 20, 5


# --------------------------------------------------------------------------- small helpers


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json_response(
    status: int, payload: Any, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Build a JSON response whose Content-Type is exactly ``application/json``.

    discord.py compares the header for equality, so aiohttp's default ``; charset=utf-8`` suffix
    would make every body arrive as a plain string (and every 429 look like a Cloudflare ban).
    """
    merged = {"Content-Type": "application/json", "Via": "1.1 google", **(headers or {})}
    return web.Response(status=status, body=json.dumps(payload).encode(), headers=merged)


def _form_error(path: Iterable[str | int], code: str, message: str) -> DiscordError:
    """A 400 "Invalid Form Body" (50035) with Discord's nested ``errors`` structure."""
    errors: JSON = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(list(path)):
        errors = {str(key): errors}
    return DiscordError(400, 50035, "Invalid Form Body", errors=errors)


def _snowflake(raw: Any, what: str = "snowflake") -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise _form_error(
            [what], "NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.'
        ) from None


class SnowflakeFactory:
    """Monotonic Discord-style snowflakes so ids sort by creation time like the real ones."""

    def __init__(self, worker: int = 1) -> None:
        self._worker = worker
        self._last_ms = 0
        self._increment = 0

    def next(self) -> int:
        ms = max(int(time.time() * 1000) - DISCORD_EPOCH_MS, self._last_ms)
        if ms == self._last_ms:
            self._increment += 1
            if self._increment >= 4096:
                ms, self._increment = ms + 1, 0
        else:
            self._increment = 0
        self._last_ms = ms
        return (ms << 22) | (self._worker << 17) | self._increment


# --------------------------------------------------------------------------- records


class DiscordError(Exception):
    """Raised inside route handlers; rendered as Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> JSON:
        body: JSON = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def _unknown(what: str, code: int) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


def _missing_permissions() -> DiscordError:
    return DiscordError(403, 50013, "Missing Permissions")


def _missing_access() -> DiscordError:
    return DiscordError(403, 50001, "Missing Access")


class Call(NamedTuple):
    """One REST request as the bot sent it (path is relative to ``/api/v10``)."""

    method: str
    path: str
    json: Any


@dataclass
class Exchange:
    """A REST request with the fake's answer, for assertions beyond :class:`Call`."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    response: Any
    files: list[str] = field(default_factory=list)


@dataclass
class RateLimitHit:
    """A 429 the fake answered (injected or enforced)."""

    method: str
    path: str
    scope: str
    retry_after: float
    is_global: bool
    injected: bool


@dataclass
class RateLimitPolicy:
    """Discord's documented limits, enforced by default: 5 messages / 5 s per channel,
    50 requests / s per route bucket and globally (interaction callbacks and webhooks are
    exempt from the global one). A test that wants none says so with ``UNLIMITED``; headers
    then advertise a huge bucket so discord.py never pre-emptively sleeps.
    """

    enforce: bool = True
    message_limit: int = 5
    message_per: float = 5.0
    route_limit: int = 50
    route_per: float = 1.0
    global_limit: int = 50
    global_per: float = 1.0


#: For a test that wants no limits (it says so by passing this).
UNLIMITED = RateLimitPolicy(enforce=False)


@dataclass
class _Window:
    """Fixed window starting at the first request, like Discord's buckets."""

    limit: int
    per: float
    count: int = 0
    reset_at: float = 0.0

    def roll(self, now: float) -> None:
        if now >= self.reset_at:
            self.count, self.reset_at = 0, now + self.per

    def try_take(self, now: float) -> bool:
        self.roll(now)
        if self.count >= self.limit:
            return False
        self.count += 1
        return True

    def remaining(self) -> int:
        return max(self.limit - self.count, 0)

    def reset_after(self, now: float) -> float:
        return max(self.reset_at - now, 0.0)


@dataclass
class _Injection:
    remaining: int
    retry_after: float
    route: str | None
    is_global: bool
    scope: str


@dataclass
class _FilePart:
    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class _Req:
    """What a route handler sees."""

    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[_FilePart]


@dataclass
class _Reply:
    status: int
    body: Any


@dataclass
class FakeGuild:
    """A guild the fake serves; channel ids are kept for quick test access."""

    id: int
    name: str
    owner_id: int
    roles: list[JSON]
    members: dict[int, JSON]
    channel_ids: list[int]
    text_channel_id: int
    forum_channel_id: int
    bot_role_id: int
    locale: str = "en-US"
    #: False for a server that never added the bot (a user-installed app is used there).
    has_bot: bool = True


@dataclass(eq=False)
class FakeInteraction:
    """An interaction the test dispatched, plus everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: JSON
    channel_id: int
    guild_id: int | None
    created_at: float
    callbacks: list[JSON] = field(default_factory=list)
    response_type: int | None = None
    original_message: JSON | None = None
    original_edits: list[JSON] = field(default_factory=list)
    followups: list[JSON] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    @property
    def deferred(self) -> bool:
        return self.response_type in (5, 6)


class _Raw(NamedTuple):
    """A gateway frame sent as is (not JSON-encoded): for malformed-payload tests."""

    text: str


class _Close(NamedTuple):
    code: int


@dataclass(eq=False)
class _Connection:
    """One websocket; all writes go through ``queue`` so frames never interleave."""

    ws: web.WebSocketResponse
    queue: asyncio.Queue[JSON | _Close | _Raw] = field(default_factory=asyncio.Queue)
    session: GatewaySession | None = None
    writer: asyncio.Task[None] | None = None
    closed: bool = False
    closed_by_server: bool = False

    def send(self, frame: JSON | _Close | _Raw) -> None:
        """Queue a frame; dropped once closed so ``queue.join()`` can never hang."""
        if not self.closed:
            self.queue.put_nowait(frame)

    def shut(self) -> None:
        """Stop accepting frames and discard the ones nobody will write."""
        self.closed = True
        while not self.queue.empty():
            self.queue.get_nowait()
            self.queue.task_done()


@dataclass(eq=False)
class GatewaySession:
    """An identified gateway session (survives reconnects so RESUME can replay)."""

    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    identify: JSON
    seq: int = 0
    backlog: deque[JSON] = field(default_factory=lambda: deque(maxlen=2000))
    conn: _Connection | None = None
    resumes: int = 0
    ended: bool = False

    def covers(self, guild_id: int | None) -> bool:
        """Discord's shard formula; DMs always go to shard 0."""
        if guild_id is None:
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id

    def push(self, event: str, data: JSON) -> None:
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.backlog.append(frame)
        if self.conn is not None:
            self.conn.send(frame)


def _event_intent(event: str, guild_id: int | None) -> int:
    """Intent a session needs to receive ``event`` (0 = always delivered)."""
    if event.startswith("MESSAGE_") and not event.startswith("MESSAGE_REACTION"):
        return Intent.GUILD_MESSAGES if guild_id is not None else Intent.DIRECT_MESSAGES
    if event.startswith(("GUILD_", "CHANNEL_", "THREAD_")) and event != "GUILD_MEMBERS_CHUNK":
        return Intent.GUILDS
    return 0


# --------------------------------------------------------------------------- routes

_ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", "/users/@me", "_get_me"),
    ("GET", "/users/@me/guilds", "_get_my_guilds"),
    ("POST", "/users/@me/channels", "_open_dm"),
    ("GET", "/users/{user_id}", "_get_user"),
    ("GET", "/oauth2/applications/@me", "_get_application"),
    ("GET", "/applications/@me", "_get_application"),
    ("GET", "/gateway", "_get_gateway"),
    ("GET", "/gateway/bot", "_get_gateway_bot"),
    ("GET", "/channels/{channel_id}", "_get_channel"),
    ("PATCH", "/channels/{channel_id}", "_edit_channel"),
    ("GET", "/channels/{channel_id}/messages", "_list_messages"),
    ("POST", "/channels/{channel_id}/messages", "_create_message"),
    ("GET", "/channels/{channel_id}/messages/{message_id}", "_get_message"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}", "_edit_message"),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}", "_delete_message"),
    ("POST", "/channels/{channel_id}/messages/{message_id}/crosspost", "_crosspost"),
    ("POST", "/channels/{channel_id}/messages/{message_id}/threads", "_thread_from_message"),
    ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "_react"),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "_unreact"),
    ("POST", "/channels/{channel_id}/threads", "_create_thread"),
    ("POST", "/channels/{channel_id}/typing", "_typing"),
    ("PUT", "/channels/{channel_id}/thread-members/@me", "_join_thread"),
    ("GET", "/guilds/{guild_id}", "_get_guild"),
    ("GET", "/guilds/{guild_id}/channels", "_get_guild_channels"),
    ("GET", "/guilds/{guild_id}/members/{user_id}", "_get_member"),
    ("GET", "/applications/{application_id}/commands", "_get_commands"),
    ("PUT", "/applications/{application_id}/commands", "_put_commands"),
    ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", "_get_commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", "_put_commands"),
    ("POST", "/interactions/{interaction_id}/{token}/callback", "_interaction_callback"),
    ("POST", "/webhooks/{webhook_id}/{token}", "_execute_webhook"),
    ("GET", "/webhooks/{webhook_id}/{token}/messages/{message_id}", "_get_webhook_message"),
    ("PATCH", "/webhooks/{webhook_id}/{token}/messages/{message_id}", "_edit_webhook_message"),
    ("DELETE", "/webhooks/{webhook_id}/{token}/messages/{message_id}", "_delete_webhook_message"),
)
_MESSAGE_ROUTE = "POST /channels/{channel_id}/messages"
_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


def _compile_route(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))


_COMPILED = [(m, t, _compile_route(t), h) for m, t, h in _ROUTES]


def _bucket_hash(template_key: str) -> str:
    return hashlib.sha1(template_key.encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- the fake


class FakeDiscord:
    """The fake server: world state, REST routes, gateway and a test driver API."""

    def __init__(
        self,
        *,
        token: str = FAKE_TOKEN,
        bot_name: str = "ceasefire-bot",
        application_flags: int = 0,
        recommended_shards: int = 1,
        heartbeat_interval: float = 41.25,
        allowed_privileged_intents: int = Intent.PRIVILEGED,
        rate_limits: RateLimitPolicy | None = None,
        interaction_ack_timeout: float = 3.0,
        interaction_token_ttl: float = 900.0,
        nonce_ttl: float = 300.0,
        require_allowed_mentions: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self._clock = clock
        self.application_flags = application_flags
        self.recommended_shards = recommended_shards
        self.heartbeat_interval = heartbeat_interval
        self.allowed_privileged_intents = allowed_privileged_intents
        self.rate_limits = rate_limits or RateLimitPolicy()
        self.interaction_ack_timeout = interaction_ack_timeout
        self.interaction_token_ttl = interaction_token_ttl
        self.nonce_ttl = nonce_ttl
        #: Every message create must say whom it may ping (``allowed_mentions``); one that
        #: does not is a violation, and ``running_fake`` fails the test on exit.
        self.require_allowed_mentions = require_allowed_mentions
        self.violations: list[str] = []

        self._ids = SnowflakeFactory()
        self.bot_user = self._user_payload(self._ids.next(), bot_name, bot=True)
        self.application_id = int(self.bot_user["id"])
        self.default_user = self._user_payload(self._ids.next(), "alice")
        self.users: dict[int, JSON] = {}
        for user in (self.bot_user, self.default_user):
            self.users[int(user["id"])] = user

        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, JSON] = {}
        #: The bytes of every file received (multipart), by attachment id.
        self.attachment_bytes: dict[str, bytes] = {}
        self._messages: dict[int, list[JSON]] = {}
        self._message_index: dict[int, JSON] = {}
        self._nonces: dict[tuple[int, int, str], tuple[int, float]] = {}
        self._dm_by_user: dict[int, int] = {}
        self._extra_denies: dict[int, int] = {}
        self.dm_blocked: set[int] = set()
        self.commands: dict[int | None, list[JSON]] = {}
        self.interactions: dict[str, FakeInteraction] = {}

        self.calls: list[Call] = []
        self.log: list[Exchange] = []
        self.unhandled: list[Exchange] = []
        self.rate_limit_hits: list[RateLimitHit] = []
        self.gateway_frames: list[JSON] = []
        self.heartbeats = 0
        self.presence_updates: list[JSON] = []
        self.internal_errors: list[BaseException] = []

        self.sessions: list[GatewaySession] = []
        self._connections: set[_Connection] = set()
        self._writers: set[asyncio.Task[None]] = set()
        self._windows: dict[str, _Window] = {}
        self._injections: list[_Injection] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` and ``resume_gateway_url``."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @property
    def bot_id(self) -> int:
        return int(self.bot_user["id"])

    @property
    def mention_bot(self) -> str:
        return f"<@{self.bot_id}>"

    async def start(self) -> None:
        """Bind to a random 127.0.0.1 port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self._handle_ws)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_rest)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Close open gateway sockets first; otherwise aiohttp waits for them on shutdown."""
        for conn in list(self._connections):
            conn.send(_Close(1001))
        await asyncio.gather(*self._writers, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ----------------------------------------------------------------- world building

    @staticmethod
    def _user_payload(user_id: int, username: str, *, bot: bool = False) -> JSON:
        return {
            "id": str(user_id),
            "username": username,
            "global_name": None if bot else username.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
        }

    def add_user(self, username: str, *, user_id: int | None = None, bot: bool = False) -> JSON:
        user = self._user_payload(user_id or self._ids.next(), username, bot=bot)
        self.users[int(user["id"])] = user
        return user

    def guild_id_for_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh guild id that Discord's formula routes to ``shard_id``."""
        timestamp = self._ids.next() >> 22
        timestamp += (shard_id - timestamp % shard_count) % shard_count
        return (timestamp << 22) | (2 << 17) | (len(self.guilds) & 0x1FFFF)

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        guild_id: int | None = None,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        locale: str = "en-US",
        text_channel: str = "general",
        forum_channel: str = "news-forum",
        with_bot: bool = True,
    ) -> FakeGuild:
        """Create a guild with @everyone, a bot role, the bot + default user, a text and a forum.

        ``with_bot=False``: a server that never added the bot (no bot member or role; the bot's
        sessions hear nothing of it except interactions from a user-installed app).
        """
        gid = guild_id or self._ids.next()
        bot_role_id = self._ids.next()
        roles = [
            self._role_payload(gid, "@everyone", everyone_permissions, position=0),
            self._role_payload(bot_role_id, self.bot_user["username"], bot_permissions, position=1)
            | {"managed": True, "tags": {"bot_id": str(self.bot_id)}},
        ]
        guild = FakeGuild(
            id=gid,
            name=name,
            owner_id=int(self.default_user["id"]),
            roles=roles,
            members={},
            channel_ids=[],
            text_channel_id=0,
            forum_channel_id=0,
            bot_role_id=bot_role_id,
            locale=locale,
            has_bot=with_bot,
        )
        if not with_bot:
            guild.roles = roles[:1]
        self.guilds[gid] = guild
        if with_bot:
            self.add_member(gid, self.bot_user, role_ids=[bot_role_id])
        self.add_member(gid, self.default_user)
        guild.text_channel_id = int(self.add_channel(gid, text_channel, notify=False)["id"])
        guild.forum_channel_id = int(
            self.add_channel(gid, forum_channel, channel_type=GUILD_FORUM, notify=False)["id"]
        )
        self._broadcast("GUILD_CREATE", guild_id=gid, build=lambda s: self._guild_create(guild, s))
        return guild

    @staticmethod
    def _role_payload(role_id: int, name: str, permissions: int, *, position: int) -> JSON:
        return {
            "id": str(role_id),
            "name": name,
            "permissions": str(permissions),
            "position": position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }

    def add_role(self, guild_id: int, name: str, permissions: int = 0) -> JSON:
        guild = self.guilds[guild_id]
        role = self._role_payload(self._ids.next(), name, permissions, position=len(guild.roles))
        guild.roles.append(role)
        return role

    def add_member(
        self,
        guild_id: int,
        user: JSON | int,
        *,
        role_ids: Iterable[int] = (),
        nick: str | None = None,
    ) -> JSON:
        user_payload = self._resolve_user(user)
        member = {
            "user": user_payload,
            "roles": [str(r) for r in role_ids],
            "nick": nick,
            "avatar": None,
            "banner": None,
            "joined_at": _now_iso(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        self.guilds[guild_id].members[int(user_payload["id"])] = member
        return member

    def add_channel(
        self,
        guild_id: int,
        name: str,
        *,
        channel_type: int = GUILD_TEXT,
        parent_id: int | None = None,
        topic: str | None = None,
        overwrites: list[JSON] | None = None,
        notify: bool = True,
    ) -> JSON:
        """Add a guild channel (dispatches CHANNEL_CREATE to connected sessions)."""
        guild = self.guilds[guild_id]
        channel: JSON = {
            "id": str(self._ids.next()),
            "type": channel_type,
            "guild_id": str(guild_id),
            "name": name,
            "position": len(guild.channel_ids),
            "permission_overwrites": list(overwrites or []),
            "topic": topic,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "parent_id": str(parent_id) if parent_id else None,
            "last_message_id": None,
            "default_auto_archive_duration": 1440,
            "flags": 0,
        }
        if channel_type in FORUM_TYPES:
            channel |= {
                "available_tags": [],
                "default_reaction_emoji": None,
                "default_sort_order": None,
                "default_forum_layout": 0,
                "default_thread_rate_limit_per_user": 0,
            }
        self.channels[int(channel["id"])] = channel
        guild.channel_ids.append(int(channel["id"]))
        if notify:
            self._broadcast("CHANNEL_CREATE", channel, guild_id=guild_id)
        return channel

    def add_forum_post(self, forum_id: int, name: str, content: str,
                       *, author: JSON | int | None = None) -> JSON:
        """A person's post in a forum: a thread they own and its starter message (same id),
        announced with THREAD_CREATE and MESSAGE_CREATE."""
        forum = self.channels[forum_id]
        user = self._resolve_user(author)
        thread_id = self._ids.next()
        thread = self._new_thread(forum, thread_id, name, PUBLIC_THREAD, {})
        thread["owner_id"] = user["id"]
        thread.pop("member", None)
        msg = self._new_message(thread_id, user, {"content": content}, message_id=thread_id)
        self._store_message(msg)
        self._announce_thread(thread)
        self._emit_message("MESSAGE_CREATE", msg)
        return thread

    def delete_channel(self, channel_id: int) -> None:
        """Remove a channel: later REST calls get 404 Unknown Channel (10003)."""
        channel = self.channels.pop(channel_id)
        gid = self._guild_id_of(channel)
        if gid is not None and channel_id in self.guilds[gid].channel_ids:
            self.guilds[gid].channel_ids.remove(channel_id)
        event = "THREAD_DELETE" if channel["type"] in THREAD_TYPES else "CHANNEL_DELETE"
        self._broadcast(event, channel, guild_id=gid)

    def deny(self, channel_id: int, *actions: str | int) -> None:
        """Take permissions from the bot in a channel (see :data:`ACTION_PERMISSIONS`).

        For guild channels this is a member permission overwrite, so discord.py's
        ``permissions_for`` sees it too (CHANNEL_UPDATE is dispatched).
        """
        self._set_overwrite(channel_id, self._action_bits(actions), deny=True)

    def allow(self, channel_id: int, *actions: str | int) -> None:
        """Undo :meth:`deny`."""
        self._set_overwrite(channel_id, self._action_bits(actions), deny=False)

    def grant(self, channel_id: int, *actions: str | int) -> None:
        """Give the bot permissions in a guild channel beyond its role's (a member allow
        overwrite, dispatched as CHANNEL_UPDATE), e.g. ``Perm.MANAGE_CHANNELS``."""
        channel = self.channels[channel_id]
        overwrite = self._bot_overwrite(channel)
        overwrite["allow"] = str(int(overwrite["allow"]) | self._action_bits(actions))
        overwrite["deny"] = str(int(overwrite["deny"]) & ~self._action_bits(actions))
        self._broadcast("CHANNEL_UPDATE", channel, guild_id=self._guild_id_of(channel))

    def block_dms(self, user_id: int) -> None:
        """DMs to this user fail with 403 50007, like a user who closed DMs."""
        self.dm_blocked.add(user_id)

    @staticmethod
    def _action_bits(actions: Iterable[str | int]) -> int:
        bits = 0
        for action in actions:
            bits |= action if isinstance(action, int) else ACTION_PERMISSIONS[action]
        return bits

    def _set_overwrite(self, channel_id: int, bits: int, *, deny: bool) -> None:
        channel = self.channels[channel_id]
        if channel["type"] in THREAD_TYPES or self._guild_id_of(channel) is None:
            current = self._extra_denies.get(channel_id, 0)
            self._extra_denies[channel_id] = current | bits if deny else current & ~bits
            return
        overwrite = self._bot_overwrite(channel)
        current = int(overwrite["deny"])
        overwrite["deny"] = str(current | bits if deny else current & ~bits)
        self._broadcast("CHANNEL_UPDATE", channel, guild_id=self._guild_id_of(channel))

    def _bot_overwrite(self, channel: JSON) -> JSON:
        for overwrite in channel["permission_overwrites"]:
            if overwrite["type"] == 1 and int(overwrite["id"]) == self.bot_id:
                return overwrite
        overwrite = {"id": str(self.bot_id), "type": 1, "allow": "0", "deny": "0"}
        channel["permission_overwrites"].append(overwrite)
        return overwrite

    # ----------------------------------------------------------------- queries for tests

    def messages_in(self, channel_id: int) -> list[JSON]:
        """Stored messages of a channel, oldest first (ephemeral ones are never stored)."""
        return list(self._messages.get(channel_id, []))

    def message(self, message_id: int) -> JSON | None:
        return self._message_index.get(message_id)

    def calls_to(self, method: str | None = None, path: str = "*") -> list[Call]:
        """Recorded calls filtered by method and a glob on the path."""
        return [
            c
            for c in self.calls
            if (method is None or c.method == method) and fnmatch.fnmatchcase(c.path, path)
        ]

    def commands_for(self, guild_id: int | None = None) -> list[JSON]:
        """Commands last bulk-overwritten globally (None) or for a guild."""
        return list(self.commands.get(guild_id, []))

    def interaction(self, key: int | str) -> FakeInteraction:
        """Look an interaction up by id or token."""
        if isinstance(key, str):
            return self.interactions[key]
        return next(i for i in self.interactions.values() if i.id == key)

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 2.0) -> T:  # noqa: ASYNC109
        """Wait until ``predicate()`` is truthy; wakes on every fake event and every 20 ms."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.02))

    async def flush(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every queued gateway frame was written to its socket."""
        joins = [c.queue.join() for c in list(self._connections)]
        await asyncio.wait_for(asyncio.gather(*joins), timeout)

    def _touch(self) -> None:
        self._changed.set()

    # ----------------------------------------------------------------- rate-limit driver

    def rate_limit_next(
        self,
        n: int = 1,
        *,
        retry_after: float = 0.2,
        route: str | None = None,
        is_global: bool = False,
        scope: str = "user",
    ) -> None:
        """Answer the next ``n`` matching requests with a Discord-shaped 429.

        ``route`` is ``"METHOD /path/glob"`` (e.g. ``"POST /channels/*/messages"``) or a
        template such as ``"POST /channels/{channel_id}/messages"``; None matches any route.
        """
        self._injections.append(_Injection(n, retry_after, route, is_global, scope))

    @property
    def rate_limited_count(self) -> int:
        return len(self.rate_limit_hits)

    # ----------------------------------------------------------------- REST plumbing

    async def _handle_rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        try:
            body, files = await self._read_body(request)
        except ValueError as exc:
            body, files = None, []
            self.internal_errors.append(exc)
        self.calls.append(Call(request.method, path, body))
        query = dict(request.query)
        try:
            status, payload, response = await self._respond(request, path, query, body, files)
        except Exception as exc:  # a bug in the fake must fail fast, not look like a 500
            status, payload, response = self._internal_error(exc)
        exchange = Exchange(
            request.method, path, query, body, status, payload, [f.filename for f in files]
        )
        self.log.append(exchange)
        if status == 404 and payload == {"message": "404: Not Found", "code": 0}:
            self.unhandled.append(exchange)
        self._touch()
        return response

    def _internal_error(self, exc: Exception) -> tuple[int, Any, web.StreamResponse]:
        """Answer 400 (discord.py retries 5xx with multi-second backoff) and remember it."""
        _log.exception("fake Discord failed to handle a request")
        self.internal_errors.append(exc)
        return self._error(DiscordError(400, 0, f"Fake Discord internal error: {exc!r}"))

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[_FilePart]]:
        if not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[_FilePart] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    data = await part.read()
                    ctype = part.headers.get("Content-Type", "application/octet-stream")
                    files.append(_FilePart(part.name or "", part.filename or "", ctype, data))
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _match(self, method: str, path: str) -> tuple[str, str, dict[str, str]] | bool | None:
        """(template, handler name, params); False = path known but method not allowed."""
        path_known = False
        for route_method, template, pattern, handler in _COMPILED:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if route_method == method:
                return template, handler, match.groupdict()
            path_known = True
        return False if path_known else None

    async def _respond(
        self,
        request: web.Request,
        path: str,
        query: dict[str, str],
        body: Any,
        files: list[_FilePart],
    ) -> tuple[int, Any, web.StreamResponse]:
        method = request.method
        matched = self._match(method, path)
        if matched is None:
            return self._error(DiscordError(404, 0, "404: Not Found"))
        if matched is False:
            return self._error(DiscordError(405, 0, "405: Method Not Allowed"))
        assert isinstance(matched, tuple)
        template, handler_name, params = matched
        needs_auth = not path.startswith(("/interactions/", "/webhooks/"))
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._error(DiscordError(401, 0, "401: Unauthorized"))

        key = f"{method} {template}"
        bucket = self._bucket_key(key, params)
        limited = self._check_rate_limits(method, path, key, bucket, exempt=not needs_auth)
        if limited is not None:
            return limited
        headers = self._bucket_headers(key, bucket)
        req = _Req(method, path, template, params, query, body, files)
        try:
            result = await getattr(self, handler_name)(req)
        except DiscordError as exc:
            return self._error(exc, headers)
        if result is None:
            return 204, None, web.Response(status=204, headers={"Via": "1.1 google", **headers})
        reply = result if isinstance(result, _Reply) else _Reply(200, result)
        return reply.status, reply.body, _json_response(reply.status, reply.body, headers)

    @staticmethod
    def _error(
        exc: DiscordError, headers: Mapping[str, str] | None = None
    ) -> tuple[int, Any, web.StreamResponse]:
        body = exc.body()
        return exc.status, body, _json_response(exc.status, body, headers)

    # ----------------------------------------------------------------- rate limits

    @staticmethod
    def _bucket_key(template_key: str, params: Mapping[str, str]) -> str:
        major = [
            params[k] for k in ("channel_id", "guild_id", "webhook_id", "token") if k in params
        ]
        return f"{template_key}:{'+'.join(major)}"

    def _window(self, template_key: str, bucket: str) -> _Window:
        window = self._windows.get(bucket)
        if window is None:
            policy = self.rate_limits
            if not policy.enforce:
                window = _Window(10_000, 1.0)
            elif template_key == _MESSAGE_ROUTE:
                window = _Window(policy.message_limit, policy.message_per)
            else:
                window = _Window(policy.route_limit, policy.route_per)
            self._windows[bucket] = window
        return window

    def _bucket_headers(self, template_key: str, bucket: str) -> dict[str, str]:
        now = self._clock()
        window = self._window(template_key, bucket)
        window.roll(now)
        reset_after = window.reset_after(now)
        return {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(window.remaining()),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": _bucket_hash(template_key),
        }

    def _check_rate_limits(
        self, method: str, path: str, template_key: str, bucket: str, *, exempt: bool
    ) -> tuple[int, Any, web.StreamResponse] | None:
        injection = self._take_injection(method, path, template_key)
        if injection is not None:
            return self._too_many(
                method,
                path,
                template_key,
                injection.retry_after,
                injection.scope,
                limit=self._window(template_key, bucket).limit,
                is_global=injection.is_global,
                injected=True,
            )
        if not self.rate_limits.enforce:
            self._window(template_key, bucket).try_take(self._clock())
            return None
        now = self._clock()
        if not exempt:
            global_window = self._windows.setdefault(
                "<global>", _Window(self.rate_limits.global_limit, self.rate_limits.global_per)
            )
            if not global_window.try_take(now):
                retry = global_window.reset_after(now)
                return self._too_many(
                    method,
                    path,
                    template_key,
                    retry,
                    "global",
                    limit=global_window.limit,
                    is_global=True,
                    injected=False,
                )
        window = self._window(template_key, bucket)
        if not window.try_take(now):
            retry = window.reset_after(now)
            return self._too_many(
                method,
                path,
                template_key,
                retry,
                "user",
                limit=window.limit,
                is_global=False,
                injected=False,
            )
        return None

    def _take_injection(self, method: str, path: str, template_key: str) -> _Injection | None:
        actual = f"{method} {path}"
        for injection in self._injections:
            route = injection.route
            if route is None or route == template_key or fnmatch.fnmatchcase(actual, route):
                injection.remaining -= 1
                if injection.remaining <= 0:
                    self._injections.remove(injection)
                return injection
        return None

    def _too_many(
        self,
        method: str,
        path: str,
        template_key: str,
        retry_after: float,
        scope: str,
        *,
        limit: int,
        is_global: bool,
        injected: bool,
    ) -> tuple[int, Any, web.StreamResponse]:
        """A 429 exactly as Discord sends it (discord.py needs JSON + ``Via`` to retry)."""
        retry_after = round(retry_after, 3)
        self.rate_limit_hits.append(
            RateLimitHit(method, path, scope, retry_after, is_global, injected)
        )
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        if is_global:
            body["code"] = 0
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": scope,
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers |= {
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": _bucket_hash(template_key),
            }
        return 429, body, _json_response(429, body, headers)

    # ----------------------------------------------------------------- lookups & permissions

    def _resolve_user(self, user: JSON | int | None) -> JSON:
        if user is None:
            return self.default_user
        if isinstance(user, int):
            return self.users.get(user) or self.add_user(f"user{user}", user_id=user)
        self.users.setdefault(int(user["id"]), user)
        return user

    @staticmethod
    def _guild_id_of(channel: JSON) -> int | None:
        gid = channel.get("guild_id")
        return int(gid) if gid else None

    def _channel(self, channel_id: int) -> JSON:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise _unknown("Channel", 10003)
        return channel

    def _stored_message(self, channel_id: int, message_id: int) -> JSON:
        msg = self._message_index.get(message_id)
        if msg is None or int(msg["channel_id"]) != channel_id:
            raise _unknown("Message", 10008)
        return msg

    def permissions_for(self, user_id: int, channel: JSON) -> int:
        """Discord's permission algorithm (roles, then @everyone/role/member overwrites)."""
        gid = self._guild_id_of(channel)
        extra = self._extra_denies.get(int(channel["id"]), 0)
        if gid is None:
            if channel["type"] == GROUP_DM and not any(
                    int(r["id"]) == user_id for r in channel.get("recipients", [])):
                return 0
            return DM_PERMISSIONS & ~extra
        guild = self.guilds[gid]
        if user_id == guild.owner_id:
            return Perm.ALL
        member = guild.members.get(user_id)
        if member is None:
            return 0  # not in the server (the bot where only a user installed the app)
        role_ids = {gid} | {int(r) for r in (member or {}).get("roles", [])}
        perms = 0
        for role in guild.roles:
            if int(role["id"]) in role_ids:
                perms |= int(role["permissions"])
        if perms & Perm.ADMINISTRATOR:
            return Perm.ALL
        target = channel
        if channel["type"] in THREAD_TYPES and channel.get("parent_id"):
            target = self.channels.get(int(channel["parent_id"]), channel)
            extra |= self._extra_denies.get(int(target["id"]), 0) & Perm.VIEW_CHANNEL
        return self._apply_overwrites(perms, target, gid, role_ids, user_id) & ~extra

    @staticmethod
    def _apply_overwrites(
        perms: int, channel: JSON, guild_id: int, role_ids: set[int], user_id: int
    ) -> int:
        overwrites = channel.get("permission_overwrites", [])
        for ow in overwrites:
            if int(ow["id"]) == guild_id:
                perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
        allow = deny = 0
        for ow in overwrites:
            if ow["type"] == 0 and int(ow["id"]) in role_ids and int(ow["id"]) != guild_id:
                allow, deny = allow | int(ow["allow"]), deny | int(ow["deny"])
        perms = (perms & ~deny) | allow
        for ow in overwrites:
            if ow["type"] == 1 and int(ow["id"]) == user_id:
                perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
        return perms

    def _require(self, channel: JSON, needed: int) -> None:
        """403 Missing Access without VIEW_CHANNEL, else 403 Missing Permissions."""
        perms = self.permissions_for(self.bot_id, channel)
        if not perms & Perm.VIEW_CHANNEL:
            raise _missing_access()
        if perms & needed != needed:
            raise _missing_permissions()

    # ----------------------------------------------------------------- payload builders

    def _channel_view(self, channel: JSON) -> JSON:
        return dict(channel)

    def _member_view(self, guild: FakeGuild, user_id: int) -> JSON | None:
        member = guild.members.get(user_id)
        if member is None:
            return None
        return {k: v for k, v in member.items() if k != "user"}

    def _guild_base(self, guild: FakeGuild) -> JSON:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "roles": guild.roles,
            "emojis": [],
            "stickers": [],
            "features": [],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": str(guild.text_channel_id) if guild.text_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "preferred_locale": guild.locale,
            "vanity_url_code": None,
            "application_id": None,
        }

    def _guild_create(self, guild: FakeGuild, session: GatewaySession) -> JSON:
        """GUILD_CREATE: with presences off, Discord only sends the bot's own member."""
        channels, threads = [], []
        for cid in guild.channel_ids:
            channel = self.channels.get(cid)
            if channel is None:
                continue
            (threads if channel["type"] in THREAD_TYPES else channels).append(channel)
        members = list(guild.members.values())
        if not session.intents & Intent.GUILD_PRESENCES:
            members = [m for m in members if int(m["user"]["id"]) == self.bot_id]
        return self._guild_base(guild) | {
            "channels": channels,
            "threads": threads,
            "members": members,
            "member_count": len(guild.members),
            "large": False,
            "unavailable": False,
            "joined_at": _now_iso(),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    @staticmethod
    def _normalise_embeds(embeds: Iterable[JSON]) -> list[JSON]:
        return [{"type": "rich", **embed} for embed in embeds]

    def _resolve_mentions(
        self, content: str, allowed: JSON | None, replied_author: JSON | None
    ) -> tuple[list[JSON], bool]:
        """Users mentioned (honouring allowed_mentions) and whether @everyone pings."""
        parse = None if allowed is None else set(allowed.get("parse", []))
        explicit = set() if allowed is None else {int(u) for u in allowed.get("users", [])}
        mentions: list[JSON] = []
        for raw in dict.fromkeys(re.findall(r"<@!?(\d+)>", content)):
            uid = int(raw)
            if uid in self.users and (parse is None or "users" in parse or uid in explicit):
                mentions.append(self.users[uid])
        if replied_author is not None and (allowed or {}).get("replied_user", True):
            if replied_author not in mentions:
                mentions.append(replied_author)
        everyone = "@everyone" in content or "@here" in content
        return mentions, everyone and (parse is None or "everyone" in parse)

    def _new_message(
        self,
        channel_id: int,
        author: JSON,
        body: JSON,
        *,
        message_type: int = 0,
        message_id: int | None = None,
        mentions: list[JSON] | None = None,
        extra: JSON | None = None,
    ) -> JSON:
        """Build (not store) a message the way Discord echoes it back."""
        content = body.get("content") or ""
        reference = body.get("message_reference")
        referenced = None
        if reference and reference.get("message_id"):
            referenced = self._message_index.get(int(reference["message_id"]))
        if mentions is None:
            replied = referenced["author"] if referenced else None
            mentions, everyone = self._resolve_mentions(
                content, body.get("allowed_mentions"), replied
            )
        else:
            everyone = "@everyone" in content
        msg: JSON = {
            "id": str(message_id or self._ids.next()),
            "channel_id": str(channel_id),
            "author": author,
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": everyone,
            "mentions": mentions,
            "mention_roles": [],
            "attachments": list(body.get("attachments") or []),
            "embeds": self._normalise_embeds(body.get("embeds") or []),
            "components": list(body.get("components") or []),
            "pinned": False,
            "type": 19 if referenced else message_type,
            "flags": int(body.get("flags") or 0),
        }
        if body.get("nonce") is not None:
            msg["nonce"] = body["nonce"]
        if body.get("sticker_ids"):
            msg["sticker_items"] = []
        if body.get("poll"):
            msg["poll"] = body["poll"]
        if reference:
            msg["message_reference"] = {"type": 0, "channel_id": str(channel_id), **reference}
            msg["referenced_message"] = referenced
        return msg | (extra or {})

    def _store_message(self, msg: JSON) -> None:
        channel_id = int(msg["channel_id"])
        self._messages.setdefault(channel_id, []).append(msg)
        self._message_index[int(msg["id"])] = msg
        channel = self.channels.get(channel_id)
        if channel is not None:
            channel["last_message_id"] = msg["id"]
            if channel["type"] in THREAD_TYPES:
                channel["message_count"] = channel.get("message_count", 0) + 1
                channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1

    def _attachments_from(self, files: list[_FilePart], body: JSON) -> list[JSON]:
        described = {str(a.get("id")): a for a in body.get("attachments") or []}
        attachments = []
        for index, part in enumerate(files):
            meta = described.get(str(index), {})
            attachment_id = self._ids.next()
            self.attachment_bytes[str(attachment_id)] = bytes(part.data)
            url = f"{self.base_url}/attachments/{attachment_id}/{part.filename}"
            attachments.append(
                {
                    "id": str(attachment_id),
                    "filename": part.filename,
                    "size": len(part.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": part.content_type,
                    "description": meta.get("description"),
                }
            )
        return attachments

    # ----------------------------------------------------------------- validation

    @staticmethod
    def _validate_message(body: JSON, files: list[_FilePart], *, require_content: bool) -> None:
        """The limits news bots hit: 2000-char content, 10 embeds, 6000-char embed total;
        and the Components V2 rules (see :func:`_check_components`)."""
        _check_components(body)
        content = body.get("content") or ""
        if len(content) > 2000:
            raise _form_error(
                ["content"], "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."
            )
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            raise _form_error(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        total = 0
        for index, embed in enumerate(embeds):
            total += _check_embed(index, embed)
        if total > 6000:
            raise _form_error(
                ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
            )
        component_error = discord_component_error(body)
        if component_error is not None:
            raise _form_error(*component_error)
        has_any = any(
            body.get(k) for k in ("content", "embeds", "components", "sticker_ids", "poll")
        )
        if require_content and not has_any and not files:
            raise DiscordError(400, 50006, "Cannot send an empty message")

    # ----------------------------------------------------------------- gateway broadcast

    def _broadcast(
        self,
        event: str,
        data: JSON | None = None,
        *,
        guild_id: int | None,
        build: Callable[[GatewaySession], JSON | None] | None = None,
        only_first: bool = False,
    ) -> None:
        """Queue ``event`` to every session that covers the guild and has the intent."""
        needed = _event_intent(event, guild_id)
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        if guild is not None and not guild.has_bot and event != "INTERACTION_CREATE":
            return  # the bot is not in that server: it hears nothing of it
        for session in sorted(self.sessions, key=lambda s: s.conn is None):
            if session.ended or not session.covers(guild_id):
                continue
            if needed and not session.intents & needed:
                continue
            payload = build(session) if build else data
            if payload is None:
                continue
            session.push(event, payload)
            if only_first:
                break
        self._touch()

    def _message_event(self, msg: JSON, session: GatewaySession) -> JSON:
        """MESSAGE_CREATE/UPDATE as a session sees it (guild_id, member, content intent)."""
        channel = self.channels.get(int(msg["channel_id"]))
        data = dict(msg)
        gid = self._guild_id_of(channel) if channel else None
        if gid is not None:
            data["guild_id"] = str(gid)
            member = self._member_view(self.guilds[gid], int(msg["author"]["id"]))
            if member is not None and not msg.get("webhook_id"):
                data["member"] = member
        if self._content_hidden(msg, session, gid):
            data |= {"content": "", "embeds": [], "attachments": [], "components": []}
            data.pop("poll", None)
        return data

    def _content_hidden(self, msg: JSON, session: GatewaySession, guild_id: int | None) -> bool:
        """Without MESSAGE_CONTENT, Discord blanks other users' guild messages not mentioning us."""
        if session.intents & Intent.MESSAGE_CONTENT or guild_id is None:
            return False
        if int(msg["author"]["id"]) == self.bot_id:
            return False
        return not any(int(u["id"]) == self.bot_id for u in msg.get("mentions", []))

    def _emit_message(self, event: str, msg: JSON) -> None:
        if msg["flags"] & FLAG_EPHEMERAL:
            return
        channel = self.channels.get(int(msg["channel_id"]))
        gid = self._guild_id_of(channel) if channel else None
        self._broadcast(event, guild_id=gid, build=lambda s: self._message_event(msg, s))

    # ----------------------------------------------------------------- REST: users & app

    async def _get_me(self, req: _Req) -> JSON:
        return self.bot_user

    async def _get_user(self, req: _Req) -> JSON:
        user = self.users.get(_snowflake(req.params["user_id"], "user_id"))
        if user is None:
            raise _unknown("User", 10013)
        return user

    async def _get_my_guilds(self, req: _Req) -> list[JSON]:
        return [
            {
                "id": str(g.id),
                "name": g.name,
                "icon": None,
                "owner": False,
                "permissions": str(DEFAULT_BOT_PERMISSIONS),
                "features": [],
            }
            for g in self.guilds.values()
            if g.has_bot
        ]

    async def _get_application(self, req: _Req) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot": self.bot_user,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.default_user,
            "team": None,
            "verify_key": "0" * 64,
            "flags": self.application_flags,
            "rpc_origins": [],
            "tags": [],
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "approximate_guild_count": len(self.guilds),
        }

    async def _get_gateway(self, req: _Req) -> JSON:
        return {"url": self.gateway_url}

    async def _get_gateway_bot(self, req: _Req) -> JSON:
        return {
            "url": self.gateway_url,
            "shards": self.recommended_shards,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    async def _open_dm(self, req: _Req) -> JSON:
        recipient = _snowflake((req.body or {}).get("recipient_id"), "recipient_id")
        if recipient not in self.users:
            raise _unknown("User", 10013)
        return self.open_dm(recipient)

    def open_dm(self, user_id: int) -> JSON:
        """The (single) DM channel between the bot and ``user_id``; created on first use."""
        channel_id = self._dm_by_user.get(user_id)
        if channel_id is not None:
            return self.channels[channel_id]
        channel = {
            "id": str(self._ids.next()),
            "type": DM,
            "last_message_id": None,
            "recipients": [self._resolve_user(user_id)],
            "flags": 0,
        }
        self.channels[int(channel["id"])] = channel
        self._dm_by_user[user_id] = int(channel["id"])
        return channel

    def add_group_dm(self, *users: JSON | int) -> JSON:
        """A group DM of people (the bot is never in one: a user-installed app is used there
        through interactions only; its channel refuses the bot with Missing Access)."""
        channel = {
            "id": str(self._ids.next()),
            "type": GROUP_DM,
            "last_message_id": None,
            "recipients": [self._resolve_user(u) for u in users],
            "owner_id": self._resolve_user(users[0])["id"] if users else None,
            "name": None,
            "icon": None,
            "flags": 0,
        }
        self.channels[int(channel["id"])] = channel
        return channel

    # ----------------------------------------------------------------- REST: guilds

    def _guild(self, req: _Req) -> FakeGuild:
        guild = self.guilds.get(_snowflake(req.params["guild_id"], "guild_id"))
        if guild is None:
            raise _unknown("Guild", 10004)
        return guild

    async def _get_guild(self, req: _Req) -> JSON:
        return self._guild_base(self._guild(req))

    async def _get_guild_channels(self, req: _Req) -> list[JSON]:
        guild = self._guild(req)
        return [
            self.channels[c]
            for c in guild.channel_ids
            if c in self.channels and self.channels[c]["type"] not in THREAD_TYPES
        ]

    async def _get_member(self, req: _Req) -> JSON:
        member = self._guild(req).members.get(_snowflake(req.params["user_id"], "user_id"))
        if member is None:
            raise _unknown("Member", 10007)
        return member

    # ----------------------------------------------------------------- REST: channels

    def _req_channel(self, req: _Req) -> JSON:
        return self._channel(_snowflake(req.params["channel_id"], "channel_id"))

    async def _get_channel(self, req: _Req) -> JSON:
        channel = self._req_channel(req)
        self._require(channel, Perm.VIEW_CHANNEL)
        return channel

    async def _edit_channel(self, req: _Req) -> JSON:
        channel = self._req_channel(req)
        body = req.body or {}
        is_thread = channel["type"] in THREAD_TYPES
        self._require(channel, self._edit_channel_permission(channel, body)
                      if is_thread else Perm.MANAGE_CHANNELS)
        if "available_tags" in body:
            if channel["type"] not in FORUM_TYPES:
                raise DiscordError(400, 50024, "Cannot execute action on this channel type")
            channel["available_tags"] = self._forum_tags(channel, body["available_tags"])
        for key in ("name", "topic", "rate_limit_per_user", "nsfw", "applied_tags"):
            if key in body:
                channel[key] = body[key]
        if is_thread:
            meta = channel["thread_metadata"]
            for key in ("archived", "locked", "auto_archive_duration", "invitable"):
                if key in body:
                    meta[key] = body[key]
        event = "THREAD_UPDATE" if is_thread else "CHANNEL_UPDATE"
        self._broadcast(event, channel, guild_id=self._guild_id_of(channel))
        return channel

    def _forum_tags(self, forum: JSON, tags: Any) -> list[JSON]:
        """A forum's new tag list (PATCH ``available_tags``): known ids kept, new tags given
        one; at most 20 tags, names of 1 to 20 characters."""
        if not isinstance(tags, list):
            raise _form_error(["available_tags"], "LIST_TYPE_CONVERT",
                              "Only iterables may be used in a ListType")
        if len(tags) > MAX_FORUM_TAGS:
            raise _form_error(["available_tags"], "BASE_TYPE_MAX_LENGTH",
                              f"Must be {MAX_FORUM_TAGS} or fewer in length.")
        known = {str(t["id"]) for t in forum.get("available_tags") or []}
        out = []
        for i, tag in enumerate(tags):
            name = str(tag.get("name") or "")
            if not 1 <= len(name) <= 20:
                raise _form_error(["available_tags", i, "name"], "BASE_TYPE_BAD_LENGTH",
                                  "Must be between 1 and 20 in length.")
            tag_id = str(tag.get("id") or "")
            out.append({
                "id": tag_id if tag_id in known else str(self._ids.next()),
                "name": name, "moderated": bool(tag.get("moderated", False)),
                "emoji_id": tag.get("emoji_id"), "emoji_name": tag.get("emoji_name"),
            })
        return out

    def _edit_channel_permission(self, thread: JSON, body: JSON) -> int:
        """Discord's rule: a thread's creator may rename, archive or unarchive it, and anyone
        who may send in it may unarchive it, unless it is locked; else Manage Threads."""
        if thread["thread_metadata"].get("locked"):
            return Perm.MANAGE_THREADS
        if (str(thread.get("owner_id")) == str(self.bot_id)
                and set(body) <= {"name", "archived", "auto_archive_duration"}):
            return Perm.VIEW_CHANNEL
        if set(body) == {"archived"} and body["archived"] is False:
            return Perm.SEND_MESSAGES_IN_THREADS
        return Perm.MANAGE_THREADS

    async def _typing(self, req: _Req) -> None:
        self._require(self._req_channel(req), Perm.SEND_MESSAGES)

    async def _join_thread(self, req: _Req) -> None:
        channel = self._req_channel(req)
        if channel["type"] not in THREAD_TYPES:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")

    def _send_permission(self, channel: JSON) -> int:
        return (
            Perm.SEND_MESSAGES_IN_THREADS if channel["type"] in THREAD_TYPES else Perm.SEND_MESSAGES
        )

    async def _create_message(self, req: _Req) -> JSON:
        channel = self._req_channel(req)
        body: JSON = req.body or {}
        if channel["type"] not in MESSAGEABLE_TYPES:
            raise DiscordError(400, 50008, "Cannot send messages in a non-text channel")
        self._check_can_send(channel)
        self._check_allowed_mentions(body, f"POST /channels/{channel['id']}/messages")
        existing = self._existing_for_nonce(int(channel["id"]), body)
        if existing is not None:
            return existing
        self._validate_message(body, req.files, require_content=True)
        self._validate_reference(int(channel["id"]), body)
        if req.files:
            body = body | {"attachments": self._attachments_from(req.files, body)}
        msg = self._new_message(int(channel["id"]), self.bot_user, body)
        self._store_message(msg)
        self._remember_nonce(int(channel["id"]), body, msg)
        self._emit_message("MESSAGE_CREATE", msg)
        return msg

    def _check_allowed_mentions(self, body: JSON, where: str) -> None:
        if self.require_allowed_mentions and "allowed_mentions" not in body:
            self.violations.append(f"{where} without allowed_mentions")

    def _check_can_send(self, channel: JSON) -> None:
        if channel["type"] == DM:
            recipient = int(channel["recipients"][0]["id"])
            if recipient in self.dm_blocked:
                raise DiscordError(403, 50007, "Cannot send messages to this user")
        self._require(channel, self._send_permission(channel))
        meta = channel.get("thread_metadata") or {}
        if (
            meta.get("locked")
            and not self.permissions_for(self.bot_id, channel) & Perm.MANAGE_THREADS
        ):
            raise DiscordError(403, 160005, "Thread is locked")

    def _existing_for_nonce(self, channel_id: int, body: JSON) -> JSON | None:
        """Discord's enforce_nonce: same author+channel+nonce recently -> the old message."""
        nonce = body.get("nonce")
        if nonce is None or not body.get("enforce_nonce"):
            return None
        hit = self._nonces.get((channel_id, self.bot_id, str(nonce)))
        if hit is None or time.monotonic() - hit[1] > self.nonce_ttl:
            return None
        return self._message_index.get(hit[0])

    def _remember_nonce(self, channel_id: int, body: JSON, msg: JSON) -> None:
        if body.get("nonce") is not None and body.get("enforce_nonce"):
            key = (channel_id, self.bot_id, str(body["nonce"]))
            self._nonces[key] = (int(msg["id"]), time.monotonic())

    def _validate_reference(self, channel_id: int, body: JSON) -> None:
        reference = body.get("message_reference")
        if not reference or not reference.get("message_id"):
            return
        target = self._message_index.get(int(reference["message_id"]))
        if target is None and reference.get("fail_if_not_exists", True):
            raise _form_error(
                ["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
            )
        if target is None:
            body.pop("message_reference")

    async def _list_messages(self, req: _Req) -> list[JSON]:
        channel = self._req_channel(req)
        self._require(channel, Perm.VIEW_CHANNEL)
        if not self.permissions_for(self.bot_id, channel) & Perm.READ_MESSAGE_HISTORY:
            return []
        limit = int(req.query.get("limit", 50))
        if not 1 <= limit <= 100:
            raise _form_error(["limit"], "NUMBER_TYPE_MAX", "Int value should be <= 100 and >= 1.")
        stored = self._messages.get(int(channel["id"]), [])
        return _page(stored, limit, req.query)[::-1]

    async def _get_message(self, req: _Req) -> JSON:
        channel = self._req_channel(req)
        self._require(channel, Perm.READ_MESSAGE_HISTORY)
        return self._stored_message(int(channel["id"]), _snowflake(req.params["message_id"]))

    async def _edit_message(self, req: _Req) -> JSON:
        channel = self._req_channel(req)
        self._require(channel, Perm.VIEW_CHANNEL)
        if (channel["type"] in THREAD_TYPES
                and channel["thread_metadata"].get("archived")):
            # Sending unarchives a thread; editing does not (it must be unarchived first).
            raise DiscordError(400, 50083, "Thread is archived")
        msg = self._stored_message(int(channel["id"]), _snowflake(req.params["message_id"]))
        body = req.body or {}
        if int(msg["author"]["id"]) != self.bot_id:
            allowed_keys = {"flags"}
            if set(body) - allowed_keys:
                raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        self._apply_edit(msg, body, req.files)
        return msg

    def _apply_edit(self, msg: JSON, body: JSON, files: list[_FilePart]) -> None:
        if msg["flags"] & FLAG_COMPONENTS_V2:  # the flag stays: so do its rules
            body = body | {"flags": int(body.get("flags") or 0) | FLAG_COMPONENTS_V2}
        self._validate_message(body, files, require_content=False)
        for key in ("content", "components", "flags"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "embeds" in body:
            msg["embeds"] = self._normalise_embeds(body["embeds"] or [])
        if files or "attachments" in body:
            kept = [
                a
                for a in msg["attachments"]
                if any(str(a["id"]) == str(b.get("id")) for b in body.get("attachments") or [])
            ]
            msg["attachments"] = kept + self._attachments_from(files, body)
        if "content" in body:
            msg["mentions"], msg["mention_everyone"] = self._resolve_mentions(
                msg["content"], body.get("allowed_mentions"), None
            )
        msg["edited_timestamp"] = _now_iso()
        self._emit_message("MESSAGE_UPDATE", msg)

    async def _delete_message(self, req: _Req) -> None:
        channel = self._req_channel(req)
        msg = self._stored_message(int(channel["id"]), _snowflake(req.params["message_id"]))
        if int(msg["author"]["id"]) != self.bot_id:
            self._require(channel, Perm.MANAGE_MESSAGES)
        self._remove_message(msg)

    def _remove_message(self, msg: JSON) -> None:
        channel_id = int(msg["channel_id"])
        self._messages[channel_id].remove(msg)
        self._message_index.pop(int(msg["id"]), None)
        channel = self.channels.get(channel_id)
        gid = self._guild_id_of(channel) if channel else None
        data: JSON = {"id": msg["id"], "channel_id": msg["channel_id"]}
        if gid is not None:
            data["guild_id"] = str(gid)
        self._broadcast("MESSAGE_DELETE", data, guild_id=gid)

    async def _crosspost(self, req: _Req) -> JSON:
        """Publish a message of an announcement channel to the servers following it.
        Stricter than Discord, which lets an author publish their own messages with Send
        Messages: here publishing always needs Manage Messages, the permission the bot is
        told to hold (so a test can take it away without taking the channel)."""
        channel = self._req_channel(req)
        if channel["type"] != GUILD_ANNOUNCEMENT:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        self._require(channel, Perm.SEND_MESSAGES | Perm.MANAGE_MESSAGES)
        msg = self._stored_message(int(channel["id"]), _snowflake(req.params["message_id"]))
        if msg["flags"] & FLAG_CROSSPOSTED:
            raise DiscordError(400, 40033, "This message has already been crossposted.")
        msg["flags"] |= FLAG_CROSSPOSTED
        self._emit_message("MESSAGE_UPDATE", msg)
        return msg

    async def _react(self, req: _Req) -> None:
        channel = self._req_channel(req)
        self._require(channel, Perm.ADD_REACTIONS | Perm.READ_MESSAGE_HISTORY)
        msg = self._stored_message(int(channel["id"]), _snowflake(req.params["message_id"]))
        emoji = req.params["emoji"]
        reactions = msg.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["emoji"]["name"] == emoji:
                if not reaction["me"]:
                    reaction["count"] += 1
                    reaction["me"] = True
                return
        reactions.append({"count": 1, "me": True, "emoji": {"id": None, "name": emoji}})

    async def _unreact(self, req: _Req) -> None:
        channel = self._req_channel(req)
        msg = self._stored_message(int(channel["id"]), _snowflake(req.params["message_id"]))
        emoji = req.params["emoji"]
        msg["reactions"] = [
            r for r in msg.get("reactions", []) if not (r["emoji"]["name"] == emoji and r["me"])
        ]

    # ----------------------------------------------------------------- REST: threads

    def _new_thread(
        self, parent: JSON, thread_id: int, name: str, thread_type: int, body: JSON
    ) -> JSON:
        now = _now_iso()
        thread: JSON = {
            "id": str(thread_id),
            "guild_id": parent["guild_id"],
            "parent_id": parent["id"],
            "owner_id": str(self.bot_id),
            "name": name,
            "type": thread_type,
            "last_message_id": None,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "rate_limit_per_user": body.get("rate_limit_per_user") or 0,
            "flags": 0,
            "applied_tags": [str(t) for t in body.get("applied_tags") or []],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration") or 1440,
                "archive_timestamp": now,
                "locked": False,
                "invitable": body.get("invitable", True),
                "create_timestamp": now,
            },
            "member": {
                "id": str(thread_id),
                "user_id": str(self.bot_id),
                "join_timestamp": now,
                "flags": 0,
            },
        }
        self.channels[thread_id] = thread
        gid = int(parent["guild_id"])
        self.guilds[gid].channel_ids.append(thread_id)
        return thread

    @staticmethod
    def _validate_thread_name(body: JSON) -> str:
        name = (body or {}).get("name") or ""
        if not 1 <= len(name) <= 100:
            raise _form_error(
                ["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
        return name

    def _announce_thread(self, thread: JSON) -> None:
        self._broadcast(
            "THREAD_CREATE", thread | {"newly_created": True}, guild_id=int(thread["guild_id"])
        )

    async def _thread_from_message(self, req: _Req) -> _Reply:
        """Public thread on a message; like Discord, the thread id *is* the message id."""
        channel = self._req_channel(req)
        if channel["type"] not in (GUILD_TEXT, GUILD_ANNOUNCEMENT):
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        self._require(channel, Perm.CREATE_PUBLIC_THREADS)
        msg = self._stored_message(int(channel["id"]), _snowflake(req.params["message_id"]))
        if int(msg["id"]) in self.channels:
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        name = self._validate_thread_name(req.body)
        kind = ANNOUNCEMENT_THREAD if channel["type"] == GUILD_ANNOUNCEMENT else PUBLIC_THREAD
        thread = self._new_thread(channel, int(msg["id"]), name, kind, req.body or {})
        msg["thread"] = thread
        msg["flags"] |= FLAG_HAS_THREAD
        self._announce_thread(thread)
        return _Reply(201, thread)

    async def _create_thread(self, req: _Req) -> _Reply:
        channel = self._req_channel(req)
        body: JSON = req.body or {}
        if channel["type"] in FORUM_TYPES:
            return await self._create_forum_post(channel, body, req.files)
        if channel["type"] not in (GUILD_TEXT, GUILD_ANNOUNCEMENT):
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        kind = body.get("type") or PRIVATE_THREAD
        needed = (
            Perm.CREATE_PRIVATE_THREADS if kind == PRIVATE_THREAD else Perm.CREATE_PUBLIC_THREADS
        )
        self._require(channel, needed)
        name = self._validate_thread_name(body)
        thread = self._new_thread(channel, self._ids.next(), name, kind, body)
        self._announce_thread(thread)
        return _Reply(201, thread)

    async def _create_forum_post(self, forum: JSON, body: JSON, files: list[_FilePart]) -> _Reply:
        """Forum post: thread + starter message sharing one id, returned together. Its
        ``applied_tags`` must be tags of the forum (at most 5; one is required when the
        forum says so)."""
        self._require(forum, Perm.SEND_MESSAGES)
        name = self._validate_thread_name(body)
        applied = [str(t) for t in body.get("applied_tags") or []]
        available = {str(t["id"]) for t in forum.get("available_tags") or []}
        if len(applied) > MAX_APPLIED_TAGS:
            raise _form_error(["applied_tags"], "BASE_TYPE_MAX_LENGTH",
                              f"Must be {MAX_APPLIED_TAGS} or fewer in length.")
        for i, tag in enumerate(applied):
            if tag not in available:
                raise _form_error(["applied_tags", i], "UNKNOWN_TAG", "Unknown tag")
        if not applied and int(forum.get("flags") or 0) & FLAG_REQUIRE_TAG:
            raise DiscordError(400, 40067, "A tag is required to create a forum post in this "
                                           "channel")
        message_body: JSON = dict(body.get("message") or {})
        self._check_allowed_mentions(message_body, f"forum post in {forum['id']}")
        try:
            self._validate_message(message_body, files, require_content=True)
        except DiscordError as exc:
            if exc.errors is not None:
                exc.errors = {"message": exc.errors}
            raise
        if files:
            message_body["attachments"] = self._attachments_from(files, message_body)
        thread_id = self._ids.next()
        thread = self._new_thread(forum, thread_id, name, PUBLIC_THREAD, body)
        msg = self._new_message(thread_id, self.bot_user, message_body, message_id=thread_id)
        self._store_message(msg)
        forum["last_message_id"] = str(thread_id)
        self._announce_thread(thread)
        self._emit_message("MESSAGE_CREATE", msg)
        return _Reply(201, thread | {"message": msg})

    # ----------------------------------------------------------------- REST: app commands

    def _check_application(self, req: _Req) -> None:
        if _snowflake(req.params["application_id"], "application_id") != self.application_id:
            raise _missing_access()

    def _command_scope(self, req: _Req) -> int | None:
        if "guild_id" not in req.params:
            return None
        guild = self.guilds.get(_snowflake(req.params["guild_id"], "guild_id"))
        if guild is None:
            raise _missing_access()
        return guild.id

    async def _get_commands(self, req: _Req) -> list[JSON]:
        self._check_application(req)
        return self.commands_for(self._command_scope(req))

    async def _put_commands(self, req: _Req) -> list[JSON]:
        """Bulk overwrite; ids survive for unchanged name+type like on Discord."""
        self._check_application(req)
        scope = self._command_scope(req)
        body = req.body or []
        if not isinstance(body, list):
            raise _form_error(
                ["_root"], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
            )
        _validate_commands(body)
        previous = {(c["name"], c["type"]): c for c in self.commands.get(scope, [])}
        stored = [self._store_command(cmd, scope, previous) for cmd in body]
        self.commands[scope] = stored
        return stored

    def _store_command(
        self, cmd: JSON, scope: int | None, previous: Mapping[tuple[str, int], JSON]
    ) -> JSON:
        ctype = cmd.get("type", 1)
        old = previous.get((cmd["name"], ctype))
        stored: JSON = {
            "id": old["id"] if old else str(self._ids.next()),
            "application_id": str(self.application_id),
            "version": str(self._ids.next()),
            "type": ctype,
            "name": cmd["name"],
            "description": cmd.get("description", ""),
            "options": cmd.get("options", []),
            "default_member_permissions": cmd.get("default_member_permissions"),
            "dm_permission": cmd.get("dm_permission", True),
            "nsfw": cmd.get("nsfw", False),
            "contexts": cmd.get("contexts"),
            "integration_types": cmd.get("integration_types", [0]),
            "name_localizations": cmd.get("name_localizations"),
            "description_localizations": cmd.get("description_localizations"),
        }
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    # ----------------------------------------------------------------- REST: interactions

    def _live_interaction(self, token: str, *, for_ack: bool = False) -> FakeInteraction:
        inter = self.interactions.get(token)
        if inter is None:
            raise _unknown("interaction", 10062)
        age = time.monotonic() - inter.created_at
        limit = self.interaction_ack_timeout if for_ack else self.interaction_token_ttl
        if age > limit:
            raise _unknown("interaction", 10062)
        return inter

    async def _interaction_callback(self, req: _Req) -> _Reply | None:
        inter = self._live_interaction(req.params["token"], for_ack=True)
        if str(inter.id) != req.params["interaction_id"]:
            raise _unknown("interaction", 10062)
        if inter.acknowledged:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        body: JSON = req.body or {}
        response_type = body.get("type")
        data: JSON = body.get("data") or {}
        resource: JSON = {"type": response_type}
        if response_type == 4:
            self._check_allowed_mentions(data, "interaction response")
        if response_type in (4, 5):
            msg = self._interaction_message(inter, data, req.files, loading=response_type == 5)
            inter.original_message = msg
            resource["message"] = msg
        elif response_type == 7:
            resource["message"] = self._update_component_message(inter, data, req.files)
        elif response_type not in (1, 6, 8, 9, 10, 12):
            raise _form_error(["type"], "BASE_TYPE_CHOICES", "Value must be one of valid types.")
        inter.callbacks.append(body)
        inter.response_type = response_type
        self._touch()
        if req.query.get("with_response") not in ("1", "true", "True"):
            return None
        original = inter.original_message
        summary: JSON = {
            "id": str(inter.id),
            "type": inter.type,
            "response_message_id": original["id"] if original else None,
            "response_message_loading": response_type == 5,
            "response_message_ephemeral": bool(original and original["flags"] & FLAG_EPHEMERAL),
        }
        return _Reply(200, {"interaction": summary, "resource": resource})

    def _interaction_message(
        self, inter: FakeInteraction, data: JSON, files: list[_FilePart], *, loading: bool
    ) -> JSON:
        """Message created by a type 4/5 response or a follow-up (no channel perms needed)."""
        if not loading:
            self._validate_message(data, files, require_content=True)
        flags = int(data.get("flags") or 0) & (FLAG_EPHEMERAL | 4 | 4096 | FLAG_COMPONENTS_V2)
        if loading:
            flags |= FLAG_LOADING
        if _external_apps_refused(inter.payload):
            flags |= FLAG_EPHEMERAL  # Discord shows a refused external app to the member only
        body = data | {"flags": flags}
        if files:
            body["attachments"] = self._attachments_from(files, data)
        user = inter.payload.get("member", {}).get("user") or inter.payload.get("user")
        metadata = {
            "id": str(inter.id),
            "type": inter.type,
            "user": user,
            "authorizing_integration_owners": inter.payload["authorizing_integration_owners"],
        }
        msg = self._new_message(
            inter.channel_id,
            self.bot_user,
            body,
            message_type=20 if inter.type == 2 else 0,
            extra={
                "webhook_id": str(self.application_id),
                "application_id": str(self.application_id),
                "interaction_metadata": metadata,
            },
        )
        if not flags & FLAG_EPHEMERAL:
            self._store_message(msg)
        self._emit_message("MESSAGE_CREATE", msg)
        return msg

    def _update_component_message(
        self, inter: FakeInteraction, data: JSON, files: list[_FilePart]
    ) -> JSON:
        raw = inter.payload.get("message")
        if raw is None:
            raise DiscordError(400, 50035, "Interaction has no message to update")
        msg = self._message_index.get(int(raw["id"])) or raw
        self._apply_edit(msg, data, files)
        return msg

    def _webhook_interaction(self, req: _Req) -> FakeInteraction:
        """Follow-ups use the application id + interaction token as a webhook."""
        inter = self.interactions.get(req.params["token"])
        if inter is None or req.params["webhook_id"] != str(self.application_id):
            raise _unknown("Webhook", 10015)
        inter = self._live_interaction(req.params["token"])
        if not inter.acknowledged:
            raise _unknown("Webhook", 10015)
        return inter

    async def _execute_webhook(self, req: _Req) -> JSON | None:
        """Follow-up; the first one after a thinking defer replaces the loading message."""
        inter = self._webhook_interaction(req)
        body: JSON = req.body or {}
        self._check_allowed_mentions(body, "interaction follow-up")
        if _user_install_only(inter.payload) and len(inter.followups) >= USER_INSTALL_FOLLOWUPS:
            raise DiscordError(
                400, 40094, "This interaction has hit the maximum number of follow up messages"
            )
        original = inter.original_message
        if original is not None and original["flags"] & FLAG_LOADING:
            self._validate_message(body, req.files, require_content=True)
            edit = {k: v for k, v in body.items() if k != "flags"}
            self._apply_edit(original, edit, req.files)
            original["flags"] &= ~FLAG_LOADING
            msg = original
        else:
            msg = self._interaction_message(inter, body, req.files, loading=False)
        inter.followups.append(msg)
        self._touch()
        return msg if req.query.get("wait") in ("1", "true", "True") else None

    def _webhook_message(self, req: _Req, inter: FakeInteraction) -> JSON:
        mid = req.params["message_id"]
        if mid == "@original":
            if inter.original_message is None:
                raise _unknown("Message", 10008)
            return inter.original_message
        wanted = _snowflake(mid, "message_id")
        for msg in [inter.original_message, *inter.followups]:
            if msg is not None and int(msg["id"]) == wanted:
                return msg
        raise _unknown("Message", 10008)

    async def _get_webhook_message(self, req: _Req) -> JSON:
        inter = self._webhook_interaction(req)
        return self._webhook_message(req, inter)

    async def _edit_webhook_message(self, req: _Req) -> JSON:
        inter = self._webhook_interaction(req)
        msg = self._webhook_message(req, inter)
        body: JSON = req.body or {}
        self._apply_edit(msg, {k: v for k, v in body.items() if k != "flags"}, req.files)
        msg["flags"] &= ~FLAG_LOADING
        if req.params["message_id"] == "@original":
            inter.original_edits.append(body)
        self._touch()
        return msg

    async def _delete_webhook_message(self, req: _Req) -> None:
        inter = self._webhook_interaction(req)
        msg = self._webhook_message(req, inter)
        if int(msg["id"]) in self._message_index:
            self._remove_message(msg)
        if msg is inter.original_message:
            inter.original_message = None

    # ----------------------------------------------------------------- gateway

    async def _handle_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=4 * 1024 * 1024)
        await ws.prepare(request)
        conn = _Connection(ws)
        conn.writer = asyncio.create_task(self._write_loop(conn))
        self._writers.add(conn.writer)
        conn.writer.add_done_callback(self._writers.discard)
        self._connections.add(conn)
        interval_ms = int(self.heartbeat_interval * 1000)
        conn.send(
            {
                "op": 10,
                "s": None,
                "t": None,
                "d": {"heartbeat_interval": interval_ms, "_trace": ["fake-gateway"]},
            }
        )
        try:
            async for frame in ws:
                if frame.type is WSMsgType.TEXT:
                    await self._on_frame(conn, frame.data)
                else:
                    conn.send(_Close(4002))
        finally:
            self._detach(conn)
        return ws

    def _detach(self, conn: _Connection) -> None:
        """A client close with 1000/1001 ends the session like on Discord; others stay resumable.

        (After a server-initiated close aiohttp reports the client's echo, often 1000, so the
        initiator has to be tracked separately.)
        """
        if conn.session is not None and conn.session.conn is conn:
            conn.session.conn = None
            clean = conn.ws.close_code in (1000, 1001)
            conn.session.ended = clean and not conn.closed_by_server
        self._connections.discard(conn)
        conn.send(_Close(1000))  # stops the writer if it is still waiting
        self._touch()

    @staticmethod
    async def _write_loop(conn: _Connection) -> None:
        try:
            while True:
                item = await conn.queue.get()
                try:
                    if isinstance(item, _Close):
                        conn.closed = conn.closed_by_server = True
                        if not conn.ws.closed:
                            await conn.ws.close(code=item.code)
                        return
                    if not conn.ws.closed:
                        text = item.text if isinstance(item, _Raw) else json.dumps(item)
                        await conn.ws.send_str(text)
                finally:
                    conn.queue.task_done()
        except (ConnectionError, RuntimeError):
            return
        finally:
            conn.shut()

    async def _on_frame(self, conn: _Connection, raw: str) -> None:
        try:
            frame = json.loads(raw)
            op = frame["op"]
        except (ValueError, KeyError, TypeError):
            conn.send(_Close(4002))
            return
        self.gateway_frames.append(frame)
        self._touch()
        data = frame.get("d")
        if op == 1:
            self.heartbeats += 1
            conn.send({"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            self._on_identify(conn, data or {})
        elif op == 6:
            self._on_resume(conn, data or {})
        elif conn.session is None:
            conn.send(_Close(4003))
        elif op == 3:
            self.presence_updates.append(data)
        elif op == 8:
            self._on_request_members(conn.session, data or {})
        elif op != 4:
            conn.send(_Close(4001))

    def _on_identify(self, conn: _Connection, data: JSON) -> None:
        if conn.session is not None:
            conn.send(_Close(4005))
            return
        if data.get("token") != self.token:
            conn.send(_Close(4004))
            return
        intents = int(data.get("intents", 0))
        if intents & Intent.PRIVILEGED & ~self.allowed_privileged_intents:
            conn.send(_Close(4014))
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if shard_count < 1 or not 0 <= shard_id < shard_count:
            conn.send(_Close(4010))
            return
        session = GatewaySession(secrets.token_hex(16), shard_id, shard_count, intents, data)
        session.conn = conn
        conn.session = session
        self.sessions.append(session)
        session.push("READY", self._ready_payload(session, "shard" in data))
        for guild in self.guilds.values():
            if guild.has_bot and session.covers(guild.id) and intents & Intent.GUILDS:
                session.push("GUILD_CREATE", self._guild_create(guild, session))

    def _ready_payload(self, session: GatewaySession, sharded: bool) -> JSON:
        guilds = [
            {"id": str(g.id), "unavailable": True}
            for g in self.guilds.values()
            if g.has_bot and session.covers(g.id)
        ]
        ready: JSON = {
            "v": 10,
            "user": self.bot_user,
            "guilds": guilds,
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["fake-gateway"],
        }
        if sharded:
            ready["shard"] = [session.shard_id, session.shard_count]
        return ready

    def _on_resume(self, conn: _Connection, data: JSON) -> None:
        session = next((s for s in self.sessions if s.session_id == data.get("session_id")), None)
        if session is None or session.ended or data.get("token") != self.token:
            conn.send({"op": 9, "s": None, "t": None, "d": False})
            return
        seq = int(data.get("seq") or 0)
        session.conn, conn.session = conn, session
        session.resumes += 1
        for frame in session.backlog:
            if frame["s"] > seq:
                conn.send(frame)
        session.push("RESUMED", {"_trace": ["fake-gateway"]})

    def _on_request_members(self, session: GatewaySession, data: JSON) -> None:
        raw_ids = data.get("guild_id")
        guild_ids = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        query = (data.get("query") or "").lower()
        wanted = {int(u) for u in data.get("user_ids") or []}
        for raw in guild_ids:
            guild = self.guilds.get(int(raw))
            if guild is None:
                continue
            members = [
                m
                for uid, m in guild.members.items()
                if (not wanted or uid in wanted) and m["user"]["username"].lower().startswith(query)
            ]
            chunk: JSON = {
                "guild_id": str(guild.id),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            session.push("GUILD_MEMBERS_CHUNK", chunk)

    def _sessions_for(self, shard_id: int | None) -> list[GatewaySession]:
        return [
            s
            for s in self.sessions
            if s.conn is not None and not s.ended and (shard_id is None or s.shard_id == shard_id)
        ]

    async def disconnect(self, *, code: int = 4000, shard_id: int | None = None) -> None:
        """Drop gateway sockets (4000 = resumable); discord.py should RESUME."""
        for session in self._sessions_for(shard_id):
            assert session.conn is not None
            session.conn.send(_Close(code))
        await self.flush()

    async def send_raw(self, text: str, *, shard_id: int | None = None) -> None:
        """Send ``text`` as a gateway frame, unchecked (an unexpected payload)."""
        for session in self._sessions_for(shard_id):
            assert session.conn is not None
            session.conn.send(_Raw(text))
        await self.flush()

    async def request_reconnect(self, *, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT, as Discord does before maintenance."""
        for session in self._sessions_for(shard_id):
            assert session.conn is not None
            session.conn.send({"op": 7, "s": None, "t": None, "d": None})
        await self.flush()

    async def invalidate_session(
        self, *, resumable: bool = False, shard_id: int | None = None
    ) -> None:
        """Send op 9; note discord.py then waits 5 s (before_identify_hook) to re-IDENTIFY."""
        for session in self._sessions_for(shard_id):
            assert session.conn is not None
            session.conn.send({"op": 9, "s": None, "t": None, "d": resumable})
        await self.flush()

    # ----------------------------------------------------------------- test driver: events

    async def dispatch_message_create(
        self,
        channel_id: int,
        content: str = "",
        *,
        author: JSON | int | None = None,
        mentions: Iterable[JSON | int] = (),
        message_reference: JSON | int | None = None,
        embeds: Iterable[JSON] = (),
        attachments: Iterable[JSON] = (),
    ) -> JSON:
        """A user posts a message (guild channel, thread or DM); returns the stored payload."""
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ValueError(f"unknown channel {channel_id}")
        user = self._resolve_user(author)
        gid = self._guild_id_of(channel)
        if gid is not None and int(user["id"]) not in self.guilds[gid].members:
            self.add_member(gid, user)
        body: JSON = {"content": content, "embeds": list(embeds), "attachments": list(attachments)}
        if message_reference is not None:
            if isinstance(message_reference, int):
                message_reference = {"message_id": str(message_reference)}
            body["message_reference"] = message_reference
        listed = [self._resolve_user(m) for m in mentions]
        found, _ = self._resolve_mentions(content, None, None)
        merged = list({u["id"]: u for u in [*listed, *found]}.values())
        msg = self._new_message(channel_id, user, body, mentions=merged)
        self._store_message(msg)
        self._emit_message("MESSAGE_CREATE", msg)
        await self.flush()
        return msg

    async def dispatch_dm(self, content: str, *, author: JSON | int | None = None) -> JSON:
        """A user DMs the bot."""
        user = self._resolve_user(author)
        channel = self.open_dm(int(user["id"]))
        return await self.dispatch_message_create(int(channel["id"]), content, author=user)

    def _find_command(self, name: str, command_type: int, guild_id: int | None) -> JSON | None:
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd["type"] == command_type:
                    return cmd
        return None

    async def dispatch_interaction(
        self,
        name: str,
        options: Mapping[str, Any] | list[JSON] | None = None,
        *,
        channel_id: int | None = None,
        user: JSON | int | None = None,
        permissions: int | None = None,
        locale: str = "en-US",
        command_type: int = 1,
        target_id: int | None = None,
        resolved: JSON | None = None,
        strict: bool = True,
        user_install: bool = False,
    ) -> FakeInteraction:
        """An application command (type 2). ``strict`` requires it to be synced first.

        ``user_install``: the invoker added the app to their own account and runs it from
        there (forced in a guild added with ``with_bot=False``); the command must then
        allow user installs, as Discord shows it only then.
        """
        channel = self._interaction_channel(channel_id)
        gid = self._guild_id_of(channel)
        cmd = self._find_command(name, command_type, gid)
        if cmd is None and strict:
            raise LookupError(f"command {name!r} was never synced to the fake")
        user_install = user_install or channel["type"] == GROUP_DM or (
            gid is not None and not self.guilds[gid].has_bot)
        if user_install and cmd is not None and 1 not in (cmd.get("integration_types") or [0]):
            raise LookupError(f"command {name!r} does not allow user installs")
        data: JSON = {
            "id": cmd["id"] if cmd else str(self._ids.next()),
            "name": name,
            "type": command_type,
            "options": _command_options(options, cmd),
        }
        if cmd and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if target_id is not None:
            data["target_id"] = str(target_id)
        if resolved is not None:
            data["resolved"] = resolved
        payload = self._interaction_payload(2, channel, user, permissions, locale, data,
                                            user_install=user_install)
        return await self._dispatch_interaction_payload(payload, channel)

    async def dispatch_component(
        self,
        message_id: int,
        custom_id: str,
        *,
        component_type: int = 2,
        values: list[str] | None = None,
        user: JSON | int | None = None,
        permissions: int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """A click on a button/select (type 3) of a stored message."""
        msg = self._message_index.get(message_id)
        if msg is None:
            raise ValueError(f"unknown message {message_id}")
        channel = self._interaction_channel(int(msg["channel_id"]))
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        payload = self._interaction_payload(3, channel, user, permissions, locale, data)
        payload["message"] = msg
        return await self._dispatch_interaction_payload(payload, channel)

    async def dispatch_modal_submit(
        self,
        custom_id: str,
        fields: Mapping[str, str],
        *,
        channel_id: int | None = None,
        user: JSON | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """A modal submit (type 5) with text inputs keyed by custom_id."""
        channel = self._interaction_channel(channel_id)
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in fields.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        payload = self._interaction_payload(5, channel, user, None, locale, data)
        return await self._dispatch_interaction_payload(payload, channel)

    def _interaction_channel(self, channel_id: int | None) -> JSON:
        if channel_id is None:
            if not self.guilds:
                raise ValueError("add a guild or pass channel_id")
            channel_id = next(iter(self.guilds.values())).text_channel_id
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ValueError(f"unknown channel {channel_id}")
        return channel

    def _interaction_payload(
        self,
        interaction_type: int,
        channel: JSON,
        user: JSON | int | None,
        permissions: int | None,
        locale: str,
        data: JSON,
        *,
        user_install: bool = False,
    ) -> JSON:
        invoker = self._resolve_user(user)
        gid = self._guild_id_of(channel)
        owners: JSON = {USER_INSTALL: invoker["id"]} if user_install else {}
        payload: JSON = {
            "id": str(self._ids.next()),
            "application_id": str(self.application_id),
            "type": interaction_type,
            "data": data,
            "token": "fake-" + secrets.token_urlsafe(32),
            "version": 1,
            "locale": locale,
            "channel_id": channel["id"],
            "channel": self._channel_view(channel),
            "app_permissions": str(self.permissions_for(self.bot_id, channel)),
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if gid is None:
            bot_dm = channel["type"] == DM  # the fake's DMs are all with the bot
            payload |= {
                "user": invoker,
                "context": CONTEXT_BOT_DM if bot_dm else CONTEXT_PRIVATE_CHANNEL,
                "authorizing_integration_owners": owners or {GUILD_INSTALL: "0"},
            }
            return payload
        guild = self.guilds[gid]
        if guild.has_bot:
            owners[GUILD_INSTALL] = str(gid)
        else:
            payload["app_permissions"] = str(USER_APP_PERMISSIONS)
        if int(invoker["id"]) not in guild.members:
            self.add_member(gid, invoker)
        member = dict(guild.members[int(invoker["id"])])
        perms = (
            permissions
            if permissions is not None
            else self.permissions_for(int(invoker["id"]), channel)
        )
        member["permissions"] = str(perms)
        payload |= {
            "guild_id": str(gid),
            "guild": {"id": str(gid), "locale": guild.locale, "features": []},
            "guild_locale": guild.locale,
            "member": member,
            "context": CONTEXT_GUILD,
            "authorizing_integration_owners": owners,
        }
        return payload

    async def _dispatch_interaction_payload(self, payload: JSON, channel: JSON) -> FakeInteraction:
        gid = self._guild_id_of(channel)
        inter = FakeInteraction(
            id=int(payload["id"]),
            token=payload["token"],
            type=payload["type"],
            payload=payload,
            channel_id=int(channel["id"]),
            guild_id=gid,
            created_at=time.monotonic(),
        )
        self.interactions[inter.token] = inter
        self._broadcast("INTERACTION_CREATE", payload, guild_id=gid, only_first=True)
        await self.flush()
        return inter


# --------------------------------------------------------------------------- module helpers


def _user_install_only(payload: JSON) -> bool:
    """Authorised by the invoker's own install alone (the server did not add the app)."""
    owners = payload.get("authorizing_integration_owners") or {}
    return USER_INSTALL in owners and GUILD_INSTALL not in owners


def _external_apps_refused(payload: JSON) -> bool:
    """A user-installed app used in a server where the member may not use external apps."""
    if payload.get("context") != CONTEXT_GUILD or not _user_install_only(payload):
        return False
    perms = int((payload.get("member") or {}).get("permissions") or 0)
    return not perms & (Perm.USE_EXTERNAL_APPS | Perm.ADMINISTRATOR)


def _check_embed(index: int, embed: JSON) -> int:
    """Per-embed limits; returns the characters counted toward the 6000 total."""
    limits = {"title": 256, "description": 4096}
    size = 0
    for key, limit in limits.items():
        value = embed.get(key) or ""
        if len(value) > limit:
            raise _form_error(
                ["embeds", index, key],
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {limit} or fewer in length.",
            )
        size += len(value)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise _form_error(
            ["embeds", index, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
        )
    for f_index, fld in enumerate(fields):
        for key, limit in (("name", 256), ("value", 1024)):
            value = fld.get(key) or ""
            if len(value) > limit:
                raise _form_error(
                    ["embeds", index, "fields", f_index, key],
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {limit} or fewer in length.",
                )
            size += len(value)
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    return size


def _component_error(path: list[str | int], code: str, message: str) -> DiscordError:
    return _form_error(["components", *path], code, message)


def _check_components(body: JSON) -> None:
    """Discord's rules for ``components``. With flag ``IS_COMPONENTS_V2`` (1 << 15) the
    message is its components: ``content`` and ``embeds`` are refused, at most 10 top-level
    and 40 components in all (nested ones and accessories counted), 4000 characters of
    text displays, sections of 1-3 text displays with a button or thumbnail accessory.
    Without the flag only action rows may be at the top (at most 5)."""
    components = body.get("components") or []
    v2 = bool(int(body.get("flags") or 0) & FLAG_COMPONENTS_V2)
    if not v2:
        for i, component in enumerate(components):
            if component.get("type") != ACTION_ROW:
                raise _component_error(
                    [i, "type"], "COMPONENT_LAYOUT_REQUIRES_FLAG",
                    "Component type requires the IS_COMPONENTS_V2 message flag.")
            _check_component(component, [i], top=True)
        if len(components) > 5:
            raise _component_error([], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        return
    for legacy in ("content", "embeds", "poll", "sticker_ids"):
        if body.get(legacy):
            raise _form_error(
                [legacy], "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                f"The '{legacy}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2")
    if len(components) > V2_MAX_TOP_LEVEL:
        raise _component_error([], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    for i, component in enumerate(components):
        _check_component(component, [i], top=True)
    every = list(_walk_components(components))
    if len(every) > V2_MAX_COMPONENTS:
        raise _component_error(
            [], "MAX_COMPONENTS_EXCEEDED",
            f"Must be {V2_MAX_COMPONENTS} or fewer components in total, nested included.")
    text = sum(len(c.get("content") or "") for c in every if c.get("type") == TEXT_DISPLAY)
    if text > V2_MAX_TEXT:
        raise _component_error(
            [], "MAX_TEXT_LENGTH_EXCEEDED",
            f"Text displays must be {V2_MAX_TEXT} or fewer characters in total.")


def _walk_components(components: Iterable[JSON]) -> Iterator[JSON]:
    for component in components:
        yield component
        yield from _walk_components(component.get("components") or [])
        if component.get("accessory"):
            yield component["accessory"]


_KNOWN_TYPES = frozenset({ACTION_ROW, BUTTON, *SELECT_TYPES, *V2_TYPES})


def _check_component(c: JSON, path: list[str | int], *, top: bool = False) -> None:
    kind = c.get("type")
    if kind not in _KNOWN_TYPES:
        raise _component_error([*path, "type"], "UNION_TYPE_CHOICES",
                               "Value of field \"type\" must be a known component type.")
    children = c.get("components") or []
    if kind == ACTION_ROW:
        if len(children) > 5:
            raise _component_error([*path, "components"], "BASE_TYPE_MAX_LENGTH",
                                   "Must be 5 or fewer in length.")
        if not children or any(
                ch.get("type") not in {BUTTON, *SELECT_TYPES} for ch in children):
            raise _component_error([*path, "components"], "COMPONENT_INVALID_CHILDREN",
                                   "An action row holds 1 to 5 buttons or one select.")
    elif kind == CONTAINER:
        if not top:
            raise _component_error([*path, "type"], "COMPONENT_INVALID_PARENT",
                                   "A container must be at the top level.")
        if not children or any(ch.get("type") not in CONTAINER_CHILDREN for ch in children):
            raise _component_error([*path, "components"], "COMPONENT_INVALID_CHILDREN",
                                   "A container holds rows, sections, text, media, separators.")
        accent = c.get("accent_color")
        if accent is not None and not 0 <= int(accent) <= 0xFFFFFF:
            raise _component_error([*path, "accent_color"], "NUMBER_TYPE_MAX",
                                   "int value should be less than or equal to 16777215.")
    elif kind == SECTION:
        accessory = c.get("accessory")
        if not 1 <= len(children) <= 3 or any(ch.get("type") != TEXT_DISPLAY for ch in children):
            raise _component_error([*path, "components"], "COMPONENT_INVALID_CHILDREN",
                                   "A section holds 1 to 3 text displays.")
        if not accessory or accessory.get("type") not in (BUTTON, THUMBNAIL):
            raise _component_error([*path, "accessory"], "BASE_TYPE_REQUIRED",
                                   "This field is required (a button or a thumbnail).")
        _check_component(accessory, [*path, "accessory"])
    elif kind == TEXT_DISPLAY:
        if not c.get("content"):
            raise _component_error([*path, "content"], "BASE_TYPE_REQUIRED",
                                   "This field is required")
    elif kind == BUTTON:
        _check_button(c, path)
    for i, child in enumerate(children):
        _check_component(child, [*path, "components", i])


def _check_button(c: JSON, path: list[str | int]) -> None:
    label = c.get("label") or ""
    if len(label) > 80:
        raise _component_error([*path, "label"], "BASE_TYPE_MAX_LENGTH",
                               "Must be 80 or fewer in length.")
    if c.get("style") == LINK_STYLE:
        url = str(c.get("url") or "")
        if c.get("custom_id") or not re.match(r"^(https?|discord)://\S+$", url) or len(url) > 512:
            raise _component_error([*path, "url"], "URL_TYPE_INVALID_URL",
                                   "Not a well formed URL.")
    elif not c.get("custom_id"):
        raise _component_error([*path, "custom_id"], "BASE_TYPE_REQUIRED",
                               "This field is required")
    elif len(str(c["custom_id"])) > 100:
        raise _component_error([*path, "custom_id"], "BASE_TYPE_MAX_LENGTH",
                               "Must be 100 or fewer in length.")


def _validate_commands(commands: list[JSON]) -> None:
    """The checks Discord applies on bulk overwrite that a bot can actually trip."""
    if len(commands) > 100:
        raise _form_error(["_root"], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    seen: set[tuple[str, int]] = set()
    for index, cmd in enumerate(commands):
        ctype = cmd.get("type", 1)
        name = cmd.get("name") or ""
        if ctype == 1 and (not _COMMAND_NAME.match(name) or name != name.lower()):
            raise _form_error(
                [index, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
        if ctype == 1 and not 1 <= len(cmd.get("description") or "") <= 100:
            raise _form_error(
                [index, "description"],
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            )
        if len(cmd.get("options") or []) > 25:
            raise _form_error(
                [index, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if (name, ctype) in seen:
            raise _form_error(
                [index, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add((name, ctype))


def _option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def _command_options(
    options: Mapping[str, Any] | list[JSON] | None, cmd: JSON | None
) -> list[JSON]:
    """``{"topic": "talks"}`` -> Discord's option list, typed from the synced command."""
    if options is None:
        return []
    if isinstance(options, list):
        return options
    declared = {o["name"]: o.get("type") for o in (cmd or {}).get("options", [])}
    return [
        {"name": name, "type": declared.get(name) or _option_type(value), "value": value}
        for name, value in options.items()
    ]


def _page(stored: list[JSON], limit: int, query: Mapping[str, str]) -> list[JSON]:
    """Oldest-first slice for before/after/around (caller reverses to newest-first)."""
    if "after" in query:
        after = int(query["after"])
        return [m for m in stored if int(m["id"]) > after][:limit]
    if "around" in query:
        around = int(query["around"])
        older = [m for m in stored if int(m["id"]) < around][-(limit // 2) :] if limit > 1 else []
        newer = [m for m in stored if int(m["id"]) >= around][: limit - len(older)]
        return older + newer
    if "before" in query:
        before = int(query["before"])
        stored = [m for m in stored if int(m["id"]) < before]
    return stored[-limit:]


# --------------------------------------------------------------------------- wiring discord.py


@contextlib.contextmanager
def point_discord_at(fake: FakeDiscord) -> Iterator[FakeDiscord]:
    """Point discord.py's REST base and default gateway at ``fake``; restores on exit.

    Patches ``discord.http.Route.BASE`` (every REST call and interaction webhook goes through
    ``Route``) and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``; a plain
    ``Client`` never asks ``/gateway`` and connects straight to it). AutoShardedClient asks
    ``/gateway/bot``, which the fake answers with its own URL.
    """
    route_base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield fake
    finally:
        discord.http.Route.BASE = route_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


@contextlib.asynccontextmanager
async def running_fake(**kwargs: Any) -> AsyncIterator[FakeDiscord]:
    """Start a fake, point discord.py at it, and tear both down afterwards.

    Raises on exit if the fake itself crashed while handling a request (see ``internal_errors``).
    """
    fake = FakeDiscord(**kwargs)
    await fake.start()
    try:
        with point_discord_at(fake):
            yield fake
    finally:
        await fake.close()
    if fake.internal_errors:
        raise AssertionError(f"fake Discord crashed: {fake.internal_errors!r}")
    if fake.violations:
        raise AssertionError(f"sent to fake Discord against the rules: {fake.violations!r}")


@contextlib.asynccontextmanager
async def running_client(
    client: discord.Client, *, token: str = FAKE_TOKEN, ready_timeout: float = 5.0
) -> AsyncIterator[discord.Client]:
    """Run ``client.start`` in the background until it is ready; close it afterwards.

    Build the client with ``guild_ready_timeout=0.1`` or READY waits 2 s for more guilds.
    """
    task = asyncio.create_task(client.start(token))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ready_timeout
    try:
        while not client.is_ready():
            if task.done():
                task.result()
                raise RuntimeError("client stopped before becoming ready")
            if loop.time() > deadline:
                raise TimeoutError("discord client did not become ready")
            await asyncio.wait({task}, timeout=0.01)
        yield client
    finally:
        await client.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=2.0)
