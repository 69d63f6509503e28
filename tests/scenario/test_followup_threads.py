"""Issue 12 item 6, end to end on Slack: a question typed in an update's thread that names
another event (lower case, as people type) is answered about that event; an elliptical
one ("and what did they agree?") about the thread's story. The real BotApp and slack-bolt
app against the fake Slack, with the bundled demo feeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.models import AnswerLog, Article, Delivery
from tests.fakes.slack_fake import FakeSlack, event_body, thread_message_event
from tests.scenario.test_slack_end_to_end import (
    all_sent,
    deliveries,
    fake,
    post_signed,
    running_bot,
    subscribe,
)

__all__ = ["fake"]  # the fixture, shared with the Slack end-to-end scenarios


async def answered(fake: FakeSlack, count: int) -> None:
    """Wait until ``count`` answers have streamed in full."""
    await fake.wait_for(lambda: len(fake.streamed(stopped=True)) >= count, timeout=10.0)


@pytest.mark.parametrize(("named", "elliptical", "slug", "shown"), [
    ("wait what was agreed in jeddah?", "and what did they agree?", "jeddah", ("Jeddah", "ジッダ")),
    ("復活祭の停戦は何時間続いたの?", "それで、誰が同席したの?", "easter", ("復活祭", "Easter")),
], ids=["en, lowercase place", "ja, a kanji event name"])
async def test_a_thread_question_naming_another_event_leaves_the_thread_story(
        tmp_path: Path, fake: FakeSlack, named: str, elliptical: str, slug: str,
        shown: tuple[str, str]) -> None:
    async with running_bot(tmp_path, fake) as (app, adapter):
        await subscribe(adapter)
        rows = await all_sent(app)
        parent = deliveries(fake)[0]
        fake.reset_records()
        for text in (named, elliptical):
            before = len(fake.streamed(stopped=True))
            event = thread_message_event(text, thread_ts=parent["ts"])
            assert await post_signed(adapter, event_body(event)) == 200
            await answered(fake, before + 1)
        answers = fake.streamed(stopped=True)
        async with app.deps.sessions() as session:
            logged = (await session.scalars(select(AnswerLog).order_by(AnswerLog.id))).all()
            cited = [set((await session.scalars(select(Article.url).where(
                Article.id.in_(log.article_ids or [])))).all()) for log in logged]
            first = [await session.scalar(select(Article.url).where(
                Article.id == log.article_ids[0])) for log in logged if log.article_ids]
            thread_story = await session.scalar(select(Delivery.story_id).where(
                Delivery.message_id == parent["ts"]))

    assert {r.story_id for r in rows} == {thread_story} and thread_story is not None
    assert all(a["thread_ts"] == parent["ts"] for a in answers)
    own, follow_up = logged
    assert own.answerable and follow_up.answerable
    # The named event: its own story, its reports cited, its name in the answer.
    assert own.story_id != thread_story
    assert slug in str(first[0]) and not cited[0] & cited[1]
    assert any(name in answers[0]["message"]["text"] for name in shown)
    # The elliptical question stays with the thread's story.
    assert follow_up.story_id == thread_story
    assert not any(slug in url for url in cited[1])
