"""Issue 19: a claim whose lease ran out while its row waited (a backlog, renewals delayed
behind other writers) is taken again, and the row must still be posted once.

Deterministic: a fake clock moves the lease past its end, and the race is staged at the
database client: the store session runs "what another task of this process did
meanwhile" at the moment a claim's write is about to execute, after its read (on SQLite
these are not one atomic step; the driver opens the write transaction at the UPDATE,
which may wait for the writer lock). The sends go through the real sender, loopback
adapter and chat fake (not idempotent by key, so a second send would show).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Update, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import outbox
from bot.delivery.claim import Claimed, claim_rows
from bot.delivery.failure import record_failure
from bot.delivery.sender import Sender
from bot.errors import PlatformError
from bot.model import UpdatePost
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory, open_store
from bot.store.models import Delivery
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.storefix import fresh_copy

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
#: How long after the first claim it is taken again: just past the lease, a day, a year.
LATER = [outbox.LEASE + timedelta(seconds=1), timedelta(days=1), timedelta(days=365)]
KEY = "sub:1:story:1:p0"


class Meanwhile:
    """Work to run once, just before the next UPDATE setting ``status`` to ``when``
    executes (default: the claim's write)."""

    def __init__(self) -> None:
        self.run: Callable[[], Awaitable[Any]] | None = None
        self.when = "claimed"
        self.ran = False


def setting_status(statement: Any, status: str) -> bool:
    """An UPDATE of the outbox that sets ``status`` to ``status``."""
    return (isinstance(statement, Update) and statement.table.name == "deliveries"
            and statement.compile().params.get("status") == status)


@pytest.fixture
async def staged(tmp_path: Path,
                 migrated_store: Path) -> AsyncIterator[tuple[SessionFactory, Meanwhile]]:
    meanwhile = Meanwhile()

    class Staged(AsyncSession):
        async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
            if meanwhile.run is not None and setting_status(statement, meanwhile.when):
                run, meanwhile.run = meanwhile.run, None
                await run()
                meanwhile.ran = True
            return await super().execute(statement, *args, **kwargs)

    url = fresh_copy(migrated_store, tmp_path / "takeover.db")
    async with open_store(url) as (engine, _factory):
        yield async_sessionmaker(engine, expire_on_commit=False, class_=Staged), meanwhile


@pytest.fixture
async def fake() -> AsyncIterator[ChatFake]:
    async with ChatFake(profile="none", idempotent=False) as server:
        yield server


@pytest.fixture
async def adapter(fake: ChatFake) -> AsyncIterator[LoopbackAdapter]:
    a = LoopbackAdapter(fake.url, zone=UTC, timeout=2.0)
    await a.start()
    yield a
    await a.stop()


@pytest.fixture
def idle() -> LoopbackAdapter:
    """An adapter never started: a claim reads only its shards, and a test that sends
    nothing needs no chat server."""
    return LoopbackAdapter("http://127.0.0.1:9", zone=UTC)


async def enqueue_post(sessions: SessionFactory) -> None:
    post = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), NOW, "en")
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [outbox.Outgoing(
            key=KEY, platform="loopback", channel_id="C1", part=post)], NOW)


async def take(sessions: SessionFactory, adapter: LoopbackAdapter, worker: str,
               now: datetime) -> list[Claimed]:
    async with sessions() as session, session.begin():
        return await claim_rows(session, worker=worker, platforms={"loopback": adapter},
                                now=now, limit=10, lease=outbox.LEASE, channels=None)


async def row(sessions: SessionFactory) -> Delivery:
    async with sessions() as session:
        found = await session.scalar(select(Delivery).where(Delivery.key == KEY))
        assert found is not None
        return found


def posts(fake: ChatFake) -> list[str]:
    return [m["key"] for m in fake.messages]


