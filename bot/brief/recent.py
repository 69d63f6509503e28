"""Load a story's reports for a briefing, bounded however long the story runs.

A story of the talks can run for months and gather thousands of reports, while a
briefing, a digest entry, a "what we know" refresh or a welcome shows at most five
sources and a few facts. Loading every report (text, metadata, ORM state) for each of
them made each build's memory grow with the story: 0.5 MB at 34 reports, 3.6 MB at 286
(``bench/story_memory.py``), several such builds at once in a fan-out, so the process's
high-water mark, which the allocators keep, rose with every report a story gained.

Read paths load a *window* instead: the story's newest ``RECENT_REPORTS`` reports, plus
the newest report of each outlet in each language (so coverage lines and outlet lists
still count every outlet), the newest of each feed (so a fan-out still knows every feed
that carried the story) and the first report in each language (a timeline line names
the story by it). A story no longer than the window is loaded whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.models import Article, Story

#: The newest reports a briefing reads of one story (the window's core).
RECENT_REPORTS = 48


async def load_recent_reports(session: AsyncSession, stories: Sequence[Story], *,
                              limit: int = RECENT_REPORTS) -> None:
    """Set each story's ``articles`` to its window (oldest first, as the relationship
    orders them), read in one query. The collection then holds the window only: for
    reading, never for adding reports to the story."""
    ids = [s.id for s in stories]
    if not ids:
        return
    newest_first = (Article.published_at.desc(), Article.id.desc())
    ranked = select(
        Article.id.label("id"),
        func.row_number().over(partition_by=Article.story_id,
                               order_by=newest_first).label("recent"),
        func.row_number().over(partition_by=(Article.story_id, Article.source, Article.lang),
                               order_by=newest_first).label("outlet"),
        func.row_number().over(partition_by=(Article.story_id, Article.feed_id),
                               order_by=newest_first).label("feed"),
        func.row_number().over(partition_by=(Article.story_id, Article.lang),
                               order_by=(Article.published_at, Article.id)).label("first"),
    ).where(Article.story_id.in_(ids)).subquery()
    rows = (await session.scalars(
        select(Article).join(ranked, ranked.c.id == Article.id)
        .where(or_(ranked.c.recent <= limit, ranked.c.outlet == 1, ranked.c.feed == 1,
                   ranked.c.first == 1))
        .order_by(Article.published_at, Article.id)
        # Never read by a briefing; the previous text and signature can be large.
        .options(defer(Article.previous_text, raiseload=True),
                 defer(Article.minhash, raiseload=True)))).all()
    window: dict[int, list[Article]] = {i: [] for i in ids}
    for article in rows:
        if article.story_id is not None:
            window[article.story_id].append(article)
    for story in stories:
        set_committed_value(story, "articles", window[story.id])
