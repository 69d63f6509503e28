"""Client-side pacing: stay inside a platform's rate limits before it has to say no.

Limits are sliding windows ("at most N calls in any T seconds"), the strictest reading of
how Discord and Slack describe them; a leaky bucket would allow up to twice the burst in one
window. One global window per adapter plus one window per channel (or per thread, where the
platform counts a thread as its own channel), so one update to many channels proceeds in
parallel across channels.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.platforms.base import RateLimits, Target


class SlidingWindow:
    """At most ``calls`` acquisitions in any ``period`` seconds (FIFO among waiters)."""

    def __init__(self, calls: int, period: float, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if calls <= 0 or period <= 0:
            raise ValueError("a window needs calls > 0 and period > 0")
        self.calls = calls
        self.period = period
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._monotonic = monotonic

    def get_delay(self) -> float:
        """Seconds until one more call fits (no waiting, no I/O)."""
        now = self._monotonic()
        while self._stamps and now - self._stamps[0] >= self.period:
            self._stamps.popleft()
        if len(self._stamps) < self.calls:
            return 0.0
        return self._stamps[0] + self.period - now

    async def acquire(self) -> None:
        async with self._lock:
            while (delay := self.get_delay()) > 0:  # noqa: ASYNC110 - waiting on time
                await asyncio.sleep(delay)
            self._stamps.append(self._monotonic())

    @property
    def idle(self) -> bool:
        return self.get_delay() == 0.0 and not self._stamps


class Window(Protocol):
    async def acquire(self) -> None: ...


#: Builds a window shared with other processes from (calls, period): ``bot.scale.budget``.
SharedFactory = Callable[[int, float], Window]


@dataclass
class Pacer:
    """The windows of one adapter: a global one and one per channel (created lazily)."""

    limits: RateLimits
    #: Keep this fraction of the period as a margin for network jitter.
    margin: float = 0.05
    #: When set, the global window is shared by every process (scale-out) instead of local.
    shared: SharedFactory | None = None

    def __post_init__(self) -> None:
        g = self.limits.global_calls
        period = self.limits.global_period * (1 + self.margin)
        self._global: Window | None = None
        if g:
            self._global = self.shared(g, period) if self.shared else SlidingWindow(g, period)
        self._channels: dict[str, SlidingWindow] = {}

    def channel_key(self, target: Target) -> str:
        if self.limits.thread_is_channel and target.thread_id:
            return f"{target.channel_id}/{target.thread_id}"
        return target.channel_id

    async def acquire(self, target: Target, *, message: bool = True) -> None:
        """Wait until one call to ``target`` fits. ``message``: it posts a message (counts
        against the channel window); other calls only count globally."""
        c = self.limits.channel_calls
        if message and c:
            key = self.channel_key(target)
            window = self._channels.get(key)
            if window is None:
                window = self._channels[key] = SlidingWindow(
                    c, self.limits.channel_period * (1 + self.margin))
            await window.acquire()
            self._prune()
        if self._global is not None:
            await self._global.acquire()

    def _prune(self) -> None:
        # Forget idle channel windows so a long run over many channels stays small.
        if len(self._channels) > 4096:
            for key in [k for k, w in self._channels.items() if w.idle]:
                del self._channels[key]
