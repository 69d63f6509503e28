"""Several REAL bot processes (`ceasefire-bot run` on the loopback platform) sharing one
PostgreSQL database: every message exactly once, leadership handed over when the leader
is SIGKILLed, and nothing lost when a process holding claims is SIGKILLed.

The chat fake here has NO idempotency by key, so a double send shows as two messages.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.delivery import outbox
from bot.model import Notice
from bot.store.db import open_store
from bot.store.models import Delivery, Subscription
from tests.conftest import cli_command
from tests.fakes.chat_fake import ChatFake
from tests.scenario.scale.bots import Bot, config_toml, leaders, start_bots

MESSAGES = 1000
CHANNELS = 50


async def enqueue(pg_url: str, count: int, channels: int) -> None:
    now = datetime.now(UTC)
    async with open_store(pg_url) as (_engine, sessions), sessions() as session, \
            session.begin():
        await outbox.enqueue(session, [outbox.Outgoing(
            key=f"n:{i}", platform="loopback", channel_id=f"C{i % channels:02d}",
            part=Notice(f"notice {i}")) for i in range(count)], now)


async def statuses(pg_url: str) -> Counter[str]:
    async with open_store(pg_url) as (_engine, sessions), sessions() as session:
        rows = (await session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status))).all()
    return Counter({status: n for status, n in rows})


async def wait_all_sent(pg_url: str, count: int, *, within: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while await statuses(pg_url) != {"sent": count}:
        assert loop.time() < deadline, await statuses(pg_url)
        await asyncio.sleep(0.2)


def assert_exactly_once(fake: ChatFake, expected: int) -> None:
    posted = Counter((m["channel"], m["key"]) for m in fake.messages)
    doubled = [k for k, n in posted.items() if n > 1]
    assert not doubled, f"sent twice: {doubled[:5]}"
    assert len(posted) == expected


@pytest.mark.parametrize("processes", [2, 3])
async def test_processes_share_the_outbox_and_send_each_message_once(
        processes: int, pg_migrated_url: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    pg_url = pg_migrated_url  # a copy of the session's migrated database
    async with ChatFake(profile="none", idempotent=False) as fake:
        config = config_toml(tmp_path / "bot.toml", db=pg_url, chat=fake.url)
        bots = await start_bots(processes, {**cli_env, "CEASEFIRE_BOT_CONFIG": str(config)},
                                tmp_path)
        try:
            await enqueue(pg_url, MESSAGES, CHANNELS)
            await fake.wait_for(lambda: len(fake.messages) >= MESSAGES, within=40)
            await wait_all_sent(pg_url, MESSAGES)  # recorded, so the counters are final
            sent = [await bot.fetch_sent() for bot in bots]
            assert len(await leaders(bots)) == 1
        finally:
            logs = [await bot.stop() for bot in bots]
        assert all(b.proc.returncode == 0 for b in bots), logs
        assert_exactly_once(fake, MESSAGES)
        assert await statuses(pg_url) == {"sent": MESSAGES}
        assert sum(sent) == MESSAGES and all(n > 0 for n in sent), sent  # every process sent


async def test_killing_a_process_that_holds_claims_loses_nothing(
        pg_migrated_url: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    pg_url = pg_migrated_url  # a copy of the session's migrated database
    # Per-channel limits slow each channel down, so claims are held for a while.
    async with ChatFake(profile="discord", scale=10, idempotent=False) as fake:
        config = config_toml(tmp_path / "bot.toml", db=pg_url, chat=fake.url)
        bots = await start_bots(2, {**cli_env, "CEASEFIRE_BOT_CONFIG": str(config)}, tmp_path)
        try:
            await enqueue(pg_url, 300, 20)
            await fake.wait_for(lambda: len(fake.messages) >= 60, within=30)
            sent = [await b.fetch_sent() for b in bots]
            victim = bots[0] if sent[0] >= sent[1] else bots[1]
            victim.kill()
            await victim.proc.wait()
            async with open_store(pg_url) as (_engine, sessions), sessions() as session:
                held = await session.scalar(select(func.count()).select_from(Delivery).where(
                    Delivery.status == "claimed",
                    Delivery.claimed_by.like(f"%:{victim.proc.pid}:%")))
            assert held, "the killed process held no claims"
            survivor = bots[1] if victim is bots[0] else bots[0]
            try:
                await fake.wait_for(lambda: len({m["key"] for m in fake.messages}) >= 300,
                                    within=40)
            except TimeoutError:
                raise AssertionError(f"{await statuses(pg_url)} {fake.stats}") from None
            await asyncio.sleep(0.5)  # a double send would show up now
            assert survivor.alive
        finally:
            for bot in bots:
                await bot.stop()
        assert_exactly_once(fake, 300)
        assert await statuses(pg_url) == {"sent": 300}


ON_TOPIC = {
    "old": ("Envoys met last week on Ukraine",
            "Ukraine and Russia held early ceasefire talks in Geneva last week. Envoys said the "
            "truce talks would continue."),
    "new1": ("Ukraine and Russia extend the ceasefire in Geneva",
             "Ukraine and Russia agreed in Geneva to extend the ceasefire for 30 days. The "
             "truce halts strikes on energy plants before winter."),
    "new2": ("Prisoner exchange agreed in Istanbul ceasefire talks",
             "Kyiv and Moscow agreed a prisoner exchange of 500 soldiers at talks in Istanbul. "
             "The Kremlin said the swap of prisoners would happen on Friday."),
}


def rss(guids: list[str], now: datetime) -> str:
    ages = {"old": timedelta(hours=3), "new1": timedelta(minutes=20),
            "new2": timedelta(minutes=10)}
    body = "".join(
        f"<item><title>{ON_TOPIC[g][0]}</title><link>https://wire.test/{g}</link>"
        f"<guid isPermaLink=\"false\">{g}</guid>"
        f"<pubDate>{format_datetime(now - ages[g])}</pubDate>"
        f"<description>{ON_TOPIC[g][1]}</description></item>" for g in guids)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
            f"<title>Test Wire</title><link>https://wire.test/</link>{body}</channel></rss>")


async def test_killing_the_leader_hands_over_and_no_scheduled_job_is_lost_or_doubled(
        pg_migrated_url: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    pg_url = pg_migrated_url  # a copy of the session's migrated database
    now = datetime.now(UTC)
    feed = tmp_path / "wire.xml"
    feed.write_text(rss(["old"], now))
    async with ChatFake(profile="none", idempotent=False) as fake:
        config = config_toml(tmp_path / "bot.toml", db=pg_url, chat=fake.url, feeds=[feed])
        env = {**cli_env, "CEASEFIRE_BOT_CONFIG": str(config)}
        seed = await asyncio.create_subprocess_exec(*cli_command("ingest"), env=env,
                                                    stdout=asyncio.subprocess.DEVNULL)
        assert await seed.wait() == 0  # the backlog is stored, never posted
        async with open_store(pg_url) as (_engine, sessions), sessions() as session, \
                session.begin():
            since = now - timedelta(days=1)
            session.add_all([Subscription(platform="loopback", channel_id=f"R{i}",
                                          realtime=True, lang="en", timezone="UTC",
                                          since=since, created_at=since) for i in range(3)])
            # A daily digest due this very minute: the first leader's catch-up posts it,
            # the next leader's catch-up must not post it again.
            session.add(Subscription(platform="loopback", channel_id="D", realtime=False,
                                     daily_at=now.strftime("%H:%M"), lang="en",
                                     timezone="UTC", since=since, created_at=since))
        bots = await start_bots(3, env, tmp_path)
        two_leaders = 0

        async def watch() -> None:
            nonlocal two_leaders
            while True:
                if len(await leaders([b for b in bots if b.alive])) > 1:
                    two_leaders += 1
                await asyncio.sleep(0.1)

        watcher = asyncio.create_task(watch())
        try:
            first = await wait_for_leader(bots)
            await fake.wait_for(lambda: bool(fake.posted("D")), within=20)
            feed.write_text(rss(["old", "new1"], now))  # the leader's poll job posts it
            await fake.wait_for(lambda: posted_in_all(fake, "new1"), within=20)
            first.kill()
            await first.proc.wait()
            killed_at = asyncio.get_running_loop().time()
            feed.write_text(rss(["old", "new1", "new2"], now))
            second = await wait_for_leader([b for b in bots if b.alive])
            takeover = asyncio.get_running_loop().time() - killed_at
            await fake.wait_for(lambda: posted_in_all(fake, "new2"), within=20)
            await asyncio.sleep(2.5)  # two more poll intervals: nothing may be posted again
        finally:
            watcher.cancel()
            for bot in bots:
                await bot.stop()
        assert second is not first and takeover < 5, takeover
        assert two_leaders == 0
        roots = Counter(m["channel"] for m in fake.messages if m["thread"] is None)
        # new1 once and new2 once per realtime channel; the digest once.
        assert roots == {"R0": 2, "R1": 2, "R2": 2, "D": 1}, roots
        assert_exactly_once(fake, len(fake.messages))
        async with open_store(pg_url) as (_engine, sessions), sessions() as session:
            assert await session.scalar(text(
                "SELECT count(*) FROM deliveries WHERE status <> 'sent'")) == 0


def posted_in_all(fake: ChatFake, guid: str) -> bool:
    title = ON_TOPIC[guid][0]
    return all(any(title in m["text"] and m["thread"] is None for m in fake.posted(f"R{i}"))
               for i in range(3))


async def wait_for_leader(bots: list[Bot], *, within: float = 15.0) -> Bot:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        found = await leaders(bots)
        if len(found) == 1:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError("no single leader in time")
