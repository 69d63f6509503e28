"""Group articles about the same development into stories."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Article, Story
from bot.text.sentences import detect_lang
from bot.text.tokens import tokens

#: Reports of one development arrive within this window of its first report.
STORY_WINDOW = timedelta(hours=30)
MIN_SIMILARITY = 0.08


def similarity(a: str, b: str) -> float:
    ta, tb = set(tokens(a)), set(tokens(b))
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


async def assign_story(session: AsyncSession, article: Article) -> tuple[Story, bool]:
    """Attach ``article`` to the story it belongs to, creating one when none fits.

    Returns:
        The story and whether it was created.
    """
    lo, hi = article.published_at - STORY_WINDOW, article.published_at + STORY_WINDOW
    candidates = (await session.scalars(
        select(Story).where(Story.first_at >= lo, Story.first_at <= hi)
    )).all()
    best: Story | None = None
    best_score = -1.0
    for story in candidates:
        score = similarity(story.headline, f"{article.title} {article.text[:300]}")
        # Another language shares no tokens; the time window alone groups it.
        same_lang = detect_lang(story.headline) == article.lang
        if same_lang and score < MIN_SIMILARITY:
            continue
        if score > best_score:
            best, best_score = story, score
    if best is not None:
        article.story_id = best.id
        best.first_at = min(best.first_at, article.published_at)
        best.latest_at = max(best.latest_at, article.published_at)
        return best, False
    story = Story(headline=article.title, first_at=article.published_at,
                  latest_at=article.published_at, created_at=article.fetched_at)
    session.add(story)
    await session.flush()
    article.story_id = story.id
    return story, True

