"""SIGKILL the real bot in the middle of a fan-out, restart it, and check that every
(channel, part) was posted exactly once and every thread reply sits under its parent.

The bot runs as `ceasefire-bot run` (a subprocess) on the loopback platform against the
chat fake, which here has NO idempotency by key (like Slack): a message accepted just
before a crash can only be recognised by the history lookup of its delivery key.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from tests.conftest import cli_command
from tests.fakes.chat_fake import ChatFake

CHANNELS = 20
ON_TOPIC = (
    "Ukraine and Russia agreed in Geneva to extend the ceasefire for 30 days. "
    "The truce matters because it halts strikes on energy plants before winter. "
    "Negotiators said the exchange of prisoners will continue next week. "
    "The status of the occupied regions is still unresolved, officials said. "
    "Talks will resume in Istanbul next month, the Kremlin said.")
#: A second, unrelated development (another story), so that each channel gets two posts
#: and their threads: more rows per channel than the sender has in flight at once.
OTHER = (
    "Kyiv and Moscow signed a Black Sea shipping accord in Riyadh on Tuesday. "
    "Grain vessels may sail without inspection delays under the negotiated terms. "
    "Insurers welcomed the deal, though port strikes could still derail it, analysts "
    "warned. Saudi mediators hosted both delegations for three days of ceasefire talks.")


def rss(items: list[tuple[str, str, datetime]]) -> str:
    body = "".join(
        f"<item><title>{title}</title><link>https://wire.test/{guid}</link>"
        f"<guid isPermaLink=\"false\">{guid}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{title}. {OTHER if guid == 'other' else ON_TOPIC}</description></item>"
        for guid, title, when in items)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
            f"<title>Test Wire</title><link>https://wire.test/</link>{body}</channel></rss>")


def subscribe_channels(db: Path, count: int) -> None:
    since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO subscriptions (platform, channel_id, is_dm, realtime, lang, timezone,"
            " active, since, created_by, created_at) VALUES"
            " ('loopback', ?, 0, 1, 'en', 'UTC', 1, ?, 'test', ?)",
            [(f"C{i:03d}", since, since) for i in range(count)])


def outbox(db: Path) -> list[tuple[str, str, str | None, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT key, channel_id, parent_key, status FROM deliveries").fetchall()


async def start(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *cli_command("run", "-v"), env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def kill_when(fake: ChatFake, proc: asyncio.subprocess.Process, accepted: int) -> None:
    await fake.wait_for(lambda: fake.stats["accepted"] >= accepted or proc.returncode is not None,
                        within=30)
    assert proc.returncode is None, "the bot exited on its own"
    proc.kill()
    await proc.wait()


async def test_sigkill_mid_fanout_then_restart_posts_every_part_exactly_once(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    now = datetime.now(UTC)
    feed = tmp_path / "wire.xml"
    feed.write_text(rss([("old", "Envoys met last week on Ukraine", now - timedelta(days=2))]))
    db = tmp_path / "bot.db"
    config = tmp_path / "bot.toml"
    # Discord-shaped limits, five times faster, so the test stays short.
    async with ChatFake(profile="discord", scale=5, idempotent=False) as fake:
        config.write_text(
            f'demo = false\nlanguage = "en"\ntimezone = "UTC"\n'
            f'database_url = "sqlite:///{db}"\n'
            f'[news]\npoll_interval_minutes = 60\n'
            f'[loopback]\nurl = "{fake.url}"\n'
            f'[[feeds]]\nurl = "{feed}"\nlang = "en"\n')
        env = {**cli_env, "CEASEFIRE_BOT_CONFIG": str(config)}
        seed = await asyncio.create_subprocess_exec(*cli_command("ingest"), env=env,
                                                    stdout=asyncio.subprocess.DEVNULL)
        assert await seed.wait() == 0  # the backlog is stored, never posted
        subscribe_channels(db, CHANNELS)
        feed.write_text(rss([
            ("old", "Envoys met last week on Ukraine", now - timedelta(days=2)),
            ("new", "Ukraine and Russia extend the ceasefire", now - timedelta(minutes=5)),
            ("other", "Black Sea shipping accord signed in Riyadh", now - timedelta(minutes=4)),
        ]))

        await kill_when(fake, await start(env), 1)  # SIGKILL right after the first post
        # The hard case: the platform accepted a message, the bot died before recording it.
        fake.plan.hang_after_accept, fake.plan.hang_seconds = 1, 2.0
        proc = await start(env)
        await fake.wait_for(lambda: fake.plan.hang_after_accept == 0, within=30)
        proc.kill()
        await proc.wait()
        # SIGKILL mid-fan-out. Sends answer a little slowly here so the kill lands with most
        # of the fan-out still to go, however fast the machine.
        fake.plan.hang_after_accept, fake.plan.hang_seconds = 10**6, 0.2
        await kill_when(fake, await start(env), fake.stats["accepted"] + CHANNELS // 2)
        fake.plan.hang_after_accept = 0

        # SIGTERM mid-fan-out: in-flight sends finish, claims are released, exit 0. Every
        # send now takes a second to answer, so the signal lands with sends in flight and
        # rows still queued, however fast the machine.
        proc = await start(env)
        middle = fake.stats["accepted"] + 1
        fake.plan.hang_after_accept, fake.plan.hang_seconds = 10**6, 1.0
        await fake.wait_for(lambda: fake.stats["accepted"] >= middle, within=30)
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 20)
        fake.plan.hang_after_accept = 0
        assert proc.returncode == 0, stderr.decode()[-2000:]
        assert "claimed" not in {status for *_, status in outbox(db)}
        assert "pending" in {status for *_, status in outbox(db)}  # it really stopped early

        proc = await start(env)
        await fake.wait_for(lambda: bool(outbox(db)) and all(
            status == "sent" for *_, status in outbox(db)), within=40)
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 20)
        assert proc.returncode == 0, stderr.decode()[-2000:]

    rows = outbox(db)
    parts_per_channel = len(rows) // CHANNELS
    assert parts_per_channel >= 6 and len(rows) == CHANNELS * parts_per_channel
    assert sum(1 for _, _, parent, _ in rows if parent is None) == 2 * CHANNELS  # 2 stories
    posted = Counter((m["channel"], m["key"]) for m in fake.messages)
    assert {(channel, key) for key, channel, _, _ in rows} == set(posted)
    assert set(posted.values()) == {1}, [k for k, n in posted.items() if n > 1]
    by_key = {(m["channel"], m["key"]): m for m in fake.messages}
    for key, channel, parent, _ in rows:
        message = by_key[(channel, key)]
        if parent is None:
            assert message["thread"] is None
        else:
            assert message["thread"] == by_key[(channel, parent)]["id"], key
    assert fake.stats["history_lookups"] >= 1
