"""The journal's group commit, through its public methods (issue 18: journal mutants).

Writes that arrive together share one transaction, yet each caller gets its own answer:
"started" only for a claim that is still the caller's (one row or many, all kept or some
lost), "sent" fills in everything a sent row and its story's post need, a failing write is
retried alone so the others still commit, and no batch exceeds its size. SQLite store.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.delivery.journal import Journal
from bot.model import UpdatePost
from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory, Story, Subscription

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=5)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), NOW, "en")
#: Seconds a test's writes may take to be answered: a journal that loses a write leaves
#: its caller waiting forever, and the test fails after this instead of hanging.
PATIENCE = 10.0


def answered_in_time(test: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Fail the test when its writes are not all answered within ``PATIENCE``."""

    @functools.wraps(test)
    async def run(*args: Any, **kwargs: Any) -> None:
        async with asyncio.timeout(PATIENCE):
            await test(*args, **kwargs)

    return run


async def queued(sessions: SessionFactory, *keys: str, holder: str = "w1") -> dict[str, int]:
    """Rows ``keys``, each in its own channel, claimed by ``holder``; their ids by key."""
    items = [outbox.Outgoing(key=k, platform="loopback", channel_id=f"C-{k}", part=POST)
             for k in keys]
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, items, NOW)
        await session.execute(update(Delivery).values(status="claimed", claimed_by=holder,
                                                      lease_until=NOW + timedelta(minutes=1)))
    return {k: r.id for k, r in (await rows(sessions)).items()}


async def rows(sessions: SessionFactory) -> dict[str, Delivery]:
    async with sessions() as session:
        return {r.key: r for r in (await session.scalars(select(Delivery))).all()}


class Counted:
    """The store's sessions, counted: writes that arrive together share one transaction
    (a batch that failed is retried write by write, each in its own)."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions
        self.opened = 0

    def __call__(self) -> AsyncSession:
        self.opened += 1
        return self.sessions()


def started(journal: Journal, row_id: int, worker: str = "w1") -> Any:
    return journal.mark_started(row_id, worker=worker, now=NOW, lease_until=LEASE)


def assert_started(row: Delivery) -> None:
    assert (row.send_started_at, row.attempts, row.lease_until) == (NOW, 1, LEASE)


def assert_untouched(row: Delivery) -> None:
    assert row.send_started_at is None and row.attempts == 0
    assert row.lease_until == NOW + timedelta(minutes=1)


@pytest.mark.parametrize("holder", ["w1", "w2"])
@answered_in_time
async def test_one_start_alone_is_marked_only_for_the_claims_holder(
        sessions: SessionFactory, holder: str) -> None:
    ids = await queued(sessions, "a", holder=holder)
    assert await started(Journal(sessions), ids["a"]) is (holder == "w1")
    row = (await rows(sessions))["a"]
    if holder == "w1":
        assert_started(row)
    else:
        assert_untouched(row)


@pytest.mark.parametrize("keys", ["ab", "abc"])
@answered_in_time
async def test_starts_together_are_marked_in_one_go_when_every_claim_holds(
        sessions: SessionFactory, keys: str) -> None:
    ids = await queued(sessions, *keys)
    counted = Counted(sessions)
    journal = Journal(cast(SessionFactory, counted))
    assert await asyncio.gather(*(started(journal, i) for i in ids.values())) == \
        [True] * len(keys)
    assert counted.opened == 1
    for row in (await rows(sessions)).values():
        assert_started(row)


@answered_in_time
async def test_starts_together_answer_each_caller_when_some_claims_were_lost(
        sessions: SessionFactory) -> None:
    """b was re-claimed by another worker, c was cancelled: only a's start counts."""
    ids = await queued(sessions, "a", "b", "c", "d")
    async with sessions() as session, session.begin():
        await session.execute(update(Delivery).where(Delivery.key == "b")
                              .values(claimed_by="w2"))
        await session.execute(update(Delivery).where(Delivery.key == "c")
                              .values(status="cancelled"))
    counted = Counted(sessions)
    journal = Journal(cast(SessionFactory, counted))
    answers = await asyncio.gather(started(journal, ids["a"]), started(journal, ids["b"]),
                                   started(journal, ids["c"]), started(journal, 10_000),
                                   started(journal, ids["d"], worker="w3"))
    assert answers == [True, False, False, False, False] and counted.opened == 1
    got = await rows(sessions)
    assert_started(got["a"])
    for key in "bd":
        assert_untouched(got[key])
    assert got["c"].send_started_at is None and got["c"].status == "cancelled"


