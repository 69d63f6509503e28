"""Prepare: decide whether a claimed row can go now, and with what.

A thread reply needs its parent's message (and, on Discord, a thread opened on it); a
follow-up's update post needs the message it links to. Both are found in one place: first
among the posts this worker just sent (the common case in a fan-out: no query at all), and
only what is missing there is read from the store, in one journal transaction that also
puts the row back (wait) or cancels it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.claim import ChannelKey, Claimed
from bot.delivery.journal import Journal, RowStatus
from bot.model import Part, load_part
from bot.platforms.base import Target
from bot.store.models import Delivery, PostedStory

#: Parsed payloads kept (see ``PartCache``).
PART_CACHE = 256


@dataclass(frozen=True)
class PostedMessage:
    """Where a row's message went."""

    message_id: str
    thread_id: str | None
    #: The title its thread gets (if one is opened on it).
    title: str


@dataclass(frozen=True)
class ThreadToOpen:
    """A parent message that must become a thread before its reply goes (Discord)."""

    parent_key: str
    message_id: str
    title: str


@dataclass(frozen=True)
class LinkedMessage:
    """The message a row links to."""

    message_id: str
    thread_id: str | None


class Hold(Enum):
    """Why a claimed row does not go now."""

    #: Cancelled (its parent failed) or no longer ours (lease lost): the channel goes on.
    SKIP = "skip"
    #: What it needs is not sent yet: back to pending, the channel's later rows wait.
    WAIT = "wait"


@dataclass(frozen=True)
class Prepared:
    """A claimed row, ready for the platform calls."""

    row: Claimed
    target: Target
    part: Part
    thread_to_open: ThreadToOpen | None = None
    link: LinkedMessage | None = None

    @property
    def key(self) -> str:
        return self.row.key

    @property
    def platform(self) -> str:
        return self.row.platform

    @property
    def unknown(self) -> bool:
        """A previous attempt started: ask the platform before sending again."""
        return self.row.started


class PartCache:
    """Parsed payloads (parts are frozen values): a fan-out sends one part to many
    channels, so it is validated once rather than once per row."""

    def __init__(self, size: int = PART_CACHE) -> None:
        self.size = size
        self._parts: dict[str, Part] = {}

    def load(self, payload: str) -> Part:
        part = self._parts.get(payload)
        if part is None:
            if len(self._parts) >= self.size:
                self._parts.clear()
            part = self._parts[payload] = load_part(payload)
        return part

    def title(self, payload: str) -> str:
        """The title of a thread opened on this payload's message."""
        try:
            part = self.load(payload)
        except ValueError:
            return "Q&A"
        return str(getattr(part, "headline", None) or getattr(part, "title", None)
                   or "Q&A")[:100]


class SentPosts:
    """Posts this worker sent, per channel, so their replies and links need no lookup
    while the channel's queue runs (forgotten when it ends)."""

    def __init__(self) -> None:
        self._by_channel: dict[ChannelKey, dict[str, PostedMessage]] = {}

    def get(self, channel: ChannelKey, key: str | None) -> PostedMessage | None:
        if key is None:
            return None
        return self._by_channel.get(channel, {}).get(key)

    def remember(self, channel: ChannelKey, key: str, posted: PostedMessage) -> None:
        self._by_channel.setdefault(channel, {})[key] = posted

    def thread_opened(self, channel: ChannelKey, key: str, thread_id: str) -> None:
        known = self._by_channel.get(channel, {})
        if key in known:
            known[key] = PostedMessage(known[key].message_id, thread_id, known[key].title)

    def forget(self, channel: ChannelKey) -> None:
        self._by_channel.pop(channel, None)


@dataclass(frozen=True)
class _Found:
    """A dependency's row as the store has it."""

    status: str
    message_id: str | None
    thread_id: str | None
    payload: str = "{}"


