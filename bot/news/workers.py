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


class Parser:
    """A context manager: the worker pool, if any, ends with the poll."""

    def __init__(self, topic: Topic, *, processes: bool = False) -> None:
        self.topic = topic
        self._pool: ProcessPoolExecutor | None = None
        cores = usable_cores()
        if processes and cores > 1:
            self._pool = ProcessPoolExecutor(max_workers=min(cores, 4),
                                             mp_context=get_context("spawn"))

    def __enter__(self) -> Parser:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

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
