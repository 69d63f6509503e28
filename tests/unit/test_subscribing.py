"""Which queued new subscriptions are written together (issue 19: a burst of `subscribe`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.delivery.subscribing import BATCH, NewSubscription, Queued, _first_per_target
from bot.store.models import Subscription

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def queued(channel: str) -> Queued:
    new = NewSubscription(("loopback", channel), lambda: Subscription(), "en")
    return new, NOW, asyncio.get_running_loop().create_future()


async def test_a_batch_takes_each_channel_once_and_at_most_batch_of_them() -> None:
    queue = [queued(f"C{i}") for i in range(BATCH + 5)]
    queue.insert(3, queued("C0"))  # the same channel again
    now, later = _first_per_target(queue)
    assert [q[0].target[1] for q in now] == [f"C{i}" for i in range(BATCH)]
    assert [q[0].target[1] for q in later] == ["C0", *(f"C{i}" for i in range(BATCH,
                                                                              BATCH + 5))]


async def test_channels_already_in_the_write_and_past_its_room_wait_for_the_next() -> None:
    queue = [queued(c) for c in ("C1", "C2", "C3", "C4")]
    now, later = _first_per_target(queue, taken={("loopback", "C2")}, room=2)
    assert [q[0].target[1] for q in now] == ["C1", "C3"]
    assert [q[0].target[1] for q in later] == ["C2", "C4"]
