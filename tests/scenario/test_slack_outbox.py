"""The real outbox Sender on Slack: exactly once across a crash, and 429s never drop a post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from sqlalchemy import select

from bot.app import BotApp
from bot.delivery.outbox import Outgoing, enqueue
from bot.model import Notice
from bot.platforms.select import RunOptions, build_platforms
from bot.platforms.slack import SlackAdapter
from bot.store.models import Delivery
from config.settings import load_settings
from tests.fakes.slack_fake import DEFAULT_CHANNEL_ID, FakeSlack


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@asynccontextmanager
async def bot(tmp_path: Path, fake: FakeSlack, **adapter_options: int
              ) -> AsyncIterator[tuple[BotApp, SlackAdapter]]:
    env = {"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_API_URL": fake.api_url,
           "SLACK_SIGNING_SECRET": "s", "CEASEFIRE_BOT_DATA_DIR": str(tmp_path)}
    settings = load_settings(env=env)
    [adapter] = build_platforms(settings, RunOptions())
    assert isinstance(adapter, SlackAdapter)
    adapter.http_port, adapter.http_host = 0, "127.0.0.1"
    for name, value in adapter_options.items():
        setattr(adapter, name, value)
    async with BotApp(settings, platforms=[adapter]) as app:
        await adapter.start()
        try:
            yield app, adapter
        finally:
            await adapter.stop()


def thread_rows(key: str) -> list[Outgoing]:
    return [Outgoing(key=f"{key}:p0", platform="slack", channel_id=DEFAULT_CHANNEL_ID,
                     part=Notice("parent")),
            Outgoing(key=f"{key}:p1", platform="slack", channel_id=DEFAULT_CHANNEL_ID,
                     part=Notice("child"), index=1, parent_key=f"{key}:p0")]


async def rows(app: BotApp) -> list[Delivery]:
    async with app.deps.sessions() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def test_a_send_cut_off_by_a_crash_is_found_in_history_not_posted_twice(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with bot(tmp_path, fake) as (app, _adapter):
        now = app.clock.now()
        async with app.deps.sessions() as session, session.begin():
            await enqueue(session, thread_rows("crash"), now)
            parent = await session.scalar(select(Delivery).where(Delivery.key == "crash:p0"))
            assert parent is not None
            # A previous process claimed it, called chat.postMessage, and died.
            parent.status, parent.claimed_by = "claimed", "dead-worker"
            parent.send_started_at = now - timedelta(seconds=90)
            parent.lease_until = now - timedelta(seconds=30)
        posted_before = fake.add_message(
            DEFAULT_CHANNEL_ID, "parent", user=None, from_bot=True,
            metadata={"event_type": "ceasefire_delivery", "event_payload": {"key": "crash:p0"}})
        await app.sender.drain(within=10.0)
        final = await rows(app)

    [child] = fake.posted()
    assert child["text"] == "child" and child["thread_ts"] == posted_before["ts"]
    assert [(r.status, r.message_id) for r in final] == [
        ("sent", posted_before["ts"]), ("sent", child["ts"])]
    assert fake.calls_to("conversations.history")


async def test_429s_beyond_the_client_retries_are_rescheduled_not_dropped(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with bot(tmp_path, fake, rate_limit_retries=0) as (app, _adapter):
        async with app.deps.sessions() as session, session.begin():
            await enqueue(session, thread_rows("storm"), app.clock.now())
        fake.rate_limit_next(1, retry_after=0, method="chat.postMessage")
        await app.sender.drain(within=15.0)
        final = await rows(app)

    assert [p["text"] for p in fake.posted()] == ["parent", "child"]
    assert [(r.status, r.attempts) for r in final] == [("sent", 2), ("sent", 1)]
    assert fake.rate_limited_count == 1
