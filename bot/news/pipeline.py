"""One poll: fetch -> parse -> topic filter -> dedup -> stories -> store.

Fetching and parsing run concurrently (bounded overall and per host; parsing in a worker
thread); storing runs feed by feed in one task, so dedup and story decisions see every
earlier decision and SQLite has one writer. A failing feed is recorded and the others go on.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.clock import Clock
from bot.errors import FeedError
from bot.news.dedup import NearDuplicates, append_signature
from bot.news.extract import fetch_full_texts
from bot.news.fetch import FetchLimits, HostSlots, fetch_feed
from bot.news.fingerprint import entry_fingerprint
from bot.news.parse import ParsedEntry, ParsedFeed
from bot.news.scope import subscription_scope
from bot.news.storeplan import ChunkPlan, FreshStory, Known, NewArticle
from bot.news.stories import HORIZON, Features, StoryIndex, get_features, is_update_title
from bot.news.workers import ParsePool, Parser
from bot.store.db import SessionFactory
from bot.store.models import Article, Feed, FeedOwner, Story, Subscription
from bot.text.topic import Topic
from config.settings import FeedSettings, Settings

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)

#: How early a scheduled poll may come and still find its feed due (scheduler jitter).
DUE_SLACK = timedelta(seconds=60)

#: Polls of at least this many feeds parse in worker processes (feedparser is pure Python,
#: so threads would share one core); smaller polls parse in a thread.
PARSE_POOL_MIN_FEEDS = 50
#: Entries stored per batch (one lookup of known articles, one bulk insert).
CHUNK = 500
#: Near-duplicates are looked for among articles published this many days around an entry.
DEDUP_DAYS = 7
MAX_BACKOFF = timedelta(hours=6)
#: A paused feed is still tried this often, so it recovers without an operator.
PAUSED_RETRY = timedelta(days=1)


@dataclass
class FeedOutcome:
    url: str
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    updated: int = 0
    off_topic: int = 0
    error: str | None = None
    not_modified: bool = False
    skipped: bool = False


@dataclass(frozen=True)
class IngestInputs:
    """What a poll reads and writes through, handed over by the app: the news layer does
    not know the app's ``Deps`` (which sits above it)."""

    settings: Settings
    sessions: SessionFactory
    http: aiohttp.ClientSession
    clock: Clock
    topic: Topic
    #: Session for user-added feeds and full texts: its resolver refuses private addresses.
    guarded_http: aiohttp.ClientSession | None = None
    #: Worker processes for big polls, kept by the app across polls (None: threads only).
    pool: ParsePool | None = None
    #: Stores the notices of feeds a poll paused, in the poll's own transaction, so a crash
    #: cannot keep the pause (and its "notified" mark) while losing the notice. The app
    #: supplies it (it enqueues them; the news layer does not send).
    on_paused: Callable[[AsyncSession, Sequence[PausedNotice], datetime],
                        Awaitable[None]] | None = None

    def on_topic(self, text: str) -> bool:
        """The article is about the followed topic."""
        return self.topic.matches(text)


@dataclass(frozen=True)
class PausedNotice:
    """A notice that a followed feed was paused, for one subscription: the app enqueues
    it (the news layer does not send)."""

    key: str
    platform: str
    channel_id: str
    text: str
    subscription_id: int


@dataclass
class IngestReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    #: Feeds paused by this poll, one notice per subscription that follows them.
    paused: list[PausedNotice] = field(default_factory=list)
    new_stories: set[int] = field(default_factory=set)
    #: Stories that received new or updated articles fit to post as news.
    newsworthy: set[int] = field(default_factory=set)
    #: The feeds whose articles made each newsworthy story news in this poll: a story is
    #: posted where one of them is followed (chat feeds belong to one scope).
    triggers: dict[int, set[int]] = field(default_factory=dict)

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

    @property
    def all_failed(self) -> bool:
        polled = [o for o in self.outcomes if not o.skipped]
        return bool(polled) and all(o.error for o in polled)

    def as_json(self) -> dict[str, object]:
        return {"feeds": len(self.outcomes), "fetched": self.fetched, "new": self.new,
                "duplicates": self.duplicates, "stories": len(self.new_stories),
                "errors": self.errors}


