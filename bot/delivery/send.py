"""Send: the platform calls for one prepared row, each inside its pacing slot.

The order is what makes a send happen at most once: a row whose earlier attempt started is
looked up on the platform first (``find_sent``); otherwise "send started" is committed
inside the slot, just before the request leaves, and the request carries the delivery key
(the platform's idempotency).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace

from bot.delivery.pacing import Pacer, Priority
from bot.delivery.prepare import LinkedMessage, Prepared, ThreadToOpen
from bot.errors import PlatformError
from bot.model import Part, UpdatePost
from bot.platforms.base import MessageRef, PlatformAdapter, Target

log = logging.getLogger(__name__)

#: Outbox keys of replies to people (queued when a direct reply could not go out in time).
REPLY_PREFIX = "reply:"


def priority(key: str) -> Priority:
    """Replies (a person waits) first, then realtime posts, then digests."""
    if key.startswith(REPLY_PREFIX):
        return Priority.REPLY
    return Priority.BULK if ":digest:" in key else Priority.REALTIME


@dataclass(frozen=True)
class Delivered:
    """The platform took the row's message (now, or on an earlier attempt)."""

    ref: MessageRef
    #: The thread it went into (a reply's parent thread).
    thread_of: str | None


class Call:
    """The calls of one prepared row to its platform."""

    def __init__(self, prepared: Prepared, adapter: PlatformAdapter, pacer: Pacer,
                 calling: Callable[[], AbstractAsyncContextManager[None]]) -> None:
        self.prepared = prepared
        self.adapter = adapter
        self.pacer = pacer
        #: Marks a platform call in progress (shutdown lets it finish).
        self.calling = calling

    async def open_thread(self, parent: ThreadToOpen) -> str:
        """Turn the parent's message into a thread; returns the thread's id."""
        target = self.prepared.target
        async with self.pacer.slot(target, message=False), self.calling():
            opened = await self.adapter.open_thread(Target(target.channel_id),
                                                    MessageRef(parent.message_id),
                                                    parent.title)
        return opened.thread_id or parent.message_id

    async def find_sent(self, target: Target) -> MessageRef | None:
        """An earlier attempt's message, if the platform has it."""
        async with self.pacer.slot(
                target,  # pragma: no mutate - read only for a message's channel window
                message=False), self.calling():
            ref = await self.adapter.find_sent(target, self.prepared.key)
        if ref is not None:
            log.info("delivery %s was already sent (found %s)", self.prepared.key,
                     ref.message_id)
        return ref

    async def post(self, target: Target,
                   started: Callable[[], Awaitable[bool]]) -> MessageRef | None:
        """Send the part (with its link, if any). ``started`` commits "send started" and
        says whether the claim is still ours; None when it was not (nothing was sent)."""
        part = await self._linked(target)
        async with (self.pacer.slot(target, priority=priority(self.prepared.key)) as ticket,
                    self.calling()):
            # Committed now, just before the request leaves: a row still waiting for its
            # slot at a crash needs no lookup afterwards.
            if not await started():
                return None
            await ticket.confirm()
            return await self.adapter.send(target, part, key=self.prepared.key)

    async def _linked(self, target: Target) -> Part:
        part = self.prepared.part
        if self.prepared.link is None or not isinstance(part, UpdatePost):
            return part
        link = await self._message_link(target, self.prepared.link)
        return replace(part, thread_link=link) if link else part

    async def _message_link(self, target: Target, linked: LinkedMessage) -> str | None:
        """The platform's link to the linked message; None (post without it) when the
        platform has none or says it never will. A transient failure retries the row."""
        try:
            async with self.pacer.slot(target, message=False), self.calling():
                return await self.adapter.message_link(replace(target, thread_id=None),
                                                       linked.message_id, linked.thread_id)
        except PlatformError as exc:
            if not exc.permanent:
                raise
            log.warning("delivery %s: no link to %s (%s)", self.prepared.key,
                        self.prepared.row.link_key, exc)
            return None
