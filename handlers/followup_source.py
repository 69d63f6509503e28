"""The follow-up suggestions of a stored answer or story, derived again from the store
(what the buttons showed, and what a click's key is checked against)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.builder import load_story, story_follow_ups
from bot.brief.followups import keyed, suggest
from bot.model import FollowUp, Lang
from bot.store.models import AnswerLog, Article
from bot.text.sentences import detect_lang


def answer_lang(row: AnswerLog) -> Lang:
    return "ja" if detect_lang(row.question) == "ja" else "en"


async def answer_follow_ups(session: AsyncSession, row: AnswerLog) -> tuple[FollowUp, ...]:
    """Suggestions under answer ``row``: from its cited reports, as of when it was given
    (so the same row always gives the same list)."""
    if not row.answerable or not row.article_ids:
        return ()
    ids = list(row.article_ids)
    found = {a.id: a for a in (await session.scalars(
        select(Article).where(Article.id.in_(ids)))).all()}
    articles = [found[i] for i in ids if i in found]
    return keyed(suggest(articles, answer_lang(row), asked=row.question, now=row.created_at),
                 "a", row.id)


async def story_suggestions(session: AsyncSession, story_id: int) -> tuple[FollowUp, ...]:
    """Suggestions under the story's update posts, in both languages (a key does not say
    which channel language its post had; the digest tells them apart)."""
    story = await load_story(session, story_id)
    if story is None:
        return ()
    return story_follow_ups(story, "en") + story_follow_ups(story, "ja")