@dataclass(frozen=True)
class FeedJob:
    """One URL to poll, however many configurations or users asked for it."""

    spec: FeedSettings
    user_added: bool = False


@dataclass
class _Fetched:
    job: FeedJob
    parsed: ParsedFeed | FeedError | None
    meta: dict[str, str | None]
    retry_after: float | None = None


class WorkItem(NamedTuple):
    """One on-topic entry of a poll, with its feed and that feed's outcome."""

    feed: Feed
    outcome: FeedOutcome
    entry: ParsedEntry
    feed_title: str


def fetch_limits(deps: IngestInputs) -> FetchLimits:
    f = deps.settings.fetch
    return FetchLimits(f.timeout_seconds, f.max_bytes, f.max_redirects,
                       f"ceasefire-bot/0.1 (+{f.contact_url})", f.per_host)


async def ingest(deps: IngestInputs, feeds: Sequence[FeedSettings], *, force: bool = True,
                 include_user_feeds: bool = False,
                 on_progress: Callable[[FeedOutcome], None] | None = None) -> IngestReport:
    """Poll ``feeds`` once (plus the user-added feeds when asked).

    Args:
        force: poll every feed now; otherwise only feeds that are due (a paused feed is
            due once a day).
        on_progress: called once per feed as soon as it is fetched and parsed.
    """
    now = deps.clock.now()
    jobs = await _jobs(deps, feeds, include_user_feeds=include_user_feeds)
    async with deps.sessions() as session, session.begin():
        rows = {f.url: f for f in (await session.scalars(
            select(Feed).where(Feed.url.in_([j.spec.url for j in jobs])))).all()}
        for job in jobs:
            if job.spec.url not in rows:
                rows[job.spec.url] = await ensure_feed(session, job, now)
        state = {url: (f.etag, f.last_modified, f.paused, f.next_poll_at, f.id, f.seeded)
                 for url, f in rows.items()}
    report = IngestReport()
    due: list[FeedJob] = []
    for job in jobs:
        _etag, _modified, _paused, next_at, _id, _seeded = state[job.spec.url]
        # Paused feeds are due once a day (record_failure), so they recover on their own.
        # A scheduled poll a little early (its jitter) still counts as on time.
        if not force and next_at is not None and next_at > now + DUE_SLACK:
            report.outcomes.append(FeedOutcome(job.spec.url, skipped=True))
            continue
        due.append(job)

    limits = fetch_limits(deps)
    overall = asyncio.Semaphore(deps.settings.fetch.concurrency)
    slots = HostSlots(limits.per_host)

    async def one(job: FeedJob) -> _Fetched:
        async with overall:
            etag, modified, *_ = state[job.spec.url]
            return await _fetch_and_parse(deps, job, limits=limits, slots=slots,
                                          parser=parser, etag=etag, last_modified=modified)

    results: list[_Fetched] = []
    parser = Parser(deps.topic, pool=deps.pool if len(due) >= PARSE_POOL_MIN_FEEDS else None)
    pending = [asyncio.ensure_future(one(job)) for job in due]
    try:
        for next_done in asyncio.as_completed(pending):
            result = await next_done
            results.append(result)
            if on_progress is not None:
                on_progress(FeedOutcome(result.job.spec.url, error=str(result.parsed) if
                                        isinstance(result.parsed, FeedError) else None))
    finally:
        for task in pending:
            task.cancel()
    store = _Store(deps)
    report.outcomes.extend(await store.store_results(results, report))
    return report


