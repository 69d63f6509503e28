"""One reply path for every platform: a request's life from its handler to the sent reply.

Adapters translate a native event into a ``Request`` and a ``Conversation`` (where and how
to answer it); everything else happens here, once: a "working on it" note when the work
is slow, the time zone the reply is shown in, the send, retries of transient refusals,
the platform's fallback when the send is refused for good, and the error guard with its
log line (platform and request id). Nothing here raises to the adapter.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from bot.commands.spec import Text
from bot.errors import PlatformError
from bot.model import Briefing, Reply, Request, Result
from bot.retries import refusal_of, transient

log = logging.getLogger(__name__)

#: What the platform calls with each request (the app's ``handle``); returns the reply.
RequestHandler = Callable[[Request], Awaitable[Result]]

WORKING = Text("⏳ Working on it…", "⏳ 処理中です…")


def apology(req: Request) -> Reply:
    """What the user gets for a failure that is ours: the request id, no internals."""
    return Reply(f"Sorry, something went wrong on our side (request {req.request_id}). "
                 "It has been logged; please try again in a moment.", ephemeral=True)


class Conversation(ABC):
    """Where one request is answered, as its platform knows it (a channel, a thread, an
    interaction's follow-ups). Made by the adapter for each native event."""

    @abstractmethod
    async def send(self, result: Result, *, zone: str | None) -> None:
        """Send the reply, times shown in ``zone`` (None: the platform's default).

        Raises:
            PlatformError: ``permanent`` when another attempt cannot help.
        """

    async def working(self, note: Reply) -> bool:
        """Show ``note`` (only to the asker, where the platform can) while the work goes
        on. Platforms that show progress their own way MAY return False."""
        return False

    async def fallback(self, result: Result, *, zone: str | None) -> bool:
        """Deliver another way after ``send`` was refused for good (Slack: the
        interaction's response_url). Returns False when there is none."""
        return False


@dataclass
class ReplyPath:
    """The policy every adapter's replies follow.

    Args:
        slow_after: seconds of work before the working note.
        attempts: sends of a one-message reply on transient refusals (a briefing is sent
            once: repeating it could repeat the messages that did go out).
        max_wait: the longest pause between attempts, whatever the platform asks.
    """

    slow_after: float = 2.0
    attempts: int = 3
    max_wait: float = 30.0

    async def run(self, req: Request, conversation: Conversation,
                  handle: RequestHandler) -> Result | None:
        """Handle ``req`` and send the reply. Returns what was sent; None when nothing
        could be (logged)."""
        try:
            result = await self._with_note(req, conversation, handle(req))
        except Exception:
            log.exception("%s: request %s (%s) failed", req.platform, req.request_id,
                          req.command)
            result = apology(req)
        try:
            await self._send(conversation, result, zone=req.timezone)
        except Exception:
            log.exception("%s: the reply to request %s (%s) could not be sent", req.platform,
                          req.request_id, req.command)
            return None
        return result

    async def _with_note(self, req: Request, conversation: Conversation,
                         work: Awaitable[Result]) -> Result:
        task = asyncio.ensure_future(work)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.slow_after)
            if not done:
                try:
                    await conversation.working(Reply(WORKING.get(req.lang), ephemeral=True))
                except PlatformError as exc:
                    log.info("%s: could not show the working note for request %s: %s",
                             req.platform, req.request_id, exc)
            return await task
        finally:
            if not task.done():
                task.cancel()

    async def _send(self, conversation: Conversation, result: Result, *,
                    zone: str | None) -> None:
        attempts = 1 if isinstance(result, Briefing) else max(1, self.attempts)
        retrying = AsyncRetrying(stop=stop_after_attempt(attempts), retry=retry_if_exception(
            transient), wait=self._wait, reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    await conversation.send(result, zone=zone)
        except PlatformError as exc:
            if exc.permanent and await conversation.fallback(result, zone=zone):
                return
            raise

    def _wait(self, state: RetryCallState) -> float:
        """As long as the platform asked (a second when it did not), at most ``max_wait``."""
        asked = refusal_of(state).retry_after
        return min(self.max_wait, asked if asked is not None else 1.0)

