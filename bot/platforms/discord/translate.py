"""Raw Discord payloads (interactions, MESSAGE_CREATE) into neutral Requests, without I/O.

Tested on raw JSON; the adapter builds the same shapes from discord.py objects.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from bot.commands import Registry, parse_line
from bot.model import Lang, Request
from bot.platforms.commands import commands_or_default

PLATFORM = "discord"

MANAGE_CHANNELS = 1 << 4
ADMINISTRATOR = 1 << 3
THREAD_TYPES = frozenset({10, 11, 12})

Payload = Mapping[str, Any]


def locale_lang(locale: str | None) -> Lang | None:
    if not locale:
        return None
    if locale.startswith("ja"):
        return "ja"
    return "en" if locale.startswith("en") else None


def manager_hint(manager_role: str | None) -> str:
    hint = "members with the Manage Channels permission"
    return f"{hint} or the `{manager_role}` role" if manager_role else hint


def can_manage(permissions: int, role_ids: Collection[str], *, manager_role: str | None,
               role_names: Collection[str] = ()) -> bool:
    """Manage Channels (or Administrator), or the configured manager role (name or id)."""
    if permissions & (MANAGE_CHANNELS | ADMINISTRATOR):
        return True
    return bool(manager_role) and (manager_role in role_ids or manager_role in role_names)


def option_values(options: list[Payload] | None) -> dict[str, str]:
    """A slash command's typed option values by name (blank ones left out)."""
    values = {str(o.get("name")): str(o.get("value", "")).strip() for o in options or []}
    return {name: value for name, value in values.items() if value}


def is_snowflake(value: object) -> bool:
    """A Discord id: 1 to 20 ASCII digits below 2**64."""
    text = str(value or "")
    return 0 < len(text) <= 20 and text.isascii() and text.isdigit() and int(text) < 2 ** 64


def bad_ids(payload: Payload) -> str | None:
    """The id field of an interaction that is empty or not a snowflake, else None: such an
    interaction is refused (a subscription stored for channel ``''`` could never be sent)."""
    member = payload.get("member")
    user = (member or {}).get("user") or payload.get("user") or {}
    fields = {"channel": payload.get("channel_id") or (payload.get("channel") or {}).get("id"),
              "user": user.get("id")}
    if payload.get("guild_id") is not None:
        fields["server"] = payload.get("guild_id")
    return next((name for name, value in fields.items() if not is_snowflake(value)), None)


def interaction_request(payload: Payload, *, manager_role: str | None = None,
                        role_names: Collection[str] = (),
                        commands: Registry | None = None) -> Request | None:
    """An application command interaction (type 2) as a Request; None for anything else.
    Its options go into the request as typed arguments (and, for logs and echoes, as the
    line a user would type).

    Args:
        payload: the INTERACTION_CREATE data.
        manager_role: ``discord.manager_role`` (a role name or id).
        role_names: names of the member's roles (not in the payload; the adapter knows them).
        commands: the registry the slash commands were built from (default: every command).
    """
    if payload.get("type") != 2:
        return None
    data = payload.get("data") or {}
    command = str(data.get("name", ""))
    member = payload.get("member")
    user = (member or {}).get("user") or payload.get("user") or {}
    guild_id = payload.get("guild_id")
    channel = payload.get("channel") or {}
    channel_id = str(payload.get("channel_id") or channel.get("id") or "")
    thread_id = None
    if channel.get("type") in THREAD_TYPES and channel.get("parent_id"):
        thread_id, channel_id = channel_id, str(channel["parent_id"])
    permissions = int((member or {}).get("permissions") or 0)
    manage = member is not None and can_manage(
        permissions, [str(r) for r in member.get("roles", [])], manager_role=manager_role,
        role_names=role_names)
    registry = commands_or_default(commands)
    spec = registry.command(command)
    values = option_values(data.get("options"))
    if spec is not None:  # declared options only, in declaration order
        values = {a.name: values[a.name] for a in spec.arguments if a.name in values}
    return Request(
        platform=PLATFORM, command=command,
        text=spec.typed_line(values) if spec is not None else " ".join(values.values()),
        args=tuple(values.items()),
        kind="command", user_id=str(user.get("id", "")), channel_id=channel_id,
        thread_id=thread_id, space_id=str(guild_id) if guild_id else None,
        is_dm=guild_id is None, can_manage=manage, manager_hint=manager_hint(manager_role),
        # A question's language is its own (detected); the locale is the asker's otherwise.
        lang=None if command == registry.fallback else locale_lang(payload.get("locale")))


def component_request(payload: Payload, *, answer_id: int, helpful: bool) -> Request:
    """A 👍/👎 click as a ``feedback`` request."""
    user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
    guild_id = payload.get("guild_id")
    return Request(platform=PLATFORM, command="feedback",
                   text=f"{answer_id} {'up' if helpful else 'down'}", kind="command",
                   user_id=str(user.get("id", "")), channel_id=str(payload.get("channel_id", "")),
                   space_id=str(guild_id) if guild_id else None, is_dm=guild_id is None)


def _mentions_bot(payload: Payload, bot_id: str) -> bool:
    if any(str(u.get("id")) == bot_id for u in payload.get("mentions") or []):
        return True
    return bool(re.search(rf"<@!?{bot_id}>", str(payload.get("content") or "")))


def strip_mention(text: str, bot_id: str) -> str:
    return re.sub(rf"<@!?{bot_id}>", " ", text).strip()


def message_request(payload: Payload, *, bot_id: str, channel: Payload | None = None,
                    commands: Registry | None = None) -> Request | None:
    """A MESSAGE_CREATE the bot should answer (DM, @mention, reply in its own thread).
    ``latest`` / ``/latest`` at the start selects that command; anything else asks. In a
    server, commands for channel managers need the slash command (it carries the member's
    permissions), so there such text is a question; in a DM it is the user's own.

    Args:
        channel: the channel payload (type, owner_id, parent_id); the event lacks it.
        commands: the commands text may select (default: every command).

    Returns None for messages the bot ignores (its own, other bots', unrelated chatter).
    """
    author = payload.get("author") or {}
    if author.get("bot") or str(author.get("id")) == bot_id or payload.get("webhook_id"):
        return None
    if payload.get("type", 0) not in (0, 19):
        return None
    content = str(payload.get("content") or "")
    guild_id = payload.get("guild_id")
    channel = channel or {}
    channel_id = str(payload.get("channel_id", ""))
    text = strip_mention(content, bot_id)
    if not text:
        return None
    base: dict[str, Any] = {"platform": PLATFORM, "user_id": str(author.get("id", ""))}
    registry = commands_or_default(commands)
    command, rest = parse_line(text, registry.typable(native_rights=guild_id is None),
                               fallback=registry.fallback)
    if guild_id is None:
        return Request(**base, command=command, text=rest, kind="dm", channel_id=channel_id,
                       is_dm=True)
    in_bot_thread = (channel.get("type") in THREAD_TYPES
                     and str(channel.get("owner_id")) == bot_id)
    if in_bot_thread:
        return Request(**base, command=command, text=rest, kind="thread_reply",
                       channel_id=str(channel.get("parent_id") or channel_id),
                       thread_id=channel_id, space_id=str(guild_id))
    if _mentions_bot(payload, bot_id):
        thread_id = channel_id if channel.get("type") in THREAD_TYPES else None
        parent = str(channel.get("parent_id") or channel_id) if thread_id else channel_id
        return Request(**base, command=command, text=rest, kind="mention", channel_id=parent,
                       thread_id=thread_id, space_id=str(guild_id))
    return None
