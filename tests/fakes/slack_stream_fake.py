"""The Slack fake's agent wire: chat.startStream / appendStream / stopStream and
assistant.threads.*, with the rules Slack documents for them.

Kept apart from ``slack_fake`` (which mixes it in) so each file stays readable. The rules:

- A stream answers a person: it needs ``thread_ts`` (the message it replies to); outside a
  DM it also needs ``recipient_user_id`` and ``recipient_team_id``, and the recipient may
  not be the bot itself (``invalid_arguments``).
- ``markdown_text`` (and each markdown chunk) is at most 12,000 characters
  (``msg_too_long``); chunks are ``markdown_text``, ``task_update``, ``plan_update`` or
  ``blocks``, and a task's sources are ``{"type": "url", "url": "http(s)://...",
  "text": ...}`` (``invalid_chunks``).
- ``stopStream`` closes the stream; an append or stop after it, or after the stream was idle
  longer than ``stream_timeout`` seconds, fails with ``message_not_in_streaming_state``.
- The streamed message is a real bot message in the channel (history and replies show it,
  ``chat.update`` may replace it), carrying the stop's ``blocks`` and ``metadata``.
- ``assistant.threads.setSuggestedPrompts`` takes 1 to 4 prompts, each a ``title`` and a
  ``message``; ``setStatus`` and ``setTitle`` need the thread (an empty status clears it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Params = dict[str, Any]

MARKDOWN_MAX = 12_000
PROMPTS_MAX = 4
CHUNK_TYPES = ("markdown_text", "task_update", "plan_update", "blocks")
_HTTP_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


class StreamError(Exception):
    """A refusal, answered as ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _markdown_of(params: Params) -> str:
    """All markdown a call adds: its ``markdown_text`` then its markdown chunks, checked."""
    text = params.get("markdown_text")
    parts: list[str] = []
    if text is not None:
        if not isinstance(text, str) or len(text) > MARKDOWN_MAX:
            raise StreamError("msg_too_long" if isinstance(text, str) else "invalid_arguments")
        parts.append(text)
    chunks = params.get("chunks") or []
    if not isinstance(chunks, list):
        raise StreamError("invalid_chunks")
    for chunk in chunks:
        kind = chunk.get("type") if isinstance(chunk, dict) else None
        if kind not in CHUNK_TYPES:
            raise StreamError("invalid_chunks")
        if kind == "markdown_text":
            body = chunk.get("text")
            if not isinstance(body, str):
                raise StreamError("invalid_chunks")
            if len(body) > MARKDOWN_MAX:
                raise StreamError("msg_too_long")
            parts.append(body)
        if kind == "task_update":
            _check_task(chunk)
    return "".join(parts)


def _check_task(chunk: dict[str, Any]) -> None:
    if not chunk.get("id") or not chunk.get("title") or chunk.get("status") not in (
            "pending", "in_progress", "complete", "error"):
        raise StreamError("invalid_chunks")
    for source in chunk.get("sources") or []:
        if not (isinstance(source, dict) and source.get("type") == "url"
                and isinstance(source.get("text"), str) and source["text"]
                and _HTTP_URL.match(str(source.get("url") or ""))):
            raise StreamError("invalid_chunks")


