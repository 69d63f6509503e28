"""The one interface every chat platform implements.

Adapters only translate: a native event becomes a ``Request`` for ``handlers.dispatch``,
and a ``Result`` or outbox ``Part`` becomes native messages.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.commands import Registry
from bot.errors import BotError
from bot.model import Part, Request, Result
from bot.respond import Conversation, ReplyPath

#: What an adapter calls with each request it receives; returns what to send back.
RequestHandler = Callable[[Request], Awaitable[Result]]
#: ``(channel_id, thread_id) -> bool``: the thread is one the bot posted (an update thread).
ThreadCheck = Callable[[str, str], Awaitable[bool]]
#: What an adapter calls with the error that stops the bot (see ``on_fatal``).
FatalHandler = Callable[[BotError], None]
#: Sends a reply through the app's budget (pacing, priority, retries): ``bot.delivery.replies``.
ReplySender = Callable[..., Awaitable["MessageRef | None"]]


@dataclass(frozen=True)
class Target:
    """Where a message goes: a channel, optionally a thread in it."""

    channel_id: str
    thread_id: str | None = None
    #: For ephemeral replies: only this user sees it.
    user_id: str | None = None
    #: Time zone for times shown (the subscription's); None: the adapter's default.
    zone: str | None = None
    #: The subscription's workspace or guild, when known (message links need it on Discord).
    space_id: str | None = None
    #: The interaction (command) this message answers, when it answers one: Discord does
    #: not count interaction responses and follow-ups against the bot's global rate limit.
    interaction: str | None = None


@dataclass(frozen=True)
class RateLimits:
    """What a platform allows, as sliding windows; the sender paces itself to stay inside.

    ``None`` means no limit of that kind. ``thread_is_channel``: a thread has its own
    per-channel window (Discord) rather than sharing its parent channel's (Slack).
    """

    global_calls: int | None = None
    global_period: float = 1.0
    channel_calls: int | None = None
    channel_period: float = 1.0
    thread_is_channel: bool = False


@dataclass(frozen=True)
class Shards:
    """The shards of a sharded platform that one process holds.

    A space (a guild) belongs to shard ``route % count``, where its *route* is a number the
    platform derives from the space's id (``route_of``, which each sharded platform
    supplies); targets without a space (DMs) belong to shard 0. Routes are stored on the
    subscriptions, so the outbox selects rows by a stored column, not by platform maths.
    """

    ids: tuple[int, ...]
    count: int

    def __post_init__(self) -> None:
        if self.count <= 0 or not self.ids or any(not 0 <= i < self.count for i in self.ids):
            raise ValueError(f"shard ids {self.ids} do not fit shard count {self.count}")

    def route_of(self, space_id: str) -> int:
        """The platform's routing number of a space. Sharded platforms MUST override it."""
        raise NotImplementedError(f"{type(self).__name__} does not route spaces")

    def get_shard(self, space_id: str | None) -> int:
        return self.route_of(space_id) % self.count if space_id else 0

    def holds(self, space_id: str | None) -> bool:
        return self.get_shard(space_id) in self.ids


@dataclass(frozen=True)
class MessageRef:
    """A sent message: its id, and the thread replies to it go into."""

    message_id: str
    thread_id: str | None = None