async def story_post(sessions: SessionFactory, message_id: str | None = None, *,
                     sub_id: int | None = None, story_id: int | None = None
                     ) -> tuple[int, int]:
    """A story's post in a subscription (new ones unless given)."""
    async with sessions() as session, session.begin():
        if sub_id is None:
            channel = f"S{await session.scalar(select(func.count(Subscription.id)))}"
            sub = Subscription(platform="loopback", channel_id=channel, lang="en",
                               timezone="UTC", since=NOW, created_at=NOW)
            session.add(sub)
            await session.flush()
            sub_id = sub.id
        if story_id is None:
            story = Story(headline="Talks", first_at=NOW, latest_at=NOW, created_at=NOW)
            session.add(story)
            await session.flush()
            story_id = story.id
        session.add(PostedStory(subscription_id=sub_id, story_id=story_id, platform="loopback",
                                channel_id="C-a", message_id=message_id, posted_at=NOW))
        return sub_id, story_id


async def posted(sessions: SessionFactory) -> list[tuple[str | None, str | None]]:
    async with sessions() as session:
        return [(p.message_id, p.thread_id)
                for p in (await session.scalars(select(PostedStory).order_by(PostedStory.id)))]


@answered_in_time
async def test_sent_rows_record_everything_and_their_story_posts_learn_the_message(
        sessions: SessionFactory) -> None:
    ids = await queued(sessions, "a", "b", "c")
    async with sessions() as session, session.begin():
        await session.execute(update(Delivery).values(error="timed out"))
    first = await story_post(sessions)
    second = await story_post(sessions, message_id="earlier")
    counted = Counted(sessions)
    journal = Journal(cast(SessionFactory, counted))
    later = NOW + timedelta(seconds=3)
    await asyncio.gather(
        journal.mark_sent(ids["a"], now=later, message_id="m1", thread_id="t1", posted=first),
        journal.mark_sent(ids["b"], now=later, message_id="m2", thread_id=None, posted=second),
        journal.mark_sent(ids["c"], now=later, message_id="m3", thread_id=None, posted=None))
    assert counted.opened == 1
    got = await rows(sessions)
    for key, message, thread in (("a", "m1", "t1"), ("b", "m2", None), ("c", "m3", None)):
        row = got[key]
        assert (row.status, row.sent_at, row.message_id, row.thread_id) == \
            ("sent", later, message, thread)
        assert row.claimed_by is None and row.lease_until is None and row.error is None
    # A post that already knows its message keeps it (a re-send found by lookup).
    assert await posted(sessions) == [("m1", "t1"), ("earlier", None)]


@answered_in_time
async def test_a_sent_row_alone_records_its_story_post(sessions: SessionFactory) -> None:
    ids = await queued(sessions, "a")
    story = await story_post(sessions)
    await Journal(sessions).mark_sent(ids["a"], now=NOW, message_id="m1", thread_id="t1",
                                      posted=story)
    assert (await rows(sessions))["a"].status == "sent"
    assert await posted(sessions) == [("m1", "t1")]


@answered_in_time
async def test_a_sent_rows_story_post_is_the_one_of_its_subscription_and_story(
        sessions: SessionFactory) -> None:
    ids = await queued(sessions, "a")
    sub, _story = await story_post(sessions)
    mine = await story_post(sessions, sub_id=sub)  # the same subscription, another story
    await story_post(sessions, story_id=mine[1])  # the same story in another subscription
    assert mine[0] != mine[1]  # so taking one id for the other would show
    await Journal(sessions).mark_sent(ids["a"], now=NOW, message_id="m1", thread_id=None,
                                      posted=mine)
    assert await posted(sessions) == [(None, None), ("m1", None), (None, None)]


