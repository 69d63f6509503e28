"""Replies share the platform budget with posts and go first (issue 19): the priority
window, the replier's retries and its outbox fallback, and "send started" written only
once a slot is taken. Through the real loopback adapter and chat fake."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.delivery import outbox
from bot.delivery.pacing import Priority, SlidingWindow
from bot.delivery.replies import Replier
from bot.delivery.sender import Sender
from bot.errors import PlatformError
from bot.model import Answer, Notice, Reply, Sentence
from bot.platforms.base import Target
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from bot.store.models import Delivery
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[ChatFake]:
    # Discord's limits, 20x faster: 50 calls / 0.05 s global, 5 messages / 0.25 s a channel.
    async with ChatFake(profile="discord", scale=20, idempotent=False) as server:
        yield server


@pytest.fixture
def sender(sessions: SessionFactory, adapter: LoopbackAdapter) -> Sender:
    return Sender(sessions, {"loopback": adapter}, FakeClock(NOW), worker="w1")


async def test_a_freed_slot_goes_to_the_reply_even_if_posts_queued_first() -> None:
    window = SlidingWindow(1, 0.05)
    await window.acquire()
    order: list[str] = []

    async def take(name: str, priority: Priority) -> None:
        await window.acquire(priority)
        order.append(name)
        window.release()

    posts = [asyncio.create_task(take(f"post{i}", Priority.REALTIME)) for i in range(3)]
    digest = asyncio.create_task(take("digest", Priority.BULK))
    await asyncio.sleep(0.01)
    reply = asyncio.create_task(take("reply", Priority.REPLY))
    await asyncio.sleep(0.01)
    window.release()
    await asyncio.gather(*posts, digest, reply)
    assert order == ["reply", "post0", "post1", "post2", "digest"]


async def test_a_cancelled_waiter_gives_its_slot_back() -> None:
    window = SlidingWindow(1, 0.02)
    await window.acquire()
    waiting = asyncio.create_task(window.acquire())
    await asyncio.sleep(0.005)
    waiting.cancel()
    window.release()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.wait_for(window.acquire(), 1.0)  # the slot was not lost
    window.release()


async def test_reply_waits_for_its_slot_instead_of_drawing_a_429(
        fake: ChatFake, adapter: LoopbackAdapter, sender: Sender) -> None:
    replier = Replier(sender)
    target = Target("C1")
    # A burst in one channel: more than its window allows at once.
    refs = await asyncio.gather(*(replier.send("loopback", target, Reply(f"r{i}"),
                                               key=f"reply:{i}") for i in range(12)))
    assert all(ref is not None for ref in refs)
    assert sorted(m["key"] for m in fake.messages) == sorted(f"reply:{i}" for i in range(12))
    assert fake.stats["rate_limited"] == 0


async def test_an_answer_to_a_command_does_not_wait_for_the_global_window(
        fake: ChatFake, adapter: LoopbackAdapter, sender: Sender) -> None:
    # Discord: "Interaction endpoints are not bound to the bot's Global Rate Limit".
    glob = sender.pacer("loopback")._global
    assert isinstance(glob, SlidingWindow)
    for _ in range(glob.calls):  # a fan-out holds the whole global window
        await glob.acquire()
    event = fake.type_command("C1", "subscribe")
    replier = Replier(sender)
    answer = asyncio.create_task(replier.send(
        "loopback", Target("C1", interaction=fake.interaction_of(event)), Reply("ok"),
        key=f"reply:{event}"))
    notice = asyncio.create_task(replier.send("loopback", Target("C2"), Reply("later"),
                                              key="reply:n"))
    await asyncio.wait_for(answer, 2.0)
    assert not notice.done()  # an ordinary message waits for the global window
    for _ in range(glob.calls):
        glob.release()
    await asyncio.wait_for(notice, 2.0)
    assert [m["key"] for m in fake.messages] == [f"reply:{event}", "reply:n"]
    assert fake.stats["interaction_replies"] == 1 and fake.stats["rate_limited"] == 0


async def test_reply_refused_for_now_is_retried_and_posted_once(
        fake: ChatFake, adapter: LoopbackAdapter, sender: Sender) -> None:
    fake.plan.transient.extend([(429, "rate_limited"), (503, "unavailable")])
    replier = Replier(sender)
    ref = await replier.send("loopback", Target("C1"), Reply("hello"), key="reply:7")
    assert ref is not None
    assert [m["key"] for m in fake.messages] == ["reply:7"]
    assert replier.retried == 2


async def test_a_reply_whose_answer_was_lost_is_looked_up_not_posted_again(
        fake: ChatFake, adapter: LoopbackAdapter, sender: Sender) -> None:
    # The fake stores the message, then answers after the adapter's 0.5 s timeout: the
    # outcome is unknown, so the retry asks the platform by key before sending again.
    fake.plan.hang_after_accept, fake.plan.hang_seconds = 1, 2.0
    replier = Replier(sender)
    ref = await replier.send("loopback", Target("C1"), Reply("hello"), key="reply:8")
    assert [m["key"] for m in fake.messages] == ["reply:8"]
    assert ref is not None and ref.message_id == fake.messages[0]["id"]
    assert replier.retried == 1 and replier.queued == 0


async def test_reply_that_cannot_go_out_in_time_is_queued_and_sent_later(
        fake: ChatFake, adapter: LoopbackAdapter, sender: Sender,
        sessions: SessionFactory) -> None:
    fake.plan.transient.extend([(503, "unavailable")] * 8)
    replier = Replier(sender, within=0.3)
    answer = Answer("Does the truce hold?", True, (Sentence("The truce holds.", ()),), ())
    assert await replier.send("loopback", Target("C1"), answer, key="reply:9") is None
    assert fake.messages == []
    async with sessions() as session:
        row = await session.scalar(select(Delivery).where(Delivery.key == "reply:9"))
    assert row is not None and row.status == "pending"
    fake.plan.transient.clear()
    await sender.send_due()
    assert [m["key"] for m in fake.messages] == ["reply:9"]
    assert "The truce holds." in fake.messages[0]["text"]


async def test_reply_to_a_channel_that_is_gone_raises_for_the_adapter(
        fake: ChatFake, adapter: LoopbackAdapter, sender: Sender) -> None:
    fake.plan.channel_errors["C9"] = (404, "channel_not_found")
    with pytest.raises(PlatformError) as err:
        await Replier(sender).send("loopback", Target("C9"), Reply("x"), key="reply:1")
    assert err.value.permanent


async def test_send_started_is_written_only_once_the_slot_is_taken(
        fake: ChatFake, adapter: LoopbackAdapter, sender: Sender,
        sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [outbox.Outgoing(
            key=f"n{i}", platform="loopback", channel_id="C1", part=Notice(f"n{i}"))
            for i in range(8)], NOW)
    # Hold the channel's whole window, as a burst of replies would.
    window = sender.pacer("loopback")._channel_window(Target("C1"))
    assert window is not None
    for _ in range(window.calls):
        await window.acquire(Priority.REPLY)
    run = asyncio.create_task(sender.send_due())
    await asyncio.sleep(0.1)
    async with sessions() as session:
        started = (await session.scalars(select(Delivery.key).where(
            Delivery.send_started_at.is_not(None)))).all()
    assert started == []  # queued for a slot: not started, nothing to look up after a crash
    for _ in range(window.calls):
        window.release()
    await run
    while await sender.send_due():
        pass
    assert sorted(m["key"] for m in fake.messages) == sorted(f"n{i}" for i in range(8))
