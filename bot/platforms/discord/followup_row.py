"""The follow-up buttons as a Discord action row (pure: tested on raw payloads).

A button's ``custom_id`` is ``followup:`` and the suggestion's key, never its text
(``bot.brief.followups``), so a click still works after a restart (nothing is kept in
memory: ``on_interaction`` reads the id) and cannot carry words of its own.
"""

from __future__ import annotations

from typing import Any

from bot.model import FollowUp
from bot.text.inert import strip_controls

PREFIX = "followup:"
#: Discord's limits: a button label 80 characters, a custom_id 100, 5 buttons a row.
LABEL_MAX = 80
CUSTOM_ID_MAX = 100
ROW_MAX = 5


def follow_up_row(follow_ups: tuple[FollowUp, ...]) -> dict[str, Any] | None:
    """One secondary button per suggestion (a label is plain text: no mention, no link)."""
    buttons = []
    for follow_up in follow_ups[:ROW_MAX]:
        custom_id = f"{PREFIX}{follow_up.key}"
        if not follow_up.key or len(custom_id) > CUSTOM_ID_MAX:
            continue
        label = strip_controls(follow_up.label).strip()
        label = label if len(label) <= LABEL_MAX else label[:LABEL_MAX - 1] + "…"
        buttons.append({"type": 2, "style": 2, "label": label or "…", "custom_id": custom_id})
    return {"type": 1, "components": buttons} if buttons else None


def key_of(custom_id: str) -> str | None:
    """The key of a follow-up button's custom_id, else None (another component)."""
    return custom_id[len(PREFIX):] if custom_id.startswith(PREFIX) else None
