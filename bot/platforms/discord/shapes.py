"""discord.py objects as the raw payload shapes the pure translators read (discord.py keeps
no copy of the raw event), and the 👍/👎 buttons as a discord.py view."""

from __future__ import annotations

from typing import Any

import discord

from bot.platforms.discord.layout import (
    ACTION_ROW,
    BUTTON,
    CONTAINER,
    SECTION,
    SEPARATOR,
    TEXT_DISPLAY,
    THUMBNAIL,
)
from bot.platforms.discord.render import Message


def feedback_view(message: Message) -> discord.ui.View:
    """👍/👎 and follow-up buttons, a row each; clicks are handled in ``on_interaction``
    (the view is not kept)."""
    view = discord.ui.View(timeout=None)
    for n, row in enumerate(message.components()):
        for button in row["components"]:
            emoji = button.get("emoji")
            view.add_item(discord.ui.Button(style=discord.ButtonStyle.secondary,
                                            emoji=emoji["name"] if emoji else None,
                                            label=button.get("label"),
                                            custom_id=button["custom_id"], row=n))
    return view


def layout_view(message: Message) -> discord.ui.LayoutView:
    """A V2 layout (``layout.py`` JSON) as discord.py items; sending a ``LayoutView``
    sets the ``IS_COMPONENTS_V2`` flag and sends no content or embeds."""
    view = discord.ui.LayoutView(timeout=None)
    for component in message.components():  # the layout, then any follow-up row
        view.add_item(_item(component))
    return view


def _item(c: dict[str, Any]) -> Any:
    kind = c["type"]
    children = [_item(child) for child in c.get("components") or []]
    if kind == CONTAINER:
        return discord.ui.Container(*children, accent_colour=c.get("accent_color"))
    if kind == TEXT_DISPLAY:
        return discord.ui.TextDisplay(c["content"])
    if kind == SEPARATOR:
        return discord.ui.Separator(visible=c.get("divider", True))
    if kind == SECTION:
        return discord.ui.Section(*children, accessory=_item(c["accessory"]))
    if kind == THUMBNAIL:
        return discord.ui.Thumbnail(c["media"]["url"])
    if kind == BUTTON and c.get("url"):
        return discord.ui.Button(style=discord.ButtonStyle.link, url=c["url"],
                                 label=c.get("label"))
    if kind == BUTTON:  # a follow-up button: handled in ``on_interaction`` by its id
        return discord.ui.Button(style=discord.ButtonStyle.secondary, label=c.get("label"),
                                 custom_id=c["custom_id"])
    if kind == ACTION_ROW:
        return discord.ui.ActionRow(*children)
    raise ValueError(f"no discord.py item for component type {kind}")


def interaction_payload(interaction: discord.Interaction) -> dict[str, Any]:
    """The parts of the raw interaction the translator reads."""
    user = interaction.user
    channel = interaction.channel
    payload: dict[str, Any] = {
        "type": interaction.type.value, "data": dict(interaction.data or {}),
        "channel_id": str(interaction.channel_id or ""), "locale": str(interaction.locale),
        "channel": channel_payload(channel) | {"id": str(interaction.channel_id or "")},
    }
    if interaction.guild_id is not None and isinstance(user, discord.Member):
        payload["guild_id"] = str(interaction.guild_id)
        payload["member"] = {"user": {"id": str(user.id)},
                             "roles": [str(r.id) for r in user.roles],
                             "permissions": str(interaction.permissions.value)}
    else:
        payload["user"] = {"id": str(user.id)}
    return payload


def channel_payload(channel: Any) -> dict[str, Any]:
    kind = getattr(channel, "type", None)
    owner = getattr(channel, "owner_id", None)
    parent = getattr(channel, "parent_id", None)
    return {"type": kind.value if kind is not None else None,
            "owner_id": str(owner) if owner else None,
            "parent_id": str(parent) if parent else None}


def message_payload(message: discord.Message) -> dict[str, Any]:
    return {
        "id": str(message.id), "type": message.type.value, "content": message.content,
        "channel_id": str(message.channel.id),
        "guild_id": str(message.guild.id) if message.guild else None,
        "author": {"id": str(message.author.id), "bot": message.author.bot},
        "mentions": [{"id": str(u.id)} for u in message.mentions],
        "webhook_id": str(message.webhook_id) if message.webhook_id else None,
    }
