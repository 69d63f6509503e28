"""What a failed send does to its row (issue 18: failure mutants), through record_failure.

A refusal that may pass goes back to the queue with backoff (a rate limit also forgets
"send started": the platform took nothing); one that cannot pass, or the last attempt,
fails the row and cancels its thread replies; a permanent one pauses the subscription and
tells the subscriber once. SQLite store, no adapter.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.delivery import outbox
from bot.delivery.failure import Outcome, record_failure
from bot.errors import PlatformError
from bot.model import Notice, UpdatePost, load_part
from bot.store.db import SessionFactory
from bot.store.models import Delivery, Subscription

REPORTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), REPORTED, "en")
#: A day and a year after the report: the rules do not depend on the date.
NOWS = [REPORTED + timedelta(days=1), REPORTED + timedelta(days=365)]


async def setup(sessions: SessionFactory, now: datetime, *, attempts: int = 1) -> int:
    """A subscription's claimed, started post ``p`` with two replies (one already sent),
    another post of the subscription and one of another channel; returns the sub's id."""
    async with sessions() as session, session.begin():
        sub = Subscription(platform="loopback", channel_id="C1", lang="en", timezone="UTC",
                           since=REPORTED, created_at=REPORTED)
        session.add(sub)
        await session.flush()
        items = [outbox.Outgoing(key=k, platform="loopback", channel_id=ch, part=POST,
                                 subscription_id=s, parent_key=parent)
                 for k, ch, s, parent in (("p", "C1", sub.id, None), ("r1", "C1", sub.id, "p"),
                                          ("r2", "C1", sub.id, "p"), ("q", "C1", sub.id, None),
                                          ("x", "C2", None, None), ("xr", "C2", None, "x"))]
        await outbox.enqueue(session, items, now)
        await session.execute(update(Delivery).where(Delivery.key == "p").values(
            status="claimed", claimed_by="w1", lease_until=now + timedelta(minutes=1),
            send_started_at=now, attempts=attempts))
        await session.execute(update(Delivery).where(Delivery.key == "r1").values(
            status="claimed", claimed_by="w1", lease_until=now + timedelta(minutes=1)))
        await session.execute(update(Delivery).where(Delivery.key == "r2")
                              .values(status="sent", message_id="m2"))
        return sub.id


async def fail(sessions: SessionFactory, key: str, exc: PlatformError,
               now: datetime) -> Outcome:
    async with sessions() as session, session.begin():
        row_id = await session.scalar(select(Delivery.id).where(Delivery.key == key))
        assert row_id is not None
        return await record_failure(session, row_id, exc, now)


async def rows(sessions: SessionFactory) -> dict[str, Delivery]:
    async with sessions() as session:
        return {r.key: r for r in (await session.scalars(select(Delivery))).all()}


def said(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the operator's log says of the row."""
    return [r.getMessage() for r in caplog.records if r.name == "bot.delivery.failure"]


async def subscription(sessions: SessionFactory, sub_id: int) -> Any:
    async with sessions() as session:
        return await session.get(Subscription, sub_id)


@pytest.mark.parametrize("now", NOWS)
async def test_a_passing_refusal_goes_back_to_the_queue_after_a_backoff(
        sessions: SessionFactory, now: datetime, caplog: pytest.LogCaptureFixture) -> None:
    sub_id = await setup(sessions, now, attempts=3)
    caplog.set_level(logging.INFO, logger="bot.delivery.failure")
    assert await fail(sessions, "p", PlatformError("x" * 600), now) is Outcome.RETRY
    assert said(caplog) == [f"delivery p will be retried: {'x' * 600}"]
    got = await rows(sessions)
    row = got["p"]
    assert (row.status, row.claimed_by, row.lease_until) == ("pending", None, None)
    assert row.error == "x" * 500
    assert row.send_started_at == now  # the outcome is unknown: the retry looks it up
    # Full jitter over 2**attempts seconds: between half of it and all of it.
    assert now + timedelta(seconds=4) <= row.next_attempt_at <= now + timedelta(seconds=8)
    assert (got["r1"].status, got["r1"].claimed_by, got["q"].status) == \
        ("claimed", "w1", "pending")
    assert (await subscription(sessions, sub_id)).active


@pytest.mark.parametrize("now", NOWS)
async def test_a_rate_limit_forgets_the_start_and_waits_as_long_as_asked(
        sessions: SessionFactory, now: datetime) -> None:
    await setup(sessions, now)
    exc = PlatformError("slow down", retry_after=600.0)
    assert await fail(sessions, "p", exc, now) is Outcome.RETRY
    row = (await rows(sessions))["p"]
    assert (row.status, row.send_started_at, row.error) == ("pending", None, "slow down")
    assert row.next_attempt_at == now + timedelta(seconds=600)


@pytest.mark.parametrize("now", NOWS)
async def test_the_last_attempt_fails_the_row_and_cancels_its_open_replies_only(
        sessions: SessionFactory, now: datetime, caplog: pytest.LogCaptureFixture) -> None:
    sub_id = await setup(sessions, now, attempts=outbox.MAX_ATTEMPTS)
    caplog.set_level(logging.INFO, logger="bot.delivery.failure")
    assert await fail(sessions, "p", PlatformError("timed out"), now) is Outcome.FAILED
    assert said(caplog) == ["delivery p failed for good: timed out"]
    got = await rows(sessions)
    assert (got["p"].status, got["p"].error, got["p"].claimed_by) == ("failed", "timed out",
                                                                      None)
    assert got["p"].lease_until is None
    assert (got["r1"].status, got["r1"].error) == ("cancelled", "parent message was not sent")
    assert got["r1"].claimed_by is None and got["r1"].lease_until is None
    assert (got["r2"].status, got["q"].status, got["x"].status, got["xr"].status) == \
        ("sent", "pending", "pending", "pending")
    # Not the channel's fault: the subscription goes on, nobody is told.
    assert (await subscription(sessions, sub_id)).active
    assert set(got) == {"p", "r1", "r2", "q", "x", "xr"}


@pytest.mark.parametrize("now", NOWS)
async def test_one_attempt_short_of_the_last_is_retried(sessions: SessionFactory,
                                                        now: datetime) -> None:
    await setup(sessions, now, attempts=outbox.MAX_ATTEMPTS - 1)
    assert await fail(sessions, "p", PlatformError("timed out"), now) is Outcome.RETRY


@pytest.mark.parametrize("now", NOWS)
async def test_a_permanent_refusal_pauses_the_subscription_and_tells_it_once(
        sessions: SessionFactory, now: datetime) -> None:
    sub_id = await setup(sessions, now)
    exc = PlatformError("the bot is missing Send Messages in #news", permanent=True)
    assert await fail(sessions, "p", exc, now) is Outcome.FAILED
    got = await rows(sessions)
    assert got["p"].status == "failed"
    assert got["r1"].status == "cancelled" and got["q"].status == "cancelled"
    assert got["x"].status == "pending"
    sub = await subscription(sessions, sub_id)
    assert not sub.active and sub.paused_reason == str(exc)
    notices = [r for k, r in got.items() if ":paused:" in k]
    assert len(notices) == 1 and notices[0].channel_id == "C1"
    part = load_part(notices[0].payload)
    assert isinstance(part, Notice) and str(exc) in part.text


async def test_a_row_gone_meanwhile_is_reported_gone(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        assert await record_failure(session, 4242, PlatformError("x", permanent=True),
                                    NOWS[0]) is Outcome.GONE
