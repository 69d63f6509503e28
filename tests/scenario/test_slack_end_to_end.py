"""End to end on Slack: the real BotApp (demo feeds, SQLite in tmp) chosen by `run`'s platform
selection, the real AsyncApp receiving signed HTTP requests or Socket Mode envelopes, and the
real slack_sdk client posting to the loopback fake."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.app import BotApp
from bot.errors import ConfigError, PlatformError
from bot.model import Notice
from bot.platforms.base import Target
from bot.platforms.registry import load_settings
from bot.platforms.select import RunOptions, build_platforms
from bot.platforms.slack import SlackAdapter
from bot.platforms.slack.facts import SLACK_LIMITS
from bot.store.models import AnswerLog, Delivery, Feedback
from config.settings import FeedSettings
from tests.fakes.slack_fake import (
    DEFAULT_CHANNEL_ID,
    DEFAULT_DM_CHANNEL_ID,
    POST_RATE_PER_SEC,
    FakeSlack,
    block_actions_body,
    dm_message_event,
    event_body,
    event_callback,
    signed_request_headers,
    slash_command_body,
    slash_command_payload,
    thread_message_event,
)
from tests.fakes.slack_support import HOSTILE, pings

SECRET = "scenario-signing-secret"
ADMIN = "U0ADMIN"
#: Slack's per-channel post rate, this much faster in the scenarios' fake; the bot paces to
#: the same ratio (``paced_to``), so a subscription's posts are not 6 s of waiting each.
FASTER = 5.0


def faster_slack(**options: Any) -> FakeSlack:
    """A fake Slack whose chat.postMessage allows FASTER times Slack's per-channel rate."""
    return FakeSlack(post_rate_per_sec=POST_RATE_PER_SEC * FASTER, **options)


def paced_to(adapter: SlackAdapter, fake: FakeSlack) -> None:
    """The adapter's per-channel window shrunk by the factor the fake's rate is raised by:
    the sender still paces itself (same code, same 2-per-window shape) and stays inside the
    fake's limit, which answers 429 to anything faster, as with the real rates."""
    if fake.limiter is not None:
        factor = fake.limiter.rate_per_sec / POST_RATE_PER_SEC
        adapter.limits = replace(SLACK_LIMITS,
                                 channel_period=SLACK_LIMITS.channel_period / factor)



@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with faster_slack() as slack:
        slack.add_user(ADMIN, is_admin=True)
        yield slack


@asynccontextmanager
async def running_bot(tmp_path: Path, fake: FakeSlack, *, socket_mode: bool = False,
                      extra_feeds: tuple[FeedSettings, ...] = ()
                      ) -> AsyncIterator[tuple[BotApp, SlackAdapter]]:
    """`ceasefire-bot run` as the CLI does it, with the Slack env pointing at the fake."""
    env = {"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_API_URL": fake.api_url,
           "SLACK_SIGNING_SECRET": SECRET, "CEASEFIRE_BOT_DATA_DIR": str(tmp_path)}
    if socket_mode:
        env["SLACK_APP_TOKEN"] = fake.app_token
    settings = load_settings(env=env, overrides={"language": "en"})
    [adapter] = build_platforms(settings, RunOptions())
    assert isinstance(adapter, SlackAdapter)
    adapter.http_port, adapter.http_host = 0, "127.0.0.1"
    paced_to(adapter, fake)
    async with BotApp(settings, platforms=[adapter]) as app:
        await app.poll([*settings.followed_feeds, *extra_feeds])
        serving = asyncio.create_task(app.serve(until_platforms_close=True))
        await fake.wait_for(lambda: adapter.bot_user_id and (socket_mode or adapter.port),
                            timeout=5.0)
        if socket_mode:
            await fake.wait_for_socket(timeout=5.0)
        try:
            yield app, adapter
        finally:
            await adapter.stop()
            await asyncio.wait_for(serving, 15.0)


async def post_signed(adapter: SlackAdapter, body: str, *, secret: str = SECRET) -> int:
    headers = signed_request_headers(secret, body)
    async with aiohttp.ClientSession() as http, http.post(
            f"http://127.0.0.1:{adapter.port}/slack/events", data=body,
            headers=headers) as response:
        await response.read()
        return response.status