async def _jobs(deps: IngestInputs, feeds: Sequence[FeedSettings], *,
                include_user_feeds: bool) -> list[FeedJob]:
    jobs: dict[str, FeedJob] = {}
    for spec in feeds:
        jobs.setdefault(spec.url, FeedJob(spec))
    if include_user_feeds:
        async with deps.sessions() as session:
            # A chat feed is polled while some server, workspace or DM user follows it.
            owned = select(FeedOwner.feed_id)
            for feed in (await session.scalars(select(Feed).where(
                    Feed.user_added, Feed.id.in_(owned)))).all():
                jobs.setdefault(feed.url, FeedJob(
                    FeedSettings(url=feed.url, name=feed.name, full_text=feed.full_text,
                                 interval_minutes=feed.interval_minutes,
                                 lang="ja" if feed.lang == "ja" else (
                                     "en" if feed.lang == "en" else None)),
                    user_added=True))
    return list(jobs.values())


async def _fetch_and_parse(deps: IngestInputs, job: FeedJob, *, limits: FetchLimits,
                           slots: HostSlots, parser: Parser, etag: str | None,
                           last_modified: str | None) -> _Fetched:
    guard = tuple(deps.settings.fetch.allow_hosts) if job.user_added else None
    http = deps.guarded_http if job.user_added else deps.http
    try:
        if http is None:
            raise FeedError(job.spec.url, "user-added feeds need the guarded HTTP session")
        fetched = await fetch_feed(http, job.spec.url, limits=limits, etag=etag,
                                   last_modified=last_modified, guard_hosts=guard, slots=slots)
        meta = {"etag": fetched.etag, "last_modified": fetched.last_modified}
        if fetched.not_modified:
            return _Fetched(job, None, meta)
        parsed = await parser.parse(fetched.body, url=job.spec.url,
                                    fetched_at=deps.clock.now(), default_lang=job.spec.lang,
                                    content_type=fetched.content_type)
        del fetched
        pages = deps.guarded_http
        if job.spec.full_text and pages is None:
            log.warning("full text of %s not fetched: no guarded HTTP session", job.spec.url)
        elif job.spec.full_text and pages is not None:
            # Entry links come from the feed's content: guarded, even for operator feeds.
            parsed = await fetch_full_texts(
                pages, parsed, limits=limits, slots=slots,
                guard_hosts=tuple(deps.settings.fetch.allow_hosts))
        return _Fetched(job, parsed, meta)
    except FeedError as exc:
        return _Fetched(job, exc, {}, exc.retry_after)


async def ensure_feed(session: AsyncSession, job: FeedJob, now: datetime) -> Feed:
    spec = job.spec
    feed = Feed(url=spec.url, name=spec.name, lang=spec.lang, full_text=spec.full_text,
                interval_minutes=spec.interval_minutes, created_at=now,
                user_added=job.user_added, consecutive_failures=0, items=0, seeded=False,
                paused=False, paused_notified=False)
    session.add(feed)
    await session.flush()
    return feed


def backoff_delay(failures: int, *, interval: timedelta, seed: str,
                  retry_after: float | None = None) -> timedelta:
    """Exponential backoff with jitter (deterministic per feed and failure count, so
    feeds that failed together do not retry together), never sooner than Retry-After."""
    base = min(interval * (2 ** max(failures - 1, 0)), MAX_BACKOFF)
    delay = base * random.Random(f"{seed}:{failures}").uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=min(retry_after, 86400.0)))
    return delay


def record_success(feed: Feed, meta: dict[str, str | None], now: datetime,
                   interval: timedelta) -> None:
    feed.last_polled_at = feed.last_success_at = now
    feed.consecutive_failures = 0
    feed.failing_since = None
    feed.paused = False
    feed.paused_notified = False
    feed.next_poll_at = now + interval
    if meta.get("etag") is not None or meta.get("last_modified") is not None:
        feed.etag, feed.last_modified = meta.get("etag"), meta.get("last_modified")


