"""One row's platform calls (issue 18: send mutants), through the real loopback adapter and
chat fake.

Looking an earlier attempt up is not a message: it must not take a slot of the channel's
message window (Discord's 5 per 5 s), or a retry after a crash would delay the channel's
posts; and the operator's log says which delivery was found and as which message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime

import pytest

from bot.delivery.claim import Claimed
from bot.delivery.pacing import Pacer
from bot.delivery.prepare import Prepared
from bot.delivery.send import Call
from bot.model import UpdatePost, dump_part
from bot.platforms.base import RateLimits, Target
from bot.platforms.loopback import LoopbackAdapter
from tests.fakes.chat_fake import ChatFake

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), NOW, "en")
#: One message per channel a minute, on a clock that never moves: a second message
#: in the channel would wait for ever.
ONE_A_MINUTE = RateLimits(global_calls=100, global_period=1.0, channel_calls=1,
                          channel_period=60.0)


@pytest.fixture
async def fake() -> AsyncIterator[ChatFake]:
    async with ChatFake(profile="none", idempotent=False) as server:
        yield server


@asynccontextmanager
async def calling() -> AsyncIterator[None]:
    yield


def call(adapter: LoopbackAdapter, pacer: Pacer, key: str) -> Call:
    row = Claimed(1, key, "loopback", "C1", None, dump_part(POST), True, None, None)
    return Call(Prepared(row, Target("C1"), POST), adapter, pacer, calling)


async def test_looking_up_earlier_sends_takes_no_slot_of_the_channels_messages(
        fake: ChatFake, adapter: LoopbackAdapter, caplog: pytest.LogCaptureFixture) -> None:
    pacer = Pacer(ONE_A_MINUTE, monotonic=lambda: 0.0)

    async def started() -> bool:
        return True

    first = call(adapter, pacer, "k1")
    sent = await asyncio.wait_for(first.post(Target("C1"), started), 5)
    assert sent is not None
    caplog.set_level(logging.INFO, logger="bot.delivery.send")
    # The channel's one message slot is taken; lookups still go at once.
    found = await asyncio.wait_for(first.find_sent(Target("C1")), 5)
    assert found is not None and found.message_id == sent.message_id
    assert await asyncio.wait_for(call(adapter, pacer, "k2").find_sent(Target("C1")), 5) \
        is None
    said = [r.getMessage() for r in caplog.records if r.name == "bot.delivery.send"]
    assert said == [f"delivery k1 was already sent (found {sent.message_id})"]


async def test_a_reply_to_a_person_takes_the_slot_the_channels_posts_leave_it(
        fake: ChatFake, adapter: LoopbackAdapter) -> None:
    """Discord's window (5 messages / 5 s a channel) on a clock that never moves: posts
    may take four slots, the fifth is kept for a person waiting for an answer."""
    pacer = Pacer(RateLimits(global_calls=100, global_period=1.0, channel_calls=5,
                             channel_period=5.0), monotonic=lambda: 0.0)

    async def started() -> bool:
        return True

    for i in range(4):
        await asyncio.wait_for(call(adapter, pacer, f"k{i}").post(Target("C1"), started), 5)
    post = asyncio.ensure_future(call(adapter, pacer, "k4").post(Target("C1"), started))
    reply = call(adapter, pacer, "reply:42")
    sent = await asyncio.wait_for(reply.post(Target("C1"), started), 5)
    assert sent is not None and [m["key"] for m in fake.messages][-1] == "reply:42"
    assert not post.done()  # the post waits for the window to move
    post.cancel()
    with suppress(asyncio.CancelledError):
        await post
    assert len(fake.messages) == 5