async def all_sent(app: BotApp, within: float = 10.0) -> list[Delivery]:
    """Wait until the outbox has rows and every one of them went out."""
    deadline = time.monotonic() + within
    while True:
        async with app.deps.sessions() as session:
            rows = list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())
        if rows and all(r.status == "sent" for r in rows):
            return rows
        if time.monotonic() > deadline:
            raise TimeoutError(f"outbox not drained: {[(r.key, r.status) for r in rows]}")
        await asyncio.sleep(0.02)


def deliveries(fake: FakeSlack, channel: str = DEFAULT_CHANNEL_ID) -> list[dict[str, Any]]:
    return [p for p in fake.posted(channel) if p.get("metadata")]


def replies(fake: FakeSlack, channel: str = DEFAULT_CHANNEL_ID) -> list[dict[str, Any]]:
    return [p for p in fake.posted(channel) if not p.get("metadata")]


async def subscribe(adapter: SlackAdapter, text: str = "subscribe realtime en") -> None:
    assert await post_signed(adapter, slash_command_body(text=text, user_id=ADMIN)) == 200


# ---------------------------------------------------------------------------- scenarios


async def test_slash_command_gives_a_cited_answer_and_feedback_is_counted(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as (app, adapter):
        body = slash_command_body(text="ask What did Ukraine accept in Jeddah?")
        assert await post_signed(adapter, body) == 200
        [answer] = await fake.wait_for(lambda: replies(fake), timeout=5.0)
        answer_id = answer["blocks"][-1]["elements"][0]["value"]
        assert await post_signed(adapter, block_actions_body("feedback_up", answer_id)) == 200
        await fake.wait_for(lambda: fake.ephemerals, timeout=5.0)
        assert await post_signed(adapter, slash_command_body(text="sources")) == 200
        stats = await fake.wait_for(lambda: replies(fake)[1:], timeout=5.0)
        async with app.deps.sessions() as session:
            votes = (await session.scalars(select(Feedback))).all()

    links = [e["text"] for b in answer["blocks"] if b["type"] == "context"
             for e in b["elements"]]
    assert links and all("<https://demo.ceasefire-bot.example/" in t for t in links)
    assert "💬" in answer["blocks"][0]["text"]["text"] and "[1]" in answer["text"]
    assert [(v.answer_id, v.helpful, v.user_id) for v in votes] == [
        (int(answer_id), True, "U0HUMAN")]
    assert "Answer feedback: 👍 1 · 👎 0" in stats[0]["text"]


async def test_subscribe_posts_an_update_with_its_qa_thread_then_thread_replies_are_answered(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as (app, adapter):
        assert await post_signed(adapter, slash_command_body(text="subscribe")) == 200
        refusal = await fake.wait_for(lambda: fake.ephemerals, timeout=5.0)
        await subscribe(adapter, "subscribe realtime en tz=Europe/Kyiv")
        rows = await all_sent(app)
        parent, *thread = deliveries(fake)
        fake.reset_records()
        question = thread_message_event("What happens next?", thread_ts=parent["ts"])
        elsewhere = {**thread_message_event("lunch?", thread_ts="1700000000.000001"),
                     "parent_user_id": "U0OTHER"}
        assert await post_signed(adapter, event_body(elsewhere)) == 200
        assert await post_signed(adapter, event_body(question)) == 200
        # The answer to a person streams into the thread (issue 16).
        [answer] = await fake.wait_for(lambda: fake.streamed(stopped=True), timeout=5.0)
        await asyncio.sleep(0.1)
        later_posts = fake.posted()
        later_streams = fake.streamed()

    assert "Only workspace admins and owners can subscribe" in refusal[0]["text"]
    assert len(rows) == 1 + len(thread) and len(thread) >= 3
    assert "thread_ts" not in parent and parent["blocks"][0]["type"] == "header"
    context_line = parent["blocks"][-1]["elements"][0]["text"]
    assert context_line.endswith(("EET", "EEST"))
    assert all(t["thread_ts"] == parent["ts"] for t in thread)
    assert all(t["unfurl_links"] is False and t["text"] for t in thread)
    assert {r.message_id for r in rows} == {p["ts"] for p in [parent, *thread]}
    assert answer["thread_ts"] == parent["ts"] and answer["channel"] == DEFAULT_CHANNEL_ID
    assert later_posts == [] and later_streams == [answer]  # the other thread left alone


@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket-mode"])
async def test_a_dm_is_answered_in_the_dm(tmp_path: Path, fake: FakeSlack,
                                          socket_mode: bool) -> None:
    dm = dm_message_event("What was agreed in Jeddah?")
    async with running_bot(tmp_path, fake, socket_mode=socket_mode) as (app, adapter):
        if socket_mode:
            envelope = await fake.socket_push("events_api", event_callback(dm))
            assert await fake.wait_for_ack(envelope) == {"envelope_id": envelope}
        else:
            assert await post_signed(adapter, event_body(dm)) == 200
        [answer] = await fake.wait_for(
            lambda: fake.streamed(DEFAULT_DM_CHANNEL_ID, stopped=True), timeout=5.0)
        await app.settle()  # answer logs are written after the reply
        async with app.deps.sessions() as session:
            logged = (await session.scalars(select(AnswerLog))).all()

    # Issue 16: streamed into the thread of the person's DM (Slack streams only replies to a
    # message); it used to be a top-level DM post.
    assert answer["thread_ts"] == dm["ts"] and fake.posted(DEFAULT_DM_CHANNEL_ID) == []
    assert "💬" in answer["message"]["text"]
    assert [(a.channel_id, a.answerable) for a in logged] == [(DEFAULT_DM_CHANNEL_ID, True)]


async def test_socket_mode_slash_command_is_acked_and_answered(tmp_path: Path,
                                                               fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake, socket_mode=True) as (_app, _adapter):
        envelope = await fake.socket_push(
            "slash_commands", slash_command_payload(text="What was agreed in Jeddah?"))
        ack = await fake.wait_for_ack(envelope)
        [answer] = await fake.wait_for(lambda: fake.posted(DEFAULT_CHANNEL_ID), timeout=5.0)

    assert ack == {"envelope_id": envelope}
    assert answer["blocks"][-1]["type"] == "actions"


HOSTILE_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Hostile &lt;!channel&gt; Wire</title>
<link>https://hostile.example/</link><description>x</description>
<item>
  <title>{title} Ukraine and Russia agree a ceasefire in talks</title>
  <link>https://hostile.example/a?x=1&amp;y=&lt;!here&gt;</link>
  <guid isPermaLink="false">hostile-1</guid>
  <pubDate>Mon, 01 Sep 2025 09:00:00 +0000</pubDate>
  <description>{title} Ukraine and Russia agreed a ceasefire at peace talks. {title} The truce
  begins on Monday, negotiators said. Russia and Ukraine will exchange prisoners.</description>
</item></channel></rss>
"""


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def test_a_hostile_feed_title_pings_no_one(tmp_path: Path, fake: FakeSlack) -> None:
    feed = tmp_path / "hostile.xml"
    feed.write_text(HOSTILE_FEED.format(title=xml_escape(HOSTILE)), encoding="utf-8")
    hostile = FeedSettings(url=str(feed), name=f"Hostile {HOSTILE}", lang="en")
    async with running_bot(tmp_path, fake, extra_feeds=(hostile,)) as (app, adapter):
        await subscribe(adapter)
        await all_sent(app)
        assert await post_signed(adapter, slash_command_body(
            text="ask <!channel> did Ukraine and Russia agree a ceasefire?")) == 200
        await fake.wait_for(lambda: any(p.get("blocks", [{}])[-1].get("type") == "actions"
                                        for p in replies(fake)), timeout=5.0)
        posted = fake.posted()

    # The hostile story is the one posted, shown as written, and inert.
    assert "<!channel>" in deliveries(fake)[0]["blocks"][0]["text"]["text"]
    assert all(pings(p) == [] for p in posted), [pings(p) for p in posted]
    assert any("&amp;lt;!channel&amp;gt;" in p["text"] for p in posted)


async def test_a_429_storm_delays_but_loses_nothing(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as (app, adapter):
        fake.rate_limit_next(3, retry_after=0, method="chat.postMessage")
        await subscribe(adapter)
        rows = await all_sent(app, within=20.0)
        await fake.wait_for(lambda: replies(fake), timeout=5.0)

    keys = [p["metadata"]["event_payload"]["key"] for p in deliveries(fake)]
    assert fake.rate_limited_count == 3
    assert sorted(keys) == sorted(r.key for r in rows) and len(set(keys)) == len(keys)
    assert len(fake.calls_to("chat.postMessage")) == len(fake.posted()) + 3
    assert [r.attempts for r in rows] == [1] * len(rows)  # waited out in the client


async def test_a_bad_signature_is_refused(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as (app, adapter):
        fake.reset_records()
        status = await post_signed(adapter, slash_command_body(text="ask anything?"),
                                   secret="forged")
        forged_dm = await post_signed(adapter, event_body(dm_message_event("hi")),
                                      secret="forged")
        await asyncio.sleep(0.2)
        async with app.deps.sessions() as session:
            answers = await session.scalar(select(func.count()).select_from(AnswerLog))

    assert (status, forged_dm) == (401, 401)
    assert fake.calls == [] and answers == 0


async def test_malformed_requests_get_400_or_401_never_500(tmp_path: Path,
                                                           fake: FakeSlack) -> None:
    url_body = slash_command_body(text="ask anything?")
    async with running_bot(tmp_path, fake) as (app, adapter):
        fake.reset_records()
        url = f"http://127.0.0.1:{adapter.port}/slack/events"
        statuses = []
        async with aiohttp.ClientSession() as http:
            stamp = signed_request_headers(SECRET, url_body) | {
                "X-Slack-Request-Timestamp": "soon"}
            async with http.post(url, data=url_body, headers=stamp) as response:
                statuses.append(response.status)
            for body, kind in (('{"type": "event_callback", "event": ', "application/json"),
                               ("[1, 2]", "application/json"),
                               ("payload=%7Bnot+json", "application/x-www-form-urlencoded")):
                headers = signed_request_headers(SECRET, body, content_type=kind)
                async with http.post(url, data=body, headers=headers) as response:
                    statuses.append(response.status)
        async with app.deps.sessions() as session:
            answers = await session.scalar(select(func.count()).select_from(AnswerLog))

    assert statuses == [401, 400, 400, 400]
    assert fake.calls == [] and answers == 0


PHISH = "[Official statement](https://evil.example/phish)"


async def test_a_masked_link_in_a_headline_is_no_link_in_timeline_or_sources(
        tmp_path: Path, fake: FakeSlack) -> None:
    feed = tmp_path / "phish.xml"
    feed.write_text(HOSTILE_FEED.format(title=xml_escape(f"{PHISH} \u202eRussia\u200b")),
                    encoding="utf-8")
    phish = FeedSettings(url=str(feed), name=f"Wire {PHISH}", lang="en")
    async with running_bot(tmp_path, fake, extra_feeds=(phish,)) as (_app, adapter):
        for command in ("timeline", "sources"):
            assert await post_signed(adapter, slash_command_body(text=command)) == 200
        shown = await fake.wait_for(lambda: len(replies(fake)) >= 2 and replies(fake),
                                    timeout=5.0)

    texts = [o["text"] for p in shown for o in [p, *(b["text"] for b in p["blocks"])]]
    assert any("[Official statement](https://evil.example/phish)" in t for t in texts)
    assert not any("<https://evil" in t or "\u202e" in t or "\u200b" in t for t in texts)


async def test_a_revoked_bot_token_stops_the_bot_with_one_line(tmp_path: Path,
                                                               fake: FakeSlack) -> None:
    with pytest.raises(ConfigError) as stopped:
        async with running_bot(tmp_path, fake) as (_app, adapter):
            fake.bot_token = "xoxb-reset-by-an-admin"
            with pytest.raises(PlatformError):  # what the sender's next post meets
                await adapter.send(Target(DEFAULT_CHANNEL_ID), Notice("Daily digest"))
    assert str(stopped.value) == ("invalid setting SLACK_BOT_TOKEN: Slack refused it "
                                  "(invalid_auth)")
