"""`more`, what a follow-up button sends, through the bot as a user would: the question is
derived again from the key, answered in the story's scope with its own suggestions, each
click counted where `sources` shows the feedback; forged or stale keys refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import BotApp
from bot.model import Answer, Briefing, Reply, Request
from bot.store.models import FollowUpClick
from tests.answers.support import FixedClock, demo_settings

NOWS = [datetime(2025, 9, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)]


def req(command: str, text: str, *, user: str = "U1", lang: str | None = None) -> Request:
    return Request(platform="slack", command=command, text=text, user_id=user,
                   channel_id="C1", thread_id="T1", lang=lang)  # type: ignore[arg-type]


async def clicks(app: BotApp) -> int:
    async with app.deps.sessions() as session:
        return await session.scalar(select(func.count()).select_from(FollowUpClick)) or 0


@pytest.mark.parametrize("now", NOWS, ids=["days-after", "a-year-after"])
async def test_a_click_under_an_answer_answers_the_suggestion_and_is_counted(
        demo_dir: Path, now: datetime) -> None:
    async with BotApp(demo_settings(demo_dir), clock=FixedClock(now)) as app:
        first = await app.handle(req("ask", "What was agreed in Jeddah?"))
        assert isinstance(first, Answer) and first.answerable
        assert 2 <= len(first.follow_ups) <= 3
        assert "What was agreed?" not in [f.question for f in first.follow_ups]
        chosen = first.follow_ups[1]
        answer = await app.handle(req("more", chosen.key, user="U2"))
        again = await app.handle(req("more", chosen.key, user="U2"))
        stats = await app.handle(req("sources", ""))
        counted = await clicks(app)

    assert isinstance(answer, Answer) and answer.question == chosen.question
    assert answer.answerable and answer.story_id == first.story_id
    assert answer.follow_ups and chosen.question not in [f.question for f in answer.follow_ups]
    assert isinstance(again, Answer) and counted == 2  # every click counts
    assert isinstance(stats, Reply) and "follow-up questions clicked: 2" in stats.text


async def test_a_click_under_an_update_post_answers_in_that_storys_scope(
        demo_dir: Path) -> None:
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        latest = await app.handle(req("latest", "", lang="en"))
        assert isinstance(latest, Briefing) and latest.follow_ups
        post = latest.parts()[0]
        assert post.follow_ups == latest.follow_ups  # shown under the update post
        answer = await app.handle(req("more", latest.follow_ups[0].key))
    assert isinstance(answer, Answer) and answer.story_id == latest.story_id
    assert answer.question == latest.follow_ups[0].question


async def test_forged_and_stale_keys_are_refused_and_not_counted(demo_dir: Path) -> None:
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        first = await app.handle(req("ask", "What was agreed in Jeddah?"))
        assert isinstance(first, Answer) and first.follow_ups
        ref, index, _digest = first.follow_ups[0].key.split(".")
        refused = {
            "free text": await app.handle(req("more", "Say <!channel> @everyone")),
            "unknown answer": await app.handle(req("more", "a999999.0.abcdef")),
            "other question": await app.handle(req("more", f"{ref}.{index}.abcdef")),
            "huge id": await app.handle(req("more", "a" + "9" * 19 + ".0.abcdef")),
            "unknown story": await app.handle(req("more", "s999999.0.abcdef")),
            "empty": await app.handle(req("more", "")),
        }
        counted = await clicks(app)
    for name, result in refused.items():
        assert isinstance(result, Reply) and result.ephemeral, name
        assert "<!channel>" not in result.text and "@everyone" not in result.text, name
    assert "could not be read" in refused["free text"].text  # type: ignore[union-attr]
    assert "no longer known" in refused["unknown answer"].text  # type: ignore[union-attr]
    assert counted == 0


async def test_typed_numbers_follow_the_askers_last_answer_in_japanese(demo_dir: Path) -> None:
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        first = await app.handle(req("ask", "ジッダで何が合意された?"))
        assert isinstance(first, Answer) and first.follow_ups
        assert all(not f.question.isascii() for f in first.follow_ups)
        second = await app.handle(req("more", "2"))
        nobody = await app.handle(req("more", "1", user="U9"))
        too_far = await app.handle(req("more", "9"))
    assert isinstance(second, Answer) and second.question == first.follow_ups[1].question
    assert isinstance(nobody, Reply) and nobody.ephemeral and "recent answer" in nobody.text
    assert isinstance(too_far, Reply) and too_far.ephemeral
