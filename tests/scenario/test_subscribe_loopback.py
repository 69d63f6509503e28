"""A user subscribes a channel on the loopback platform: the bot says what the channel will
get and when, posts the latest briefing once as a welcome (a post and its thread), and
not the backlog; subscribing again only updates."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from sqlalchemy import event, func, select

from bot.app import BotApp
from bot.health import Metrics, serve_health
from bot.model import Reply, Request
from bot.platforms.loopback import LoopbackAdapter
from bot.store.models import AnswerLog, Delivery, PostedStory, Subscription
from config.settings import Settings
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.loopfix import loopback_bot


async def test_subscribe_answers_what_and_when_and_welcomes_once(
        settings: Settings, clock: FakeClock) -> None:
    async with loopback_bot(settings, clock, connect=False) as wired:
        fake, app = wired.chat, wired.app
        await app.poll()  # the demo backlog: stored, never posted
        await app.sender.drain()
        assert fake.messages == []
        await wired.connect()
        fake.type_command("C9", "subscribe both 08:00 en tz=America/New_York")
        await fake.wait_for(lambda: len(fake.posted("C9")) >= 1)
        answer = fake.posted("C9")[0]["text"]
        assert answer.startswith("✅ Subscribed")
        assert "each new development as it is reported" in answer
        # 2025-08-20 00:00 UTC is 20:00 the day before in New York (EDT).
        assert "daily digest at 08:00 (America/New_York), next on " \
               "2025-08-20 08:00 EDT" in answer
        await app.sender.drain()
        welcome = fake.posted("C9")[1:]
        assert len(welcome) >= 3
        assert welcome[0]["thread"] is None
        assert all(m["thread"] == welcome[0]["id"] for m in welcome[1:])

        fake.type_command("C9", "subscribe daily 09:00 en")
        await fake.wait_for(lambda: len(fake.posted("C9")) > 1 + len(welcome))
        await app.sender.drain()
        again = fake.posted("C9")[1 + len(welcome):]
        assert len(again) == 1 and again[0]["text"].startswith("✅ Updated")
        assert "each new development" not in again[0]["text"]

        fake.type_command("D1", "subscribe realtime en", dm=True)
        await fake.wait_for(lambda: bool(fake.posted("D1")))
        assert "this DM will get" in fake.posted("D1")[0]["text"]


async def test_health_and_metrics_endpoint() -> None:
    metrics = Metrics()
    metrics.posts_sent.inc(3)
    metrics.answer_latency.observe(0.2)

    async def depth() -> int:
        return 7

    async with serve_health(0, metrics, fetch_depth=depth) as port, \
            aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["ok"] is True
        async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
            text = await resp.text()
    assert "ceasefire_posts_sent_total 3.0" in text
    assert "ceasefire_outbox_depth 7.0" in text
    assert "ceasefire_answer_latency_seconds_count 1.0" in text
    for name in ("feeds_polled", "fetch_errors", "stories", "posts_failed"):
        assert f"ceasefire_{name}_total" in text
    assert Metrics().registry is not metrics.registry  # no global registry


async def test_a_welcome_being_built_does_not_hold_up_other_channels(
        settings: Settings, clock: FakeClock) -> None:
    """Issue 19: 300 channels subscribing at once queued on the store's single writer lock,
    each holding it while its welcome was built. The welcome is now built before the
    subscribing transaction writes: while one is being built, a question in another channel
    (whose answer log is a write) is answered, and the subscription and its welcome still
    land together, once."""
    async with loopback_bot(settings, clock, connect=False) as wired:
        fake, app = wired.chat, wired.app
        await app.poll()
        await app.sender.drain()
        building, release = asyncio.Event(), asyncio.Event()
        cache = app.deps.briefings
        real_build = cache._build

        async def slow_build(*args: Any, **kwargs: Any) -> Any:
            building.set()
            await release.wait()  # the welcome's briefing takes its time
            return await real_build(*args, **kwargs)

        cache._build = slow_build
        await wired.connect()
        try:
            fake.type_command("C1", "subscribe realtime en")
            await asyncio.wait_for(building.wait(), 30)
            fake.type_command("C2", "ask What was agreed?")
            # Answered (its answer-log row written after the reply) while C1's welcome
            # is built.
            await fake.wait_for(lambda: bool(fake.posted("C2")), within=20)
            await app.settle()
            assert not fake.posted("C1")
            async with app.deps.sessions() as session:
                assert await session.scalar(select(func.count()).select_from(
                    AnswerLog).where(AnswerLog.channel_id == "C2")) == 1
                assert await session.scalar(select(func.count()).select_from(
                    Subscription)) == 0  # nothing of C1's written yet
            release.set()
            await fake.wait_for(lambda: bool(fake.posted("C1")), within=20)
            assert fake.posted("C1")[0]["text"].startswith("✅ Subscribed")
            await app.sender.drain()
            welcome = fake.posted("C1")[1:]
            assert len(welcome) >= 3 and welcome[0]["thread"] is None
            async with app.deps.sessions() as session:
                keys = (await session.scalars(select(Delivery.key).where(
                    Delivery.channel_id == "C1"))).all()
            assert len(keys) == len(set(keys)) == len(welcome)
        finally:
            release.set()


async def test_channels_subscribing_together_share_a_transaction_each_with_its_welcome(
        settings: Settings, clock: FakeClock) -> None:
    """Issue 19: a burst of `subscribe` is written in a few transactions, not one per
    channel; each channel still gets its subscription and welcome together, and a channel
    subscribed twice at once gets one subscription and one welcome."""
    async with BotApp(settings, clock=clock) as app:
        await app.poll()

        def typed(channel: str) -> Request:
            return Request(platform="loopback", command="subscribe", text="realtime en",
                           channel_id=channel, user_id="U1", can_manage=True)

        channels = [f"C{i}" for i in range(12)]
        replies = await asyncio.gather(*(app.handle(typed(c)) for c in channels))
        assert all(isinstance(r, Reply) and r.text.startswith("✅ Subscribed")
                   for r in replies)
        assert app.deps.subscriptions.transactions <= 3  # not one per channel
        # The same channel twice at once: one subscription (updated by the second line).
        again = await asyncio.gather(app.handle(typed("C20")), app.handle(typed("C20")))
        texts = sorted(r.text[:12] for r in again if isinstance(r, Reply))
        assert texts == ["✅ Subscribed", "✅ Updated: t"]
        async with app.deps.sessions() as session:
            subs = (await session.scalars(select(Subscription))).all()
            roots = (await session.scalars(select(Delivery.channel_id).where(
                Delivery.parent_key.is_(None)))).all()
    assert sorted(s.channel_id for s in subs) == sorted([*channels, "C20"])
    assert sorted(roots) == sorted([*channels, "C20"])  # one welcome post per channel


async def test_a_burst_of_subscribe_is_confirmed_once_per_channel_after_a_few_reads_and_writes(
        settings: Settings, clock: FakeClock) -> None:
    """Issue 19, the soak's first minute: many channels (and a DM) type `subscribe` at
    once. Each gets exactly one confirmation, one stored subscription and one welcome; the
    store is asked about them a few times in all, not once or twice per channel (each query
    a trip through a pooled connection's thread while the rest wait), and they are written
    in one or two transactions (each a turn at SQLite's single writer)."""
    channels = [f"C{i:03d}" for i in range(120)]
    async with ChatFake(profile="none") as fake:
        adapter = LoopbackAdapter(fake.url, zone=settings.zone, lang="en")
        async with BotApp(settings, clock=clock, platforms=[adapter]) as app:
            await app.poll()
            await app.sender.drain()
            reads: list[str] = []
            inserts: list[str] = []

            def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
                if statement.lstrip().upper().startswith("SELECT") \
                        and "FROM subscriptions" in statement:
                    reads.append(statement)
                if statement.startswith("INSERT INTO subscriptions"):
                    inserts.append(statement)  # executemany: one call per statement

            engine = app.deps.sessions.kw["bind"].sync_engine
            event.listen(engine, "before_cursor_execute", count)
            adapter.on_request = app.handle
            await adapter.start()
            await adapter.on_ready()
            try:
                for i, channel in enumerate(channels):
                    fake.type_command(channel, f"subscribe realtime {'ja' if i % 3 else 'en'}")
                fake.type_command("D1", "subscribe daily 08:00 en", dm=True)
                confirmed = [*channels, "D1"]
                await fake.wait_for(lambda: all(fake.posted(c) for c in confirmed),
                                    within=60)
                event.remove(engine, "before_cursor_execute", count)
                await app.sender.drain()
            finally:
                await adapter.stop()
            replies = [m for m in fake.messages if (m["key"] or "").startswith("reply:")]
            async with app.deps.sessions() as session:
                subs = (await session.scalars(select(Subscription))).all()
                posted = (await session.scalars(select(PostedStory.channel_id))).all()
                roots = (await session.scalars(select(Delivery.channel_id).where(
                    Delivery.parent_key.is_(None)))).all()
    assert sorted(m["channel"] for m in replies) == sorted(confirmed)  # one reply each
    assert all(m["text"].startswith("✅ Subscribed") for m in replies)
    assert sorted(s.channel_id for s in subs) == sorted(confirmed)
    assert {s.channel_id: s.lang for s in subs}["C001"] == "ja"
    assert {s.channel_id: s.daily_at for s in subs}["D1"] == "08:00"
    assert sorted(posted) == sorted(roots) == sorted(confirmed)  # one welcome each
    assert len(reads) <= 4, len(reads)
    assert app.deps.subscriptions.transactions <= 2
    assert len(inserts) <= 2  # one per shape of row (channel, DM), not one per row


async def test_channels_subscribing_while_the_welcome_is_built_join_the_same_write(
        settings: Settings, clock: FakeClock) -> None:
    """Issue 19: the first `subscribe` of a burst starts building the welcome; the
    channels typing meanwhile are written in the same transaction as the first, not
    after it in a second turn at the writer (a soak run's confirmations waited for both)."""
    async with BotApp(settings, clock=clock) as app:
        await app.poll()
        building, release = asyncio.Event(), asyncio.Event()
        cache = app.deps.briefings
        real_build = cache._build

        async def slow_build(*args: Any, **kwargs: Any) -> Any:
            building.set()
            await release.wait()
            return await real_build(*args, **kwargs)

        cache._build = slow_build

        def typed(channel: str) -> Request:
            return Request(platform="loopback", command="subscribe", text="realtime en",
                           channel_id=channel, user_id="U1", can_manage=True)

        first = asyncio.ensure_future(app.handle(typed("C0")))
        await asyncio.wait_for(building.wait(), 30)
        rest = [asyncio.ensure_future(app.handle(typed(f"C{i}"))) for i in range(1, 9)]
        await asyncio.sleep(0.05)  # they are queued behind the first one's reads
        release.set()
        replies = await asyncio.gather(first, *rest)
        assert all(isinstance(r, Reply) and r.text.startswith("✅ Subscribed")
                   for r in replies)
        assert app.deps.subscriptions.transactions == 1
        async with app.deps.sessions() as session:
            roots = (await session.scalars(select(Delivery.channel_id).where(
                Delivery.parent_key.is_(None)))).all()
    assert sorted(roots) == sorted(f"C{i}" for i in range(9))
