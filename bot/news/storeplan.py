"""The named types of storing one chunk of a poll: what was read for it (``Known``) and
what storing it will write (``ChunkPlan``), so deciding and writing are separate steps."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from bot.news.fingerprint import Fingerprint
from bot.store.models import Feed, Story


@dataclass(slots=True)
class NewArticle:
    """An article row without the cost of an ORM object: one found in this poll (until
    its chunk is inserted in bulk), or a stored one read for this chunk (``id`` set)."""

    feed_id: int
    guid: str
    url: str
    title: str
    text: str
    source: str
    lang: str
    published_at: datetime
    date_estimated: bool
    fetched_at: datetime
    minhash: bytes | None
    update_count: int = 0
    updated_at: datetime | None = None
    #: When its current text was stored (``Article.changed_at``).
    changed_at: datetime | None = None
    previous_text: str | None = None
    story_id: int | None = None
    id: int | None = None


@dataclass
class Known:
    """What the store holds for one chunk, read before anything is decided."""

    prints: list[Fingerprint]
    #: Stored (and, as the plan goes, new) articles by URL and by (feed, guid).
    by_url: dict[str, NewArticle]
    by_guid: dict[tuple[int | None, str], NewArticle]
    #: Stored articles read for this chunk, by id (shared with the two maps above).
    articles: dict[int, NewArticle]
    #: MinHash signatures of the entries that are not plain duplicates, by position.
    sigs: dict[int, Any] = field(default_factory=dict)
    #: Their best near-duplicate among articles indexed before this chunk: (key, score).
    matches: dict[int, tuple[Hashable, float]] = field(default_factory=dict)
    #: Stories of stored articles this chunk may update, by id.
    stories: dict[int, Story] = field(default_factory=dict)


class FreshStory(NamedTuple):
    """A story that got a fresh report (newsworthy), and the feed that brought it."""

    story: Story
    feed_id: int


@dataclass
class ChunkPlan:
    """Everything storing a chunk writes."""

    #: Stories created for new articles (inserted first: the articles need their ids).
    created: list[Story] = field(default_factory=list)
    #: Stored articles that got a new version, by id.
    updated: dict[int, NewArticle] = field(default_factory=dict)
    #: New articles per feed (``Feed.items``).
    items: dict[int, tuple[Feed, int]] = field(default_factory=dict)
    fresh: list[FreshStory] = field(default_factory=list)

    def count_item(self, feed: Feed) -> None:
        _, n = self.items.get(feed.id, (feed, 0))
        self.items[feed.id] = (feed, n + 1)
