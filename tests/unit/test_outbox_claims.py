"""The outbox's rules, through its public functions only (issue 18: outbox mutants).

enqueue is idempotent by key and stores what it was given; claim takes exactly the rows
that are due (the edges of "due" and of a lease, a reply only after its post, a link only
after its target, a channel another live worker holds left alone, shards, a fair share per
channel) and leases them; release gives back only the worker's own claims; recover and
depth count what they say. SQLite store; no adapter, no sender.

Worker names get a suffix new in every test: claim caches its statement per (platforms,
worker, shards), and a statement cached by an earlier run in the same process (mutmut
forks its mutant runs from one that already ran these tests) would hide a changed rule."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.delivery import outbox
from bot.model import QAReply, Sentence, UpdatePost, load_part
from bot.platforms.discord.facts import DiscordShards as Shards
from bot.store.db import SessionFactory
from bot.store.models import Delivery, Subscription

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), NOW, "en")
US = "w1"
_run = {"suffix": ""}


@pytest.fixture(autouse=True)
def _fresh_worker_names() -> Iterator[None]:
    _run["suffix"] = uuid.uuid4().hex[:8]
    yield


def me(worker: str) -> str:
    """The name ``worker`` has in this test."""
    return f"{worker}-{_run['suffix']}"


def out(key: str, channel: str = "C1", *, platform: str = "loopback",
        **extra: Any) -> outbox.Outgoing:
    return outbox.Outgoing(key=key, platform=platform, channel_id=channel, part=POST, **extra)


async def put(sessions: SessionFactory, *items: outbox.Outgoing,
              now: datetime = NOW) -> int:
    async with sessions() as session, session.begin():
        return await outbox.enqueue(session, list(items), now)


async def claim(sessions: SessionFactory, *, worker: str = US, now: datetime = NOW,
                platforms: tuple[str, ...] = ("loopback",), **kwargs: Any) -> list[str]:
    async with sessions() as session, session.begin():
        rows = await outbox.claim(session, worker=me(worker), platforms=list(platforms),
                                  now=now, **kwargs)
    return [r.key for r in rows]


async def rows(sessions: SessionFactory) -> dict[str, Delivery]:
    async with sessions() as session:
        return {r.key: r for r in (await session.scalars(select(Delivery))).all()}


async def set_row(sessions: SessionFactory, key: str, **values: Any) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(Delivery).where(Delivery.key == key).values(**values))


async def test_enqueue_stores_what_it_is_given_once_per_key(sessions: SessionFactory) -> None:
    reply = QAReply("Q?", (Sentence("A.", (1,)),), "en")
    assert await put(sessions) == 0
    added = await put(sessions, out("a", "C1", subscription_id=None, story_id=7, link_key="z"),
                      outbox.Outgoing(key="b", platform="slack", channel_id="C2", part=reply,
                                      index=3, parent_key="a"))
    assert added == 2
    assert await put(sessions, out("a", "C9"), out("c")) == 1  # "a" exists: left alone
    got = await rows(sessions)
    a, b = got["a"], got["b"]
    assert (a.platform, a.channel_id, a.story_id, a.link_key, a.part, a.parent_key) == (
        "loopback", "C1", 7, "z", 0, None)
    assert (b.platform, b.channel_id, b.part, b.parent_key, b.link_key) == (
        "slack", "C2", 3, "a", None)
    for row in (a, b):
        assert (row.status, row.attempts, row.claimed_by, row.send_started_at) == (
            "pending", 0, None, None)
        assert row.next_attempt_at == NOW and row.created_at == NOW
    assert load_part(a.payload) == POST and load_part(b.payload) == reply


async def test_enqueue_takes_a_fan_out_larger_than_one_statement(
        sessions: SessionFactory) -> None:
    items = [out(f"k{n}", f"C{n}") for n in range(501)]
    assert await put(sessions, *items) == 501
    assert await put(sessions, *items) == 0
    got = await rows(sessions)
    assert len(got) == 501 and load_part(got["k500"].payload) == POST
    async with sessions() as session:
        assert await outbox.depth(session) == 501


async def test_a_row_is_due_from_its_next_attempt_on(sessions: SessionFactory) -> None:
    await put(sessions, out("a"))
    early = NOW - timedelta(microseconds=1)
    assert await claim(sessions, now=early) == []
    assert await claim(sessions, now=NOW) == ["a"]
    row = (await rows(sessions))["a"]
    assert (row.status, row.claimed_by, row.lease_until) == (
        "claimed", me(US), NOW + outbox.LEASE)
    assert await claim(sessions, now=NOW) == []  # claimed: not taken twice


async def test_a_claim_is_taken_over_only_once_its_lease_has_run_out(
        sessions: SessionFactory) -> None:
    await put(sessions, out("a"))
    assert await claim(sessions, worker="w0", lease=timedelta(seconds=30)) == ["a"]
    until = NOW + timedelta(seconds=30)
    assert await claim(sessions, now=until) == []  # still held at its last instant
    assert await claim(sessions, worker="w0", now=until) == []  # by its holder too
    await put(sessions, out("b", "C2"))  # not due even for its holder: C2 goes first
    assert await claim(sessions, worker="w0", now=until, channels=1) == ["b"]
    assert await claim(sessions, now=until + timedelta(microseconds=1)) == ["a"]
    row = (await rows(sessions))["a"]
    assert (row.claimed_by, row.lease_until) == (me(US), until + timedelta(microseconds=1)
                                                 + outbox.LEASE)


@pytest.mark.parametrize("status", ["sent", "failed", "cancelled"])
async def test_finished_rows_are_never_claimed(sessions: SessionFactory, status: str) -> None:
    await put(sessions, out("a"))
    await set_row(sessions, "a", status=status, lease_until=NOW - timedelta(hours=1))
    assert await claim(sessions, now=NOW + timedelta(days=1)) == []
    # Nor do they take a channel's place when channels are shared out.
    await put(sessions, out("b", "C2"))
    assert await claim(sessions, now=NOW + timedelta(days=1), channels=1) == ["b"]


async def test_only_the_platforms_asked_for_are_claimed_in_enqueue_order(
        sessions: SessionFactory) -> None:
    await put(sessions, out("s1", platform="slack"), out("l1"), out("d1", platform="discord"),
              out("l2", "C2"), out("s2", "C2", platform="slack"))
    assert await claim(sessions, platforms=("slack", "discord")) == ["s1", "d1", "s2"]
    assert await claim(sessions, platforms=("loopback",), limit=1) == ["l1"]
    assert await claim(sessions, platforms=("loopback",)) == ["l2"]


async def test_a_reply_waits_for_its_post_and_goes_out_with_it(
        sessions: SessionFactory) -> None:
    await put(sessions, out("p"), out("r1", parent_key="p", index=1),
              out("r2", parent_key="p", index=2), out("other", "C2"))
    await set_row(sessions, "r2", next_attempt_at=NOW + timedelta(minutes=5))
    # The post is claimed with its due reply, beyond the limit; the later one waits.
    assert await claim(sessions, limit=1, lease=timedelta(hours=1)) == ["p", "r1"]
    await set_row(sessions, "r1", status="pending", claimed_by=None, lease_until=None)
    hour = timedelta(hours=1)
    later = NOW + timedelta(minutes=2)
    assert await claim(sessions, worker="w2", now=later, lease=hour) == ["other"]
    await set_row(sessions, "p", status="sent")
    assert await claim(sessions, worker="w2", now=later, lease=hour) == ["r1"]
    assert await claim(sessions, worker="w2", now=NOW + timedelta(minutes=5)) == ["r2"]


@pytest.mark.parametrize("later", [outbox.LEASE + timedelta(microseconds=1),
                                   timedelta(days=1), timedelta(days=365)])
@pytest.mark.parametrize("channels", [None, 1])
async def test_a_post_taken_over_goes_out_with_the_replies_its_lapsed_holder_had(
        sessions: SessionFactory, later: timedelta, channels: int | None) -> None:
    """A holder gone quiet lets its post and thread replies lapse together: whoever takes
    the post over takes its due replies with it (one pass, in order), not a pass later;
    a reply given back to wait (a retry not due yet) is still left."""
    await put(sessions, out("p"), out("r1", parent_key="p", index=1),
              out("r2", parent_key="p", index=2), out("r3", parent_key="p", index=3))
    assert await claim(sessions, worker="w0") == ["p", "r1", "r2", "r3"]
    now = NOW + later
    await set_row(sessions, "r2", status="pending", claimed_by=None, lease_until=None,
                  next_attempt_at=now + timedelta(seconds=1))
    assert await claim(sessions, now=now, channels=channels) == ["p", "r1", "r3"]
    got = await rows(sessions)
    assert [(got[k].status, got[k].claimed_by) for k in ("p", "r1", "r2", "r3")] == [
        ("claimed", me(US)), ("claimed", me(US)), ("pending", None), ("claimed", me(US))]


@pytest.mark.parametrize(("parent", "due"), [("pending", False), ("claimed", False),
                                             ("failed", False), ("sent", True)])
async def test_a_reply_is_due_only_once_its_post_was_sent(
        sessions: SessionFactory, parent: str, due: bool) -> None:
    await put(sessions, out("p"), out("r", parent_key="p", index=1))
    await set_row(sessions, "p", status=parent, lease_until=NOW + timedelta(hours=1),
                  claimed_by=me("w0"), next_attempt_at=NOW + timedelta(hours=1))
    assert await claim(sessions, worker="w0") == (["r"] if due else [])


@pytest.mark.parametrize(("target", "due"), [("pending", False), ("claimed", False),
                                             ("sent", True), ("failed", True),
                                             ("cancelled", True)])
async def test_a_row_linking_to_another_waits_until_that_one_is_settled(
        sessions: SessionFactory, target: str, due: bool) -> None:
    await put(sessions, out("first", "C1"), out("link", "C2", link_key="first"))
    await set_row(sessions, "first", status=target, lease_until=NOW + timedelta(hours=1),
                  claimed_by=me("w0"), next_attempt_at=NOW + timedelta(hours=1))
    assert await claim(sessions) == (["link"] if due else [])


async def test_a_link_to_a_row_that_does_not_exist_does_not_wait(
        sessions: SessionFactory) -> None:
    await put(sessions, out("link", link_key="gone"), out("orphan", "C2", parent_key="gone"))
    assert await claim(sessions) == ["link", "orphan"]


async def test_a_channel_another_live_worker_holds_is_left_alone(
        sessions: SessionFactory) -> None:
    await put(sessions, out("a1", "A"), out("b1", "B"))
    assert await claim(sessions, worker="w0", limit=1) == ["a1"]
    await put(sessions, out("a2", "A"), out("b2", "B"), out("a3", "A", platform="slack"))
    got = await claim(sessions, platforms=("loopback", "slack"))
    assert got == ["b1", "b2", "a3"]  # A on loopback is w0's; A on slack is another channel
    await put(sessions, out("a4", "A"))
    assert await claim(sessions, worker="w0") == ["a2", "a4"]  # w0 itself carries on


async def test_a_channel_is_free_again_once_the_holders_lease_ran_out(
        sessions: SessionFactory) -> None:
    await put(sessions, out("a1", "A"), out("a2", "A"))
    assert await claim(sessions, worker="w0", lease=timedelta(seconds=10), limit=1) == ["a1"]
    until = NOW + timedelta(seconds=10)
    assert await claim(sessions, now=until) == []  # w0's lease lasts to this instant
    assert await claim(sessions, now=until + timedelta(microseconds=1)) == ["a1", "a2"]
    await set_row(sessions, "a1", status="sent")
    await set_row(sessions, "a2", status="sent")
    await put(sessions, out("a3", "A"))
    assert await claim(sessions, worker="w0") == ["a3"]  # sent rows hold no channel


async def test_channels_caps_the_channels_taken_and_shares_the_limit(
        sessions: SessionFactory) -> None:
    await put(sessions, out("b0", "B"), out("b1", "B"), out("b2", "B"), out("a0", "A"),
              out("a1", "A"), out("c0", "C"))
    # The oldest two channels; of the first four rows, at most two per channel.
    assert await claim(sessions, limit=4, channels=2) == ["b0", "b1", "a0"]
    assert await claim(sessions, worker="w2", limit=5, channels=1) == ["c0"]
    assert await claim(sessions, worker="w3", limit=1, channels=2) == []  # B, A are held
    assert await claim(sessions, limit=3, channels=2) == ["b2", "a1"]


async def test_channels_picks_the_oldest_channels_each_of_one_platform(
        sessions: SessionFactory) -> None:
    await put(sessions, out("z0", "Z"), out("a0", "A"), out("a1", "A", platform="slack"),
              out("z1", "Z"))
    assert await claim(sessions, limit=10, channels=1) == ["z0", "z1"]
    got = await claim(sessions, worker="w2", limit=10, channels=2,
                      platforms=("loopback", "slack"))
    assert got == ["a0", "a1"]  # A on loopback and A on slack are two channels


@pytest.mark.parametrize(("limit", "channels", "expected"), [
    (2, 3, ["b0"]), (4, 3, ["b0", "b1", "a0"]), (1, 1, ["b0"])])
async def test_each_channel_gets_the_limit_divided_rounded_up_and_at_least_one(
        sessions: SessionFactory, limit: int, channels: int, expected: list[str]) -> None:
    await put(sessions, out("b0", "B"), out("b1", "B"), out("b2", "B"), out("a0", "A"))
    assert await claim(sessions, limit=limit, channels=channels) == expected


async def test_channels_with_nothing_due_claims_nothing(sessions: SessionFactory) -> None:
    await put(sessions, out("a", "A"))
    assert await claim(sessions, channels=3, now=NOW - timedelta(seconds=1)) == []


async def test_a_claim_larger_than_one_update_leases_every_row(
        sessions: SessionFactory) -> None:
    """More than two UPDATEs' worth (500 ids each): a big fan-out claimed at once is
    leased in full, none of it left for another worker to send again."""
    await put(sessions, *[out(f"k{n:04}", f"C{n}") for n in range(1001)])
    assert len(await claim(sessions, limit=1001)) == 1001
    got = await rows(sessions)
    assert {(r.status, r.claimed_by) for r in got.values()} == {("claimed", me(US))}


async def sharded(sessions: SessionFactory) -> None:
    """Discord rows in guilds of shards 0, 1 and 2 (of 3), a DM, and a Slack row."""
    async with sessions() as session, session.begin():
        for n, space in enumerate([str(0 << 22), str(1 << 22), str((2 << 22) + 5), None]):
            session.add(Subscription(id=n + 1, platform="discord", channel_id=f"D{n}",
                                     space_id=space, is_dm=space is None, lang="en",
                                     timezone="UTC", since=NOW, created_at=NOW))
        session.add(Subscription(id=9, platform="slack", channel_id="S", space_id="T1",
                                 lang="en", timezone="UTC", since=NOW, created_at=NOW))
    await put(sessions, *[out(f"g{n}", f"D{n}", platform="discord", subscription_id=n + 1)
                          for n in range(3)],
              out("dm", "D3", platform="discord", subscription_id=4),
              out("s", "S", platform="slack", subscription_id=9))


@pytest.mark.parametrize("channels", [None, 10])
@pytest.mark.parametrize(("ids", "expected"), [
    ((0,), ["g0", "dm", "s"]), ((1,), ["g1", "s"]), ((2,), ["g2", "s"]),
    ((1, 2), ["g1", "g2", "s"]), ((0, 1, 2), ["g0", "g1", "g2", "dm", "s"]),
])
async def test_a_process_claims_only_the_guilds_of_its_shards(
        sessions: SessionFactory, ids: tuple[int, ...], expected: list[str],
        channels: int | None) -> None:
    await sharded(sessions)
    got = await claim(sessions, platforms=("discord", "slack"),
                      shards={"discord": Shards(ids, 3)}, channels=channels)
    assert got == expected


@pytest.mark.parametrize(("ids", "channels", "expected"), [
    ((1,), 1, ["g1"]), ((2,), 1, ["g2"]), ((1, 2), 2, ["g1", "g2"]), ((2,), 2, ["g2", "s"])])
async def test_channels_shared_out_are_the_oldest_of_the_processs_own_shards(
        sessions: SessionFactory, ids: tuple[int, ...], channels: int,
        expected: list[str]) -> None:
    """Another shard's older channels take none of this process's share: a shard whose
    guilds are not the oldest must still get its rows (not an empty claim every time)."""
    await sharded(sessions)
    got = await claim(sessions, platforms=("discord", "slack"),
                      shards={"discord": Shards(ids, 3)}, channels=channels)
    assert got == expected


@pytest.mark.parametrize("channels", [None, 10])
async def test_a_row_of_no_subscription_in_a_guild_channel_goes_through_shard_zero(
        sessions: SessionFactory, channels: int | None) -> None:
    await sharded(sessions)
    await put(sessions, out("x", "D1", platform="discord"))  # in shard 1's guild channel
    got = await claim(sessions, platforms=("discord",), shards={"discord": Shards((1,), 3)},
                      channels=channels)
    assert got == ["g1"]


async def test_a_claim_takes_a_hundred_rows_unless_told(sessions: SessionFactory) -> None:
    await put(sessions, *[out(f"k{n:03}", f"C{n}") for n in range(101)])
    assert len(await claim(sessions)) == 100
    assert await claim(sessions) == ["k100"]


async def test_release_gives_back_only_this_workers_claims_and_keeps_started_sends(
        sessions: SessionFactory) -> None:
    await put(sessions, out("a", "A"), out("b", "B"), out("c", "C"), out("d", "D"))
    assert await claim(sessions, limit=3) == ["a", "b", "c"]
    assert await claim(sessions, worker="w0") == ["d"]
    await set_row(sessions, "a", send_started_at=NOW)
    await set_row(sessions, "c", status="sent")
    async with sessions() as session, session.begin():
        await outbox.release(session, me(US), ids=[(await rows(sessions))["b"].id])
    got = await rows(sessions)
    assert [(got[k].status, got[k].claimed_by) for k in "abcd"] == [
        ("claimed", me(US)), ("pending", None), ("sent", me(US)), ("claimed", me("w0"))]
    assert got["b"].lease_until is None
    async with sessions() as session, session.begin():
        await outbox.release(session, me(US))
    got = await rows(sessions)
    assert [(got[k].status, got[k].claimed_by) for k in "abcd"] == [
        ("pending", None), ("pending", None), ("sent", me(US)), ("claimed", me("w0"))]
    assert got["a"].send_started_at == NOW and got["a"].lease_until is None


async def test_recover_and_depth_count_rows(sessions: SessionFactory) -> None:
    await put(sessions, out("a", "A"), out("b", "B"), out("c", "C"), out("d", "D"))
    await claim(sessions, limit=2)
    await set_row(sessions, "c", status="sent")
    async with sessions() as session, session.begin():
        assert await outbox.depth(session) == 3
        assert await outbox.recover(session) == 2
        assert await outbox.recover(session) == 0
        assert await outbox.depth(session) == 3
    got = await rows(sessions)
    assert {(got[k].status, got[k].claimed_by, got[k].lease_until) for k in "ab"} == {
        ("pending", None, None)}


async def test_due_query_lists_the_rows_a_worker_may_take_on_its_shards(
        sessions: SessionFactory) -> None:
    await sharded(sessions)
    await put(sessions, out("g1b", "D1", platform="discord", subscription_id=2))
    held = await claim(sessions, worker="w0", platforms=("discord",),
                       shards={"discord": Shards((1,), 3)}, limit=1)
    assert held == ["g1"]  # w0 now sends to D1 (and the claim stored every route)

    async def due(limit: int = 10, **kwargs: Any) -> list[str]:
        async with sessions() as session:
            query = outbox.due_query(NOW, ["discord", "slack"], limit, **kwargs)
            return [r.key for r in (await session.scalars(query)).all()]

    assert await due() == ["g0", "g2", "dm", "s", "g1b"]
    assert await due(worker=me(US)) == ["g0", "g2", "dm", "s"]  # D1 is w0's
    assert await due(worker=me("w0")) == ["g0", "g2", "dm", "s", "g1b"]
    assert await due(shards={"discord": Shards((2,), 3)}) == ["g2", "s"]
    assert await due(worker=me(US), shards={"discord": Shards((1,), 3)}) == ["s"]
    assert await due(2) == ["g0", "g2"]


async def test_a_channel_is_claimed_oldest_first_after_its_oldest_row_was_retried(
        sessions: SessionFactory) -> None:
    """The oldest row is due again later than the others: a claim cut by its limit must
    still take the channel's oldest rows, in order."""
    await put(sessions, out("a1", "A"), out("a2", "A"), out("a3", "A"),
              now=NOW - timedelta(minutes=2))
    await set_row(sessions, "a1", next_attempt_at=NOW - timedelta(minutes=1))
    assert await claim(sessions, limit=2, channels=1) == ["a1", "a2"]
    assert await claim(sessions, worker="w2", limit=1) == []  # A is ours now
