"""Whether each chat platform is connected, over time: what ``/healthz`` and ``/metrics``
report. A platform down for longer than the grace period makes the process unhealthy, so
an orchestrator restarts it (or a person looks) instead of the bot posting to nowhere."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from bot.platforms.base import PlatformAdapter

log = logging.getLogger(__name__)


class ConnectionWatch:
    """Samples ``is_connected`` of each platform and remembers since when it is down."""

    def __init__(self, platforms: Sequence[PlatformAdapter], *, grace_seconds: float,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.platforms = list(platforms)
        self.grace_seconds = grace_seconds
        self._monotonic = monotonic
        self._down_since: dict[str, float | None] = {p.name: None for p in self.platforms}

    def sample(self) -> dict[str, bool]:
        """Look at every platform now; returns ``{name: connected}``."""
        now = self._monotonic()
        state = {}
        for platform in self.platforms:
            up = platform.is_connected()
            state[platform.name] = up
            was_down = self._down_since.get(platform.name)
            if up and was_down is not None:
                log.info("%s: connected again after %.1f s", platform.name, now - was_down)
                self._down_since[platform.name] = None
            elif not up and was_down is None:
                log.warning("%s: disconnected", platform.name)
                self._down_since[platform.name] = now
        return state

    def report(self) -> tuple[bool, dict[str, Any]]:
        """``(healthy, details)``: unhealthy while any platform has been down for longer
        than the grace period."""
        state = self.sample()
        now = self._monotonic()
        details: dict[str, Any] = {}
        healthy = True
        for name, up in state.items():
            since = self._down_since.get(name)
            down_for = 0.0 if since is None else now - since
            details[name] = {"connected": up, "down_seconds": round(down_for, 1)}
            healthy = healthy and down_for <= self.grace_seconds
        return healthy, details

    async def run(self, stop: asyncio.Event) -> None:
        """Sample often enough that a disconnection is dated within a quarter of the grace
        period, until ``stop``."""
        interval = min(5.0, max(0.05, self.grace_seconds / 4))
        while not stop.is_set():
            self.sample()
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
