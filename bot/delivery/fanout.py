"""Turn stories into outbox rows for each subscription: a new story becomes a channel post
with its Q&A thread; a new development of a story already posted goes into its thread."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.builder import load_story
from bot.brief.cache import BriefingCache
from bot.brief.recent import load_recent_reports
from bot.delivery.outbox import Outgoing, enqueue
from bot.errors import ConfigError
from bot.model import (
    Briefing,
    Lang,
    Notice,
    Part,
    SourceReply,
    UpdatePost,
    load_part,
    source_links,
)
from bot.news.scope import subscription_scope
from bot.store.models import Delivery, Feed, FeedOwner, JobRun, PostedStory, Story, Subscription
from bot.text.sentences import normalise
from bot.text.topic import compiled_keywords

log = logging.getLogger(__name__)

#: New top-level posts per subscription and feed in one fan-out (``delivery.burst_per_feed``).
DEFAULT_BURST = 5
#: Key points a channel remembers being shown of one story (see ``remembered``): about
#: four updates' worth.
SAID_KEPT = 12


def story_key(sub_id: int, story_id: int, part: int, revision: int = 1) -> str:
    rev = "" if revision == 1 else f":r{revision}"
    return f"sub:{sub_id}:story:{story_id}{rev}:p{part}"


def briefing_rows(sub: Subscription, briefing: Briefing,
                  parts: Sequence[Part] | None = None) -> list[Outgoing]:
    """The post and its thread replies, each keyed so a rerun adds nothing. ``parts``:
    ``briefing.parts()`` made once for many channels (the same objects, serialised once)."""
    parts = briefing.parts() if parts is None else parts
    root = story_key(sub.id, briefing.story_id, 0)
    return [
        Outgoing(key=story_key(sub.id, briefing.story_id, i), platform=sub.platform,
                 channel_id=sub.channel_id, part=part, index=i,
                 parent_key=None if i == 0 else root, subscription_id=sub.id,
                 story_id=briefing.story_id)
        for i, part in enumerate(parts)
    ]


def followup_rows(sub: Subscription, posted: PostedStory, briefing: Briefing,
                  revision: int, *, headline_changed: bool = False) -> list[Outgoing]:
    """A new development of a story already posted here: replies in its existing thread
    (what is new, and the sources), never a second full post. When the headline facts
    changed, also a short top-level "update" post linking to the story's first post (sent
    once that post has its message id, so the platform can give its link)."""
    parts: list[Part] = []
    if briefing.key_points:
        parts.append(UpdatePost(briefing.story_id, briefing.headline, briefing.key_points,
                                briefing.outlets, briefing.published, briefing.lang,
                                is_followup=True, coverage=briefing.coverage,
                                links=source_links(briefing.sources),
                                follow_ups=briefing.follow_ups))
    new_cards = tuple(c for c in briefing.sources if c.bullets)
    if new_cards:
        parts.append(SourceReply(new_cards[:2], briefing.lang))
    root = story_key(sub.id, briefing.story_id, 0)
    rows = [
        Outgoing(key=story_key(sub.id, briefing.story_id, i, revision), platform=sub.platform,
                 channel_id=sub.channel_id, part=part, index=i, parent_key=root,
                 subscription_id=sub.id, story_id=briefing.story_id)
        for i, part in enumerate(parts, start=1)
    ]
    if headline_changed and briefing.key_points:
        short = UpdatePost(briefing.story_id, briefing.headline, briefing.key_points[:1],
                           briefing.outlets, briefing.published, briefing.lang,
                           is_followup=True, coverage=briefing.coverage,
                           follow_ups=briefing.follow_ups)
        rows.append(Outgoing(key=f"{story_key(sub.id, briefing.story_id, 0, revision)}:update",
                             platform=sub.platform, channel_id=sub.channel_id, part=short,
                             index=0, subscription_id=sub.id, link_key=root))
    return rows


def changes_headline_facts(before: str, after: str) -> bool:
    """A new headline states a figure or date the posted one did not (a number revised,
    a toll, a date set). A merely reworded headline is not worth a second channel post."""
    def figures(text: str) -> set[str]:
        return set(re.findall(r"\d[\d,.]*", normalise(text)))

    return bool(figures(after) - figures(before))


def wants(sub: Subscription, story: Story) -> bool:
    if not sub.keywords:
        return True
    try:
        expression = compiled_keywords(sub.keywords)
    except ConfigError as exc:  # stored before the caps: nothing matches until re-subscribed
        log.warning("subscription %s: %s", sub.id, exc)
        return False
    text = " ".join(f"{a.title} {a.text}" for a in story.articles)
    return expression.matches(text)


async def fan_out(session: AsyncSession, story_ids: Iterable[int], now: datetime, *,
                  triggers: Mapping[int, set[int]] | None = None,
                  burst: int = DEFAULT_BURST, briefings: BriefingCache | None = None) -> int:
    """Enqueue realtime posts for ``story_ids``. Returns rows added.

    Args:
        triggers: the feeds that made each story news in this poll (default: the feeds of
            all its articles, as in a catch-up). A story goes to a subscription only if one
            of them is an operator feed or a chat feed of the subscription's scope.
        burst: new top-level posts per subscription and feed in this call; the rest of
            that feed's new stories are summarised in one "and N more" post.
        briefings: shared with other runs (the app's); by default one for this call, so
            channels that get the same briefing share one build either way.
    """
    briefings = briefings if briefings is not None else BriefingCache()
    subs = (await session.scalars(
        select(Subscription).where(Subscription.active.is_(True),
                                   Subscription.realtime.is_(True)))).all()
    access = await FeedAccess.load(session)
    plan = BurstPlan(burst)
    planned: list[Outgoing] = []
    # Plan with reads only, then write everything at once: the store's single writer lock
    # (SQLite) is held for the inserts, not while hundreds of channels are planned, so
    # answers and sends that write meanwhile do not wait for the whole fan-out.
    with session.no_autoflush:
        for story_id in sorted(set(story_ids)):
            story = await load_story(session, story_id)
            if story is None or not story.newsworthy:
                continue
            feeds: set[int | None] = set((triggers or {}).get(story_id) or ()) or {
                a.feed_id for a in story.articles}
            # Where the story was posted already, for every subscription in one query.
            posted = {p.subscription_id: p for p in (await session.scalars(
                select(PostedStory).where(PostedStory.story_id == story.id))).all()}
            for n, sub in enumerate(subs, start=1):
                if n % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # let replies and sends run between slices
                lead = access.get_lead(feeds, subscription_scope(sub))
                if lead is False or story.latest_at <= sub.since or not wants(sub, story):
                    continue
                here = posted.get(sub.id)
                if here is None and not await plan.take(session, sub, story, lead, now):
                    continue
                planned += await plan_story(session, sub, story, now, briefings=briefings,
                                            posted=here)
    return (await enqueue(session, planned, now)
            + await plan.summarise(session, now, access.names))


class FeedAccess:
    """Which scopes each feed's stories may reach: operator feeds everywhere, chat feeds
    only where an owner follows them (none once the last owner removed it)."""

    def __init__(self, owners: dict[int, set[str]], names: dict[int, str]) -> None:
        self.owners = owners
        self.names = names

    @classmethod
    async def load(cls, session: AsyncSession) -> FeedAccess:
        rows = (await session.execute(select(Feed.id, Feed.user_added, Feed.name, Feed.url)
                                      )).tuples().all()
        owners: dict[int, set[str]] = {fid: set() for fid, user, _n, _u in rows if user}
        for feed_id, scope in (await session.execute(
                select(FeedOwner.feed_id, FeedOwner.scope))).tuples().all():
            owners.setdefault(feed_id, set()).add(scope)
        return cls(owners, {fid: name or url for fid, _user, name, url in rows})

    def get_lead(self, feeds: Iterable[int | None], scope: str) -> int | Literal[False] | None:
        """The feed a story is counted against for a subscription in ``scope`` (None: not
        one feed, as for stories without one), or False when no feed may reach it."""
        visible = [f for f in feeds if f is None or f not in self.owners
                   or scope in self.owners[f]]
        if not visible:
            return False
        known = sorted(f for f in visible if f is not None)
        return known[0] if known else None


class BurstPlan:
    """At most ``burst`` new top-level posts per subscription and feed in one fan-out;
    the stories over it are recorded (so a catch-up does not post them later) and counted
    for one "and N more" post per subscription and feed."""

    def __init__(self, burst: int) -> None:
        self.burst = burst
        self.posted: Counter[tuple[int, int]] = Counter()
        self.subs: dict[int, Subscription] = {}
        self.more: Counter[tuple[int, int]] = Counter()

    async def take(self, session: AsyncSession, sub: Subscription, story: Story,
                   lead: int | None, now: datetime) -> bool:
        """Whether ``story`` may be posted to ``sub`` now."""
        if lead is None:
            return True
        key = f"burst:sub:{sub.id}:story:{story.id}:r{story.revision}"
        if await session.get(JobRun, key) is not None:
            return False  # summarised by an earlier fan-out
        slot = (sub.id, lead)
        if self.posted[slot] < self.burst:
            self.posted[slot] += 1
            return True
        session.add(JobRun(key=key, ran_at=now))
        self.more[slot] += 1
        self.subs[sub.id] = sub
        return False

    async def summarise(self, session: AsyncSession, now: datetime,
                        names: Mapping[int, str]) -> int:
        items = []
        for (sub_id, feed_id), count in sorted(self.more.items()):
            sub = self.subs[sub_id]
            name = names.get(feed_id, f"feed {feed_id}")
            text = (f"…ほか {name} から新しい記事が {count} 件あります（1 回に {self.burst} 件まで"
                    "投稿）。`timeline` で一覧できます。" if sub.lang == "ja" else
                    f"…and {count} more new stories from {name} (at most {self.burst} are "
                    "posted at a time). `timeline` lists them.")
            items.append(Outgoing(key=f"sub:{sub_id}:more:feed:{feed_id}:{now.isoformat()}",
                                  platform=sub.platform, channel_id=sub.channel_id,
                                  part=Notice(text), subscription_id=sub_id))
        return await enqueue(session, items, now) if items else 0



#: Channels planned between two yields to the event loop.
YIELD_EVERY = 25
#: ``plan_story(posted=...)`` default: look it up.
NOT_LOOKED_UP: Any = object()


async def post_story(session: AsyncSession, sub: Subscription, story: Story,
                     now: datetime, *, briefings: BriefingCache | None = None) -> int:
    """Enqueue ``story`` for ``sub``: a full post the first time, a thread reply later."""
    return await enqueue(session, await plan_story(session, sub, story, now,
                                                   briefings=briefings), now)


def remembered(said: Sequence[str], new: Sequence[str]) -> list[str]:
    """What a channel keeps of the key points it was shown: the newest ``SAID_KEPT``.

    A briefing's key points come from the story's newest few sources, so only recent ones
    can come back; the whole history grew with every update of a long story, and every
    fan-out read it for each channel (300 channels x 67 points, 5.4 MB of JSON, after 20
    minutes of ``bench/soak.py``), raising the process's high-water mark each time."""
    return [*said, *new][-SAID_KEPT:]


async def plan_story(session: AsyncSession, sub: Subscription, story: Story,
                     now: datetime, *, briefings: BriefingCache | None = None,
                     posted: PostedStory | None = NOT_LOOKED_UP) -> list[Outgoing]:
    """The rows that post ``story`` for ``sub`` (a full post the first time, thread
    replies later); records it in ``PostedStory`` (written with the rows).

    ``posted``: where it was posted for ``sub`` (None: nowhere), when the caller knows."""
    if posted is NOT_LOOKED_UP:
        posted = await session.scalar(select(PostedStory).where(
            PostedStory.subscription_id == sub.id, PostedStory.story_id == story.id))
    lang: Lang = "ja" if sub.lang == "ja" else "en"
    briefings = briefings if briefings is not None else BriefingCache()
    briefing = await briefings.fetch(session, story, lang=lang,
                                     said=posted.said if posted else ())
    if posted is None:
        session.add(PostedStory(subscription_id=sub.id, story_id=story.id,
                                platform=sub.platform, channel_id=sub.channel_id,
                                revision=story.revision, said=list(briefing.key_points),
                                posted_at=now))
        return briefing_rows(sub, briefing)
    if story.revision <= posted.revision:
        return []
    first = await session.scalar(select(Delivery.payload).where(
        Delivery.key == story_key(sub.id, story.id, 0)))
    before = getattr(load_part(first), "headline", None) if first else None
    posted.revision = story.revision
    posted.said = remembered(posted.said, briefing.key_points)
    return followup_rows(sub, posted, briefing, story.revision,
                         headline_changed=before is not None
                         and changes_headline_facts(before, briefing.headline))


@dataclass(frozen=True)
class Welcome:
    """The latest story and its briefing in one language, read and built before the
    subscribing transaction writes anything (see ``prepare_welcome``)."""

    story: Story
    briefing: Briefing


async def prepare_welcome(session: AsyncSession, lang: Lang, *,
                          briefings: BriefingCache | None = None) -> Welcome | None:
    """Read the latest story and build its briefing for a welcome in ``lang``: reads only,
    so a caller does this before its first write and holds the store's single writer lock
    (SQLite) only for the inserts. None when there is no story yet."""
    story = await session.scalar(select(Story).order_by(Story.latest_at.desc()).limit(1))
    if story is None:
        return None
    await load_recent_reports(session, [story])
    briefings = briefings if briefings is not None else BriefingCache()
    return Welcome(story, await briefings.fetch(session, story, lang=lang))


async def welcome(session: AsyncSession, sub: Subscription, now: datetime, *,
                  briefings: BriefingCache | None = None,
                  prepared: Welcome | None = NOT_LOOKED_UP) -> int:
    """Post the latest briefing once as a welcome (not the backlog) to ``sub``, a
    subscription created in this transaction (so nothing was posted to it yet: deleting a
    subscription deletes where its stories were posted). Exactly once: the rows are keyed
    by subscription, story and part, and written in the transaction that creates ``sub``.

    ``prepared``: from ``prepare_welcome`` in ``sub.lang`` before the transaction's first
    write (None: there was no story); by default read and built here."""
    if prepared is NOT_LOOKED_UP:
        lang: Lang = "ja" if sub.lang == "ja" else "en"
        prepared = await prepare_welcome(session, lang, briefings=briefings)
    rows = welcome_rows(session, sub, now, prepared)
    return await enqueue(session, rows, now) if rows else 0


def welcome_rows(session: AsyncSession, sub: Subscription, now: datetime,
                 prepared: Welcome | None) -> list[Outgoing]:
    """The welcome's outbox rows for ``sub`` (flushed: it has its id), recording in the
    session where its story was posted; none when there is no story (``prepared``)."""
    if prepared is None:
        return []
    story, briefing = prepared.story, prepared.briefing
    session.add(PostedStory(subscription_id=sub.id, story_id=story.id,
                            platform=sub.platform, channel_id=sub.channel_id,
                            revision=story.revision, said=list(briefing.key_points),
                            posted_at=now))
    return briefing_rows(sub, briefing)
