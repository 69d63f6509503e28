"""The real outbox Sender on Slack: exactly once across a crash, 429s never drop a post, and
a story's new development goes into its thread with one short update post linking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest_asyncio
from sqlalchemy import select

from bot.app import BotApp
from bot.delivery.fanout import fan_out
from bot.delivery.outbox import Outgoing, enqueue
from bot.model import Notice
from bot.platforms.registry import load_settings
from bot.platforms.select import RunOptions, build_platforms
from bot.platforms.slack import SlackAdapter
from bot.store.models import Article, Delivery, Story, Subscription
from tests.fakes.slack_fake import DEFAULT_CHANNEL_ID, FakeSlack
from tests.scenario.test_slack_end_to_end import faster_slack, paced_to


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with faster_slack() as slack:
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
    paced_to(adapter, fake)
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


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def add_report(app: BotApp, story_id: int | None, title: str, text: str,
                     hours: int = 0) -> int:
    """A report of a new story (``story_id`` None) or a new development of one."""
    when = NOW + timedelta(hours=hours)
    async with app.deps.sessions() as session, session.begin():
        if story_id is None:
            story = Story(headline=title, first_at=when, latest_at=when, newsworthy=True,
                          created_at=when)
            session.add(story)
        else:
            found = await session.get(Story, story_id)
            assert found is not None
            story = found
            story.revision += 1
            story.latest_at = when
        await session.flush()
        session.add(Article(guid=title, url=f"https://w.test/{hours}", title=title, text=text,
                            source="Wire", lang="en", published_at=when, fetched_at=when,
                            story_id=story.id))
        return story.id


async def test_a_development_changing_the_headline_figures_links_to_the_thread_once(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with bot(tmp_path, fake) as (app, _adapter):
        async with app.deps.sessions() as session, session.begin():
            session.add(Subscription(platform="slack", channel_id=DEFAULT_CHANNEL_ID,
                                     space_id="T0FAKE", realtime=True, lang="en",
                                     timezone="UTC", since=NOW - timedelta(days=1),
                                     created_at=NOW))
        story_id = await add_report(
            app, None, "Ceasefire extended",
            "Ukraine and Russia agreed to extend the ceasefire. The truce matters because "
            "it halts strikes on energy plants. Talks will resume next week, officials said.")
        async with app.deps.sessions() as session, session.begin():
            await fan_out(session, [story_id], NOW)
        await app.sender.drain(within=10.0)
        [post] = [p for p in fake.posted() if not p.get("thread_ts")]
        first = len(fake.posted())

        await add_report(app, story_id, "Prisoner exchange agreed: 175 for 175",
                         "Negotiators announced a prisoner exchange of 175 people each. "
                         "The swap will happen on Friday, the Kremlin said.", hours=2)
        for _ in range(2):  # a rerun of the fan-out adds nothing
            async with app.deps.sessions() as session, session.begin():
                await fan_out(session, [story_id], NOW)
            await app.sender.drain(within=10.0)

    later = fake.posted()[first:]
    replies = [p for p in later if p.get("thread_ts")]
    assert replies and all(p["thread_ts"] == post["ts"] for p in replies)
    [short] = [p for p in later if not p.get("thread_ts")]
    assert short["metadata"]["event_payload"]["key"].endswith(":update")
    [asked] = fake.calls_to("chat.getPermalink")
    assert (asked["channel"], asked["message_ts"]) == (DEFAULT_CHANNEL_ID, post["ts"])
    permalink = (f"https://fake-team.slack.com/archives/{DEFAULT_CHANNEL_ID}/"
                 f"p{post['ts'].replace('.', '')}")
    body = short["blocks"][1]["text"]["text"]
    assert f"<{permalink}|See the thread>" in body
    assert f"See the thread: {permalink}" in short["text"]
    assert "175 for 175" in short["blocks"][0]["text"]["text"]
