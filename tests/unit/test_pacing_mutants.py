"""The pacer's margin, its shared global window and its housekeeping, driven in-process
(issue 18: the pacing mutants that the multi-process scale tests alone would catch).

The shared window is the real ``bot.scale.budget.SharedWindow`` over an in-memory budget
store that keeps its reservations with the same slot maths as the Redis and PostgreSQL
stores (``next_slot``), on a hand-moved clock: no processes, no waiting."""

from __future__ import annotations

import asyncio
import contextlib
import itertools

import pytest

from bot.delivery.pacing import PRUNE_AT, Pacer, Priority, SlidingWindow
from bot.platforms.base import RateLimits, Target
from bot.platforms.discord.facts import DISCORD_LIMITS
from bot.scale.budget import BudgetStore, SharedWindow, next_slot


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class MemoryBudget(BudgetStore):
    """Reservations kept in a dict, on ``clock``; records every call made to it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.slots: dict[str, dict[str, float]] = {}
        self.calls: list[tuple[str, str, int, float]] = []
        self._tokens = itertools.count()

    async def reserve(self, name: str, *, calls: int, period: float) -> tuple[float, str]:
        now = self.clock()
        held = self.slots.setdefault(name, {})
        for token, at in list(held.items()):
            if now - at >= period:
                del held[token]
        slot = next_slot(sorted(held.values()), now, calls=calls, period=period)
        token = str(next(self._tokens))
        held[token] = slot
        self.calls.append(("reserve", name, calls, period))
        return slot - now, token

    async def settle(self, name: str, token: str) -> None:
        held = self.slots[name]
        if token in held:
            held[token] = max(held[token], self.clock())
        self.calls.append(("settle", name, 0, 0.0))

    async def cancel(self, name: str, token: str) -> None:
        self.slots.get(name, {}).pop(token, None)
        self.calls.append(("cancel", name, 0, 0.0))


def shared_pacer(limits: RateLimits, clock: Clock, store: MemoryBudget, *,
                 margin: float = 0.01) -> tuple[Pacer, list[tuple[int, float]]]:
    built: list[tuple[int, float]] = []

    def factory(calls: int, period: float) -> SharedWindow:
        built.append((calls, period))
        return SharedWindow(store, "global", calls=calls, period=period, slack=0.0)

    return Pacer(limits, margin=margin, shared=factory, monotonic=clock), built


async def test_a_shared_budget_replaces_the_local_global_window_with_its_margin() -> None:
    clock = Clock()
    store = MemoryBudget(clock)
    pacer, built = shared_pacer(RateLimits(3, 2.0, 2, 10.0), clock, store, margin=0.25)
    assert built == [(3, 2.5)]  # the global limit, its period widened by the margin
    async with pacer.slot(Target("A")):
        assert store.calls == [("reserve", "global", 3, 2.5)]
    assert store.calls[-1] == ("settle", "global", 0, 0.0)
    # Only the channel window is local now: the global budget is not in get_delay.
    async with pacer.slot(Target("B")), pacer.slot(Target("C")):
        pass
    assert pacer.get_delay(Target("D")) == 0.0
    assert pacer.get_delay(Target("A")) == 0.0  # one of the channel's 2 is used
    clock.now += 2.5  # the shared budget (3 in 2.5 s) has room again: no waiting
    async with pacer.slot(Target("A")):
        pass
    # Its first call was 2.5 s ago and the window is 10 s * 1.25.
    assert pacer.get_delay(Target("A")) == pytest.approx(10.0)
    # A call that is not a message counts against the shared budget only.
    clock.now += 0.5
    async with pacer.slot(Target("A"), message=False):
        pass
    assert [c[0] for c in store.calls].count("reserve") == 5
    assert pacer.get_delay(Target("A")) == pytest.approx(9.5)


def test_no_global_limit_builds_no_shared_window() -> None:
    clock = Clock()
    pacer, built = shared_pacer(RateLimits(None, 1.0, 2, 2.0), clock, MemoryBudget(clock))
    assert built == []
    assert pacer.get_delay(Target("A")) == 0.0


async def test_without_a_shared_budget_the_global_window_is_local() -> None:
    clock = Clock()
    pacer = Pacer(RateLimits(2, 1.0), margin=0.0, monotonic=clock)
    for channel in "AB":
        async with pacer.slot(Target(channel)):
            pass
    assert pacer.get_delay(Target("C")) == pytest.approx(1.0)


@pytest.mark.parametrize(("margin", "channel", "glob"), [(0.5, 15.0, 3.0), (0.0, 10.0, 2.0),
                                                        (0.01, 10.1, 2.02)])
async def test_the_margin_widens_both_windows_by_its_fraction(
        margin: float, channel: float, glob: float) -> None:
    clock = Clock()
    pacer = Pacer(RateLimits(1, 2.0, 1, 10.0), margin=margin, monotonic=clock)
    async with pacer.slot(Target("A")):
        pass
    assert pacer.get_delay(Target("A")) == pytest.approx(channel)
    assert pacer.get_delay(Target("B")) == pytest.approx(glob)


async def test_the_default_margin_is_one_percent_of_discords_windows() -> None:
    clock = Clock()
    pacer = Pacer(DISCORD_LIMITS, monotonic=clock)
    for _ in range(5):
        async with pacer.slot(Target("C1"), priority=Priority.REPLY):
            pass
    assert pacer.get_delay(Target("C1")) == pytest.approx(5.05)
    clock.now += 5.0
    assert pacer.get_delay(Target("C1")) == pytest.approx(0.05)
    clock.now += 0.05
    assert pacer.get_delay(Target("C1")) == 0.0


async def test_idle_channel_windows_are_forgotten_past_the_bound_and_busy_ones_kept() -> None:
    clock = Clock()
    pacer = Pacer(RateLimits(None, 1.0, 1, 10.0), margin=0.0, monotonic=clock)
    async with pacer.slot(Target("busy")):
        pass
    for n in range(PRUNE_AT - 1):  # PRUNE_AT windows: none forgotten yet
        assert pacer.get_delay(Target(f"c{n}")) == 0.0
    assert len(pacer._channels) == PRUNE_AT  # the memory bound is the point
    assert pacer.get_delay(Target("one-more")) == 0.0  # the 4098th: idle ones go
    assert set(pacer._channels) == {"busy", "one-more"}
    assert pacer.get_delay(Target("busy")) == pytest.approx(10.0)  # its call still counts


async def test_a_window_with_a_call_in_flight_or_answered_is_not_idle() -> None:
    clock = Clock()
    window = SlidingWindow(2, 1.0, monotonic=clock)
    assert window.idle
    await window.acquire()
    assert not window.idle and window.get_delay() == 0.0  # in flight, one more fits
    window.release()
    assert not window.idle  # answered: it counts for a period
    clock.now += 1.0
    assert window.idle


def test_a_window_refuses_an_empty_limit_with_the_reason() -> None:
    with pytest.raises(ValueError, match=r"^a window needs calls > 0 and period > 0$"):
        SlidingWindow(1, -1.0)


# Waiters that go away, and the window's own timer ----------------------------------------

async def settle() -> None:
    """Let every task that is ready run (no time passes)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_waiter_cancelled_while_queued_does_not_free_a_slot() -> None:
    clock = Clock()
    window = SlidingWindow(1, 1.0, monotonic=clock)
    await window.acquire()
    gone = asyncio.create_task(window.acquire())
    await settle()
    gone.cancel()
    await settle()
    assert gone.cancelled()
    assert window.get_delay() == float("inf")  # the one call is still in flight
    window.release()


