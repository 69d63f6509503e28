"""Slack payloads as neutral ``Request`` objects (pure: tested on raw JSON).

Slack sends user text as mrkdwn: mentions as ``<@U123>``, links as ``<url|label>`` and
``&``/``<``/``>`` as entities. The handlers get it back as plain text; rendering escapes it
again on the way out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from bot.commands import Registry, parse_line
from bot.model import Request
from bot.platforms.commands import commands_or_default
from bot.platforms.slack.render import FEEDBACK_DOWN, FEEDBACK_UP
from bot.platforms.slack.streamed import FEEDBACK_VOTE

PLATFORM = "slack"
#: Message subtypes that are still a person writing (others are edits, joins, bots...).
HUMAN_SUBTYPES = (None, "file_share", "thread_broadcast")

_TOKEN = re.compile(r"<([^<>]*)>")

MessageKind = Literal["dm", "thread"]
Native = Mapping[str, Any]


def parse_command(text: str, commands: Registry | None = None) -> tuple[str, str]:
    """``"latest"`` -> ``("latest", "")``; ``"why now?"`` -> ``("ask", "why now?")``: the
    registry's commands are the sub-commands of ``/ceasefire``; blank text is ``help``."""
    registry = commands_or_default(commands)
    return parse_line(text, registry.typable(), fallback=registry.fallback, slash="never",
                      empty="help")


def usage_hint(commands: Registry | None = None) -> str:
    """The ``/ceasefire`` usage hint Slack shows (slack-manifest.yaml carries it)."""
    return " | ".join(c.usage() for c in commands_or_default(commands))


def plain_text(text: str, *, bot_user_id: str | None = None) -> str:
    """Slack mrkdwn from a user as plain text: the bot's mention dropped, other mentions and
    links reduced to their labels, entities decoded (``&amp;`` last)."""

    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if bot_user_id and target == f"@{bot_user_id}":
            return ""
        if target.startswith(("@", "#", "!")):
            return label or target
        return label or target

    text = _TOKEN.sub(token, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]+", " ", text).strip()


def manager_hint(allowlist: tuple[str, ...] = ()) -> str:
    """Who may subscribe a channel, for the refusal message."""
    base = "workspace admins and owners"
    return f"{base} (or users on this bot's admin allow-list)" if allowlist else base


def is_dm_channel(channel_id: str) -> bool:
    return channel_id.startswith("D")


def from_slash_command(command: Native, *, can_manage: bool = False,
                       hint: str = "workspace admins and owners",
                       commands: Registry | None = None) -> Request:
    """A ``/ceasefire <subcommand> ...`` payload (HTTP form fields or Socket Mode payload)."""
    name, rest = parse_command(str(command.get("text", "")), commands)
    channel = str(command.get("channel_id", ""))
    return Request(
        platform=PLATFORM, command=name, text=plain_text(rest), kind="command",
        user_id=str(command.get("user_id", "")), channel_id=channel,
        space_id=command.get("team_id"),
        is_dm=is_dm_channel(channel) or command.get("channel_name") == "directmessage",
        can_manage=can_manage, manager_hint=hint)


def from_app_mention(event: Native, *, bot_user_id: str, team_id: str | None = None,
                     commands: Registry | None = None) -> Request:
    """``@bot question``: answered in a thread under the mention (or in its thread)."""
    name, rest = parse_command(plain_text(str(event.get("text", "")), bot_user_id=bot_user_id),
                               commands)
    channel = str(event.get("channel", ""))
    return Request(
        platform=PLATFORM, command=name, text=rest, kind="mention",
        user_id=str(event.get("user", "")), channel_id=channel,
        thread_id=str(event.get("thread_ts") or event.get("ts") or "") or None,
        space_id=team_id or event.get("team"), is_dm=is_dm_channel(channel))


