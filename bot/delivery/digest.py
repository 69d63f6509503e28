"""Daily digests: per subscription, at its HH:MM in its own time zone (DST-correct through
APScheduler's CronTrigger), the day's stories in one post with one thread reply per story.

Idempotent: a digest is keyed by (subscription, local date) in ``JobRun`` and in its outbox
keys, so a rerun, a restart or a catch-up after downtime never posts it twice. Nothing new
means nothing posted.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.cache import BriefingCache
from bot.brief.recent import load_recent_reports
from bot.delivery.fanout import wants
from bot.delivery.outbox import Outgoing, enqueue
from bot.model import DigestPost, Lang, UpdatePost
from bot.store.models import JobRun, Story, Subscription
from config.settings import parse_hhmm

log = logging.getLogger(__name__)

#: Every day, by name: APScheduler's ``from_crontab`` numbers days from Monday = 0,
#: unlike cron, so numbers are never used here.
EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"
#: Digests built at once. Each holds one of the store's pooled connections (SQLite: 16)
#: from its first read to its commit, through its briefing builds and its wait for the
#: writer; 25 due at the same minute left none for the questions typed meanwhile.
DIGESTS_AT_ONCE = 4
TITLES = {"en": "Daily digest: the ceasefire talks", "ja": "今日のまとめ: 停戦協議"}


def digest_trigger(sub: Subscription) -> CronTrigger:
    """The subscription's daily cron trigger in its own time zone."""
    assert sub.daily_at, "not a digest subscription"  # pragma: no mutate (the message)
    at = parse_hhmm(sub.daily_at)
    return CronTrigger(day_of_week=EVERY_DAY, hour=at.hour, minute=at.minute,
                       timezone=ZoneInfo(sub.timezone))


def get_last_fire_time(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest time ``trigger`` fired at or before ``now`` (looking back two days)."""
    # A daily trigger always fired within two days, and fires on whole minutes: a longer
    # look back, another step or the previous fire time (CronTrigger ignores it) change
    # nothing, so those lines are not mutated.
    last: datetime | None = None  # pragma: no mutate (always replaced: see above)
    fire = trigger.get_next_fire_time(None, now - timedelta(days=2))  # pragma: no mutate
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))  # pragma: no mutate
    return last


def digest_key(sub_id: int, day: str, part: int) -> str:
    return f"sub:{sub_id}:digest:{day}:p{part}"


def job_key(sub_id: int, day: str) -> str:
    return f"digest:{sub_id}:{day}"


async def run_digest(session: AsyncSession, sub: Subscription, *, now: datetime,
                     grace: timedelta, briefings: BriefingCache | None = None) -> int:
    """Enqueue ``sub``'s latest due digest unless it was done, is too late, or is empty.

    Returns:
        Rows enqueued (0 when there was nothing to do).
    """
    if not sub.active or not sub.daily_at:
        return 0
    fire = get_last_fire_time(digest_trigger(sub), now)
    if fire is None or now - fire > grace:
        return 0
    zone = ZoneInfo(sub.timezone)
    day = fire.astimezone(zone).date().isoformat()
    key = job_key(sub.id, day)
    if await session.get(JobRun, key) is not None:
        return 0
    # Read and build everything first, write at the end: the first write takes the store's
    # single writer lock (SQLite) until commit, and answers wait for it meanwhile.
    since = max(fire - timedelta(days=1), sub.since)
    stories = (await session.scalars(
        select(Story).where(Story.latest_at > since, Story.latest_at <= fire)
        .order_by(Story.latest_at))).all()
    await load_recent_reports(session, stories)
    chosen = [s for s in stories if wants(sub, s)]
    lang: Lang = "ja" if sub.lang == "ja" else "en"
    replies: list[UpdatePost] = []
    briefings = briefings if briefings is not None else BriefingCache()
    for story in chosen:
        b = await briefings.fetch(session, story, lang=lang)
        replies.append(UpdatePost(story.id, b.headline, b.key_points, b.outlets,
                                  b.published, lang, coverage=b.coverage,
                                  follow_ups=b.follow_ups))
    session.add(JobRun(key=key, ran_at=now))
    sub.last_digest_on = day
    if not chosen:
        log.info("digest %s: nothing new", key)  # pragma: no mutate (log text)
        return 0
    post = DigestPost(TITLES[lang], tuple(r.headline for r in replies), fire, lang)
    root = digest_key(sub.id, day, 0)
    rows = [Outgoing(key=root, platform=sub.platform, channel_id=sub.channel_id, part=post,
                     subscription_id=sub.id)]
    rows += [Outgoing(key=digest_key(sub.id, day, i), platform=sub.platform,
                      channel_id=sub.channel_id, part=part, index=i, parent_key=root,
                      subscription_id=sub.id)
             for i, part in enumerate(replies, start=1)]
    return await enqueue(session, rows, now)


async def run_due_digests(session: AsyncSession, *, now: datetime, grace: timedelta,
                          subscription_id: int | None = None,
                          briefings: BriefingCache | None = None) -> int:
    """Run every due digest (or one subscription's): the cron jobs and the catch-up at
    start both call this. Returns rows enqueued."""
    # pragma: no mutate start (a narrower query only: run_digest checks both again)
    query = select(Subscription).where(Subscription.active.is_(True),
                                       Subscription.daily_at.is_not(None))
    # pragma: no mutate end
    if subscription_id is not None:
        query = query.where(Subscription.id == subscription_id)
    added = 0
    briefings = briefings if briefings is not None else BriefingCache()
    for sub in (await session.scalars(query)).all():
        added += await run_digest(session, sub, now=now, grace=grace, briefings=briefings)
    return added
