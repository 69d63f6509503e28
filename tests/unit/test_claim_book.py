"""What a claim reads and how a worker queues it (issue 18: claim mutants).

claim_rows carries every field the later steps use (a send already started, the thread
parent, the link target, the subscription's zone and workspace); the ClaimBook queues rows
per channel in claim order, never holds a row twice, and gives back what it still holds
when a channel closes. SQLite store for the first, nothing for the second.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.delivery import outbox
from bot.delivery.claim import ClaimBook, Claimed, claim_rows
from bot.model import UpdatePost
from bot.platforms.loopback import LoopbackAdapter
from bot.platforms.loopback.shards import LoopbackShards
from bot.store.db import SessionFactory
from bot.store.models import Delivery, Subscription

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), NOW, "en")


def row(row_id: int, channel: str = "C1", platform: str = "slack") -> Claimed:
    return Claimed(row_id, f"k{row_id}", platform, channel, None, "{}", False, None, None)


def test_rows_queue_per_channel_in_claim_order_and_are_held_once() -> None:
    book = ClaimBook()
    assert len(book) == 0 and book.head(("slack", "C1")) is None
    added, channels = book.add([row(1), row(2, "C2"), row(3), row(4, "C1", "discord")])
    assert (added, channels) == (4, [("slack", "C1"), ("slack", "C2"), ("discord", "C1")])
    assert len(book) == 4
    # A row claimed again (its lease renewed) is not queued twice.
    assert book.add([row(3), row(5, "C2")]) == (1, [("slack", "C2")])
    assert book.add([row(1)]) == (0, [])
    assert len(book) == 5
    head = book.head(("slack", "C1"))
    assert head is not None and head.row_id == 1
    book.done(("slack", "C1"))
    assert len(book) == 4
    head = book.head(("slack", "C1"))
    assert head is not None and head.row_id == 3
    # Once handled, the row may come back (sent again after a failure) and is queued.
    assert book.add([row(1)]) == (1, [("slack", "C1")])
    assert [book.close(("slack", "C1")), book.close(("slack", "C1"))] == [[3, 1], []]
    assert book.head(("slack", "C1")) is None and len(book) == 3
    assert book.add([row(3)]) == (1, [("slack", "C1")])
    assert book.close(("slack", "C9")) == []
    assert len(book) == 4


async def test_a_claim_reads_every_field_the_send_needs(sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        tokyo = Subscription(platform="loopback", channel_id="C1", space_id="T1", lang="ja",
                             timezone="Asia/Tokyo", since=NOW, created_at=NOW)
        york = Subscription(platform="loopback", channel_id="C2", lang="en",
                            timezone="America/New_York", since=NOW, created_at=NOW)
        session.add_all([tokyo, york])
        await session.flush()
        await outbox.enqueue(session, [
            outbox.Outgoing(key="a", platform="loopback", channel_id="C1", part=POST,
                            subscription_id=tokyo.id, story_id=7),
            outbox.Outgoing(key="b", platform="loopback", channel_id="C1", part=POST,
                            subscription_id=tokyo.id, story_id=7, parent_key="a",
                            link_key="z"),
            outbox.Outgoing(key="c", platform="loopback", channel_id="C2", part=POST,
                            subscription_id=york.id),
            outbox.Outgoing(key="d", platform="loopback", channel_id="C3", part=POST)], NOW)
        await session.execute(update(Delivery).where(Delivery.key == "a")
                              .values(send_started_at=NOW - timedelta(minutes=1)))
        ids = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
    adapter = LoopbackAdapter("http://127.0.0.1:9", zone=UTC)
    async with sessions() as session, session.begin():
        got = await claim_rows(session, worker="w1", platforms={"loopback": adapter},
                               now=NOW, limit=10, lease=timedelta(seconds=90), channels=None)
    by_key = {c.key: c for c in got}
    assert set(by_key) == {"a", "b", "c", "d"}
    a, b, c, d = (by_key[k] for k in "abcd")
    assert (a.row_id, a.platform, a.channel_id, a.payload) == \
        (ids["a"].id, "loopback", "C1", ids["a"].payload)
    assert (a.started, b.started) == (True, False)
    assert (b.parent_key, b.link_key, a.parent_key, a.link_key) == ("a", "z", None, None)
    assert (a.subscription_id, a.story_id, a.zone, a.space_id) == \
        (tokyo.id, 7, "Asia/Tokyo", "T1")
    assert (c.zone, c.space_id, c.story_id) == ("America/New_York", None, None)
    assert (d.subscription_id, d.zone, d.space_id) == (None, None, None)
    async with sessions() as session:
        leases = {r.key: (r.claimed_by, r.lease_until)
                  for r in (await session.scalars(select(Delivery))).all()}
    assert set(leases.values()) == {("w1", NOW + timedelta(seconds=90))}


async def test_a_claim_takes_no_more_rows_or_channels_than_asked(
        sessions: SessionFactory) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [
            outbox.Outgoing(key=k, platform="loopback", channel_id=ch, part=POST)
            for k, ch in (("a1", "C1"), ("a2", "C1"), ("a3", "C1"), ("b1", "C2"),
                              ("b2", "C2"))], NOW)
    adapter = LoopbackAdapter("http://127.0.0.1:9", zone=UTC)

    async def take(worker: str, limit: int, channels: int | None) -> list[str]:
        async with sessions() as session, session.begin():
            got = await claim_rows(session, worker=worker, platforms={"loopback": adapter},
                                   now=NOW, limit=limit, lease=timedelta(seconds=90),
                                   channels=channels)
        return sorted(c.key for c in got)

    assert await take("w1", 10, 1) == ["a1", "a2", "a3"]  # the oldest channel only
    assert await take("w2", 1, None) == ["b1"]


async def test_a_claim_takes_only_the_spaces_of_the_shards_its_adapters_hold(
        sessions: SessionFactory) -> None:
    """The loopback adapter holds shard 1 of 2; the other platform is not sharded."""
    async with sessions() as session, session.begin():
        subs = [Subscription(platform=platform, channel_id=channel, space_id=str(n << 22),
                             lang="en", timezone="UTC", since=NOW, created_at=NOW)
                for platform, channel, n in (("loopback", "C0", 0), ("loopback", "C1", 1),
                                             ("other", "O0", 0))]
        session.add_all(subs)
        await session.flush()
        await outbox.enqueue(session, [
            outbox.Outgoing(key=s.channel_id, platform=s.platform, channel_id=s.channel_id,
                            part=POST, subscription_id=s.id) for s in subs], NOW)
    sharded = LoopbackAdapter("http://127.0.0.1:9", zone=UTC)
    sharded.shards = LoopbackShards((1,), 2)
    adapters = {"loopback": sharded, "other": LoopbackAdapter("http://127.0.0.1:9", zone=UTC)}
    async with sessions() as session, session.begin():
        got = await claim_rows(session, worker="w1", platforms=adapters, now=NOW, limit=10,
                               lease=timedelta(seconds=90), channels=None)
    assert sorted((c.key, c.space_id) for c in got) == [("C1", str(1 << 22)), ("O0", "0")]
