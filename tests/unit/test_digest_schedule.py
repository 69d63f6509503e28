"""Daily digests and scheduler jobs with controlled time: the triggers' own
get_next_fire_time and the engine functions, never real waiting."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.brief.cache import BriefingCache
from bot.delivery.digest import (
    TITLES,
    digest_trigger,
    get_last_fire_time,
    run_digest,
    run_due_digests,
)
from bot.model import Briefing, DigestPost, Lang, UpdatePost, load_part
from bot.schedule import add_poll_jobs, build_scheduler, sync_digest_jobs
from bot.store.db import SessionFactory, open_store
from bot.store.models import Article, Delivery, JobRun, Story, Subscription
from config.settings import FeedSettings
from tests.storefix import fresh_copy

GRACE = timedelta(hours=6)
NY = "America/New_York"


@pytest.fixture
async def sessions(tmp_path: Path, migrated_store: Path) -> AsyncIterator[SessionFactory]:
    async with open_store(fresh_copy(migrated_store, tmp_path / "digest.db")) as (_engine, factory):
        yield factory


def subscription(*, zone: str = NY, at: str = "08:00", **extra: object) -> Subscription:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    fields: dict[str, object] = {"channel_id": "C1", "lang": "en", **extra}
    return Subscription(platform="loopback", realtime=False, daily_at=at, timezone=zone,
                        since=since, created_at=since, **fields)


async def add_story(session: AsyncSession, when: datetime, title: str) -> Story:
    story = Story(headline=title, first_at=when, latest_at=when, newsworthy=True,
                  created_at=when)
    session.add(story)
    await session.flush()
    session.add(Article(guid=title, url=f"https://example.test/{story.id}", title=title,
                        text=f"{title}. Ukraine and Russia discussed a ceasefire. "
                             "Negotiators will meet again next week.",
                        source="Wire", lang="en", published_at=when, fetched_at=when,
                        story_id=story.id))
    await session.flush()
    return story


async def rows(session: AsyncSession) -> list[Delivery]:
    return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


def local_hours(fires: list[datetime], zone: str) -> list[str]:
    from zoneinfo import ZoneInfo

    return [f.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M %Z") for f in fires]


def fires_from(sub: Subscription, start: datetime, count: int) -> list[datetime]:
    trigger = digest_trigger(sub)
    out: list[datetime] = []
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and len(out) < count:
        out.append(fire)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return out


def test_digest_keeps_local_time_across_spring_forward() -> None:
    fires = fires_from(subscription(), datetime(2026, 3, 7, 0, 0, tzinfo=UTC), 3)
    assert local_hours(fires, NY) == ["03-07 08:00 EST", "03-08 08:00 EDT", "03-09 08:00 EDT"]
    assert [f.astimezone(UTC).hour for f in fires] == [13, 12, 12]
    assert fires[1].astimezone(UTC) - fires[0].astimezone(UTC) == timedelta(hours=23)


def test_digest_keeps_local_time_across_fall_back() -> None:
    fires = fires_from(subscription(), datetime(2026, 10, 31, 0, 0, tzinfo=UTC), 3)
    assert local_hours(fires, NY) == ["10-31 08:00 EDT", "11-01 08:00 EST", "11-02 08:00 EST"]
    assert fires[1].astimezone(UTC) - fires[0].astimezone(UTC) == timedelta(hours=25)


def test_digest_trigger_uses_day_names_every_day() -> None:
    trigger = digest_trigger(subscription(zone="Asia/Tokyo", at="21:30"))
    assert "day_of_week='mon,tue,wed,thu,fri,sat,sun'" in str(trigger)
    fires = fires_from(subscription(zone="Asia/Tokyo", at="21:30"),
                       datetime(2026, 6, 1, tzinfo=UTC), 7)  # Mon..Sun, none skipped
    assert len({f.date() for f in fires}) == 7


def test_last_fire_time_is_the_latest_not_after_now() -> None:
    trigger = digest_trigger(subscription())
    now = datetime(2026, 3, 8, 12, 30, tzinfo=UTC)  # 08:30 EDT on the change day
    assert get_last_fire_time(trigger, now) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    assert get_last_fire_time(trigger, now - timedelta(hours=1)) == datetime(
        2026, 3, 7, 13, 0, tzinfo=UTC)


async def test_digest_across_dst_posts_the_days_stories_once(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        sub = subscription()
        session.add(sub)
        # Between Saturday's 08:00 EST digest and Sunday's 08:00 EDT one (23 h apart).
        await add_story(session, datetime(2026, 3, 7, 20, 0, tzinfo=UTC), "Envoys meet")
        await add_story(session, datetime(2026, 3, 8, 9, 0, tzinfo=UTC), "Truce extended")
        # Before the previous digest: not in this one.
        await add_story(session, datetime(2026, 3, 7, 10, 0, tzinfo=UTC), "Old news")
    fire = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 08:00 EDT
    async with sessions() as session, session.begin():
        added = await run_due_digests(session, now=fire + timedelta(seconds=30), grace=GRACE)
    assert added == 3
    async with sessions() as session:
        sent = await rows(session)
        post = load_part(sent[0].payload)
        assert isinstance(post, DigestPost)
        assert post.headlines == ("Envoys meet", "Truce extended")
        assert sent[0].key.endswith("digest:2026-03-08:p0") and sent[0].parent_key is None
        replies = [load_part(r.payload) for r in sent[1:]]
        assert all(isinstance(r, UpdatePost) for r in replies)
        assert {r.parent_key for r in sent[1:]} == {sent[0].key}
        assert await session.get(JobRun, f"digest:{sent[0].subscription_id}:2026-03-08")
    for later in (timedelta(minutes=5), timedelta(hours=1)):  # rerun, restart: never twice
        async with sessions() as session, session.begin():
            assert await run_due_digests(session, now=fire + later, grace=GRACE) == 0
    async with sessions() as session:
        assert len(await rows(session)) == 3


async def test_nothing_new_posts_nothing(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        session.add(subscription())
    async with sessions() as session, session.begin():
        added = await run_due_digests(
            session, now=datetime(2026, 3, 9, 12, 1, tzinfo=UTC), grace=GRACE)
    assert added == 0
    async with sessions() as session:
        assert await rows(session) == []
        assert await session.scalar(select(func.count()).select_from(JobRun)) == 1


@pytest.mark.parametrize(("late", "posted"), [(timedelta(hours=5), True),
                                              (timedelta(hours=7), False)])
async def test_digest_missed_while_down_is_posted_within_grace(
        sessions: SessionFactory, late: timedelta, posted: bool) -> None:
    async with sessions() as session, session.begin():
        session.add(subscription(zone="Asia/Tokyo"))
        await add_story(session, datetime(2026, 5, 1, 20, 0, tzinfo=UTC), "Talks resume")
    fire = datetime(2026, 5, 1, 23, 0, tzinfo=UTC)  # 08:00 JST on 2 May
    async with sessions() as session, session.begin():
        added = await run_due_digests(session, now=fire + late, grace=GRACE)
    assert bool(added) is posted


async def test_keywords_and_paused_subscriptions_are_respected(
        sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        session.add(subscription(keywords="prisoner"))
        session.add(Subscription(platform="loopback", channel_id="C2", realtime=False,
                                 daily_at="08:00", lang="en", timezone=NY, active=False,
                                 since=datetime(2026, 1, 1, tzinfo=UTC),
                                 created_at=datetime(2026, 1, 1, tzinfo=UTC)))
        await add_story(session, datetime(2026, 4, 1, 20, 0, tzinfo=UTC), "Envoys meet")
    async with sessions() as session, session.begin():
        added = await run_due_digests(
            session, now=datetime(2026, 4, 2, 12, 5, tzinfo=UTC), grace=GRACE)
    assert added == 0


def test_poll_jobs_one_per_feed_with_its_interval() -> None:
    scheduler = build_scheduler(timezone="UTC")

    async def poll(feed: FeedSettings) -> None:
        return None

    add_poll_jobs(scheduler, [FeedSettings(url="a.xml"),
                              FeedSettings(url="b.xml", interval_minutes=5)],
                  poll=poll, default_minutes=15)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert set(jobs) == {"poll:a.xml", "poll:b.xml"}
    assert jobs["poll:a.xml"].trigger.interval == timedelta(minutes=15)
    assert jobs["poll:b.xml"].trigger.interval == timedelta(minutes=5)
    for job in jobs.values():
        assert job.max_instances == 1 and job.coalesce
        assert job.misfire_grace_time > 1  # not APScheduler's 1 s default
        assert job.trigger.jitter


def test_digest_jobs_follow_subscriptions() -> None:
    scheduler = build_scheduler(timezone="UTC")

    async def run(sub_id: int) -> None:
        return None

    sub = subscription()
    sub.id = 7
    sync_digest_jobs(scheduler, {7: digest_trigger(sub)}, run=run, grace_seconds=6 * 3600)
    (job,) = scheduler.get_jobs()
    assert job.id == "digest:7" and job.misfire_grace_time == 6 * 3600
    sub.daily_at = "09:15"
    sync_digest_jobs(scheduler, {7: digest_trigger(sub)}, run=run, grace_seconds=6 * 3600)
    (job,) = scheduler.get_jobs()
    assert "hour='9'" in str(job.trigger) and "minute='15'" in str(job.trigger)
    sync_digest_jobs(scheduler, {}, run=run, grace_seconds=1)
    assert scheduler.get_jobs() == []


@pytest.mark.parametrize("saturday", [datetime(2026, 3, 7), datetime(2027, 3, 13)])
@pytest.mark.parametrize("late", [timedelta(seconds=30), timedelta(hours=5)])
async def test_evening_digests_on_consecutive_days_are_keyed_by_local_date(
        sessions: SessionFactory, saturday: datetime, late: timedelta) -> None:
    """New York at 19:30 is past midnight UTC in winter and before it in summer: across the
    spring change, Saturday's (EST) and Sunday's (EDT) digests fall on one UTC date. Each
    is keyed by its own local date, so Sunday's is posted too."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(NY)
    sat = saturday.replace(hour=19, minute=30, tzinfo=zone)
    sun = (saturday + timedelta(days=1)).replace(hour=19, minute=30, tzinfo=zone)
    assert sat.astimezone(UTC).date() == sun.astimezone(UTC).date()
    async with sessions() as session, session.begin():
        session.add(subscription(at="19:30"))
        await add_story(session, sat - timedelta(hours=2), "Envoys meet")
    for fire in (sat, sun):
        if fire is sun:
            async with sessions() as session, session.begin():
                await add_story(session, sun - timedelta(hours=2), "Truce extended")
        async with sessions() as session, session.begin():
            assert await run_due_digests(session, now=fire + late, grace=GRACE) > 0
    async with sessions() as session:
        roots = [r.key for r in await rows(session) if r.parent_key is None]
    days = [sat.date().isoformat(), sun.date().isoformat()]
    assert [k.split(":")[3] for k in roots] == days


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("late", [timedelta(0), GRACE])
async def test_digest_rows_are_keyed_ordered_and_in_the_subscriptions_language(
        sessions: SessionFactory, lang: str, late: timedelta) -> None:
    """On time or at the very end of the grace period; a story at the digest's minute is in
    it, one exactly a day before is yesterday's; stories come oldest first."""
    fire = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 08:00 EDT
    async with sessions() as session, session.begin():
        sub = subscription(lang=lang)
        session.add(sub)
        await add_story(session, fire, "Truce extended")
        await add_story(session, fire - timedelta(hours=10), "Envoys meet")
        await add_story(session, fire - timedelta(days=1), "Yesterday's news")
    async with sessions() as session, session.begin():
        assert await run_due_digests(session, now=fire + late, grace=GRACE) == 3
    async with sessions() as session:
        sent = await rows(session)
        stored = await session.get(Subscription, sent[0].subscription_id)
        assert stored is not None and stored.last_digest_on == "2026-03-08"
    prefix = f"sub:{stored.id}:digest:2026-03-08"
    assert [r.key for r in sent] == [f"{prefix}:p0", f"{prefix}:p1", f"{prefix}:p2"]
    assert [r.part for r in sent] == [0, 1, 2]
    assert {r.subscription_id for r in sent} == {stored.id}
    post = load_part(sent[0].payload)
    assert isinstance(post, DigestPost)
    assert post.title == TITLES[lang] and post.lang == lang
    assert post.headlines == ("Envoys meet", "Truce extended")
    assert {load_part(r.payload).lang for r in sent[1:]} == {lang}  # type: ignore[union-attr]
    # Each story's post says who reported it (one wire outlet in English here).
    expected = "1媒体 · 日本語0 / 英語1" if lang == "ja" else "1 outlet · ja 0 / en 1"
    assert {load_part(r.payload).coverage for r in sent[1:]} == {expected}  # type: ignore[union-attr]


