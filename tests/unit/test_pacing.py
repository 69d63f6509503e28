"""Sliding windows and the pacer driven with a hand-moved clock: who gets a slot, when,
and who has to wait (no real waiting)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.delivery.pacing import Pacer, Priority, SlidingWindow
from bot.platforms.base import RateLimits, Target
from bot.platforms.discord.facts import DISCORD_LIMITS
from bot.platforms.slack.facts import SLACK_LIMITS


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_window_needs_calls_and_a_period() -> None:
    for calls, period in ((0, 1.0), (1, 0.0), (-1, 1.0)):
        with pytest.raises(ValueError, match="calls > 0 and period > 0"):
            SlidingWindow(calls, period)


async def test_try_acquire_counts_calls_in_flight_and_until_a_period_after_them() -> None:
    clock = Clock()
    window = SlidingWindow(2, 5.0, monotonic=clock)
    assert window.try_acquire() and window.try_acquire()
    assert not window.try_acquire()  # both in flight
    window.release()
    assert not window.try_acquire()  # one in flight, one answered just now
    window.release()
    clock.now += 4.9
    assert not window.try_acquire() and window.get_delay() == pytest.approx(0.1)
    clock.now += 0.1
    assert window.try_acquire() and window.try_acquire() and not window.try_acquire()
    assert not window.idle


async def test_acquire_waits_for_a_release_then_for_the_period() -> None:
    # A real clock and a short period: a waiter is woken by the window's own timer.
    window = SlidingWindow(1, 0.05)
    await window.acquire()
    waiter = asyncio.create_task(window.acquire())
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiter.done()  # the one call is still in flight
    assert not window.try_acquire()  # and nobody jumps the queue
    released = time.monotonic()
    window.release()  # answered now: the slot frees one period later
    await asyncio.wait_for(waiter, 1.0)
    assert time.monotonic() - released >= 0.045
    assert not window.try_acquire()  # the waiter holds the slot
    window.release()
    await asyncio.sleep(0.06)
    async with window.slot():
        assert not window.idle  # slot() takes one and gives it back, like acquire/release
    await asyncio.sleep(0.06)
    assert window.idle


def test_pacer_keys_threads_as_channels_only_where_the_platform_does() -> None:
    discord, slack = Pacer(DISCORD_LIMITS), Pacer(SLACK_LIMITS)
    thread = Target("C1", thread_id="T1")
    assert discord.channel_key(thread) == "C1/T1" and slack.channel_key(thread) == "C1"
    assert discord.channel_key(Target("C1")) == "C1"


async def test_pacer_delay_is_the_stricter_of_channel_and_global_windows() -> None:
    clock = Clock()
    pacer = Pacer(RateLimits(3, 1.0, 2, 10.0), margin=0.0, monotonic=clock)
    for channel in ("A", "A", "B"):
        async with pacer.slot(Target(channel)):
            pass
    assert pacer.get_delay(Target("A")) == pytest.approx(10.0)  # A's window: 2 in 10 s
    assert pacer.get_delay(Target("C")) == pytest.approx(1.0)  # global: 3 in 1 s
    clock.now += 1.0
    assert pacer.get_delay(Target("C")) == 0.0
    assert pacer.get_delay(Target("A")) == pytest.approx(9.0)
    assert Pacer(RateLimits(), monotonic=clock).get_delay(Target("A")) == 0.0


async def test_pacer_forgets_idle_thread_windows_and_keeps_busy_ones() -> None:
    clock = Clock()
    # Discord's per-thread windows; no global one (the clock is moved by hand).
    pacer = Pacer(RateLimits(None, 1.0, 5, 5.0, thread_is_channel=True), margin=0.0,
                  monotonic=clock)
    for story in range(2000):  # a long run: a new thread per story and channel
        async with pacer.slot(Target(f"C{story % 300}", thread_id=f"T{story}")):
            pass
        clock.now += 0.1  # each thread's window goes idle 5 s after its post
    assert pacer.windows < 600  # about the windows of the last 5 s, not all 2,000
    busy = Target("C1", thread_id="busy")
    for _ in range(4):  # all a post may take: the fifth slot is kept for a reply
        async with pacer.slot(busy):
            pass
    for n in range(1000):  # enough new windows, at the same instant, to scan again
        async with pacer.slot(Target("C2", thread_id=f"new{n}")):
            pass
    # The busy window was kept through the scans: its limit still applies.
    assert pacer.get_delay(busy) == pytest.approx(5.0)  # the next post must wait


async def test_a_reply_finds_the_slot_a_burst_of_posts_may_not_take() -> None:
    clock = Clock()
    window = SlidingWindow(5, 5.0, reserve=1, monotonic=clock)
    for _ in range(4):
        assert window.try_acquire(Priority.REALTIME)
        window.release()
    assert not window.try_acquire(Priority.REALTIME)  # posts: 4 in 5 s at most
    assert window.get_delay(Priority.BULK) == pytest.approx(5.0)
    assert window.get_delay(Priority.REPLY) == 0.0
    assert window.try_acquire(Priority.REPLY)  # a reply takes the kept slot at once
    window.release()
    assert window.get_delay(Priority.REPLY) == pytest.approx(5.0)  # 5 in 5 s: the limit
    # Once the reply's slot is used, a post waits for two of the earlier calls to leave.
    clock.now += 1.0
    assert window.get_delay(Priority.REALTIME) == pytest.approx(4.0)


async def test_a_queued_post_leaves_the_kept_slot_to_a_reply_that_comes_later() -> None:
    window = SlidingWindow(3, 0.05, reserve=1)
    for _ in range(2):
        await window.acquire(Priority.REALTIME)
        window.release()
    post = asyncio.create_task(window.acquire(Priority.REALTIME))
    await asyncio.sleep(0)
    assert not post.done()  # the posts' share is used
    await asyncio.wait_for(window.acquire(Priority.REPLY), 1)  # the reply does not wait
    window.release()
    await asyncio.wait_for(post, 1)  # the post goes once the window moved on
    window.release()


def test_a_reserve_must_leave_posts_a_slot() -> None:
    with pytest.raises(ValueError,
                       match=r"^a window's reserve must leave other calls at least one slot$"):
        SlidingWindow(2, 1.0, reserve=2)


async def test_a_call_outside_the_global_limit_takes_only_its_channel_slot() -> None:
    clock = Clock()
    pacer = Pacer(RateLimits(2, 1.0, 5, 5.0), margin=0.0, monotonic=clock)
    for channel in ("A", "B"):  # the global window is used up
        async with pacer.slot(Target(channel)):
            pass
    assert pacer.get_delay(Target("C")) == pytest.approx(1.0)
    # An interaction's answer (Discord) goes at once, and its channel still counts it.
    async with pacer.slot(Target("C"), priority=Priority.REPLY, global_limit=False):
        pass
    channel = pacer._channel_window(Target("C"))
    assert channel is not None and channel.get_delay() == 0.0
    assert len(channel._stamps) == 1
    assert pacer.get_delay(Target("D")) == pytest.approx(1.0)  # no global slot was used