def message_kind(event: Native, *, bot_user_id: str) -> MessageKind | None:
    """Which message events are for us: a DM, or a reply inside a thread. Edits, bots (and
    ourselves), and channel messages that mention us (``app_mention`` has those) are not."""
    if event.get("subtype") not in HUMAN_SUBTYPES or event.get("bot_id"):
        return None
    user = event.get("user")
    if not user or user == bot_user_id:
        return None
    text = str(event.get("text", ""))
    is_im = event.get("channel_type") == "im" or is_dm_channel(str(event.get("channel", "")))
    if is_im:
        return "dm"
    if f"<@{bot_user_id}" in text:
        return None
    thread_ts = event.get("thread_ts")
    if thread_ts and thread_ts != event.get("ts"):
        return "thread"
    return None


def from_message(event: Native, *, bot_user_id: str, team_id: str | None = None,
                 commands: Registry | None = None) -> Request:
    """A DM (answered in the DM) or a reply in one of our threads (answered there)."""
    kind = message_kind(event, bot_user_id=bot_user_id)
    name, rest = parse_command(plain_text(str(event.get("text", "")), bot_user_id=bot_user_id),
                               commands)
    thread = event.get("thread_ts")
    return Request(
        platform=PLATFORM, command=name, text=rest,
        kind="dm" if kind == "dm" else "thread_reply",
        user_id=str(event.get("user", "")), channel_id=str(event.get("channel", "")),
        thread_id=str(thread) if thread else None,
        space_id=team_id or event.get("team"), is_dm=kind == "dm")


def feedback_vote(action: Native) -> tuple[str, str] | None:
    """``(answer id, "up"|"down")`` of a click: a 👍/👎 button (the id is the value), or the
    streamed answer's feedback element (the value is ``"<id> up|down"``)."""
    value = str(action.get("value", ""))
    action_id = action.get("action_id")
    if action_id == FEEDBACK_VOTE:
        answer, _, vote = value.partition(" ")
    elif action_id in (FEEDBACK_UP, FEEDBACK_DOWN):
        answer, vote = value, "up" if action_id == FEEDBACK_UP else "down"
    else:
        return None
    if not (answer.isascii() and answer.isdigit()) or vote not in ("up", "down"):
        return None
    return answer, vote


def from_feedback_action(body: Native) -> Request | None:
    """A 👍/👎 click as a ``feedback`` request (``"<answer id> up|down"``)."""
    actions = body.get("actions") or []
    voted = next((v for a in actions if (v := feedback_vote(a)) is not None), None)
    if voted is None:
        return None
    answer, vote = voted
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    return Request(
        platform=PLATFORM, command="feedback", text=f"{answer} {vote}",
        kind="command", user_id=str((body.get("user") or {}).get("id", "")),
        channel_id=str(channel), thread_id=container.get("thread_ts"),
        space_id=(body.get("team") or {}).get("id"), is_dm=is_dm_channel(str(channel)))


def to_request(native: Native, *, bot_user_id: str, can_manage: bool = False,
               hint: str = "workspace admins and owners",
               commands: Registry | None = None) -> Request | None:
    """Any Slack payload Bolt hands us as a ``Request``, or None when it is not for us.

    Accepts a slash command's fields, an ``event_callback`` body (``app_mention`` or a
    ``message`` that is a DM or a thread reply) or a ``block_actions`` body (👍/👎).
    """
    if "command" in native and "user_id" in native:
        return from_slash_command(native, can_manage=can_manage, hint=hint, commands=commands)
    if native.get("type") == "event_callback":
        event = native.get("event") or {}
        team = native.get("team_id")
        if event.get("type") == "app_mention":
            return from_app_mention(event, bot_user_id=bot_user_id, team_id=team,
                                    commands=commands)
        if event.get("type") == "message" and message_kind(event, bot_user_id=bot_user_id):
            return from_message(event, bot_user_id=bot_user_id, team_id=team,
                                commands=commands)
        return None
    if native.get("type") == "block_actions":
        return from_feedback_action(native)
    return None