async def test_due_digests_run_for_every_subscription_or_only_the_one_asked(
        sessions: SessionFactory) -> None:
    fire = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)  # 08:00 EDT
    async with sessions() as session, session.begin():
        subs = [subscription(channel_id=f"C{i}") for i in range(3)]
        session.add_all(subs)
        await add_story(session, fire - timedelta(hours=3), "Envoys meet")
    async with sessions() as session, session.begin():
        assert await run_due_digests(session, now=fire, grace=GRACE,
                                     subscription_id=subs[2].id) == 2
    async with sessions() as session:
        assert {r.channel_id for r in await rows(session)} == {"C2"}
    async with sessions() as session, session.begin():
        assert await run_due_digests(session, now=fire, grace=GRACE) == 4
        paused = subscription(channel_id="C9", active=False)
        session.add(paused)
        await session.flush()
        assert await run_digest(session, paused, now=fire, grace=GRACE) == 0


class WritesWhileBuilding(BriefingCache):
    """Builds briefings normally, but first commits a write from another connection (as
    an answer would): it only succeeds if the digest does not hold the writer lock."""

    def __init__(self, db: Path) -> None:
        super().__init__()
        self.db = db
        self.errors: list[str] = []

    async def fetch(self, session: AsyncSession, story: Story, *, lang: Lang,
                    said: Sequence[str] = ()) -> Briefing:
        other = sqlite3.connect(self.db, timeout=0.2)
        try:
            other.execute("INSERT INTO job_runs (key, ran_at) VALUES (?, ?)",
                          (f"other:{story.id}", "2026-04-02 12:00:00"))
            other.commit()
        except sqlite3.OperationalError as exc:  # "database is locked"
            self.errors.append(str(exc))
        finally:
            other.close()
        return await super().fetch(session, story, lang=lang, said=said)


