"""The outbox state machine through the real loopback adapter and chat fake:
pending -> claimed -> started -> sent | retried | failed, crash recovery, threads, pacing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.delivery import outbox
from bot.delivery.pacing import SlidingWindow
from bot.delivery.sender import Sender
from bot.model import Notice, QAReply, Sentence, UpdatePost, load_part
from bot.platforms.base import Target
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from bot.store.models import Delivery, Subscription
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[ChatFake]:
    async with ChatFake(profile="none", idempotent=False) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def sender(sessions: SessionFactory, adapter: LoopbackAdapter, clock: FakeClock,
           worker: str = "w1") -> Sender:
    return Sender(sessions, {"loopback": adapter}, clock, worker=worker)


async def enqueue_update(sessions: SessionFactory, channel: str = "C1", *,
                         replies: int = 2, sub_id: int | None = None) -> list[str]:
    post = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), NOW, "en")
    root = f"k:{channel}:p0"
    items = [outbox.Outgoing(key=root, platform="loopback", channel_id=channel, part=post,
                             subscription_id=sub_id)]
    items += [outbox.Outgoing(key=f"k:{channel}:p{i}", platform="loopback", channel_id=channel,
                              part=QAReply(f"Q{i}?", (Sentence(f"A{i}.", (1,)),), "en"),
                              index=i, parent_key=root, subscription_id=sub_id)
              for i in range(1, replies + 1)]
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, items, NOW)
    return [i.key for i in items]


async def statuses(sessions: SessionFactory) -> dict[str, str]:
    async with sessions() as session:
        return {r.key: r.status for r in (await session.scalars(select(Delivery))).all()}


def assert_threaded(fake: ChatFake) -> None:
    roots = {m["channel"]: m["id"] for m in fake.messages if m["key"].endswith(":p0")}
    for m in fake.messages:
        if not m["key"].endswith(":p0") and m["key"].startswith("k:"):
            assert m["thread"] == roots[m["channel"]], m


async def test_post_then_replies_in_its_thread(sessions: SessionFactory, fake: ChatFake,
                                              adapter: LoopbackAdapter,
                                              clock: FakeClock) -> None:
    keys = await enqueue_update(sessions)
    await enqueue_update(sessions, "C2")
    assert await sender(sessions, adapter, clock).send_due() == 6
    assert [m["key"] for m in fake.posted("C1")] == keys
    assert_threaded(fake)
    assert set((await statuses(sessions)).values()) == {"sent"}
    async with sessions() as session:
        root = await session.scalar(select(Delivery).where(Delivery.key == keys[0]))
        assert root is not None and root.message_id == fake.posted("C1")[0]["id"]
    # Enqueueing again (a rerun of the same fan-out) adds nothing.
    await enqueue_update(sessions)
    assert await sender(sessions, adapter, clock).send_due() == 0


async def test_rate_limit_is_retried_later_and_sent_once(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        clock: FakeClock) -> None:
    keys = await enqueue_update(sessions, replies=1)
    fake.plan.transient.append((429, "rate_limited"))
    s = sender(sessions, adapter, clock)
    await s.send_due()
    assert fake.messages == []
    async with sessions() as session:
        row = await session.scalar(select(Delivery).where(Delivery.key == keys[0]))
        assert row is not None and row.status == "pending" and row.send_started_at is None
        assert row.next_attempt_at > NOW
    assert await s.send_due() == 0  # not due yet: no busy retry
    clock.advance(minutes=1)
    await s.send_due()
    await s.send_due()
    assert [m["key"] for m in fake.messages] == keys
    assert fake.stats["history_lookups"] == 0  # a 429 means not accepted: no lookup needed


async def test_server_error_after_accept_is_found_not_resent(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        clock: FakeClock) -> None:
    """The platform took the message but the answer never came (timeout): the retry
    looks the key up in history instead of posting again (no platform idempotency here)."""
    keys = await enqueue_update(sessions, replies=1)
    fake.plan.hang_after_accept, fake.plan.hang_seconds = 1, 2.0
    s = sender(sessions, adapter, clock)
    await s.send_due()
    assert len(fake.messages) == 1
    async with sessions() as session:
        row = await session.scalar(select(Delivery).where(Delivery.key == keys[0]))
        assert row is not None and row.status == "pending" and row.send_started_at is not None
    clock.advance(minutes=1)
    await s.send_due()
    await s.send_due()
    assert [m["key"] for m in fake.messages] == keys
    assert fake.stats["history_lookups"] == 1
    assert_threaded(fake)


async def post_accepted_unrecorded(sessions: SessionFactory, adapter: LoopbackAdapter, *,
                                   worker: str, key: str) -> None:
    """``worker`` claimed everything and started ``key``; the platform took the message,
    but "sent" was never written."""
    async with sessions() as session, session.begin():
        await outbox.claim(session, worker=worker, platforms=["loopback"], now=NOW)
        await session.execute(update(Delivery).where(Delivery.key == key)
                              .values(send_started_at=NOW, attempts=1))
    await adapter.send(Target("C1"), UpdatePost(1, "x", (), (), NOW, "en"), key=key)


async def test_claim_of_a_killed_worker_is_recovered_without_duplicate(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        clock: FakeClock) -> None:
    keys = await enqueue_update(sessions, replies=2)
    # A worker claimed everything, started the post, the platform accepted it, then SIGKILL.
    await post_accepted_unrecorded(sessions, adapter, worker="dead", key=keys[0])
    s = sender(sessions, adapter, clock)
    assert await s.send_due() == 0  # leased to the dead worker
    assert await s.recover() == 3
    await s.send_due()
    assert [m["key"] for m in fake.messages] == keys
    assert_threaded(fake)


async def test_released_claim_of_a_started_send_is_looked_up_not_posted_again(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        clock: FakeClock) -> None:
    """A worker began a send (the platform took it) but never wrote "sent", then gave its
    claim back (shutdown, or a failure ahead in the queue): the next claimant must find the
    message by its key, not post it a second time."""
    keys = await enqueue_update(sessions, replies=1)
    await post_accepted_unrecorded(sessions, adapter, worker="w0", key=keys[0])
    async with sessions() as session, session.begin():
        await outbox.release(session, "w0")
    async with sessions() as session:
        row = await session.scalar(select(Delivery).where(Delivery.key == keys[0]))
        assert row is not None and row.status == "pending" and row.send_started_at is not None
    s = sender(sessions, adapter, clock)
    await s.send_due()
    await s.send_due()
    assert [m["key"] for m in fake.messages] == keys
    assert fake.stats["history_lookups"] == 1
    assert_threaded(fake)


async def test_permanent_failure_pauses_subscription_and_tells_once(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        clock: FakeClock) -> None:
    async with sessions() as session, session.begin():
        sub = Subscription(platform="loopback", channel_id="DM1", is_dm=True, user_id="U1",
                           lang="en", timezone="UTC", since=NOW, created_at=NOW)
        session.add(sub)
        await session.flush()
        sub_id = sub.id
    keys = await enqueue_update(sessions, "DM1", replies=2, sub_id=sub_id)
    fake.plan.channel_errors["DM1"] = (403, "missing_permission")
    s = sender(sessions, adapter, clock)
    for _ in range(3):
        await s.send_due()
    state = await statuses(sessions)
    assert state[keys[0]] == "failed"
    assert {state[k] for k in keys[1:]} == {"cancelled"}  # never posted outside the thread
    notices = [k for k in state if ":paused:" in k]
    assert len(notices) == 1 and state[notices[0]] == "failed"  # tried once, nowhere else
    async with sessions() as session:
        paused = await session.get(Subscription, sub_id)
        assert paused is not None and not paused.active
        assert paused.paused_reason == "missing permission"
        row = await session.scalar(select(Delivery).where(Delivery.key == notices[0]))
        assert row is not None and isinstance(load_part(row.payload), Notice)
    assert fake.messages == []
    clock.advance(hours=1)
    assert await s.send_due() == 0  # nothing keeps retrying


async def test_replies_wait_for_their_parent(sessions: SessionFactory, fake: ChatFake,
                                            adapter: LoopbackAdapter,
                                            clock: FakeClock) -> None:
    keys = await enqueue_update(sessions, replies=2)
    fake.plan.transient.append((503, "unavailable"))
    s = sender(sessions, adapter, clock)
    await s.send_due()
    assert fake.messages == []
    assert set((await statuses(sessions)).values()) == {"pending"}
    clock.advance(minutes=1)
    await s.send_due()
    await s.send_due()
    assert [m["key"] for m in fake.messages] == keys
    assert_threaded(fake)


async def test_shutdown_releases_claims(sessions: SessionFactory, adapter: LoopbackAdapter,
                                        clock: FakeClock) -> None:
    await enqueue_update(sessions, replies=1)
    s = sender(sessions, adapter, clock)
    async with sessions() as session, session.begin():
        await outbox.claim(session, worker="w1", platforms=["loopback"], now=NOW)
    await s.shutdown()
    assert set((await statuses(sessions)).values()) == {"pending"}


def test_sliding_window_never_exceeds_its_limit() -> None:
    now = [0.0]
    window = SlidingWindow(5, 5.0, monotonic=lambda: now[0])
    for _ in range(5):
        assert window.get_delay() == 0.0
        window._in_flight += 1
    assert window.get_delay() == float("inf")  # all five still in flight
    for _ in range(5):
        window.release()  # responses came back at t=0
    assert window.get_delay() == pytest.approx(5.0)
    now[0] = 4.5
    assert window.get_delay() == pytest.approx(0.5)
    now[0] = 5.0
    assert window.get_delay() == 0.0


def test_backoff_grows_and_respects_retry_after() -> None:
    assert outbox.backoff(1) <= timedelta(seconds=2)
    assert outbox.backoff(8) >= timedelta(seconds=128)
    assert outbox.backoff(30) <= outbox.MAX_BACKOFF
    assert outbox.backoff(1, retry_after=30) >= timedelta(seconds=30)


async def test_giving_up_on_a_post_cancels_its_thread(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        clock: FakeClock) -> None:
    keys = await enqueue_update(sessions, replies=2)
    async with sessions() as session, session.begin():
        await session.execute(update(Delivery).where(Delivery.key == keys[0])
                              .values(attempts=outbox.MAX_ATTEMPTS - 1))
    fake.plan.transient.append((503, "unavailable"))
    s = sender(sessions, adapter, clock)
    await s.send_due()
    clock.advance(hours=1)
    assert await s.send_due() == 0
    state = await statuses(sessions)
    assert state[keys[0]] == "failed"
    assert {state[k] for k in keys[1:]} == {"cancelled"}
    async with sessions() as session:
        assert await outbox.depth(session) == 0  # nothing left waiting forever
    assert fake.messages == []


async def test_depth_counts_what_still_waits_and_recover_gives_claims_back(
        sessions: SessionFactory) -> None:
    keys = await enqueue_update(sessions, replies=3)
    async with sessions() as session, session.begin():
        assert await outbox.recover(session) == 0  # nothing claimed yet
        await outbox.claim(session, worker="dead", platforms=["loopback"], now=NOW, limit=1)
        await session.execute(update(Delivery).where(Delivery.key == keys[2])
                              .values(status="sent"))
        await session.execute(update(Delivery).where(Delivery.key == keys[3])
                              .values(status="failed"))
        assert await outbox.depth(session) == 2  # the post and one reply, still claimed
    async with sessions() as session, session.begin():
        assert await outbox.recover(session) == 2  # the post and its due reply
    async with sessions() as session:
        rows = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
    assert [(rows[k].status, rows[k].claimed_by, rows[k].lease_until) for k in keys[:2]] == [
        ("pending", None, None), ("pending", None, None)]


def test_backoff_jitter_spans_half_to_full_and_needs_no_floor() -> None:
    import random

    random.seed(7)
    delays = [outbox.backoff(3).total_seconds() for _ in range(200)]
    assert 4.0 <= min(delays) < 4.5 and 7.5 < max(delays) <= 8.0
    assert min(outbox.backoff(0).total_seconds() for _ in range(50)) < 0.6
