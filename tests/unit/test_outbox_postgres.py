"""Two senders (as two processes would) share one PostgreSQL outbox: FOR UPDATE SKIP LOCKED
claims mean every message goes out exactly once and replies stay in their threads.
Skipped when no PostgreSQL is reachable on 127.0.0.1 (``pg_sessions``, conftest)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC

from bot.clock import SystemClock
from bot.delivery import outbox
from bot.delivery.sender import Sender
from bot.model import QAReply, Sentence, UpdatePost
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from tests.fakes.chat_fake import ChatFake


async def test_two_senders_share_the_outbox_exactly_once(pg_sessions: SessionFactory) -> None:
    clock = SystemClock()
    now = clock.now()
    post = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), now, "en")
    items = []
    for c in range(20):
        root = f"pg:C{c}:p0"
        items.append(outbox.Outgoing(key=root, platform="loopback", channel_id=f"C{c}",
                                     part=post))
        items += [outbox.Outgoing(key=f"pg:C{c}:p{i}", platform="loopback",
                                  channel_id=f"C{c}", index=i, parent_key=root,
                                  part=QAReply("Q?", (Sentence("A.", (1,)),), "en"))
                  for i in (1, 2)]
    async with pg_sessions() as session, session.begin():
        await outbox.enqueue(session, items, now)
    async with ChatFake(profile="none", idempotent=False) as fake:
        adapters = [LoopbackAdapter(fake.url, zone=UTC) for _ in range(2)]
        for a in adapters:
            await a.start()
        senders = [Sender(pg_sessions, {"loopback": a}, clock, worker=f"w{i}", batch=10)
                   for i, a in enumerate(adapters)]
        for _ in range(10):
            done = await asyncio.gather(*(s.send_due() for s in senders))
            if not any(done):
                break
        for a in adapters:
            await a.stop()
    posted = Counter(m["key"] for m in fake.messages)
    assert set(posted) == {i.key for i in items} and set(posted.values()) == {1}
    roots = {m["channel"]: m["id"] for m in fake.messages if m["key"].endswith(":p0")}
    assert all(m["thread"] == roots[m["channel"]] for m in fake.messages
               if not m["key"].endswith(":p0"))
    assert senders[0].sent > 0 and senders[1].sent > 0  # both really worked
