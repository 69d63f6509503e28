"""End to end on Slack's agent surfaces (issue 16): the real BotApp and slack-bolt app, the
real slack_sdk client, against the loopback fake that speaks the stream and
assistant.threads wire. A person opens the Messages tab, asks in the agent DM, watches the
status, reads a streamed answer with its sources, and clicks 👍."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from bot.delivery.send import REPLY_PREFIX
from bot.store.models import Feedback
from config.settings import FeedSettings
from tests.fakes.slack_fake import (
    DEFAULT_CHANNEL_ID,
    DEFAULT_DM_CHANNEL_ID,
    DEFAULT_USER_ID,
    FakeSlack,
    app_mention_event,
    block_actions_body,
    dm_message_event,
    event_body,
)
from tests.fakes.slack_stream_fake import app_context_changed_event, app_home_opened_event
from tests.fakes.slack_support import HOSTILE, markdown_pings, pings
from tests.scenario.test_slack_end_to_end import (
    ADMIN,
    HOSTILE_FEED,
    all_sent,
    deliveries,
    faster_slack,
    post_signed,
    running_bot,
    subscribe,
    xml_escape,
)

JA_USER = "U0JAPAN"
QUESTION = "What did Ukraine accept in Jeddah?"


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with faster_slack() as slack:
        slack.add_user(ADMIN, is_admin=True)
        slack.add_user(JA_USER, locale="ja-JP")
        yield slack


def order_of(fake: FakeSlack, *methods: str) -> list[str]:
    """The calls to ``methods`` in the order the bot made them."""
    return [name for name, _ in fake.calls if name in methods]


def sources_of(stream: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for c in stream["chunks"] if c.get("type") == "task_update"
            for s in c.get("sources") or []]


def vote_value(stream: dict[str, Any], which: str) -> str:
    [block] = [b for b in stream["blocks"] if b["type"] == "context_actions"]
    [element] = block["elements"]
    assert element["type"] == "feedback_buttons"
    return str(element[f"{which}_button"]["value"])


async def test_opening_the_messages_tab_suggests_prompts_in_the_users_language(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as (_app, adapter):
        for user, channel, tab in ((DEFAULT_USER_ID, DEFAULT_DM_CHANNEL_ID, "messages"),
                                   (JA_USER, "D0JAPAN", "messages"),
                                   (DEFAULT_USER_ID, DEFAULT_DM_CHANNEL_ID, "home")):
            opened = app_home_opened_event(user=user, channel=channel, tab=tab)
            assert await post_signed(adapter, event_body(opened)) == 200
        await fake.wait_for(lambda: len(fake.prompts) >= 2, timeout=5.0)
        changed = app_context_changed_event(user=JA_USER, channel="D0JAPAN",
                                            viewing=DEFAULT_CHANNEL_ID, team_id=fake.team_id)
        assert await post_signed(adapter, event_body(changed)) == 200
        await fake.wait_for(lambda: len(fake.prompts) >= 3, timeout=5.0)

    by_channel = {p["channel_id"]: [q["title"] for q in p["prompts"]] for p in fake.prompts}
    assert "What changed since yesterday?" in by_channel[DEFAULT_DM_CHANNEL_ID]
    assert "今日の停戦協議は?" in by_channel["D0JAPAN"]
    assert all(1 <= len(p["prompts"]) <= 4 for p in fake.prompts)
    assert len(fake.prompts) == 3  # the Home tab opening asked for none


async def test_an_agent_dm_shows_a_status_then_streams_a_cited_answer_and_a_vote_counts(
        tmp_path: Path, fake: FakeSlack) -> None:
    dm = dm_message_event(QUESTION)
    async with running_bot(tmp_path, fake) as (app, adapter):
        assert await post_signed(adapter, event_body(dm)) == 200
        [stream] = await fake.wait_for(lambda: fake.streamed(stopped=True), timeout=8.0)
        await fake.wait_for(lambda: len(fake.statuses) >= 2, timeout=5.0)
        click = block_actions_body("feedback_vote", vote_value(stream, "positive"),
                                   action_type="feedback_buttons",
                                   channel=DEFAULT_DM_CHANNEL_ID, message_ts=stream["ts"],
                                   thread_ts=dm["ts"])
        assert await post_signed(adapter, click) == 200
        [thanks] = await fake.wait_for(lambda: fake.ephemerals, timeout=5.0)
        async with app.deps.sessions() as session:
            votes = (await session.scalars(select(Feedback))).all()

    # Status while searching, cleared once the answer is out; a title from the question.
    assert [s["status"] for s in fake.statuses] == ["Searching the reports…", ""]
    assert all(s["thread_ts"] == dm["ts"] for s in fake.statuses)
    assert [t["title"] for t in fake.titles] == [QUESTION]
    calls = order_of(fake, "assistant.threads.setStatus", "chat.startStream",
                     "chat.stopStream")
    assert calls == ["assistant.threads.setStatus", "chat.startStream", "chat.stopStream",
                     "assistant.threads.setStatus"]
    # The answer streamed in the DM thread, its citations as URL sources Slack lists.
    assert (stream["channel"], stream["thread_ts"]) == (DEFAULT_DM_CHANNEL_ID, dm["ts"])
    text = stream["message"]["text"]
    assert "💬" in text and "\\[1\\]" in text and markdown_pings(text) == []
    sources = sources_of(stream)
    assert sources and all(s["type"] == "url" for s in sources)
    assert all(s["url"].startswith("https://demo.ceasefire-bot.example/") for s in sources)
    # Sent through the app's replier (the sender's budget, reply priority): its reply key
    # is in the metadata, so a retry finds the stream instead of answering twice.
    assert stream["metadata"]["event_type"] == "ceasefire_delivery"
    assert stream["metadata"]["event_payload"]["key"].startswith(REPLY_PREFIX)
    assert fake.posted(DEFAULT_DM_CHANNEL_ID) == [] and fake.updates == []
    # 👍 on the streamed answer is stored like the buttons under a posted answer.
    answer_id = int(vote_value(stream, "positive").split()[0])
    assert [(v.answer_id, v.helpful, v.user_id) for v in votes] == [
        (answer_id, True, DEFAULT_USER_ID)]
    assert thanks["user"] == DEFAULT_USER_ID


async def test_a_stream_slack_ends_early_is_replaced_by_the_full_answer(
        tmp_path: Path) -> None:
    async with FakeSlack(stream_timeout=0.0) as fake:  # every stream expires at once
        mention = app_mention_event(QUESTION)
        async with running_bot(tmp_path, fake) as (_app, adapter):
            assert await post_signed(adapter, event_body(mention)) == 200
            [update] = await fake.wait_for(lambda: fake.updates, timeout=8.0)

    [stream] = fake.streamed()
    assert stream["state"] == "expired" and stream["thread_ts"] == mention["ts"]
    assert update["ts"] == stream["ts"] and update["channel"] == DEFAULT_CHANNEL_ID
    # The whole answer, rendered as a posted answer is: text, citations, 👍/👎.
    assert "💬" in update["blocks"][0]["text"]["text"]
    assert any("<https://demo.ceasefire-bot.example/" in str(b) for b in update["blocks"])
    assert update["blocks"][-1]["type"] == "actions" and pings(update) == []
    assert fake.posted() == []


async def test_scheduled_posts_stay_ordinary_messages_and_hostile_text_stays_inert(
        tmp_path: Path, fake: FakeSlack) -> None:
    feed = tmp_path / "hostile.xml"
    feed.write_text(HOSTILE_FEED.format(title=xml_escape(HOSTILE)), encoding="utf-8")
    hostile = FeedSettings(url=str(feed), name=f"Hostile {HOSTILE}", lang="en")
    dm = dm_message_event(f"{HOSTILE} **loud** [x](https://evil.example) did Ukraine and "
                          "Russia agree a ceasefire?")
    async with running_bot(tmp_path, fake, extra_feeds=(hostile,)) as (app, adapter):
        await subscribe(adapter)
        rows = await all_sent(app)
        assert await post_signed(adapter, event_body(dm)) == 200
        [stream] = await fake.wait_for(lambda: fake.streamed(stopped=True), timeout=8.0)

    # The update and its thread: chat.postMessage, never a stream.
    posts = deliveries(fake)
    assert len(posts) == len(rows) and [s["thread_ts"] for s in fake.streamed()] == [dm["ts"]]
    assert all(pings(p) == [] for p in posts)
    # The hostile question and feed text inside the stream: shown, never live.
    text = stream["message"]["text"]
    assert "channel" in text and markdown_pings(text) == [], markdown_pings(text)
    assert "**loud**" not in text
    assert all("<" not in s["text"] for s in sources_of(stream))


async def test_asking_while_looking_at_a_subscribed_channel_answers_in_its_context(
        tmp_path: Path, fake: FakeSlack) -> None:
    """The channel the person looks at is subscribed in Japanese: the agent DM answers an
    English question in Japanese (its sources title and vote buttons show it); looking at
    nothing, the same question is answered in English."""
    async with running_bot(tmp_path, fake) as (app, adapter):
        await subscribe(adapter, "subscribe realtime ja")
        await all_sent(app)
        looking = app_context_changed_event(user=DEFAULT_USER_ID, channel=DEFAULT_DM_CHANNEL_ID,
                                            viewing=DEFAULT_CHANNEL_ID, team_id=fake.team_id)
        assert await post_signed(adapter, event_body(looking)) == 200
        await fake.wait_for(lambda: fake.prompts, timeout=5.0)
        assert await post_signed(adapter, event_body(dm_message_event(QUESTION))) == 200
        await fake.wait_for(lambda: fake.streamed(stopped=True), timeout=8.0)
        away = app_context_changed_event(user=DEFAULT_USER_ID, channel=DEFAULT_DM_CHANNEL_ID,
                                         viewing=None, team_id=fake.team_id)
        assert await post_signed(adapter, event_body(away)) == 200
        await fake.wait_for(lambda: len(fake.prompts) >= 2, timeout=5.0)
        assert await post_signed(adapter, event_body(dm_message_event(QUESTION))) == 200
        await fake.wait_for(lambda: len(fake.streamed(stopped=True)) == 2, timeout=8.0)

    in_context, plain = fake.streamed()
    titles = [[c["title"] for c in s["chunks"] if c.get("type") == "task_update"]
              for s in (in_context, plain)]
    assert titles == [["出典"], ["Sources"]]
    assert "役に立った" in str(in_context["blocks"]) and "Helpful" in str(plain["blocks"])
    assert "記事を検索しています…" not in [s["status"] for s in fake.statuses]  # asked in en