@answered_in_time
async def test_a_thread_opened_reaches_the_post_and_its_story_only(
        sessions: SessionFactory) -> None:
    sub, story = await story_post(sessions, message_id="m1")
    other = await story_post(sessions, message_id="m2")
    # The same story in another channel, another story in the same channel.
    await story_post(sessions, message_id="m3", story_id=story)
    await story_post(sessions, message_id="m4", sub_id=sub)
    items = [outbox.Outgoing(key=k, platform="loopback", channel_id="C-a", part=POST,
                             subscription_id=s, story_id=st)
             for k, s, st in (("p", sub, story), ("q", other[0], other[1]))]
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, items, NOW)
    journal = Journal(sessions)
    await journal.thread_opened("p", "T9")
    await journal.thread_opened("no such post", "T8")  # pruned meanwhile: nothing to do
    got = await rows(sessions)
    assert (got["p"].thread_id, got["q"].thread_id) == ("T9", None)
    assert await posted(sessions) == [("m1", "T9"), ("m2", None), ("m3", None), ("m4", None)]


@answered_in_time
async def test_a_thread_opened_on_a_post_of_no_story_touches_no_story(
        sessions: SessionFactory) -> None:
    await story_post(sessions, message_id="m1")
    await queued(sessions, "p")
    await Journal(sessions).thread_opened("p", "T9")
    assert (await rows(sessions))["p"].thread_id == "T9"
    assert await posted(sessions) == [("m1", None)]


@answered_in_time
async def test_a_failing_write_fails_alone_and_the_rest_of_its_batch_commits(
        sessions: SessionFactory) -> None:
    ids = await queued(sessions, "a", "b")
    journal = Journal(sessions)

    async def note(session: AsyncSession) -> str:
        await session.execute(update(Delivery).where(Delivery.key == "b")
                              .values(error="noted"))
        return "noted"

    async def broken(session: AsyncSession) -> None:
        await session.execute(update(Delivery).values(error="half-written"))
        raise LookupError("no such thing")

    answers = await asyncio.gather(started(journal, ids["a"]), journal.write(broken),
                                   journal.write(note), return_exceptions=True)
    assert answers[0] is True and answers[2] == "noted"
    assert isinstance(answers[1], LookupError) and str(answers[1]) == "no such thing"
    got = await rows(sessions)
    assert_started(got["a"])
    assert (got["a"].error, got["b"].error) == (None, "noted")
    # The journal goes on after a failure.
    assert await journal.write(note) == "noted"


@answered_in_time
async def test_no_transaction_takes_more_than_a_batch_and_every_write_is_answered(
        sessions: SessionFactory) -> None:
    journal = Journal(sessions, max_batch=2)
    seen: list[AsyncSession] = []  # kept alive, so no two sessions are ever confused

    def op(n: int) -> Any:
        async def run(session: AsyncSession) -> int:
            seen.append(session)
            return n
        return run

    answers = await asyncio.gather(*(journal.write(op(n)) for n in range(5)))
    assert answers == list(range(5))
    shares: list[int] = []
    for i, session in enumerate(seen):
        if i and session is seen[i - 1]:
            shares[-1] += 1
        else:
            shares.append(1)
    assert shares == [2, 2, 1]


@answered_in_time
async def test_writes_queued_past_several_batches_are_all_answered_after_failures(
        sessions: SessionFactory) -> None:
    """A failing write in the first batch and in the second: each is retried alone, and
    the writes of every batch after them still commit and are answered."""
    await queued(sessions, "a", "b", "c")
    journal = Journal(sessions, max_batch=2)

    def note(key: str) -> Any:
        async def run(session: AsyncSession) -> str:
            await session.execute(update(Delivery).where(Delivery.key == key)
                                  .values(error=f"noted {key}"))
            return key
        return run

    async def broken(session: AsyncSession) -> None:
        raise LookupError("no such thing")

    answers = await asyncio.gather(
        journal.write(broken), journal.write(note("a")), journal.write(note("b")),
        journal.write(broken), journal.write(note("c")), return_exceptions=True)
    assert [type(a) if isinstance(a, Exception) else a for a in answers] == [
        LookupError, "a", "b", LookupError, "c"]
    assert {k: r.error for k, r in (await rows(sessions)).items()} == {
        "a": "noted a", "b": "noted b", "c": "noted c"}