def record_failure(feed: Feed, error: str, now: datetime, *, interval: timedelta,
                   retry_after: float | None, pause_after: int) -> bool:
    """Record a failed poll. Returns True when this failure pauses the feed."""
    feed.last_polled_at = feed.last_error_at = now
    feed.last_error = error
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
    feed.failing_since = feed.failing_since or now
    feed.next_poll_at = now + backoff_delay(feed.consecutive_failures, interval=interval,
                                            seed=feed.url, retry_after=retry_after)
    if feed.paused:
        feed.next_poll_at = now + PAUSED_RETRY
        return False
    if feed.consecutive_failures >= pause_after:
        feed.paused = True
        feed.next_poll_at = now + PAUSED_RETRY
        return True
    return False


def pause_notice(feed: Feed, *, zone_name: str) -> str:
    since = feed.failing_since.strftime("%Y-%m-%d %H:%M UTC") if feed.failing_since else "?"
    return (f"⏸ The feed {feed.name or feed.url} is paused: it failed "
            f"{feed.consecutive_failures} times in a row since {since}. Last error: "
            f"{feed.last_error}. Check that {feed.url} still opens in a browser; if it moved, "
            "add the new address with `sources add URL`. It is retried on its own once a day, "
            "and `ceasefire-bot ingest --feed URL` tries it now.")


async def notify_paused(session: AsyncSession, feed: Feed,
                        now: datetime) -> list[PausedNotice]:
    """The notices for every channel that follows the feed, once per failure streak (a chat
    feed: only its owners' subscriptions); the app enqueues them."""
    if feed.paused_notified:
        return []
    subs = (await session.scalars(select(Subscription).where(Subscription.active))).all()
    if feed.user_added:
        scopes = set((await session.scalars(select(FeedOwner.scope).where(
            FeedOwner.feed_id == feed.id))).all())
        subs = [sub for sub in subs if subscription_scope(sub) in scopes]
    text = pause_notice(feed, zone_name="UTC")
    stamp = feed.failing_since.isoformat() if feed.failing_since else now.isoformat()
    feed.paused_notified = True
    return [PausedNotice(key=f"feed-paused:{feed.id}:{stamp}:{sub.id}", platform=sub.platform,
                         channel_id=sub.channel_id, text=text, subscription_id=sub.id)
            for sub in subs]


