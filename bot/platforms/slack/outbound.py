"""Posting rendered messages, and finding a delivery again after a crash.

Every keyed post carries its outbox key in message metadata; ``find_delivery`` scans recent
history (or the thread) with ``include_all_metadata`` for it, so a send whose outcome was
lost is recognised instead of repeated.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import PlatformError
from bot.platforms.base import MessageRef, Target
from bot.platforms.slack.errors import BLOCK_ERRORS, call_api
from bot.platforms.slack.render import SlackMessage, text_only

log = logging.getLogger(__name__)

#: Message metadata marking a delivery, so ``find_delivery`` can recognise it after a crash.
DELIVERY_EVENT = "ceasefire_delivery"
PAGE = 100


def delivery_metadata(key: str) -> dict[str, Any]:
    return {"event_type": DELIVERY_EVENT, "event_payload": {"key": key}}


async def post_messages(client: AsyncWebClient, target: Target,
                        messages: Sequence[SlackMessage], *, key: str | None) -> MessageRef:
    """Post in order; messages marked ``in_thread`` go into the first one's thread (or the
    target's). Later messages of a keyed result get ``<key>#<i>``.

    Returns:
        The first message, with the thread replies to it go into.
    """
    first: MessageRef | None = None
    for i, message in enumerate(messages):
        thread = target.thread_id
        if thread is None and message.in_thread and first is not None:
            thread = first.message_id
        part_key = key if i == 0 or key is None else f"{key}#{i}"
        ts = await post_message(client, target.channel_id, message, thread_ts=thread,
                                key=part_key)
        if first is None:
            first = MessageRef(ts, target.thread_id or ts)
    if first is None:
        raise ValueError("nothing to post")
    return first


async def post_message(client: AsyncWebClient, channel: str, message: SlackMessage, *,
                       thread_ts: str | None, key: str | None) -> str:
    """chat.postMessage with unfurls and name linking off; plain text if blocks are refused.

    Returns:
        The new message's ts.
    """
    kwargs: dict[str, Any] = {"channel": channel, "text": message.text,
                              "unfurl_links": False, "unfurl_media": False,
                              "link_names": False}
    if message.blocks:
        kwargs["blocks"] = list(message.blocks)
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    if key:
        kwargs["metadata"] = delivery_metadata(key)
    response = await call_plain_if_refused("chat.postMessage", client.chat_postMessage,
                                           kwargs, message)
    return str(response.get("ts") or "")


async def update_message(client: AsyncWebClient, channel: str, ts: str,
                         message: SlackMessage) -> None:
    """chat.update: replace message ``ts`` with ``message`` (plain text if blocks are
    refused). Names are not linked, as on every post."""
    kwargs: dict[str, Any] = {"channel": channel, "ts": ts, "text": message.text,
                              "link_names": False}
    if message.blocks:
        kwargs["blocks"] = list(message.blocks)
    await call_plain_if_refused("chat.update", client.chat_update, kwargs, message)


async def call_plain_if_refused(method: str, call: Callable[..., Awaitable[Any]],
                                kwargs: dict[str, Any], message: SlackMessage) -> Any:
    """Call ``method`` with ``message``'s blocks; if Slack refuses the blocks, once more
    as plain text (a message is never lost to a layout Slack will not take)."""
    try:
        return await call_api(method, call(**kwargs))
    except PlatformError as exc:
        if exc.code not in BLOCK_ERRORS or not message.blocks:
            raise
        log.warning("slack: blocks refused by %s (%s); sending plain text", method, exc.code)
        kwargs.pop("blocks")
        kwargs["text"] = text_only(message).text
        return await call_api(method, call(**kwargs))


async def post_ephemeral(client: AsyncWebClient, target: Target,
                         messages: Sequence[SlackMessage]) -> MessageRef:
    """chat.postEphemeral to ``target.user_id`` (in the target's thread, if any)."""
    ts = ""
    for message in messages:
        kwargs: dict[str, Any] = {"channel": target.channel_id, "user": target.user_id,
                                  **message.payload()}
        if target.thread_id:
            kwargs["thread_ts"] = target.thread_id
        response = await call_api("chat.postEphemeral", client.chat_postEphemeral(**kwargs))
        ts = str(response.get("message_ts") or "")
    return MessageRef(ts, target.thread_id)


async def permalink(client: AsyncWebClient, channel: str, ts: str) -> str | None:
    """The message's permalink; None when Slack no longer has the message."""
    try:
        response = await call_api("chat.getPermalink",
                                  client.chat_getPermalink(channel=channel, message_ts=ts))
    except PlatformError as exc:
        if exc.code == "message_not_found":
            return None
        raise
    return str(response.get("permalink") or "") or None


async def find_delivery(client: AsyncWebClient, target: Target, key: str, *,
                        limit: int = 300) -> MessageRef | None:
    """The message tagged with ``key`` among the newest ``limit`` of the channel (or among
    the thread's replies), or None."""
    seen = 0
    cursor: str | None = None
    while seen < limit:
        args: dict[str, Any] = {"channel": target.channel_id, "include_all_metadata": True,
                                "limit": min(PAGE, limit - seen)}
        if cursor:
            args["cursor"] = cursor
        try:
            if target.thread_id:
                page = await call_api("conversations.replies", client.conversations_replies(
                    ts=target.thread_id, **args))
            else:
                page = await call_api("conversations.history",
                                      client.conversations_history(**args))
        except PlatformError as exc:
            if exc.code == "thread_not_found":
                return None
            raise
        messages = page.get("messages") or []
        for message in messages:
            meta = message.get("metadata") or {}
            if (meta.get("event_type") == DELIVERY_EVENT
                    and (meta.get("event_payload") or {}).get("key") == key):
                ts = str(message["ts"])
                return MessageRef(ts, target.thread_id or ts)
        seen += len(messages)
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not page.get("has_more") or not cursor or not messages:
            return None
    return None
