"""One poll: fetch -> parse -> topic filter -> dedup -> stories -> store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.errors import FeedError
from bot.news.fetch import FetchLimits, fetch_feed
from bot.news.normalize import canonical_url
from bot.news.parse import ParsedEntry, ParsedFeed, parse_feed
from bot.news.stories import assign_story
from bot.store.models import Article, Feed, Story
from config.settings import FeedSettings

log = logging.getLogger(__name__)


@dataclass
class FeedOutcome:
    url: str
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    off_topic: int = 0
    error: str | None = None
    not_modified: bool = False


@dataclass
class IngestReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    new_stories: set[int] = field(default_factory=set)
    #: Stories that received new or updated articles fit to post as news.
    newsworthy: set[int] = field(default_factory=set)

    @property
    def fetched(self) -> int:
        return sum(o.fetched for o in self.outcomes)

    @property
    def new(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def duplicates(self) -> int:
        return sum(o.duplicates for o in self.outcomes)

    @property
    def errors(self) -> list[dict[str, str]]:
        return [{"feed": o.url, "error": o.error} for o in self.outcomes if o.error]

    def as_json(self) -> dict[str, object]:
        return {"feeds": len(self.outcomes), "fetched": self.fetched, "new": self.new,
                "duplicates": self.duplicates, "stories": len(self.new_stories),
                "errors": self.errors}


def fetch_limits(deps: Deps) -> FetchLimits:
    f = deps.settings.fetch
    return FetchLimits(f.timeout_seconds, f.max_bytes, f.max_redirects,
                       f"ceasefire-bot/0.1 (+{f.contact_url})")


async def ingest(deps: Deps, feeds: Sequence[FeedSettings]) -> IngestReport:
    """Poll ``feeds`` once; a failing feed is reported and the others go on."""
    report = IngestReport()
    limit = asyncio.Semaphore(deps.settings.fetch.concurrency)

    async def one(spec: FeedSettings) -> tuple[FeedSettings, ParsedFeed | FeedError | None,
                                               dict[str, str | None]]:
        async with limit:
            return await _fetch_and_parse(deps, spec)

    results = await asyncio.gather(*(one(spec) for spec in feeds))
    # Store sequentially: one writer keeps SQLite happy and dedup decisions consistent.
    for spec, parsed, meta in results:
        outcome = FeedOutcome(spec.url)
        report.outcomes.append(outcome)
        async with deps.sessions() as session, session.begin():
            feed = await ensure_feed(session, spec, deps.clock.now())
            if isinstance(parsed, FeedError):
                outcome.error = str(parsed)
                record_failure(feed, str(parsed), deps.clock.now())
                log.warning("feed %s failed: %s", spec.url, parsed)
                continue
            if parsed is None:
                outcome.not_modified = True
                record_success(feed, meta, deps.clock.now())
                continue
            await store_entries(deps, session, feed, parsed, outcome, report)
            record_success(feed, meta, deps.clock.now())
    return report


async def _fetch_and_parse(
    deps: Deps, spec: FeedSettings
) -> tuple[FeedSettings, ParsedFeed | FeedError | None, dict[str, str | None]]:
    async with deps.sessions() as session:
        feed = await session.scalar(select(Feed).where(Feed.url == spec.url))
        etag, modified = (feed.etag, feed.last_modified) if feed else (None, None)
    try:
        fetched = await fetch_feed(deps.http, spec.url, limits=fetch_limits(deps),
                                   etag=etag, last_modified=modified)
        meta = {"etag": fetched.etag, "last_modified": fetched.last_modified}
        if fetched.not_modified:
            return spec, None, meta
        parsed = await asyncio.to_thread(parse_feed, fetched.body, url=spec.url,
                                         fetched_at=deps.clock.now(), default_lang=spec.lang)
        return spec, parsed, meta
    except FeedError as exc:
        return spec, exc, {}


async def ensure_feed(session: AsyncSession, spec: FeedSettings, now: datetime) -> Feed:
    feed = await session.scalar(select(Feed).where(Feed.url == spec.url))
    if feed is None:
        feed = Feed(url=spec.url, name=spec.name, lang=spec.lang, full_text=spec.full_text,
                    interval_minutes=spec.interval_minutes, created_at=now)
        session.add(feed)
        await session.flush()
    return feed


def record_success(feed: Feed, meta: dict[str, str | None], now: datetime) -> None:
    feed.last_polled_at = feed.last_success_at = now
    feed.consecutive_failures = 0
    feed.failing_since = None
    if meta.get("etag") is not None or meta.get("last_modified") is not None:
        feed.etag, feed.last_modified = meta.get("etag"), meta.get("last_modified")


def record_failure(feed: Feed, error: str, now: datetime) -> None:
    feed.last_polled_at = feed.last_error_at = now
    feed.last_error = error
    feed.consecutive_failures += 1
    feed.failing_since = feed.failing_since or now


async def store_entries(deps: Deps, session: AsyncSession, feed: Feed, parsed: ParsedFeed,
                        outcome: FeedOutcome, report: IngestReport) -> None:
    now = deps.clock.now()
    backlog = not feed.seeded
    if not feed.name:
        feed.name = parsed.title
    max_age = timedelta(days=deps.settings.news.max_age_days)
    for entry in parsed.entries:
        outcome.fetched += 1
        if not deps.on_topic(f"{entry.title}\n{entry.text}"):
            outcome.off_topic += 1
            continue
        url = canonical_url(entry.url)
        existing = await session.scalar(select(Article).where(
            or_(Article.url == url, (Article.feed_id == feed.id) & (Article.guid == entry.guid))))
        if existing is not None:
            outcome.duplicates += 1
            if _is_update(existing, entry):
                _apply_update(existing, entry, now)
                if existing.story_id:
                    await _bump_story(session, existing.story_id, now)
            continue
        article = Article(
            feed_id=feed.id, guid=entry.guid, url=url, title=entry.title, text=entry.text,
            source=feed.name or parsed.title, lang=entry.lang, published_at=entry.published,
            date_estimated=entry.date_estimated, fetched_at=now,
        )
        session.add(article)
        await session.flush()
        story, created = await assign_story(session, article)
        outcome.new += 1
        feed.items += 1
        if created:
            report.new_stories.add(story.id)
        if not backlog and now - entry.published <= max_age:
            story.newsworthy = True
            report.newsworthy.add(story.id)
    feed.seeded = True


def _is_update(existing: Article, entry: ParsedEntry) -> bool:
    return bool(entry.text) and entry.text != existing.text and (
        existing.updated_at is None or entry.published >= existing.published_at)


def _apply_update(article: Article, entry: ParsedEntry, now: datetime) -> None:
    article.previous_text = article.text
    article.text = entry.text
    article.title = entry.title
    article.update_count += 1
    article.updated_at = now


async def _bump_story(session: AsyncSession, story_id: int, now: datetime) -> None:
    story = await session.get(Story, story_id)
    if story is not None:
        story.revision += 1