class _Store:
    """The sequential half of a poll: dedup and story state shared across feeds."""

    def __init__(self, deps: IngestInputs) -> None:
        self.deps = deps
        self.near = NearDuplicates()
        self.stories = StoryIndex()
        self.signature_days: set[date] = set()
        self.pending: dict[int, NewArticle] = {}
        self.resolved: dict[int, int] = {}
        #: Story rows of the poll's session by their key in the story index: the id of a
        #: story loaded from the database, a negative token for one created in this poll
        #: (stories are inserted per chunk, not one by one, so they have no id at first).
        self.story_rows: dict[int, Story] = {}
        #: Index key of each story created in this poll, by id once it has one.
        self.story_keys: dict[int, int] = {}
        #: This chunk's new articles (added to the session at the chunk's end, once their
        #: stories have ids) with the index key of their story.
        self.new_articles: dict[int, tuple[NewArticle, int]] = {}
        self.loaded_span: tuple[datetime, datetime] | None = None

    async def load_signatures(self, session: AsyncSession, when: datetime) -> None:
        """Index the signatures of articles published near ``when`` (copies of a report
        appear within days of it), loading each day once per poll, and only when an
        entry is not already known by guid or URL (most entries of most polls are)."""
        day = when.date()
        days = [day + timedelta(days=d) for d in range(-DEDUP_DAYS, DEDUP_DAYS + 1)]
        missing = [d for d in days if d not in self.signature_days]
        if not missing:
            return
        self.signature_days.update(missing)
        lo = datetime.combine(min(missing), time.min, tzinfo=UTC)
        hi = datetime.combine(max(missing), time.max, tzinfo=UTC)
        rows = (await session.execute(select(Article.id, Article.published_at,
                                             Article.minhash).where(
            Article.minhash.is_not(None), Article.published_at >= lo,
            Article.published_at <= hi))).tuples().all()
        self.near.add_many((i, m) for i, published, m in rows
                           if m is not None and published.date() in missing)

    async def store_results(self, results: list[_Fetched],
                            report: IngestReport) -> list[FeedOutcome]:
        """Record every feed's outcome, then store all new entries of the poll oldest
        first, so that story grouping does not depend on which feed answered first.

        Consumes ``results``: entries are released chunk by chunk as they are stored, so
        a big poll does not hold every parsed entry and the stored rows at once."""
        deps, now = self.deps, self.deps.clock.now()
        outcomes: list[FeedOutcome] = []
        async with deps.sessions() as session, session.begin():
            feeds = {f.url: f for f in (await session.scalars(select(Feed).where(
                Feed.url.in_([r.job.spec.url for r in results])))).all()}
            work: list[WorkItem] = []
            backlog: dict[int, bool] = {}
            for result in results:
                job = result.job
                feed = feeds[job.spec.url]
                outcome = FeedOutcome(job.spec.url)
                outcomes.append(outcome)
                interval = timedelta(minutes=job.spec.interval_minutes
                                     or deps.settings.news.poll_interval_minutes)
                if isinstance(result.parsed, FeedError):
                    outcome.error = str(result.parsed)
                    paused = record_failure(
                        feed, outcome.error, now, interval=interval,
                        retry_after=result.retry_after,
                        pause_after=deps.settings.fetch.failures_before_pause)
                    if paused:
                        notices = await notify_paused(session, feed, now)
                        report.paused.extend(notices)
                        if notices and deps.on_paused is not None:
                            await deps.on_paused(session, notices, now)
                    log.warning("feed %s failed: %s", job.spec.url, outcome.error)
                    continue
                record_success(feed, result.meta, now, interval)
                if result.parsed is None:
                    outcome.not_modified = True
                    continue
                backlog[feed.id] = not feed.seeded
                feed.seeded = True
                feed.name = feed.name or result.parsed.title
                for entry in result.parsed.entries:
                    outcome.fetched += 1
                    # Entries the parse workers fingerprinted were found on topic there.
                    if entry.fingerprint is None and not deps.on_topic(
                            f"{entry.title}\n{entry.text}"):
                        outcome.off_topic += 1
                        continue
                    work.append(WorkItem(feed, outcome, entry, result.parsed.title))
            results.clear()
            work.sort(key=lambda w: w.entry.published)
            work.reverse()  # oldest last: chunks are popped off the end
            while work:
                chunk = [work.pop() for _ in range(min(CHUNK, len(work)))]
                await self.store_entries(session, chunk, backlog, report)
        return outcomes

    async def store_entries(self, session: AsyncSession, work: list[WorkItem],
                            backlog: dict[int, bool], report: IngestReport) -> None:
        """Store one chunk: read what it needs (in the poll's session), decide every insert
        and update without I/O (``_plan``), then write them (``_apply``)."""
        now = self.deps.clock.now()
        known = await self._load(session, work)
        plan = self._plan(work, known, backlog, now,
                          max_age=timedelta(days=self.deps.settings.news.max_age_days))
        await self._apply(session, plan, report)

    async def _load(self, session: AsyncSession, work: list[WorkItem]) -> Known:
        """The stored articles the chunk's entries may be (by URL, guid or near-duplicate
        signature), the signatures and stories around them, and the stories of articles
        that may get a new version."""
        entries = [w.entry for w in work]
        prints = [entry_fingerprint(e) for e in entries]
        # guid only within its feeds: the (feed_id, guid) index, not a scan of the table.
        stored = await _articles(session, or_(
            Article.url.in_({p.url for p in prints}),
            and_(Article.feed_id.in_({w.feed.id for w in work}),
                 Article.guid.in_({e.guid for e in entries}))))
        known = Known(prints, {a.url: a for a in stored},
                      {(a.feed_id, a.guid): a for a in stored},
                      {int(a.id): a for a in stored if a.id is not None})
        unknown = False
        updatable: set[int] = set()
        for i, (item, fingerprint) in enumerate(zip(work, prints, strict=True)):
            existing = (known.by_guid.get((item.feed.id, item.entry.guid))
                        or known.by_url.get(fingerprint.url))
            if existing is not None and not is_newer_version(existing, item.entry):
                continue  # the common case in a poll
            sig = known.sigs[i] = fingerprint.values()
            if existing is not None and existing.id is not None:
                updatable.add(existing.id)
            if existing is None:
                unknown = True
                await self.load_signatures(session, item.entry.published)
                match = self.near.get_match(sig)
                if match is not None:
                    known.matches[i] = match
        for key, _ in known.matches.values():
            if (article_id := self._stored_id(key)) is not None:
                updatable.add(article_id)
        missing = [i for i in updatable if i not in known.articles]
        if missing:
            known.articles.update((int(a.id), a) for a in await _articles(
                session, Article.id.in_(missing)) if a.id is not None)
        story_ids = {a.story_id for i in updatable if (a := known.articles.get(i)) is not None
                     and a.story_id is not None}
        story_ids -= set(self.story_rows) | set(self.story_keys)
        if story_ids:
            known.stories = {s.id: s for s in (await session.scalars(
                select(Story).where(Story.id.in_(story_ids)))).all()}
        if unknown:
            await self._load_stories(session, entries)
        return known

    def _plan(self, work: list[WorkItem], known: Known, backlog: dict[int, bool],
              now: datetime, *, max_age: timedelta) -> ChunkPlan:
        """Decide what the chunk stores: no I/O, but the poll's dedup and story indexes
        learn each entry as it is decided (later entries are compared with it)."""
        plan = ChunkPlan()
        chunk = NearDuplicates()  # this chunk's signatures: matches among its own entries
        for i, (feed, outcome, entry, feed_title) in enumerate(work):
            fingerprint = known.prints[i]
            url, title, outlet = fingerprint.url, fingerprint.title, fingerprint.outlet
            existing = known.by_guid.get((feed.id, entry.guid)) or known.by_url.get(url)
            sig = known.sigs.get(i)
            # No signature: an unchanged copy when the chunk was read. An earlier entry of the
            # chunk may have updated its article since (two versions listed at one time), but
            # the copy, still listed, must not win back.
            if sig is None or (existing is not None and not is_newer_version(existing, entry)):
                outcome.duplicates += 1
                continue
            if existing is None:
                match = _best(known.matches.get(i), chunk.get_match(sig))
                if match is not None:
                    existing = self._article(known, match[0])
            fresh = not backlog[feed.id] and now - entry.published <= max_age
            if existing is not None:
                outcome.duplicates += 1
                if existing.feed_id == feed.id and is_newer_version(existing, entry):
                    outcome.updated += 1
                    apply_update(existing, entry, title, now)
                    existing.minhash = append_signature(existing.minhash,
                                                        self.near.to_bytes(sig))
                    key = self._key(existing)
                    self.near.add(key, sig)
                    chunk.add(key, sig)
                    if existing.id is not None:
                        plan.updated[existing.id] = existing
                    story = self._bump(existing, entry, known, fresh=fresh)
                    if story is not None and fresh:
                        plan.fresh.append(FreshStory(story, feed.id))
                continue
            # New articles are inserted per chunk: the index keys them by object until then.
            article = NewArticle(
                feed_id=feed.id, guid=entry.guid, url=url, title=title, text=entry.text,
                source=outlet or feed.name or feed_title, lang=entry.lang,
                published_at=entry.published, date_estimated=entry.date_estimated,
                fetched_at=now, changed_at=now, minhash=self.near.to_bytes(sig))
            known.by_url[url] = known.by_guid[(feed.id, entry.guid)] = article
            key = self._key(article)
            self.near.add(key, sig)
            chunk.add(key, sig)
            story, is_new = self._assign(article, title, Features.from_keys(
                fingerprint.features))
            outcome.new += 1
            plan.count_item(feed)
            if is_new:
                plan.created.append(story)
            if fresh:
                story.newsworthy = True
                plan.fresh.append(FreshStory(story, feed.id))
        return plan

    async def _apply(self, session: AsyncSession, plan: ChunkPlan,
                     report: IngestReport) -> None:
        """Write a chunk's plan: the new stories first (their ids), then the new articles
        in one executemany (an ORM flush of each object costs several times more), then
        the new versions of stored articles in another."""
        for feed, n in plan.items.values():
            feed.items = (feed.items or 0) + n
        session.add_all(plan.created)
        await session.flush()
        for story_key, story in self.story_rows.items():
            if story_key < 0:
                self.story_keys.setdefault(story.id, story_key)
        new = list(self.new_articles.values())
        self.new_articles.clear()
        if new:
            for article, story_key in new:
                article.story_id = self.story_rows[story_key].id
            # Plain executemany, then the ids by URL (unique): RETURNING in parameter order
            # makes SQLite insert row by row.
            await session.execute(insert(Article),
                                  [article_row(article) for article, _key in new])
            ids = dict((await session.execute(select(Article.url, Article.id).where(
                Article.url.in_([article.url for article, _key in new])))).tuples().all())
            for article, _key in new:
                article.id = ids[article.url]
        if plan.updated:
            await session.execute(NEW_VERSION, [
                {"b_id": a.id, **{f"b_{c}": getattr(a, c) for c in VERSION_COLUMNS}}
                for a in plan.updated.values()])
        # Release this chunk's rows: the index keeps ids, not objects (bounded memory).
        for token, pending in self.pending.items():
            assert pending.id is not None
            self.resolved[token] = pending.id
        self.pending.clear()
        report.new_stories.update(s.id for s in plan.created)
        for story, feed_id in plan.fresh:
            report.newsworthy.add(story.id)
            report.triggers.setdefault(story.id, set()).add(feed_id)

    def _stored_id(self, key: object) -> int | None:
        """The id of the stored article a dedup key stands for (None: one of this
        chunk's new articles)."""
        assert isinstance(key, int)
        if key >= 0:
            return key
        return self.resolved.get(key)

    def _article(self, known: Known, key: object) -> NewArticle | None:
        assert isinstance(key, int)
        if key < 0 and key in self.pending:
            return self.pending[key]
        stored = self._stored_id(key)
        return known.articles.get(stored) if stored is not None else None

    def _key(self, article: NewArticle) -> int:
        """The dedup index key of an article: its id, or a negative token until it has one
        (articles are inserted per chunk, not one by one)."""
        if article.id is not None:
            return int(article.id)
        token = -(len(self.pending) + len(self.resolved) + 1)
        self.pending[token] = article
        return token

    async def _load_stories(self, session: AsyncSession, entries: list[ParsedEntry]) -> None:
        lo = min(e.published for e in entries) - HORIZON
        hi = max(e.published for e in entries) + HORIZON
        if self.loaded_span and self.loaded_span[0] <= lo and hi <= self.loaded_span[1]:
            return
        rows = (await session.scalars(select(Story).where(
            Story.latest_at >= lo, Story.first_at <= hi))).all()
        missing = [s for s in rows if s.id not in self.stories and s.id not in self.story_keys
                   and s.id is not None]
        if missing:
            articles = (await session.execute(
                select(Article.story_id, Article.title, Article.text, Article.published_at,
                       Article.lang)
                .where(Article.story_id.in_([s.id for s in missing]))
                .order_by(Article.published_at))).tuples().all()
            for story in missing:
                self.story_rows[story.id] = story
                self.stories.create(story.id, story.first_at)
            for story_id, title, text, when, lang in articles:
                if story_id is not None:
                    self.stories.add(story_id, get_features(f"{title}\n{text}", when),
                                     when, lang)
        span = self.loaded_span
        self.loaded_span = (min(lo, span[0]), max(hi, span[1])) if span else (lo, hi)

    def _assign(self, article: NewArticle, title: str,
                features: Features) -> tuple[Story, bool]:
        when = article.published_at
        state = self.stories.find(features, when, update=is_update_title(title),
                                  lang=article.lang)
        if state is None:
            story = Story(headline=title, first_at=when, latest_at=when, revision=1,
                          newsworthy=False, created_at=article.fetched_at)
            key = -(len(self.story_rows) + 1)
            self.story_rows[key] = story
            self.stories.create(key, when)
            self.stories.add(key, features, when, article.lang)
            self.new_articles[id(article)] = (article, key)
            return story, True
        key = int(state.key)  # type: ignore[call-overload]
        story = self.story_rows[key]
        adds_facts = self.stories.add(key, features, when, article.lang)
        self.new_articles[id(article)] = (article, key)
        if when >= story.latest_at and adds_facts:
            story.revision = (story.revision or 1) + 1
        story.first_at = min(story.first_at, when)
        story.latest_at = max(story.latest_at, when)
        return story, False

    def _bump(self, article: NewArticle, entry: ParsedEntry, known: Known, *,
              fresh: bool) -> Story | None:
        """An article of the story was updated: a new revision of the story."""
        pending = self.new_articles.get(id(article))
        if pending is not None:
            story: Story | None = self.story_rows[pending[1]]
        elif article.story_id is None:
            return None
        else:
            story = self.story_rows.get(self.story_keys.get(
                article.story_id, article.story_id)) or known.stories.get(article.story_id)
        if story is None:
            return None
        story.revision = (story.revision or 1) + 1
        story.latest_at = max(story.latest_at, entry.published)
        if fresh:
            story.newsworthy = True
        return story