class Preparer:
    def __init__(self, journal: Journal, posts: SentPosts, parts: PartCache, *,
                 worker: str, lease: timedelta) -> None:
        self.journal = journal
        self.posts = posts
        self.parts = parts
        self.worker = worker
        self.lease = lease

    async def prepare(self, row: Claimed, now: datetime) -> Prepared | Hold:
        parent = self.posts.get(row.channel, row.parent_key)
        linked = self.posts.get(row.channel, row.link_key)
        link = LinkedMessage(linked.message_id, linked.thread_id) if linked else None
        if ((row.parent_key is not None and parent is None)
                or (row.link_key is not None and link is None)):
            found = await self.journal.write(partial(self._look_up, row, parent, link, now))
            if isinstance(found, Hold):
                return found
            parent, link = found
        target = Target(row.channel_id, zone=row.zone, space_id=row.space_id)
        to_open = None
        if parent is not None:
            target = Target(row.channel_id, thread_id=parent.thread_id or parent.message_id,
                            zone=row.zone, space_id=row.space_id)
            if parent.thread_id is None:
                to_open = ThreadToOpen(str(row.parent_key), parent.message_id, parent.title)
        return Prepared(row, target, self.parts.load(row.payload), to_open, link)

    async def _look_up(self, row: Claimed, parent: PostedMessage | None,
                       link: LinkedMessage | None, now: datetime, session: AsyncSession
                       ) -> tuple[PostedMessage | None, LinkedMessage | None] | Hold:
        """Read what the cache lacked; put the row back or cancel it when it cannot go."""
        if row.parent_key is not None and parent is None:
            found = await _row(session, row.parent_key) or await _archived_parent(session, row)
            if found is None or found.status in (RowStatus.FAILED, RowStatus.CANCELLED):
                await self._set_row(session, row, status=RowStatus.CANCELLED.value,
                                    claimed_by=None, lease_until=None,
                                    error="parent message was not sent")
                return Hold.SKIP
            if found.status != RowStatus.SENT or found.message_id is None:
                # Never outside its thread: wait for the parent's id.
                await self._set_row(session, row, status=RowStatus.PENDING.value,
                                    claimed_by=None, lease_until=None)
                return Hold.WAIT
            parent = PostedMessage(found.message_id, found.thread_id,
                                   self.parts.title(found.payload))
        if row.link_key is not None and link is None:
            found = await _row(session, row.link_key)
            if found is not None and found.status in (RowStatus.PENDING, RowStatus.CLAIMED):
                # Not before the message it links to: wait for its id.
                await self._set_row(session, row, status=RowStatus.PENDING.value,
                                    claimed_by=None, lease_until=None)
                return Hold.WAIT
            if found is not None and found.status == RowStatus.SENT and found.message_id:
                link = LinkedMessage(found.message_id, found.thread_id)
        if not await self._set_row(session, row, lease_until=now + self.lease):
            return Hold.SKIP  # no longer ours (lease lost)
        return parent, link

    async def _set_row(self, session: AsyncSession, row: Claimed, **values: object) -> int:
        """Update the row while the claim is still this worker's; returns rows changed."""
        result = await session.execute(
            update(Delivery)
            .where(Delivery.id == row.row_id, Delivery.status == RowStatus.CLAIMED.value,
                   Delivery.claimed_by == self.worker)
            .values(**values).execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)


async def _row(session: AsyncSession, key: str) -> _Found | None:
    found = (await session.execute(
        select(Delivery.status, Delivery.message_id, Delivery.thread_id, Delivery.payload)
        .where(Delivery.key == key))).first()
    return _Found(*found) if found is not None else None


async def _archived_parent(session: AsyncSession, row: Claimed) -> _Found | None:
    """A story's first post whose outbox row retention already deleted: where it went is
    kept with the story (``PostedStory``), so a late follow-up still finds its thread."""
    if row.subscription_id is None or row.story_id is None:
        return None
    posted = await session.scalar(select(PostedStory).where(
        PostedStory.subscription_id == row.subscription_id,
        PostedStory.story_id == row.story_id))
    if posted is None or posted.message_id is None:
        return None
    return _Found(RowStatus.SENT.value, posted.message_id, posted.thread_id)
