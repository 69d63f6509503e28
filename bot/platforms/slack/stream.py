"""Streaming an answer into the thread that asked for it (slack_sdk's ``chat_stream``).

Slack lets an app stream only a reply to a person's message, so this runs only for
answers to a request (a DM, the agent DM, a mention, a reply in a thread); scheduled posts
and notices never come here. The stream is one message: started with the first piece,
appended to, and stopped with the sources and the feedback element (and the delivery key in
its metadata, so a retried reply finds it instead of answering twice). If Slack ends the
stream early (it times out, an append is refused), the same message is replaced by the whole
rendered answer with ``chat.update``: the person never keeps half an answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import PlatformError
from bot.model import Answer
from bot.platforms.slack.errors import call_api
from bot.platforms.slack.outbound import delivery_metadata, update_message
from bot.platforms.slack.render import render_message
from bot.platforms.slack.streamed import answer_pieces, closing_blocks, source_chunks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamTo:
    """Where a stream goes: the thread of the person's message, and that person."""

    channel: str
    thread_ts: str
    user_id: str
    team_id: str | None


async def stream_answer(client: AsyncWebClient, to: StreamTo, answer: Answer, *,
                        zone: ZoneInfo, key: str | None = None) -> str | None:
    """Stream ``answer``; returns the message's ts, or None when Slack refused to start a
    stream there for good (the caller then posts an ordinary message).

    Raises:
        PlatformError: transient, when the stream could not be started (nothing was shown).
    """
    # buffer_size=1: each piece is one call, in the order given (the pieces are few).
    stream = await client.chat_stream(
        channel=to.channel, thread_ts=to.thread_ts, recipient_user_id=to.user_id,
        recipient_team_id=to.team_id, buffer_size=1)
    first, *rest = answer_pieces(answer)
    try:
        await call_api("chat.startStream", stream.append(markdown_text=first))
    except PlatformError as exc:
        if exc.permanent:
            log.info("slack: no stream in %s (%s); posting the answer", to.channel, exc.code)
            return None
        raise
    ts = str(stream.ts or "")
    try:
        for piece in rest:
            await call_api("chat.appendStream", stream.append(markdown_text=piece))
        metadata = delivery_metadata(key) if key else None
        await call_api("chat.stopStream", stream.stop(
            chunks=source_chunks(answer), blocks=closing_blocks(answer) or None,
            metadata=metadata))
    except (PlatformError, SlackRequestError) as exc:
        log.warning("slack: the stream in %s ended early (%s); replacing it with the full "
                    "answer", to.channel, exc)
        await update_message(client, to.channel, ts, render_message(answer, zone))
    return ts