async def test_a_digest_builds_before_it_takes_the_writer_lock(
        sessions: SessionFactory, tmp_path: Path) -> None:
    fire = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)  # 08:00 EDT
    async with sessions() as session, session.begin():
        sub = subscription()
        session.add(sub)
        await add_story(session, fire - timedelta(hours=3), "Envoys meet")
        await add_story(session, fire - timedelta(hours=2), "Truce extended")
    briefings = WritesWhileBuilding(tmp_path / "digest.db")
    async with sessions() as session, session.begin():
        added = await run_due_digests(session, now=fire, grace=GRACE, briefings=briefings)
    assert added == 3
    assert briefings.errors == []  # nobody waited for the digest's transaction
    async with sessions() as session:
        assert await session.get(JobRun, "other:1") is not None
        assert await session.get(JobRun, f"digest:{sub.id}:2026-04-02") is not None


async def test_a_story_is_in_one_days_digest_only_at_the_edges(
        sessions: SessionFactory) -> None:
    """A story at the digest's very minute is that day's; one reported after the minute but
    before a late run (catch-up after downtime) is the next day's. Neither comes twice, and
    each story's reply offers the follow-up questions its own post would."""
    saturday = datetime(2026, 4, 4, 12, 0, tzinfo=UTC)  # 08:00 EDT
    sunday = saturday + timedelta(days=1)
    async with sessions() as session, session.begin():
        session.add(subscription())
        await add_story(session, saturday, "Envoys meet at eight")
        await add_story(session, saturday + timedelta(minutes=30), "Truce extended")
    headlines = []
    for fire, late in ((saturday, timedelta(hours=1)), (sunday, timedelta(0))):
        async with sessions() as session, session.begin():
            assert await run_due_digests(session, now=fire + late, grace=GRACE) == 2
        async with sessions() as session:
            post, reply = (load_part(r.payload) for r in (await rows(session))[-2:])
            story = await session.scalar(select(Story).options(selectinload(Story.articles))
                                         .where(Story.headline == getattr(reply, "headline", "")))
            assert story is not None
            briefing = await BriefingCache().fetch(session, story, lang="en")
        assert isinstance(post, DigestPost) and isinstance(reply, UpdatePost)
        assert reply.follow_ups and reply.follow_ups == briefing.follow_ups
        headlines.append(post.headlines)
    assert headlines == [("Envoys meet at eight",), ("Truce extended",)]
