"""Replies to people, through the same budget as every other message the bot sends.

A reply is sent at once (no outbox round trip: a person is waiting) but through the
sender's pacer at ``Priority.REPLY``, so it queues ahead of fan-out posts and digests
instead of racing them into a 429. A refusal that says "later" (429, 5xx, a dropped
connection) is retried until the reply's deadline; a send whose outcome is unknown is
looked up by its key first, so a retry never posts twice. A reply that still cannot go
out is not dropped: it goes to the outbox (durable, retried with backoff, first in line)
and the failure is logged.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import replace

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from bot.delivery import outbox
from bot.delivery.pacing import Priority
from bot.delivery.sender import REPLY_PREFIX, Sender
from bot.errors import PlatformError
from bot.model import Briefing, Part, Result
from bot.platforms.base import MessageRef, PlatformAdapter, Target
from bot.retries import refusal_of, transient
from bot.store.models import Delivery

log = logging.getLogger(__name__)

#: How long a reply keeps trying directly before it is handed to the outbox.
REPLY_WITHIN = 30.0


def reply_wait(state: RetryCallState) -> float:
    """As long as the platform asked, else a short doubling pause (0.1 s up to 2 s)."""
    asked = refusal_of(state).retry_after
    return asked if asked is not None else min(2.0, 0.1 * 2 ** (state.attempt_number - 1))


class Replier:
    """Sends replies for every platform through ``sender``'s pacers."""

    def __init__(self, sender: Sender, *, within: float = REPLY_WITHIN) -> None:
        self.sender = sender
        self.within = within
        self.retried = 0
        self.queued = 0

    async def send(self, platform: str, target: Target, result: Result | Part, *,
                   key: str | None = None) -> MessageRef | None:
        """Send ``result`` to ``target`` (a briefing as a post plus its thread replies).

        Returns:
            The first message, or None when the reply went to the outbox instead.

        Raises:
            PlatformError: a permanent refusal (retrying or queueing cannot help).
        """
        key = key or f"{REPLY_PREFIX}{uuid.uuid4().hex}"
        parts: list[Part] = list(result.parts()) if isinstance(result, Briefing) else [result]
        adapter = self.sender.platforms[platform]
        deadline = asyncio.get_running_loop().time() + self.within
        first: MessageRef | None = None
        for i, part in enumerate(parts):
            part_key = key if i == 0 else f"{key}#{i}"
            where = target
            if first is not None:
                # The thread's parts are ordinary messages (counted globally).
                where = replace(target, thread_id=first.thread_id or first.message_id,
                                interaction=None)
            try:
                ref = await self._call(adapter, where, part, part_key, deadline)
                if first is None and len(parts) > 1 and not target.thread_id:
                    ref = await self._open_thread(adapter, target, ref, part)
            except PlatformError as exc:
                if exc.permanent:  # the caller may know another way (Slack: response_url)
                    log.warning("reply %s via %s cannot be delivered: %s", part_key,
                                platform, exc)
                    raise
                log.warning("reply %s via %s not delivered in %.0f s (%s): queued in the "
                            "outbox", part_key, platform, self.within, exc)
                await self._to_outbox(platform, target, parts[i:], key, start=i,
                                      anchor=first)
                return first
            first = first or ref
        return first

    async def _call(self, adapter: PlatformAdapter, target: Target, part: Part,
                    key: str, deadline: float) -> MessageRef:
        pacer = self.sender.pacer(adapter.name)
        loop = asyncio.get_running_loop()
        unknown = False  # the last attempt may have landed: ask before sending again

        def past_deadline(state: RetryCallState) -> bool:
            return loop.time() + state.upcoming_sleep > deadline

        def before_sleep(state: RetryCallState) -> None:
            nonlocal unknown
            exc = refusal_of(state)
            unknown = exc.retry_after is None  # a 429 was refused before any effect
            self.retried += 1
            log.info("reply %s via %s retried in %.2f s: %s", key, adapter.name,
                     state.upcoming_sleep, exc)

        retrying = AsyncRetrying(retry=retry_if_exception(transient), wait=reply_wait,
                                 stop=past_deadline, before_sleep=before_sleep, reraise=True)
        async for attempt in retrying:
            with attempt:
                found = None
                if unknown:
                    async with pacer.slot(target, message=False, priority=Priority.REPLY):
                        found = await adapter.find_sent(target, key)
                if found is None:
                    # An answer to an interaction skips the global window where the
                    # platform does (Discord), so a fan-out using it up cannot hold it.
                    async with pacer.slot(target, priority=Priority.REPLY,
                                          global_limit=target.interaction is None):
                        found = await adapter.send(target, part, key=key)
        assert found is not None  # the loop ends on a success or raises
        return found

    async def _open_thread(self, adapter: PlatformAdapter, target: Target, ref: MessageRef,
                           part: Part) -> MessageRef:
        title = str(getattr(part, "headline", None) or "Q&A")[:100]
        async with self.sender.pacer(adapter.name).slot(target, message=False,
                                                        priority=Priority.REPLY):
            return await adapter.open_thread(target, ref, title)

    async def _to_outbox(self, platform: str, target: Target, parts: list[Part],
                         key: str, *, start: int, anchor: MessageRef | None) -> None:
        """Queue the unsent parts durably. Thread replies hang off an anchor row: the part
        already sent, or the thread the question was asked in."""
        now = self.sender.clock.now()
        thread = (anchor.thread_id or anchor.message_id) if anchor else target.thread_id
        parent = f"{key}:anchor" if thread else None
        async with self.sender.sessions() as session, session.begin():
            if parent is not None:
                session.add(Delivery(
                    key=parent, platform=platform, channel_id=target.channel_id,
                    payload="{}", status="sent", attempts=0, next_attempt_at=now,
                    created_at=now, sent_at=now, message_id=thread, thread_id=thread))
                await session.flush()
            rows: list[outbox.Outgoing] = []
            for i, part in enumerate(parts, start=start):
                row_key = key if i == 0 else f"{key}#{i}"
                rows.append(outbox.Outgoing(
                    key=row_key, platform=platform, channel_id=target.channel_id, part=part,
                    index=i, parent_key=parent or (key if i > 0 and start == 0 else None)))
            await outbox.enqueue(session, rows, now)
        self.queued += len(parts)
        self.sender.poke()
