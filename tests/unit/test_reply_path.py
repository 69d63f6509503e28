"""The core reply path every adapter shares: working note, zone, retries, fallback and the
error guard, once (``bot.respond``)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bot.errors import PlatformError
from bot.model import Briefing, Reply, Request, Result
from bot.respond import Conversation, ReplyPath, RequestHandler

BRIEFING = Briefing(1, "Talks", ("A point.",), (), (), (), ("Wire",),
                    datetime(2025, 3, 11, tzinfo=UTC), "en")


class Recorded(Conversation):
    """Records what the path does; ``failures`` are raised by the first sends."""

    def __init__(self, *failures: PlatformError, note: bool = True,
                 fallback: bool = False) -> None:
        self.failures = list(failures)
        self.note = note
        self.can_fall_back = fallback
        self.notes: list[str] = []
        self.sent: list[tuple[Result, str | None]] = []
        self.fell_back: list[Result] = []

    async def working(self, note: Reply) -> bool:
        if self.note:
            self.notes.append(note.text)
        return self.note

    async def send(self, result: Result, *, zone: str | None) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((result, zone))

    async def fallback(self, result: Result, *, zone: str | None) -> bool:
        if self.can_fall_back:
            self.fell_back.append(result)
        return self.can_fall_back


def answering(result: Result, delay: float = 0.0) -> RequestHandler:
    async def handle(req: Request) -> Result:
        await asyncio.sleep(delay)
        return result
    return handle


async def test_a_fast_answer_is_sent_in_the_askers_zone_without_a_note() -> None:
    chat = Recorded()
    req = Request("t", "ask", timezone="Europe/Kyiv")
    sent = await ReplyPath(slow_after=0.5).run(req, chat, answering(Reply("done")))
    assert sent == Reply("done")
    assert chat.sent == [(Reply("done"), "Europe/Kyiv")] and chat.notes == []


async def test_slow_work_gets_one_working_note_in_the_askers_language() -> None:
    chat = Recorded()
    await ReplyPath(slow_after=0.01).run(Request("t", "ask", lang="ja"), chat,
                                         answering(Reply("done"), delay=0.1))
    assert chat.notes == ["⏳ 処理中です…"] and chat.sent == [(Reply("done"), None)]


async def test_transient_refusals_are_retried_then_given_up_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    busy = PlatformError("busy", retry_after=0.01)
    chat = Recorded(busy, busy)
    path = ReplyPath(attempts=3)
    assert await path.run(Request("t", "ask"), chat, answering(Reply("x"))) == Reply("x")
    assert len(chat.sent) == 1
    stuck = Recorded(busy, busy, busy)
    req = Request("t", "ask")
    with caplog.at_level(logging.ERROR):
        assert await path.run(req, stuck, answering(Reply("x"))) is None
    assert stuck.sent == [] and req.request_id in caplog.text


async def test_a_briefing_is_sent_once_and_a_permanent_refusal_falls_back() -> None:
    busy = PlatformError("busy", retry_after=0.01)
    once = Recorded(busy)
    assert await ReplyPath().run(Request("t", "latest"), once, answering(BRIEFING)) is None
    assert once.sent == []
    gone = Recorded(PlatformError("not in channel", permanent=True), fallback=True)
    assert await ReplyPath().run(Request("t", "ask"), gone, answering(Reply("x"))) == Reply("x")
    assert gone.fell_back == [Reply("x")] and gone.sent == []


async def test_a_crash_is_logged_with_its_request_id_and_the_user_gets_an_apology(
        caplog: pytest.LogCaptureFixture) -> None:
    async def crashes(req: Request) -> Result:
        raise RuntimeError("secret internal detail")

    chat = Recorded()
    req = Request("discord", "ask")
    with caplog.at_level(logging.ERROR):
        await ReplyPath().run(req, chat, crashes)
    [(apology, _zone)] = chat.sent
    assert isinstance(apology, Reply) and apology.ephemeral
    assert req.request_id in apology.text and "secret" not in apology.text
    assert "secret internal detail" in caplog.text and "discord" in caplog.text