@pytest.mark.parametrize("later", LATER)
async def test_a_row_sent_while_its_lapsed_claim_is_taken_again_is_posted_once(
        staged: tuple[SessionFactory, Meanwhile], adapter: LoopbackAdapter, fake: ChatFake,
        later: timedelta) -> None:
    """The soak's doubles: the sender's next claim reads the row (lease lapsed, not yet
    started), its write waits for the writer lock while the first copy is sent and
    recorded; the write must not take the sent row back, nor queue a second copy."""
    sessions, meanwhile = staged
    await enqueue_post(sessions)
    clock = FakeClock(NOW)
    s = Sender(sessions, {"loopback": adapter}, clock, worker="w1")
    (first,) = await take(sessions, adapter, "w1", NOW)
    clock.current = NOW + later  # the lease ran out, never renewed
    meanwhile.run = lambda: s.send_one(first)
    await s.send_due()
    assert meanwhile.ran
    assert posts(fake) == [KEY]
    sent = await row(sessions)
    assert (sent.status, sent.claimed_by, sent.lease_until) == ("sent", None, None)
    await s.send_due()  # and nothing is left to take later either
    clock.current += outbox.LEASE * 2
    await s.send_due()
    assert posts(fake) == [KEY]


@pytest.mark.parametrize("later", LATER)
@pytest.mark.parametrize("left", [outbox.LEASE, timedelta(0)])
async def test_a_claim_read_before_its_holder_renewed_takes_nothing(
        staged: tuple[SessionFactory, Meanwhile], idle: LoopbackAdapter,
        later: timedelta, left: timedelta) -> None:
    """The holder renews (or marks started, which renews) between another claim's read
    and write: the row stays the holder's, also when the renewed lease ends at the very
    instant of the claim (a renewal whose write waited: a lease holds to its last
    instant, as on the read side)."""
    sessions, meanwhile = staged
    await enqueue_post(sessions)
    await take(sessions, idle, "w0", NOW)
    now = NOW + later

    async def renew() -> None:
        async with sessions() as session, session.begin():
            await session.execute(update(Delivery).where(Delivery.key == KEY)
                                  .values(lease_until=now + left))

    meanwhile.run = renew
    assert await take(sessions, idle, "w1", now) == []
    assert meanwhile.ran
    held = await row(sessions)
    assert (held.status, held.claimed_by, held.lease_until) == ("claimed", "w0", now + left)


@pytest.mark.parametrize("later", LATER)
async def test_a_claim_read_before_a_rate_limited_send_came_back_waits_out_the_limit(
        staged: tuple[SessionFactory, Meanwhile], idle: LoopbackAdapter,
        later: timedelta) -> None:
    """The holder's send is refused with a 429 ("retry after 30 s") between another
    claim's read and write: the row is pending again but not due, and the claim must not
    take it and post it at once, against the platform's word."""
    sessions, meanwhile = staged
    await enqueue_post(sessions)
    (held,) = await take(sessions, idle, "w0", NOW)
    now = NOW + later
    wait = timedelta(seconds=30)

    async def refused() -> None:
        async with sessions() as session, session.begin():
            await record_failure(session, held.row_id,
                                 PlatformError("rate limited", retry_after=30.0), now)

    meanwhile.run = refused
    assert await take(sessions, idle, "w1", now) == []
    assert meanwhile.ran
    waiting = await row(sessions)
    assert (waiting.status, waiting.claimed_by, waiting.next_attempt_at) == (
        "pending", None, now + wait)
    assert await take(sessions, idle, "w1", now + wait - timedelta(microseconds=1)) == []
    assert [c.key for c in await take(sessions, idle, "w1", now + wait)] == [KEY]


