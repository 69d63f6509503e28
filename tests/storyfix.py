"""A realtime subscription and a story written straight into a store, and the story's
later reports: fan-out tests start here, without feeds or a poll.

Channel C1 on the loopback platform is the one subscriber; a story starts with one
article from "Wire" and gains articles (and revisions) as a test says.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.db import SessionFactory
from bot.store.models import Article, Story, Subscription

HEADLINE = "Ceasefire extended"
#: A later report with a new fact (a prisoner exchange) in it.
DEVELOPMENT = ("Negotiators announced a prisoner exchange of 500 people. The swap will happen "
               "on Friday, the Kremlin said.")


async def seed_story(sessions: SessionFactory, at: datetime, text: str) -> tuple[int, int]:
    """C1 subscribed (realtime, since the day before ``at``) and a newsworthy story first
    reported at ``at``; returns the subscription's and the story's ids."""
    async with sessions() as session, session.begin():
        sub = Subscription(platform="loopback", channel_id="C1", realtime=True, lang="en",
                           timezone="UTC", since=at - timedelta(days=1), created_at=at)
        story = Story(headline=HEADLINE, first_at=at, latest_at=at, newsworthy=True,
                      created_at=at)
        session.add_all([sub, story])
        await session.flush()
        session.add(Article(guid="a1", url="https://w.test/1", title=HEADLINE, text=text,
                            source="Wire", lang="en", published_at=at, fetched_at=at,
                            story_id=story.id))
        return sub.id, story.id


async def add_article(sessions: SessionFactory, story_id: int, guid: str, at: datetime, *,
                      new_revision: bool, text: str, title: str = HEADLINE,
                      source: str = "Wire") -> None:
    """One more article of the story; ``new_revision`` as clustering marks a new development
    (a wire copy of a report is not one)."""
    async with sessions() as session, session.begin():
        story = await session.get(Story, story_id)
        assert story is not None
        if new_revision:
            story.revision += 1
            story.latest_at = at
        session.add(Article(guid=guid, url=f"https://w.test/{guid}", title=title, text=text,
                            source=source, lang="en", published_at=at, fetched_at=at,
                            story_id=story_id))