class PlatformAdapter(ABC):
    """A chat platform.

    An adapter MUST turn each command, mention, DM or thread reply it receives into a
    ``Request`` and hand it, with a ``Conversation`` saying where to answer, to ``answer``
    (the core reply path runs ``on_request`` and sends what it returns).
    It MUST escape untrusted text so no feed or user text can ping anyone.
    """

    name: str
    #: The platform's rate limits; fan-out paces itself by them (none by default).
    limits: RateLimits = RateLimits()
    #: The shards this process holds; ``None``: it serves every space (unsharded platforms).
    shards: Shards | None = None

    def __init__(self) -> None:
        self.on_request: RequestHandler | None = None
        #: Set by the app: called when the platform can never work again (a revoked token);
        #: the app then stops with that error. Restartable failures MUST NOT call it.
        self.on_fatal: FatalHandler | None = None
        #: Set by the app so replies in the bot's own update threads can be told apart.
        self.owns_thread: ThreadCheck | None = None
        #: Set by the app: replies go through its budget. Unset (scripts, unit tests): they
        #: go straight to ``send``.
        self.reply_through: ReplySender | None = None
        #: How requests are answered (working note, zone, retries, fallback, error guard):
        #: the core's one path, shared by every platform.
        self.replies = ReplyPath()
        #: Set by the app before ``start``: the commands to offer and parse. Unset, adapters
        #: use every command (``bot.platforms.commands``).
        self.commands: Registry | None = None

    async def answer(self, req: Request, conversation: Conversation) -> Result | None:
        """Run ``req`` through ``on_request`` and the core reply path, answering in
        ``conversation``. Adapters MUST answer every request through here; it never raises.

        Returns:
            What was sent, or None (no handler set, or the reply could not be sent: logged).
        """
        if self.on_request is None:
            return None
        return await self.replies.run(req, conversation, self.on_request)

    async def reply(self, target: Target, result: Result | Part, *,
                    key: str | None = None) -> MessageRef | None:
        """Answer a person. Adapters SHOULD send every reply, confirmation and notice
        through here, so it shares the platform's rate budget with posts and goes first.

        Args:
            key: a key unique to the request (the platform's event id), so a retried
                reply is never posted twice.

        Returns:
            The first message; None when it was queued to go out later.
        """
        if self.reply_through is not None:
            return await self.reply_through(target, result, key=key)
        return await self.send(target, result, key=key)

    @abstractmethod
    async def start(self) -> None:
        """Connect. MUST return once ready to send (receiving may continue in tasks)."""

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect. MUST be safe to call twice."""

    @abstractmethod
    async def send(self, target: Target, result: Result | Part, *,
                   key: str | None = None) -> MessageRef:
        """Send one result (a briefing becomes a post plus thread replies).

        Args:
            key: the outbox delivery key; platforms with idempotency MUST use it so a
                retried send after a crash does not post twice.

        Raises:
            PlatformError: ``permanent`` when retrying cannot help.
        """

    @abstractmethod
    async def edit(self, target: Target, message_id: str, result: Part) -> None:
        """Replace message ``message_id`` (sent by the bot in ``target``'s channel, or its
        thread when ``target.thread_id`` is set) with ``result``, rendered as one message.
        Editing is idempotent: the same edit twice leaves the same message.

        Raises:
            PlatformError: ``permanent`` when the message is gone or may not be edited.
        """

    async def find_sent(self, target: Target, key: str) -> MessageRef | None:
        """Look for a message already sent with ``key`` (crash recovery).

        Platforms that cannot look MAY return None; the sender then relies on ``send``
        being idempotent for the key.
        """
        return None

    async def open_thread(self, target: Target, parent: MessageRef,
                          title: str) -> MessageRef:
        """Make ``parent`` a thread parent. Platforms whose threads exist implicitly
        (Slack, console) MAY return ``parent`` unchanged."""
        return MessageRef(parent.message_id, parent.thread_id or parent.message_id)

    async def message_link(self, target: Target, message_id: str,
                           thread_id: str | None) -> str | None:
        """A link to a message already sent in ``target``'s channel (and its thread), for
        a later top-level post to point at it. None: the platform has no such link.

        Raises:
            PlatformError: when asking the platform failed (``permanent``: it never will).
        """
        return None

    def is_connected(self) -> bool:
        """Whether the platform can receive and send right now (``/healthz``, ``/metrics``).
        Platforms without a lasting connection MAY keep the default."""
        return True

    async def on_ready(self) -> None:  # noqa: B027 - an optional hook
        """Called once start-up posts are out; adapters MAY begin taking input here."""

    async def wait_closed(self) -> None:
        """Wait until the platform has nothing more to receive (e.g. console stdin at EOF).

        Long-running platforms MAY never return."""
        import asyncio

        await asyncio.Event().wait()