@pytest.mark.parametrize("later", LATER)
@pytest.mark.parametrize("status", ["sent", "failed", "cancelled"])
async def test_a_row_finished_between_a_claims_read_and_write_is_not_taken_back(
        staged: tuple[SessionFactory, Meanwhile], idle: LoopbackAdapter,
        later: timedelta, status: str) -> None:
    """The row is finished meanwhile by a write that left its lapsed lease in place (no
    writer of ours does; an operator's UPDATE by hand might): a finished row is never
    claimed again, so never posted twice (the read side's
    ``test_finished_rows_are_never_claimed`` stages the same leftover lease)."""
    sessions, meanwhile = staged
    await enqueue_post(sessions)
    await take(sessions, idle, "w0", NOW)
    now = NOW + later

    async def finish() -> None:
        async with sessions() as session, session.begin():
            await session.execute(update(Delivery).where(Delivery.key == KEY)
                                  .values(status=status))

    meanwhile.run = finish
    assert await take(sessions, idle, "w1", now) == []
    assert meanwhile.ran
    done = await row(sessions)
    assert (done.status, done.claimed_by, done.lease_until) == (
        status, "w0", NOW + outbox.LEASE)


@pytest.mark.parametrize("later", LATER)
@pytest.mark.parametrize("order", ["first-then-second", "second-then-first", "together"])
async def test_an_expired_claim_taken_over_by_another_worker_posts_once(
        staged: tuple[SessionFactory, Meanwhile], adapter: LoopbackAdapter, fake: ChatFake,
        later: timedelta, order: str, caplog: pytest.LogCaptureFixture) -> None:
    """Scale-out: w0's claim lapses while the row waits in its queue, w1 claims it; then
    both copies run through prepare and send, in either order or side by side. "Send
    started" is written only while the claim is still the writer's, so w0's copy drops."""
    sessions, _meanwhile = staged
    await enqueue_post(sessions)
    clock = FakeClock(NOW + later)
    w0 = Sender(sessions, {"loopback": adapter}, clock, worker="w0")
    w1 = Sender(sessions, {"loopback": adapter}, clock, worker="w1")
    (copy0,) = await take(sessions, adapter, "w0", NOW)
    (copy1,) = await take(sessions, adapter, "w1", NOW + later)
    assert not copy0.started and not copy1.started
    caplog.set_level(logging.INFO, logger="bot.delivery.sender")
    if order == "first-then-second":
        await w0.send_one(copy0)
        await w1.send_one(copy1)
    elif order == "second-then-first":
        await w1.send_one(copy1)
        await w0.send_one(copy0)
    else:
        await asyncio.gather(w0.send_one(copy0), w1.send_one(copy1))
    assert posts(fake) == [KEY]
    sent = await row(sessions)
    assert (sent.status, sent.attempts) == ("sent", 1)
    dropped = [r for r in caplog.records if "claim lost" in r.getMessage()]
    assert [(r.levelno, r.getMessage()) for r in dropped] == [
        (logging.INFO, f"delivery {KEY}: claim lost before sending; this copy is dropped")]


@pytest.mark.parametrize("later", LATER)
async def test_a_send_not_yet_recorded_when_its_claim_lapses_is_found_not_resent(
        staged: tuple[SessionFactory, Meanwhile], adapter: LoopbackAdapter, fake: ChatFake,
        later: timedelta) -> None:
    """Hypothesis 3: the platform took w0's post, but its "sent" write waits (the journal
    behind other writers) past the lease; w1 takes the row over. The row is marked
    started, so w1 asks the platform first and finds the message."""
    sessions, meanwhile = staged
    await enqueue_post(sessions)
    clock = FakeClock(NOW)
    w0 = Sender(sessions, {"loopback": adapter}, clock, worker="w0")
    w1 = Sender(sessions, {"loopback": adapter}, clock, worker="w1")
    (copy0,) = await take(sessions, adapter, "w0", NOW)
    taken: list[Claimed] = []

    async def take_over() -> None:
        clock.current = NOW + later
        taken.extend(await take(sessions, adapter, "w1", clock.now()))
        for copy in taken:
            await w1.send_one(copy)

    meanwhile.when, meanwhile.run = "sent", take_over
    await w0.send_one(copy0)
    assert meanwhile.ran and [c.started for c in taken] == [True]
    assert posts(fake) == [KEY]
    assert fake.stats["history_lookups"] == 1
    sent = await row(sessions)
    assert (sent.status, sent.claimed_by, sent.attempts) == ("sent", None, 1)
