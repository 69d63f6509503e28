"""Whether a claimed row can go now, and where (issue 18: prepare mutants).

A reply goes into its parent's thread (opening one on the parent's message if it has
none), found among this worker's sent posts or else in the store (or, once retention
deleted the parent's row, with its story); it waits while the parent or the message it
links to is unsent, is cancelled when the parent failed, and is skipped when its claim was
lost. Every decision is written only while the claim is still this worker's. SQLite store.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.delivery import outbox
from bot.delivery.claim import Claimed
from bot.delivery.journal import Journal
from bot.delivery.prepare import (
    Hold,
    LinkedMessage,
    PartCache,
    PostedMessage,
    Prepared,
    Preparer,
    SentPosts,
    ThreadToOpen,
)
from bot.model import QAReply, Sentence, UpdatePost
from bot.platforms.base import Target
from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory, Story, Subscription

REPORTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume in Riyadh", ("Delegations met.",), ("Wire",), REPORTED,
                  "en")
REPLY = QAReply("Who met?", (Sentence("Delegations met.", (1,)),), "en")
LEASE = timedelta(seconds=90)
NOWS = [REPORTED + timedelta(days=1), REPORTED + timedelta(days=365)]


class World:
    """A store with a subscription in Tokyo (workspace T1) and its outbox rows."""

    def __init__(self, sessions: SessionFactory, now: datetime) -> None:
        self.sessions, self.now = sessions, now
        self.posts = SentPosts()
        self.preparer = Preparer(Journal(sessions), self.posts, PartCache(), worker="w1",
                                 lease=LEASE)
        self.sub_id = 0
        self.story_id = 0

    async def start(self) -> None:
        async with self.sessions() as session, session.begin():
            sub = Subscription(platform="loopback", channel_id="C1", space_id="T1",
                               lang="en", timezone="Asia/Tokyo", since=REPORTED,
                               created_at=REPORTED)
            story = Story(headline="Talks", first_at=REPORTED, latest_at=REPORTED,
                          created_at=REPORTED)
            session.add_all([sub, story])
            await session.flush()
            self.sub_id, self.story_id = sub.id, story.id

    async def put(self, key: str, *, parent: str | None = None, link: str | None = None,
                  **row: Any) -> None:
        part = REPLY if parent else POST
        async with self.sessions() as session, session.begin():
            await outbox.enqueue(session, [outbox.Outgoing(
                key=key, platform="loopback", channel_id="C1", part=part, parent_key=parent,
                link_key=link, subscription_id=self.sub_id, story_id=self.story_id)],
                self.now)
            if row:
                await session.execute(update(Delivery).where(Delivery.key == key)
                                      .values(**row))

    async def claim(self, key: str) -> Claimed:
        """``key`` claimed by this worker as the claim reads it (whatever its parent's
        state: it may change between the claim and the send)."""
        async with self.sessions() as session, session.begin():
            await session.execute(update(Delivery).where(Delivery.key == key).values(
                status="claimed", claimed_by="w1", lease_until=self.now + timedelta(seconds=30)))
            r = await session.scalar(select(Delivery).where(Delivery.key == key))
            assert r is not None
            return Claimed(r.id, r.key, r.platform, r.channel_id, r.parent_key, r.payload,
                           False, r.subscription_id, r.story_id, "Asia/Tokyo", r.link_key, "T1")

    async def prepare(self, key: str) -> Prepared | Hold:
        return await self.preparer.prepare(await self.claim(key), self.now)

    async def row(self, key: str) -> Delivery:
        async with self.sessions() as session:
            found = await session.scalar(select(Delivery).where(Delivery.key == key))
        assert found is not None
        return found


@pytest.fixture(params=NOWS, ids=["a day later", "a year later"])
async def world(request: pytest.FixtureRequest, sessions: SessionFactory) -> World:
    w = World(sessions, request.param)
    await w.start()
    return w


def target(thread: str | None = None) -> Target:
    return Target("C1", thread_id=thread, zone="Asia/Tokyo", space_id="T1")


async def test_a_post_goes_to_its_channel_in_the_subscriptions_zone_without_a_query(
        world: World) -> None:
    await world.put("p")
    got = await world.prepare("p")
    assert isinstance(got, Prepared)
    assert (got.target, got.part, got.thread_to_open, got.link) == (target(), POST, None, None)
    assert (got.key, got.platform, got.unknown) == ("p", "loopback", False)
    assert (await world.row("p")).lease_until == world.now + timedelta(seconds=30)


async def test_a_reply_to_a_post_just_sent_opens_its_thread_without_a_query(
        world: World) -> None:
    await world.put("p", status="sent", message_id="M1")
    await world.put("r", parent="p")
    world.posts.remember(("loopback", "C1"), "p", PostedMessage("M1", None, "Talks"))
    got = await world.prepare("r")
    assert isinstance(got, Prepared)
    assert got.target == target("M1") and got.part == REPLY
    assert got.thread_to_open == ThreadToOpen("p", "M1", "Talks")
    # Found in the cache: no store transaction renewed the lease.
    assert (await world.row("r")).lease_until == world.now + timedelta(seconds=30)


async def test_a_reply_goes_into_the_thread_its_parent_already_has(world: World) -> None:
    await world.put("p")
    await world.put("r", parent="p")
    world.posts.remember(("loopback", "C1"), "p", PostedMessage("M1", "T7", "Talks"))
    got = await world.prepare("r")
    assert isinstance(got, Prepared)
    assert (got.target, got.thread_to_open) == (target("T7"), None)


@pytest.mark.parametrize("thread", [None, "T7"])
async def test_a_reply_finds_its_sent_parent_in_the_store(world: World,
                                                          thread: str | None) -> None:
    await world.put("p", status="sent", message_id="M1", thread_id=thread)
    await world.put("r", parent="p")
    got = await world.prepare("r")
    assert isinstance(got, Prepared)
    assert got.target == target(thread or "M1")
    assert got.thread_to_open == (None if thread else ThreadToOpen("p", "M1",
                                                                   POST.headline))
    assert (await world.row("r")).lease_until == world.now + LEASE


async def test_a_reply_whose_parent_row_was_pruned_finds_it_with_the_story(
        world: World) -> None:
    await world.put("r", parent="gone")
    async with world.sessions() as session, session.begin():
        session.add(PostedStory(subscription_id=world.sub_id, story_id=world.story_id,
                                platform="loopback", channel_id="C1", message_id="M0",
                                thread_id="T0", posted_at=REPORTED))
    got = await world.prepare("r")
    assert isinstance(got, Prepared) and got.target == target("T0")


@pytest.mark.parametrize("parent", [None, "failed", "cancelled", "no message"])
async def test_a_reply_whose_parent_can_never_be_sent_is_cancelled(
        world: World, parent: str | None) -> None:
    if parent == "no message":  # pruned, and its story's post never learnt its message
        async with world.sessions() as session, session.begin():
            session.add(PostedStory(subscription_id=world.sub_id, story_id=world.story_id,
                                    platform="loopback", channel_id="C1",
                                    posted_at=REPORTED))
    elif parent:
        await world.put("p", status=parent)
    await world.put("r", parent="p")
    assert await world.prepare("r") is Hold.SKIP
    row = await world.row("r")
    assert (row.status, row.error, row.claimed_by, row.lease_until) == \
        ("cancelled", "parent message was not sent", None, None)


@pytest.mark.parametrize("parent", [{}, {"status": "claimed", "claimed_by": "w2"},
                                    {"status": "sent"}])
async def test_a_reply_waits_for_a_parent_not_sent_yet(world: World,
                                                       parent: dict[str, Any]) -> None:
    await world.put("p", **parent)
    await world.put("r", parent="p")
    assert await world.prepare("r") is Hold.WAIT
    row = await world.row("r")
    assert (row.status, row.claimed_by, row.lease_until, row.error) == \
        ("pending", None, None, None)


@pytest.mark.parametrize("linked", [{}, {"status": "claimed", "claimed_by": "w2"}])
async def test_a_follow_up_waits_for_the_message_it_links_to(world: World,
                                                             linked: dict[str, Any]) -> None:
    await world.put("a", **linked)
    await world.put("b", link="a")
    assert await world.prepare("b") is Hold.WAIT
    row = await world.row("b")
    assert (row.status, row.claimed_by, row.lease_until) == ("pending", None, None)


@pytest.mark.parametrize("thread", [None, "T3"])
async def test_a_follow_up_links_to_the_sent_message(world: World,
                                                     thread: str | None) -> None:
    await world.put("a", status="sent", message_id="M3", thread_id=thread)
    await world.put("b", link="a")
    got = await world.prepare("b")
    assert isinstance(got, Prepared)
    assert (got.link, got.target) == (LinkedMessage("M3", thread), target())


async def test_a_follow_up_linking_to_a_message_just_sent_needs_no_query(
        world: World) -> None:
    await world.put("a")
    await world.put("b", link="a")
    world.posts.remember(("loopback", "C1"), "a", PostedMessage("M3", "T3", "Talks"))
    got = await world.prepare("b")
    assert isinstance(got, Prepared) and got.link == LinkedMessage("M3", "T3")
    assert (await world.row("b")).lease_until == world.now + timedelta(seconds=30)


@pytest.mark.parametrize("linked", [None, {"status": "failed"},
                                    {"status": "sent", "message_id": None}])
async def test_a_follow_up_whose_link_cannot_be_had_goes_without_it(
        world: World, linked: dict[str, Any] | None) -> None:
    if linked is not None:
        await world.put("a", **linked)
    await world.put("b", link="a")
    got = await world.prepare("b")
    assert isinstance(got, Prepared) and got.link is None
    assert (await world.row("b")).lease_until == world.now + LEASE


async def test_a_row_whose_claim_was_lost_is_skipped_and_left_to_its_new_holder(
        world: World) -> None:
    await world.put("p", status="sent", message_id="M1")
    await world.put("r", parent="p")
    claimed = await world.claim("r")
    async with world.sessions() as session, session.begin():
        await session.execute(update(Delivery).where(Delivery.key == "r")
                              .values(claimed_by="w2"))
    assert await world.preparer.prepare(claimed, world.now) is Hold.SKIP
    row = await world.row("r")
    assert (row.status, row.claimed_by, row.lease_until) == \
        ("claimed", "w2", world.now + timedelta(seconds=30))


async def test_a_lost_claim_is_not_put_back_or_cancelled(world: World) -> None:
    await world.put("p", status="failed")
    await world.put("r", parent="p")
    claimed = await world.claim("r")
    async with world.sessions() as session, session.begin():
        await session.execute(update(Delivery).where(Delivery.key == "r")
                              .values(claimed_by="w2"))
    assert await world.preparer.prepare(claimed, world.now) is Hold.SKIP
    assert (await world.row("r")).status == "claimed"
