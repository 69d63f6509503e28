"""What the sender reports of each row (issue 18: sender mutants): the health metrics count
a row sent, or failed for good, once each; a refusal that will be retried is neither; an
error no adapter expects is retried without a second post; a reply that can never go does
not hold up its channel; a Discord post's thread is opened from what was recorded of it.
Real loopback adapter and chat fake (the Discord fake for the thread), SQLite store.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import outbox
from bot.delivery.sender import Sender
from bot.model import Notice, QAReply, Sentence, UpdatePost
from bot.platforms.discord import DiscordAdapter
from bot.platforms.discord.settings import DiscordSettings
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory, Story, Subscription
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.fakes.discord_fake import running_fake

REPORTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), REPORTED, "en")
REPLY = QAReply("Who met?", (Sentence("Delegations met.", (1,)),), "en")


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
    fake.plan.channel_errors["GONE2"] = (404, "channel_not_found")
    seen: list[tuple[str, bool]] = []
    s = Sender(sessions, {"loopback": adapter}, FakeClock(now), worker="w1",
               on_sent=lambda worker, ok: seen.append((worker, ok)))
    await put("OK", "GONE", "OK2", "GONE2")
    await s.send_due()
    assert sorted(seen) == [("w1", False)] * 2 + [("w1", True)] * 2
    assert (s.sent, s.failed) == (2, 2)
    await put("BUSY")
    fake.plan.transient.append((500, "internal_error"))
    await s.send_due()
    assert len(fake.messages) == 2  # BUSY's send was refused: it will be retried
    assert len(seen) == 4 and (s.sent, s.failed) == (2, 2)


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=365)])
async def test_a_sent_story_post_and_its_replies_record_where_they_went(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        later: timedelta) -> None:
    now = REPORTED + later
    async with sessions() as session, session.begin():
        sub = Subscription(platform="loopback", channel_id="C1", lang="en", timezone="UTC",
                           since=REPORTED, created_at=REPORTED)
        story = Story(headline="Talks", first_at=REPORTED, latest_at=REPORTED,
                      created_at=REPORTED)
        session.add_all([sub, story])
        await session.flush()
        session.add(PostedStory(subscription_id=sub.id, story_id=story.id,
                                platform="loopback", channel_id="C1", posted_at=now))
        root = f"sub:{sub.id}:story:{story.id}:p0"
        await outbox.enqueue(session, [
            outbox.Outgoing(key=root, platform="loopback", channel_id="C1", part=POST,
                            subscription_id=sub.id, story_id=story.id),
            outbox.Outgoing(key=f"{root}:r1", platform="loopback", channel_id="C1",
                            part=REPLY, parent_key=root, index=1, subscription_id=sub.id,
                            story_id=story.id)], now)
    s = Sender(sessions, {"loopback": adapter}, FakeClock(now), worker="w1")
    assert await s.send_due() == 2
    post, reply = fake.posted("C1")
    async with sessions() as session:
        rows = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
        posted = (await session.scalars(select(PostedStory))).one()
    assert (rows[root].sent_at, rows[root].message_id) == (now, post["id"])
    assert (rows[f"{root}:r1"].sent_at, rows[f"{root}:r1"].message_id) == (now, reply["id"])
    # The reply went into the post's thread, and its row says so.
    assert reply["thread"] == post["id"] == rows[f"{root}:r1"].thread_id
    # The story knows its post, so a later development goes into the same thread.
    assert (posted.message_id, posted.thread_id) == (post["id"], rows[root].thread_id)


async def test_an_answer_no_adapter_expects_is_retried_and_found_not_posted_again(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter,
        caplog: pytest.LogCaptureFixture) -> None:
    """The platform took the message, but what came back was not its JSON (a proxy's page):
    an error the adapter does not translate. The row goes back to pending with backoff (it
    is not failed, nobody is told), the channel's next row waits behind it, the log names
    the delivery, and the retry (a new process, as after a restart) finds the message
    instead of posting it twice."""
    now = REPORTED + timedelta(days=1)
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [
            outbox.Outgoing(key=f"k:{i}", platform="loopback", channel_id="C1",
                            part=Notice(f"Notice {i}.")) for i in (1, 2)], now)
    fake.plan.garbled = 1
    seen: list[tuple[str, bool]] = []
    first = Sender(sessions, {"loopback": adapter}, FakeClock(now), worker="w1",
                   on_sent=lambda worker, ok: seen.append((worker, ok)))
    with caplog.at_level(logging.ERROR, logger="bot.delivery.sender"):
        await first.send_due()
    assert [m["key"] for m in fake.messages] == ["k:1"]  # k:2 keeps its place behind k:1
    async with sessions() as session:
        rows = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
    assert (rows["k:1"].status, rows["k:1"].error) == ("pending", "JSONDecodeError")
    assert rows["k:1"].send_started_at is not None and rows["k:1"].next_attempt_at > now
    assert (rows["k:2"].status, rows["k:2"].send_started_at) == ("pending", None)
    assert seen == [] and (first.sent, first.failed) == (0, 0)
    [logged] = [r for r in caplog.records if r.name == "bot.delivery.sender"]
    assert logged.getMessage() == "delivery k:1 via loopback failed unexpectedly"
    assert logged.exc_info is not None and logged.exc_info[0] is json.JSONDecodeError

    later = Sender(sessions, {"loopback": adapter}, FakeClock(now + timedelta(hours=1)),
                   worker="w2")
    await later.send_due()
    assert [m["key"] for m in fake.messages] == ["k:1", "k:2"]
    assert fake.stats["history_lookups"] == 1
    async with sessions() as session:
        rows = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
    assert [(rows[k].status, rows[k].message_id) for k in ("k:1", "k:2")] == [
        ("sent", m["id"]) for m in fake.messages]


async def test_a_discord_post_gets_its_thread_named_after_the_headline_in_one_pass(
        sessions: SessionFactory) -> None:
    """On Discord a post is not a thread until its first reply opens one, named from what
    the sender recorded of the post it just sent: both replies go into that one thread in
    the same pass, and the rows say where each went."""
    now = REPORTED + timedelta(days=1)
    async with running_fake() as discord_fake:
        guild = discord_fake.add_guild()
        channel = str(guild.text_channel_id)
        root = "sub:1:story:1:p0"
        async with sessions() as session, session.begin():
            await outbox.enqueue(session, [
                outbox.Outgoing(key=root, platform="discord", channel_id=channel, part=POST),
                *(outbox.Outgoing(key=f"{root}:r{i}", platform="discord", channel_id=channel,
                                  part=REPLY, parent_key=root, index=i) for i in (1, 2))],
                now)
        adapter = DiscordAdapter(DiscordSettings(token=discord_fake.token,
                                                 api_base=discord_fake.api_base),
                                 zone=UTC, guild_ready_timeout=0.1, ready_timeout=10)
        await adapter.start()
        try:
            s = Sender(sessions, {"discord": adapter}, FakeClock(now), worker="w1")
            assert await s.send_due() == 3
        finally:
            await adapter.stop()
        [post] = discord_fake.messages_in(guild.text_channel_id)
        thread = discord_fake.channels[int(post["id"])]
        assert thread["name"] == "Talks resume"
        assert len(discord_fake.messages_in(int(thread["id"]))) == 2
    async with sessions() as session:
        rows = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
    assert {r.status for r in rows.values()} == {"sent"}
    assert rows[root].message_id == post["id"] and rows[f"{root}:r2"].thread_id == thread["id"]


async def test_a_reply_that_can_never_go_is_cancelled_without_holding_up_its_channel(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter) -> None:
    """A late reply whose post is gone (its row pruned, its story never told where it went)
    is cancelled, and the notice queued behind it in the channel still goes in that pass."""
    now = REPORTED + timedelta(days=1)
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [
            outbox.Outgoing(key="pruned:p0:r1", platform="loopback", channel_id="C1",
                            part=REPLY, parent_key="pruned:p0", index=1),
            outbox.Outgoing(key="k:notice", platform="loopback", channel_id="C1",
                            part=Notice("Digest at 08:00 from tomorrow."))], now)
    s = Sender(sessions, {"loopback": adapter}, FakeClock(now), worker="w1")
    assert await s.send_due() == 2
    assert [m["key"] for m in fake.messages] == ["k:notice"]
    async with sessions() as session:
        rows = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
    assert (rows["pruned:p0:r1"].status, rows["pruned:p0:r1"].error) == (
        "cancelled", "parent message was not sent")
    assert rows["k:notice"].status == "sent"


async def test_a_refused_row_keeps_the_rows_behind_it_waiting(
        sessions: SessionFactory, fake: ChatFake, adapter: LoopbackAdapter) -> None:
    """A send the platform refused for now (a 503) is retried later, and the channel's next
    row does not go out ahead of it."""
    now = REPORTED + timedelta(days=1)
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [
            outbox.Outgoing(key=f"k:{i}", platform="loopback", channel_id="C1",
                            part=Notice(f"Notice {i}.")) for i in (1, 2)], now)
    fake.plan.transient.append((503, "unavailable"))
    clock = FakeClock(now)
    s = Sender(sessions, {"loopback": adapter}, clock, worker="w1")
    await s.send_due()
    assert fake.messages == []
    clock.advance(hours=1)
    await s.send_due()
    assert [m["key"] for m in fake.messages] == ["k:1", "k:2"]
