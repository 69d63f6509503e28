"""`ask` through the bot as a user would: follow-ups in a DM and in an update's thread."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.app import BotApp
from bot.model import Answer, Request
from bot.store.models import AnswerLog, Article, Delivery
from tests.answers.support import CHAT_PIECES, FixedClock, demo_settings


def dm(text: str) -> Request:
    return Request(platform="console", command="ask", text=text, kind="dm", user_id="u1",
                   channel_id="D1", is_dm=True, lang="en")


async def test_a_follow_up_in_a_dm_is_answered_from_the_previous_answer(
        demo_dir: Path) -> None:
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        first = await app.handle(dm("What did the US and Russia agree in Riyadh?"))
        assert isinstance(first, Answer) and first.answerable
        follow = await app.handle(dm("Was Ukraine involved?"))
        assert isinstance(follow, Answer) and follow.answerable
        await app.settle()  # answer logs are written after the reply
        async with app.deps.sessions() as session:
            logs = (await session.scalars(select(AnswerLog).order_by(AnswerLog.id))).all()
            cited = (await session.scalars(
                select(Article.guid).where(Article.id.in_(logs[1].article_ids)))).all()
    assert logs[0].article_ids and logs[0].story_id == follow.story_id
    assert cited and all("riyadh" in guid for guid in cited)


async def test_a_question_in_an_update_thread_is_scoped_to_that_story(
        demo_dir: Path) -> None:
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        async with app.deps.sessions() as session, session.begin():
            story = await session.scalar(select(Article.story_id).where(
                Article.guid.like("%0815-anchorage-summit")))
            now = datetime(2025, 9, 1, tzinfo=UTC)
            session.add(Delivery(key="k1", platform="console", channel_id="C1",
                                 story_id=story, payload="{}", status="sent",
                                 next_attempt_at=now, message_id="M1", thread_id="T1",
                                 created_at=now))
        answer = await app.handle(Request(platform="console", command="ask",
                                          text="What happens next?", kind="thread_reply",
                                          channel_id="C1", thread_id="T1", lang="en"))
    assert isinstance(answer, Answer) and answer.answerable
    assert answer.story_id == story
    assert "Moscow" in answer.text or "18 August" in answer.text


async def test_any_chat_text_in_a_dm_gets_an_answer_or_a_plain_refusal(
        demo_dir: Path) -> None:
    """What a chat user types after a first question (so the follow-up decision runs):
    each gets an answer or "No source found", never "something went wrong"."""
    rng = random.Random(12)
    texts = [" ".join(rng.choices(CHAT_PIECES, k=rng.randint(1, 9))) for _ in range(120)]
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        first = await app.handle(dm("What did the US and Russia agree in Riyadh?"))
        assert isinstance(first, Answer) and first.answerable
        for text in texts:
            reply = await app.handle(dm(text))
            assert "went wrong" not in getattr(reply, "text", ""), text