async def test_a_free_slot_skips_the_cancelled_waiters_queued_first() -> None:
    clock = Clock()
    window = SlidingWindow(1, 1.0, monotonic=clock)
    async with window.slot():
        pass
    first = asyncio.create_task(window.acquire())
    second = asyncio.create_task(window.acquire())
    await settle()
    first.cancel()
    await settle()
    clock.now += 1.0
    third = asyncio.create_task(window.acquire())  # its arrival hands out the free slot
    await settle()
    assert second.done() and not third.done()
    third.cancel()
    await settle()


async def test_a_slot_granted_to_a_waiter_that_went_away_goes_to_the_next() -> None:
    clock = Clock()
    window = SlidingWindow(1, 1.0, monotonic=clock)
    await window.acquire()
    first = asyncio.create_task(window.acquire())
    second = asyncio.create_task(window.acquire())
    await settle()
    window.release()
    clock.now += 1.0
    third = asyncio.create_task(window.acquire())
    await asyncio.sleep(0)  # the third's arrival grants the first its slot ...
    first.cancel()  # ... which goes away before it could use it
    await settle()
    assert first.cancelled() and second.done() and not third.done()
    assert window.get_delay() == float("inf")  # exactly one call in flight: the second's
    window.release()
    clock.now += 1.0
    fourth = asyncio.create_task(window.acquire())
    await settle()
    assert third.done() and not fourth.done()
    fourth.cancel()
    await settle()


