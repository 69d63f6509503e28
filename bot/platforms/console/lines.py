"""Typed lines from the console's input, read so that stopping never waits for the input.

A blocking ``readline`` in a worker thread cannot be interrupted: on SIGTERM the loop's
executor is joined at exit, so the bot hung until a pipe that stays open closed (`sleep
40 | ceasefire-bot run`). A pipe, socket or terminal is therefore read by the event loop
itself (``connect_read_pipe``): cancelling the reader ends it at once. Input the loop
cannot watch (a regular file, ``/dev/null``, an in-memory stream in tests) never waits on
anyone, so a worker thread reads it and always returns promptly.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import selectors
import stat
from collections.abc import AsyncGenerator
from typing import TextIO

log = logging.getLogger(__name__)

#: The longest line read from a pipe; input beyond it without a line break is skipped with
#: a warning (nobody types a megabyte; a stray binary stream must not grow memory).
LINE_LIMIT = 1 << 20


async def read_lines(stream: TextIO | None) -> AsyncGenerator[str, None]:
    """Yield each line of ``stream`` (newline included) until end of input.

    ``None`` (stdin closed when the process started) is an empty input.
    """
    if stream is None:
        return
    fd = watchable_fd(stream)
    if fd is None:
        while line := await asyncio.to_thread(stream.readline):
            yield line
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    async for raw in _pipe_lines(fd):
        yield raw.decode(encoding, errors="replace")


def watchable_fd(stream: TextIO) -> int | None:
    """The descriptor of ``stream`` when the event loop can wait on it, else None."""
    try:
        fd = stream.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        return None
    # Some character devices cannot be watched (``/dev/null`` under epoll): ask the same
    # kind of selector the loop uses rather than keep a list of devices.
    with selectors.DefaultSelector() as selector:
        try:
            selector.register(fd, selectors.EVENT_READ)
        except (OSError, ValueError):
            return None
    return fd


async def _pipe_lines(fd: int) -> AsyncGenerator[bytes, None]:
    """Lines of ``fd`` through a non-blocking loop transport on a duplicate descriptor
    (closing the transport must not close the process's stdin)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT, loop=loop)
    was_blocking = os.get_blocking(fd)
    try:
        pipe = os.fdopen(os.dup(fd), "rb", buffering=0)  # the transport closes it
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader, loop=loop), pipe)
        try:
            while line := await _next_line(reader):
                yield line
        finally:
            transport.close()
    finally:
        # The descriptor's flags are shared with the shell that started us (a terminal).
        with contextlib.suppress(OSError):
            os.set_blocking(fd, was_blocking)


async def _next_line(reader: asyncio.StreamReader) -> bytes:
    """The next line (empty at end of input); over-long input is skipped, not fatal."""
    while True:
        try:
            return await reader.readline()
        except ValueError:
            log.warning("console: input longer than %d bytes without a line break "
                        "was skipped", LINE_LIMIT)
