"""Client-side pacing: stay inside a platform's rate limits before it has to say no.

Limits are sliding windows ("at most N calls in any T seconds"), the strictest reading of
how Discord and Slack describe them; a leaky bucket would allow up to twice the burst in one
window. One global window per adapter plus one window per channel (or per thread, where the
platform counts a thread as its own channel), so one update to many channels proceeds in
parallel across channels.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from bot.platforms.base import RateLimits, Target


class Priority(IntEnum):
    """Who goes first when calls queue for a window: a person waiting for a reply, then
    realtime posts, then digests and backfill."""

    REPLY = 0
    REALTIME = 1
    BULK = 2


class SlidingWindow:
    """At most ``calls`` calls in any ``period`` seconds, counted so the *server* sees the
    same: a call occupies the window from when it starts until ``period`` after its
    response came back (the server saw it at some moment in between). Network jitter can
    therefore never squeeze two calls closer together than the limit allows.

    Callers that must wait queue by priority (then arrival); a slot that frees goes to the
    first of them, so a reply never waits behind a fan-out queued before it. ``reserve``
    slots are for replies only: posts already sent count for the whole period, so without
    it a burst of posts to a channel would make the next reply there wait that long.
    """

    def __init__(self, calls: int, period: float, *, reserve: int = 0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if calls <= 0 or period <= 0:
            raise ValueError("a window needs calls > 0 and period > 0")
        if not 0 <= reserve < calls:
            raise ValueError("a window's reserve must leave other calls at least one slot")
        self.calls = calls
        self.period = period
        self.reserve = reserve
        self._stamps: deque[float] = deque()
        self._in_flight = 0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._monotonic = monotonic

    def get_delay(self, priority: int = Priority.REALTIME) -> float:
        """Seconds until one more call of ``priority`` fits (inf while only in-flight calls
        block it)."""
        now = self._monotonic()
        while self._stamps and now - self._stamps[0] >= self.period:
            self._stamps.popleft()
        room = self.calls if priority <= Priority.REPLY else self.calls - self.reserve
        # Calls to wait out: the oldest ``over`` of them must leave the window first.
        over = len(self._stamps) + self._in_flight - room
        if over < 0:
            return 0.0
        if over >= len(self._stamps):
            return math.inf
        return self._stamps[over] + self.period - now

    def try_acquire(self, priority: int = Priority.REALTIME) -> bool:
        """Take a slot now if one is free and nobody is queued for one (no await: the
        common case of a fan-out costs no future and no timer)."""
        if self._waiters or self.get_delay(priority) > 0:
            return False
        self._in_flight += 1
        return True

    async def acquire(self, priority: int = Priority.REALTIME) -> None:
        """Take a slot; MUST be followed by ``release()`` once the call returned."""
        if self.try_acquire(priority):
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._arrivals), granted))
        self._grant()
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._in_flight -= 1  # granted as the waiter went away: give it back unused
                self._grant()
            raise

    def release(self) -> None:
        self._in_flight -= 1
        self._stamps.append(self._monotonic())
        self._grant()

    def _grant(self) -> None:
        """Hand free slots to the first waiters; wake up again when the next one frees."""
        while self._waiters:
            priority, _, granted = self._waiters[0]
            if granted.done():  # its waiter was cancelled
                heapq.heappop(self._waiters)
                continue
            delay = self.get_delay(priority)
            if delay > 0:
                if delay != math.inf:  # otherwise a release() calls again
                    self._wake_in(delay)
                return
            heapq.heappop(self._waiters)
            self._in_flight += 1
            granted.set_result(None)

    def _wake_in(self, delay: float) -> None:
        loop = asyncio.get_running_loop()
        when = loop.time() + delay
        if self._timer is not None:
            if self._timer.when() <= when:
                return
            self._timer.cancel()
        self._timer = loop.call_at(when, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._grant()

    @asynccontextmanager
    async def slot(self, priority: int = Priority.REALTIME) -> AsyncIterator[Ticket]:
        await self.acquire(priority)
        try:
            yield COUNTED
        finally:
            self.release()

    @property
    def idle(self) -> bool:
        return (self.get_delay() == 0.0 and not self._stamps and not self._in_flight
                and not self._waiters)


class Ticket(Protocol):
    """A held slot. ``confirm()`` is awaited just before the request leaves, after any
    work done inside the slot (committing "send started"): a window that stamps its slot
    when taken checks that the request still follows that stamp closely enough."""

    async def confirm(self) -> None: ...


class _Counted:
    """Local windows count a call from its start until its end: nothing to confirm."""

    async def confirm(self) -> None:
        return None


#: The ticket of a slot held in local windows only.
COUNTED: Ticket = _Counted()


class Window(Protocol):
    """What the pacer needs of a window: hold a slot while one call runs (a shared window
    serves in arrival order: priorities apply to the local windows)."""

    def slot(self) -> AbstractAsyncContextManager[Ticket]: ...


#: Slots of each channel window only replies may take (a person is waiting there); the
#: global window has none: it frees within a second. Only windows of ``RESERVE_FROM``
#: calls or more keep one (Discord's 5 per 5 s: posts keep 4; Slack's 2 per 2 s: none).
REPLY_RESERVE = 1
RESERVE_FROM = 4
#: Channel windows a pacer holds before it first looks for idle ones to forget.
PRUNE_AT = 256

#: Builds a window shared with other processes from (calls, period): ``bot.scale.budget``.
SharedFactory = Callable[[int, float], Window]


@dataclass
class Pacer:
    """The windows of one adapter: a global one and one per channel (created lazily)."""

    limits: RateLimits
    #: Keep this fraction of the period as a margin (clock granularity).
    margin: float = 0.01
    #: When set, the global window is shared by every process (scale-out) instead of local.
    shared: SharedFactory | None = None
    #: The local windows' clock (tests move it by hand).
    monotonic: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        g = self.limits.global_calls
        period = self.limits.global_period * (1 + self.margin)
        self._global: Window | None = None
        if g:
            self._global = (self.shared(g, period) if self.shared
                            else SlidingWindow(g, period, monotonic=self.monotonic))
        self._channels: dict[str, SlidingWindow] = {}
        #: Look for idle windows once this many exist (doubles with the busy ones kept).
        self._prune_at = PRUNE_AT

    def get_delay(self, target: Target) -> float:
        """Seconds until a message to ``target`` fits in the local windows (0.0: now)."""
        windows = [self._channel_window(target), self._global]
        return max((w.get_delay() for w in windows if isinstance(w, SlidingWindow)),
                   default=0.0)

    def channel_key(self, target: Target) -> str:
        if self.limits.thread_is_channel and target.thread_id:
            return f"{target.channel_id}/{target.thread_id}"
        return target.channel_id

    @asynccontextmanager
    async def slot(self, target: Target, *, message: bool = True,
                   priority: int = Priority.REALTIME,
                   global_limit: bool = True) -> AsyncIterator[Ticket]:
        """Hold a slot for one call to ``target`` while it runs. ``message``: it posts a
        message (counts against the channel window); other calls only count globally.
        ``priority``: where the call queues when it has to wait (``Priority``).
        ``global_limit``: False for an endpoint the platform does not count globally
        (Discord's interaction responses). Work done inside the slot before the call ends
        with ``await ticket.confirm()``."""
        window = self._channel_window(target) if message else None
        glob = self._global if global_limit else None
        if glob is not None and not isinstance(glob, SlidingWindow):
            async with AsyncExitStack() as stack:  # a shared window: only its slot() exists
                if window is not None:
                    await stack.enter_async_context(window.slot(priority))
                yield await stack.enter_async_context(glob.slot())
            return
        # Local windows (the usual case): taken directly, without a context stack.
        if window is not None:
            await window.acquire(priority)
        try:
            if glob is not None:
                await glob.acquire(priority)
            try:
                yield COUNTED
            finally:
                if glob is not None:
                    glob.release()
        finally:
            if window is not None:
                window.release()

    def _channel_window(self, target: Target) -> SlidingWindow | None:
        c = self.limits.channel_calls
        if not c:
            return None
        key = self.channel_key(target)
        window = self._channels.get(key)
        if window is None:
            self._prune()
            window = self._channels[key] = SlidingWindow(
                c, self.limits.channel_period * (1 + self.margin),
                reserve=REPLY_RESERVE if c >= RESERVE_FROM else 0, monotonic=self.monotonic)
        return window

    @property
    def windows(self) -> int:
        """Channel (and thread) windows held now."""
        return len(self._channels)

    def _prune(self) -> None:
        # Forget idle channel windows (nothing sent there for a period) so a long run over
        # many channels and threads keeps about as many windows as are busy: every thread
        # of every story is a window on Discord. Scanning only when the count has doubled
        # since the last scan keeps the cost per new window constant.
        if len(self._channels) < self._prune_at:
            return
        for key in [k for k, w in self._channels.items() if w.idle]:
            del self._channels[key]
        self._prune_at = max(PRUNE_AT, 2 * len(self._channels))
