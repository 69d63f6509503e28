"""APScheduler jobs. Each job is a one-liner that calls the engine; the engine is
idempotent, so a job cancelled by shutdown and run again later does no harm."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

#: APScheduler's default grace is 1 s: a busy loop would silently skip runs.
MISFIRE_GRACE_SECONDS = 300


def build_scheduler(*, poll: Callable[[], Awaitable[object]],
                    poll_minutes: float, timezone: str) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS})
    scheduler.add_job(poll, "interval", minutes=poll_minutes, id="poll-feeds",
                      jitter=min(30, int(poll_minutes * 6)))
    return scheduler
