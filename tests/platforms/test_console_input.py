"""The console's input as the operating system hands it over: a pipe that stays open, a
terminal, /dev/null, a file, a closed stdin. Stopping must never wait for that input."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import pty
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import pytest

from bot.model import Reply, Request, Result
from bot.platforms.console import ConsoleAdapter
from bot.platforms.console.lines import read_lines, watchable_fd


@pytest.fixture
async def open_pipe() -> AsyncIterator[tuple[TextIO, int]]:
    """A pipe as stdin (read end) and its write end, which the test keeps open. Async, so
    it is closed before the test's loop joins its threads (a reader thread blocked on the
    pipe, as before the fix, fails the test instead of hanging the run)."""
    read_fd, write_fd = os.pipe()
    stdin = os.fdopen(read_fd, "r", encoding="utf-8")
    yield stdin, write_fd
    with contextlib.suppress(OSError):  # a test may have ended the input
        os.close(write_fd)
    stdin.close()  # after the write end: a reader left blocked on it has returned by now


@pytest.fixture
def null_and_file(tmp_path: Path) -> Iterator[tuple[TextIO, TextIO]]:
    """``< /dev/null`` and ``< script.txt``: input no loop selector can wait on."""
    (tmp_path / "script.txt").write_text("/help\n/latest\n")
    with open(os.devnull) as null, open(tmp_path / "script.txt") as script:
        yield null, script


async def collect(stream: TextIO | None) -> list[str]:
    return [line async for line in read_lines(stream)]


async def test_a_pipe_that_stays_open_is_read_and_its_reader_ends_at_once_when_cancelled(
        open_pipe: tuple[TextIO, int]) -> None:
    stdin, write_fd = open_pipe
    seen: list[str] = []
    two = asyncio.Event()

    async def consume() -> None:
        async for line in read_lines(stdin):
            seen.append(line)
            if len(seen) == 2:
                two.set()

    reader = asyncio.create_task(consume())
    os.write(write_fd, "/help\n停戦は?\n".encode())
    await asyncio.wait_for(two.wait(), 5)
    reader.cancel()
    # The writer never closes: a thread blocked in readline would still be waiting here.
    done, _ = await asyncio.wait({reader}, timeout=2)
    assert done == {reader} and reader.cancelled()
    assert seen == ["/help\n", "停戦は?\n"]
    # The process's stdin stays open and blocking, as the shell that started us left it.
    assert os.get_blocking(stdin.fileno())
    os.write(write_fd, b"still open\n")
    assert stdin.readline() == "still open\n"


async def test_a_line_that_is_not_text_is_read_with_replacement_characters(
        open_pipe: tuple[TextIO, int]) -> None:
    stdin, write_fd = open_pipe
    os.write(write_fd, b"caf\xe9?\nlast line without newline")
    os.close(write_fd)  # end of input
    assert await asyncio.wait_for(collect(stdin), 5) == [
        "caf\ufffd?\n", "last line without newline"]


async def test_pipes_and_terminals_are_watched_by_the_loop_other_input_is_not(
        open_pipe: tuple[TextIO, int], null_and_file: tuple[TextIO, TextIO]) -> None:
    stdin, _ = open_pipe
    assert watchable_fd(stdin) == stdin.fileno()
    main, side = pty.openpty()
    try:
        with os.fdopen(os.dup(side), "r") as terminal:
            assert watchable_fd(terminal) == terminal.fileno()
    finally:
        os.close(main)
        os.close(side)
    null, script = null_and_file
    assert watchable_fd(null) is None  # a character device epoll refuses
    assert watchable_fd(script) is None
    assert watchable_fd(io.StringIO("/help\n")) is None


async def test_input_the_loop_cannot_watch_is_still_read_to_its_end(
        null_and_file: tuple[TextIO, TextIO]) -> None:
    null, script = null_and_file
    assert await collect(null) == []
    assert await collect(script) == ["/help\n", "/latest\n"]
    assert await collect(io.StringIO("/sources\n")) == ["/sources\n"]
    assert await collect(None) == []  # stdin closed before the process started


async def test_stopping_finishes_the_line_being_answered_and_drops_the_next(
        open_pipe: tuple[TextIO, int], caplog: pytest.LogCaptureFixture) -> None:
    stdin, write_fd = open_pipe
    out = io.StringIO()
    console = ConsoleAdapter(zone=ZoneInfo("UTC"), stdin=stdin, out=out, interactive=False)
    asked: list[str] = []
    answering = asyncio.Event()
    release = asyncio.Event()

    async def on_request(req: Request) -> Result:
        asked.append(req.text)
        answering.set()
        await release.wait()
        return Reply(f"answer to {req.text}")

    console.on_request = on_request
    await console.start()
    await console.on_ready()
    os.write(write_fd, b"first question\nsecond question\n")
    await asyncio.wait_for(answering.wait(), 5)
    stopping = asyncio.create_task(console.stop())  # the signal, mid-answer
    await asyncio.sleep(0.05)
    assert not stopping.done()  # it waits for the answer, not for the input
    release.set()
    with caplog.at_level(logging.WARNING):
        await asyncio.wait_for(stopping, 5)
    await asyncio.wait_for(console.wait_closed(), 1)
    assert asked == ["first question"]
    assert "answer to first question" in out.getvalue()
    assert "second question" not in out.getvalue()
    assert "typed input not yet answered is dropped" in caplog.text


async def test_stopping_while_waiting_for_input_is_immediate(
        open_pipe: tuple[TextIO, int]) -> None:
    stdin, _ = open_pipe
    console = ConsoleAdapter(zone=ZoneInfo("UTC"), stdin=stdin, out=io.StringIO(),
                             interactive=False)
    await console.start()
    await console.on_ready()
    await asyncio.sleep(0.05)  # the reader is waiting on the pipe
    await asyncio.wait_for(console.stop(), 2)
    await asyncio.wait_for(console.wait_closed(), 1)
    await console.stop()  # safe twice
    # ``asyncio.run`` joins the loop's worker threads on the way out: a reader thread left
    # blocked on the open pipe made the bot wait there until the pipe closed.
    assert [t.name for t in threading.enumerate() if t.name.startswith("asyncio_")] == []
