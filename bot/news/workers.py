"""Parse and fingerprint feeds off the event loop: in a thread, or for big polls in
worker processes so that the work uses every core."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context

from bot.errors import FeedError
from bot.news.fingerprint import fingerprint_feed
from bot.news.parse import ParsedFeed, parse_feed
from bot.text.topic import Topic


def parse_and_fingerprint(body: bytes, *, url: str, fetched_at: datetime, topic: Topic,
                          default_lang: str | None = None,
                          content_type: str | None = None) -> ParsedFeed:
    """Raises:
        FeedError: as :func:`parse_feed`.
    """
    parsed = parse_feed(body, url=url, fetched_at=fetched_at, default_lang=default_lang,
                        content_type=content_type)
    return fingerprint_feed(parsed, topic)


def _in_worker(body: bytes, url: str, fetched_at: datetime, topic: Topic,
               default_lang: str | None, content_type: str | None) -> ParsedFeed | str:
    # FeedError has keyword-only fields and does not survive pickling; send its message.
    try:
        return parse_and_fingerprint(body, url=url, fetched_at=fetched_at, topic=topic,
                                     default_lang=default_lang, content_type=content_type)
    except FeedError as exc:
        return str(exc)


def usable_cores() -> int:
    """Cores this process may run on (a container or ``taskset`` may allow fewer than the
    machine has): with one, worker processes would only add their start-up and copying."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class ParsePool:
    """Worker processes for big polls, owned by the app for its whole life: started on the
    first poll that needs them (spawning costs about a second), shut down once at the end."""

    def __init__(self, *, max_workers: int = 4) -> None:
        self.max_workers = max_workers
        self._executor: ProcessPoolExecutor | None = None

    def get_executor(self) -> ProcessPoolExecutor | None:
        """The pool, started now if need be; None on one usable core (workers would only
        add their start-up and copying)."""
        cores = usable_cores()
        if cores <= 1:
            return None
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=min(cores, self.max_workers),
                                                 mp_context=get_context("spawn"))
        return self._executor

    def close(self) -> None:
        """End the workers (safe to call twice); queued work is dropped."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


class Parser:
    """Parses in the given worker processes, else in a thread."""

    def __init__(self, topic: Topic, *, pool: ParsePool | None = None) -> None:
        self.topic = topic
        self._pool = pool.get_executor() if pool is not None else None

    async def parse(self, body: bytes, *, url: str, fetched_at: datetime,
                    default_lang: str | None = None,
                    content_type: str | None = None) -> ParsedFeed:
        """Parse one feed document and fingerprint its on-topic entries.

        Raises:
            FeedError: as :func:`parse_feed`.
        """
        if self._pool is None:
            return await asyncio.to_thread(
                parse_and_fingerprint, body, url=url, fetched_at=fetched_at,
                topic=self.topic, default_lang=default_lang, content_type=content_type)
        result = await asyncio.get_running_loop().run_in_executor(
            self._pool, _in_worker, body, url, fetched_at, self.topic, default_lang,
            content_type)
        if isinstance(result, str):
            raise FeedError(url, result)
        return result
