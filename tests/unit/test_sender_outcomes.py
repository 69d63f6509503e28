"""What the sender reports of each row (issue 18: sender mutants): the health metrics count
a row sent, or failed for good, once each; a refusal that will be retried is neither.
Real loopback adapter and chat fake, SQLite store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import outbox
from bot.delivery.sender import Sender
from bot.model import UpdatePost
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake

REPORTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), REPORTED, "en")


@pytest.fixture
async def fake() -> AsyncIterator[ChatFake]:
    async with ChatFake(profile="none", idempotent=False) as server:
        yield server


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=365)])
async def test_metrics_count_rows_sent_and_failed_for_good_not_retries(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        later: timedelta) -> None:
    now = REPORTED + later

    async def put(*channels: str) -> None:
        async with sessions() as session, session.begin():
            await outbox.enqueue(session, [
                outbox.Outgoing(key=f"k:{ch}", platform="loopback", channel_id=ch, part=POST)
                for ch in channels], now)

    fake.plan.channel_errors["GONE"] = (404, "channel_not_found")
    seen: list[tuple[str, bool]] = []
    s = Sender(sessions, {"loopback": adapter}, FakeClock(now), worker="w1",
               on_sent=lambda worker, ok: seen.append((worker, ok)))
    await put("OK", "GONE")
    await s.send_due()
    assert sorted(seen) == [("w1", False), ("w1", True)]
    assert (s.sent, s.failed) == (1, 1)
    await put("BUSY")
    fake.plan.transient.append((500, "internal_error"))
    await s.send_due()
    assert len(fake.messages) == 1  # BUSY's send was refused: it will be retried
    assert len(seen) == 2 and (s.sent, s.failed) == (1, 1)