async def test_a_grant_counts_the_calls_already_in_flight() -> None:
    clock = Clock()
    window = SlidingWindow(2, 1.0, monotonic=clock)
    await window.acquire()
    await window.acquire()
    waiter = asyncio.create_task(window.acquire())
    await settle()
    window.release()
    clock.now += 1.0
    late = asyncio.create_task(window.acquire())
    await settle()
    assert waiter.done() and not late.done()  # one in flight plus the waiter's: full
    late.cancel()
    await settle()


async def test_a_waiter_is_woken_by_the_timer_not_by_polling() -> None:
    """With the window's clock moved by hand and no real time passing, the timer (set for
    the real second the window asked for) has not fired: nothing polls the clock."""
    clock = Clock()
    window = SlidingWindow(1, 1.0, monotonic=clock)
    async with window.slot():
        pass
    waiter = asyncio.create_task(window.acquire())
    await settle()
    clock.now += 1.0
    await settle()
    assert not waiter.done()
    waiter.cancel()
    await settle()


async def test_the_timer_wakes_waiters_one_after_another() -> None:
    window = SlidingWindow(1, 0.02)
    async with window.slot():
        pass
    first = asyncio.create_task(window.acquire())
    second = asyncio.create_task(window.acquire())
    await asyncio.wait_for(first, 2.0)
    window.release()  # the second now waits for the timer again
    await asyncio.wait_for(second, 2.0)
    window.release()


async def test_the_windows_held_stay_within_twice_the_busy_ones_and_all_may_go() -> None:
    """A long run over many threads: after a scan keeps the busy windows, the next scan
    comes once their count has doubled (the memory bound), and a scan that finds every
    window idle forgets them all and still paces the next message."""
    clock = Clock()
    pacer = Pacer(RateLimits(None, 1.0, 1, 10.0), margin=0.0, monotonic=clock)
    for n in range(2 * PRUNE_AT):  # all busy: the scan at PRUNE_AT keeps every one
        async with pacer.slot(Target(f"c{n}")):
            pass
    assert pacer.windows == 2 * PRUNE_AT
    clock.now += 10.0  # every one of them idle now
    async with pacer.slot(Target("next")):
        pass
    assert pacer.windows == 1  # the scan at twice the busy ones forgot them all
    assert pacer.get_delay(Target("next")) == pytest.approx(10.0)
    assert pacer.get_delay(Target("c0")) == 0.0


@pytest.mark.parametrize(("calls", "posts"), [(3, 3), (4, 3), (5, 4)])
async def test_a_channel_window_of_four_calls_or_more_keeps_one_for_a_reply(
        calls: int, posts: int) -> None:
    """A burst of posts to a channel leaves a person's reply its slot once the channel
    allows ``RESERVE_FROM`` (4) calls or more; a smaller window is all posts'."""
    clock = Clock()
    pacer = Pacer(RateLimits(None, 1.0, calls, 4.0), margin=0.0, monotonic=clock)
    channel = Target("C1")
    for _ in range(posts):
        assert pacer.get_delay(channel) == 0.0
        async with pacer.slot(channel):
            pass
    assert pacer.get_delay(channel) == pytest.approx(4.0)  # the next post waits a period
    replied: list[str] = []

    async def reply() -> None:
        async with pacer.slot(channel, priority=Priority.REPLY):
            replied.append("sent")

    task = asyncio.create_task(reply())
    await asyncio.sleep(0)
    assert replied == (["sent"] if posts < calls else [])  # the kept slot, at once
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
