"""Keep each posted "what we know" block current, so a story's thread always opens with
the present state rather than the first report's.

The leader recomputes the block of every recently changed story and edits the posted
blocks that show an older story revision. Edits go through the platform's pacer at bulk
priority (behind replies and realtime posts) but not through the outbox: an edit is
idempotent (the same edit twice leaves the same message), so it needs no exactly-once
journal; one that fails is logged and tried again on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.known import known_block
from bot.brief.recent import load_recent_reports
from bot.clock import Clock
from bot.delivery.pacing import Pacer, Priority
from bot.errors import PlatformError
from bot.model import KnownBlock, Lang, load_part
from bot.platforms.base import PlatformAdapter, Target
from bot.store.db import SessionFactory
from bot.store.models import Delivery, KnownBlockShown, Story, Subscription

log = logging.getLogger(__name__)

#: Stories whose newest report is older than this are settled: their blocks are left alone.
RECENT = timedelta(days=7)
#: The outbox part index of the block: the first reply in an update's thread.
KNOWN_PART = 1


@dataclass(frozen=True)
class PostedBlock:
    """A "what we know" block already posted, and where."""

    key: str
    platform: str
    channel_id: str
    thread_id: str | None
    message_id: str
    story_id: int
    shown: int
    lang: Lang
    zone: str | None
    space_id: str | None

    @property
    def target(self) -> Target:
        return Target(self.channel_id, self.thread_id, zone=self.zone, space_id=self.space_id)


async def fetch_stale(session: AsyncSession, *, now: datetime,
                      recent: timedelta = RECENT) -> list[tuple[PostedBlock, KnownBlock]]:
    """Posted blocks of stories changed within ``recent`` of ``now`` that show an older
    revision than the story's, each with its refreshed block (marked ``updated``)."""
    stories = {s.id: s for s in (await session.scalars(
        select(Story).where(Story.latest_at >= now - recent))).all()}
    if not stories:
        return []
    await load_recent_reports(session, list(stories.values()))
    rows = (await session.execute(
        select(Delivery.key, Delivery.platform, Delivery.channel_id, Delivery.thread_id,
               Delivery.message_id, Delivery.story_id, Delivery.payload,
               Subscription.timezone, Subscription.space_id)
        .outerjoin(Subscription, Subscription.id == Delivery.subscription_id)
        .where(Delivery.story_id.in_(stories), Delivery.status == "sent",
               Delivery.part == KNOWN_PART, Delivery.parent_key.is_not(None),
               Delivery.message_id.is_not(None)))).tuples().all()
    edited = {row.delivery_key: row.revision for row in (await session.scalars(
        select(KnownBlockShown).where(KnownBlockShown.story_id.in_(stories)))).all()}
    built: dict[tuple[int, str], KnownBlock] = {}
    stale: list[tuple[PostedBlock, KnownBlock]] = []
    for key, platform, channel, thread, message, story_id, payload, zone, space in rows:
        if story_id is None or message is None:
            continue
        story = stories[story_id]
        if edited.get(key) == story.revision:
            continue  # edited to this revision already: no payload to parse
        part = load_part(payload)
        if not isinstance(part, KnownBlock):
            continue
        shown = edited.get(key, part.revision)
        if shown == story.revision:
            continue
        if (story_id, part.lang) not in built:
            built[(story_id, part.lang)] = replace(known_block(story, lang=part.lang),
                                                   updated=True)
        stale.append((PostedBlock(key, platform, channel, thread, message, story_id, shown,
                                  part.lang, zone, space), built[(story_id, part.lang)]))
    return stale


async def record_shown(session: AsyncSession, posted: PostedBlock, revision: int,
                       now: datetime) -> None:
    """Remember that ``posted`` now shows ``revision``."""
    row = await session.get(KnownBlockShown, posted.key)
    if row is None:
        session.add(KnownBlockShown(delivery_key=posted.key, story_id=posted.story_id,
                                    revision=revision, edited_at=now))
    else:
        row.revision, row.edited_at = revision, now


async def refresh_known(sessions: SessionFactory, *, platforms: Mapping[str, PlatformAdapter],
                        pacer: Callable[[str], Pacer], clock: Clock,
                        recent: timedelta = RECENT) -> int:
    """Edit every posted block that is behind its story. Returns the blocks edited.

    A platform that refuses one edit does not stop the others: a transient refusal (a 429,
    a 5xx) is tried again on the next run; a permanent one (the message deleted) is not
    tried again for that revision.
    """
    now = clock.now()
    async with sessions() as session:
        stale = await fetch_stale(session, now=now, recent=recent)
    edited = 0
    for posted, block in stale:
        adapter = platforms.get(posted.platform)
        if adapter is None:
            continue
        try:
            async with pacer(adapter.name).slot(posted.target, priority=Priority.BULK):
                await adapter.edit(posted.target, posted.message_id, block)
        except PlatformError as exc:
            if not exc.permanent:
                log.warning("what-we-know block %s on %s not edited (tried again on the "
                            "next run): %s", posted.key, posted.platform, exc)
                continue
            # Gone or not editable: this revision is given up rather than asked for again
            # every run (a later revision tries once more).
            log.warning("what-we-know block %s on %s cannot be edited: %s", posted.key,
                        posted.platform, exc)
            async with sessions() as session, session.begin():
                await record_shown(session, posted, block.revision, now)
            continue
        async with sessions() as session, session.begin():
            await record_shown(session, posted, block.revision, now)
        edited += 1
        log.info("what-we-know block %s on %s now shows revision %d (was %d)", posted.key,
                 posted.platform, block.revision, posted.shown)
    return edited