_ARTICLE_COLUMNS = tuple(c.key for c in Article.__table__.columns if c.key != "id")


def article_row(article: NewArticle) -> dict[str, object]:
    return {key: getattr(article, key) for key in _ARTICLE_COLUMNS}


#: What a new version of a stored article changes (``apply_update``, its signature).
VERSION_COLUMNS = ("previous_text", "text", "title", "update_count", "updated_at",
                   "changed_at", "minhash")
ARTICLES: Table = Article.__table__  # type: ignore[assignment]
NEW_VERSION = (update(ARTICLES).where(ARTICLES.c.id == bindparam("b_id"))
               .values({c: bindparam(f"b_{c}") for c in VERSION_COLUMNS}))


async def _articles(session: AsyncSession, where: ColumnElement[bool]) -> list[NewArticle]:
    """Stored articles as plain rows (no ORM objects to track or release)."""
    rows = await session.execute(select(*ARTICLES.columns).where(where))
    return [NewArticle(**row._mapping) for row in rows]


def _best(stored: tuple[Hashable, float] | None,
          chunk: tuple[Hashable, float] | None) -> tuple[Hashable, float] | None:
    """The better of two near-duplicate matches; on a tie the one indexed first (the
    stored article), as one index holding both would answer."""
    if stored is None or (chunk is not None and chunk[1] > stored[1]):
        return chunk
    return stored


def is_newer_version(existing: NewArticle, entry: ParsedEntry) -> bool:
    """Another version of a stored report from the same feed: different text, and not
    older than the version we have (so the original, still listed, never wins back)."""
    if not entry.text or entry.text in (existing.text, existing.previous_text):
        return False
    return entry.published >= (existing.updated_at or existing.published_at)


def apply_update(article: NewArticle, entry: ParsedEntry, title: str,
                 now: datetime) -> None:
    """Replace the article's text with ``entry``'s. ``updated_at`` is the revision's news
    time (its feed's date); ``changed_at`` is when it was stored (``now``), which the answer
    index's watermark follows: a revision dated before one already indexed still arrives
    after it."""
    article.previous_text = article.text
    article.text = entry.text
    article.title = title
    article.update_count = (article.update_count or 0) + 1
    article.updated_at = entry.published if not entry.date_estimated else now
    article.changed_at = now
