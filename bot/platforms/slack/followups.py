"""Follow-up buttons on Slack: an ``actions`` block under an answer or update post, and
their clicks (``block_actions``) answered in the message's thread.

A button's ``value`` is the suggestion's key, never its text (``bot.brief.followups``);
the server derives the question again, and refuses a key it did not make, ephemerally.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from bot.model import FOLLOW_UP_COMMAND, Reply, Request, Result
from bot.platforms.base import MessageRef, Target
from bot.platforms.slack.followup_blocks import ACTIONS
from bot.platforms.slack.translate import PLATFORM, is_dm_channel
from bot.respond import Conversation

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp


class SlackAdapter(Protocol):
    """What a click needs of the adapter (a protocol: the adapter imports this module)."""

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None: ...

    async def answer(self, req: Request, conversation: Conversation) -> Result | None: ...

    async def send(self, target: Target, result: Result, *,
                   key: str | None = None) -> MessageRef: ...

    async def reply(self, target: Target, result: Result, *,
                    key: str | None = None) -> MessageRef | None: ...

    async def respond(self, response_url: str, result: Result, *, zone: str | None) -> None: ...

def from_follow_up_action(body: dict[str, Any]) -> Request | None:
    """A click as a ``more`` request, to be answered in the clicked message's thread (the
    update's own thread, or the thread the answer is in)."""
    actions = body.get("actions") or []
    action = next((a for a in actions if ACTIONS.match(str(a.get("action_id", "")))), None)
    if action is None:
        return None
    value = str(action.get("value", ""))[:200]
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    thread = (container.get("thread_ts") or message.get("thread_ts")
              or container.get("message_ts") or message.get("ts"))
    return Request(
        platform=PLATFORM, command=FOLLOW_UP_COMMAND, text=value, kind="command",
        user_id=str((body.get("user") or {}).get("id", "")), channel_id=channel,
        thread_id=str(thread) if thread else None,
        space_id=(body.get("team") or {}).get("id"), is_dm=is_dm_channel(channel),
        args=(("key", value),))


def listen(app: AsyncApp, adapter: SlackAdapter) -> None:
    """Answer follow-up clicks (acked at once; the answer follows in a task)."""

    async def on_click(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        req = from_follow_up_action(body)
        if req is None:
            return
        target = Target(req.channel_id, thread_id=req.thread_id, user_id=req.user_id)
        adapter._spawn(adapter.answer(req, InThread(adapter, target, body.get("response_url"))))

    app.action(ACTIONS)(on_click)


@dataclasses.dataclass
class InThread(Conversation):
    """A click's answer goes into the thread through the app's reply budget; a refusal
    is shown to the clicker only."""

    adapter: SlackAdapter
    target: Target
    response_url: str | None = None

    async def send(self, result: Result, *, zone: str | None) -> None:
        target = dataclasses.replace(self.target, zone=zone)
        if isinstance(result, Reply) and result.ephemeral:
            await self.adapter.send(target, result)
            return
        await self.adapter.reply(dataclasses.replace(target, user_id=None), result)

    async def fallback(self, result: Result, *, zone: str | None) -> bool:
        if not self.response_url:
            return False
        await self.adapter.respond(self.response_url, result, zone=zone)
        return True