class AgentWire:
    """Mixed into ``FakeSlack``: the streaming and assistant methods, and their records."""

    bot_user_id: str
    messages: dict[str, list[dict[str, Any]]]
    #: Seconds a stream may stay idle before Slack ends it (appends then fail).
    stream_timeout: float
    _clock: Callable[[], float]

    # Provided by FakeSlack.
    def _new_message(self, params: Params, *, from_bot: bool = True,
                     user: str | None = None) -> dict[str, Any]:
        raise NotImplementedError

    def _require_channel(self, params: Params) -> str:
        raise NotImplementedError

    def reset_agent_records(self) -> None:
        #: Every stream started: channel, ts, thread_ts, recipient, the calls' markdown and
        #: chunks in order, ``state`` (streaming, stopped, expired) and the stop's blocks.
        self.streams: list[dict[str, Any]] = []
        self.statuses: list[Params] = []
        self.prompts: list[Params] = []
        self.titles: list[Params] = []

    def agent_methods(self) -> dict[str, Callable[[Params], dict[str, Any]]]:
        return {
            "chat.startStream": self._chat_start_stream,
            "chat.appendStream": self._chat_append_stream,
            "chat.stopStream": self._chat_stop_stream,
            "assistant.threads.setStatus": self._set_status,
            "assistant.threads.setSuggestedPrompts": self._set_prompts,
            "assistant.threads.setTitle": self._set_title,
        }

    # -- queries ----------------------------------------------------------------------------

    def streamed(self, channel: str | None = None, *, stopped: bool = False
                 ) -> list[dict[str, Any]]:
        """Streams (optionally of one channel; only the finished ones with ``stopped``)."""
        return [s for s in self.streams if (channel is None or s["channel"] == channel)
                and (not stopped or s["state"] == "stopped")]

    def expire_streams(self) -> None:
        """End every open stream now, as Slack does after its idle timeout."""
        for stream in self.streams:
            if stream["state"] == "streaming":
                stream["state"] = "expired"

    # -- streaming --------------------------------------------------------------------------

    def _chat_start_stream(self, params: Params) -> dict[str, Any]:
        channel = self._require_channel(params)
        thread_ts = str(params.get("thread_ts") or "")
        if not thread_ts:
            raise StreamError("invalid_arguments")  # a stream always answers a message
        recipient = params.get("recipient_user_id")
        if not channel.startswith("D") and not (recipient and params.get("recipient_team_id")):
            raise StreamError("invalid_arguments")
        if recipient == self.bot_user_id:
            raise StreamError("invalid_arguments")
        markdown = _markdown_of(params)
        message = self._new_message({"thread_ts": thread_ts, "text": markdown})
        self.messages.setdefault(channel, []).append(message)
        self.streams.append({
            "channel": channel, "ts": message["ts"], "thread_ts": thread_ts,
            "recipient_user_id": recipient, "recipient_team_id": params.get("recipient_team_id"),
            "markdown": [markdown] if markdown else [], "chunks": list(params.get("chunks") or []),
            "state": "streaming", "blocks": None, "metadata": None, "last": self._clock(),
            "message": message})
        return {"channel": channel, "ts": message["ts"]}

    def _open_stream(self, params: Params) -> dict[str, Any]:
        channel = self._require_channel(params)
        ts = str(params.get("ts") or "")
        stream = next((s for s in self.streams if s["channel"] == channel and s["ts"] == ts),
                      None)
        if stream is None:
            raise StreamError("message_not_found")
        if stream["state"] == "streaming" and self._clock() - stream["last"] > self.stream_timeout:
            stream["state"] = "expired"
        if stream["state"] != "streaming":
            raise StreamError("message_not_in_streaming_state")
        return stream

    def _add(self, stream: dict[str, Any], params: Params) -> None:
        markdown = _markdown_of(params)
        if markdown:
            stream["markdown"].append(markdown)
            stream["message"]["text"] = "".join(stream["markdown"])
        stream["chunks"].extend(params.get("chunks") or [])
        stream["last"] = self._clock()

    def _chat_append_stream(self, params: Params) -> dict[str, Any]:
        stream = self._open_stream(params)
        if params.get("markdown_text") is None and not params.get("chunks"):
            raise StreamError("invalid_arguments")
        self._add(stream, params)
        return {"channel": stream["channel"], "ts": stream["ts"]}

    def _chat_stop_stream(self, params: Params) -> dict[str, Any]:
        stream = self._open_stream(params)
        blocks = params.get("blocks")
        if blocks is not None and (not isinstance(blocks, list) or len(blocks) > 50):
            raise StreamError("invalid_blocks")
        metadata = params.get("metadata")
        if metadata is not None and not (isinstance(metadata, dict)
                                         and {"event_type", "event_payload"} <= set(metadata)):
            raise StreamError("invalid_metadata_format")
        self._add(stream, params)
        stream["state"] = "stopped"
        stream["blocks"], stream["metadata"] = blocks, metadata
        if blocks:
            stream["message"]["blocks"] = blocks
        if metadata:
            stream["message"]["metadata"] = metadata
        return {"channel": stream["channel"], "ts": stream["ts"],
                "message": dict(stream["message"])}

    # -- assistant.threads.* ------------------------------------------------------------------

    def _set_status(self, params: Params) -> dict[str, Any]:
        if not params.get("channel_id") or not params.get("thread_ts"):
            raise StreamError("invalid_arguments")
        if not isinstance(params.get("status"), str):
            raise StreamError("invalid_arguments")
        self.statuses.append(params)
        return {}

    def _set_prompts(self, params: Params) -> dict[str, Any]:
        prompts = params.get("prompts")
        if not params.get("channel_id") or not isinstance(prompts, list):
            raise StreamError("invalid_arguments")
        if not 1 <= len(prompts) <= PROMPTS_MAX or not all(
                isinstance(p, dict) and p.get("title") and p.get("message") for p in prompts):
            raise StreamError("invalid_arguments")
        self.prompts.append(params)
        return {}

    def _set_title(self, params: Params) -> dict[str, Any]:
        if not all(params.get(k) for k in ("channel_id", "thread_ts", "title")):
            raise StreamError("invalid_arguments")
        self.titles.append(params)
        return {}


# -- event payloads --------------------------------------------------------------------------


def app_home_opened_event(*, user: str, channel: str, tab: str = "messages",
                          event_ts: str = "1700000000.000100") -> dict[str, Any]:
    """``app_home_opened``: the user opened the app's Home or Messages tab."""
    return {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab,
            "event_ts": event_ts}


def app_context_changed_event(*, user: str, channel: str, viewing: str | None,
                              team_id: str, event_ts: str = "1700000000.000200"
                              ) -> dict[str, Any]:
    """``app_context_changed`` (agent view): what the user now looks at, most relevant
    first; an empty context when they look at nothing we can name."""
    entities = ([{"type": "slack#/types/channel_id", "value": viewing, "team_id": team_id}]
                if viewing else [])
    return {"type": "app_context_changed", "user": user, "channel": channel,
            "context": {"entities": entities} if entities else {}, "event_ts": event_ts}
