"""The follow-up buttons as a Block Kit ``actions`` block (pure: tested on raw JSON).

A button's ``value`` is the suggestion's key, never its text (``bot.brief.followups``).
"""

from __future__ import annotations

import re
from typing import Any

from bot.model import FollowUp
from bot.text.inert import strip_controls

#: action_ids are namespaced and unique within the block (Slack requires it).
ACTION_PREFIX = "ceasefire_followup_"
ACTIONS = re.compile(rf"^{ACTION_PREFIX}[0-9]$")
BLOCK_ID = "follow_ups"
#: Slack's limits: a button's text 75 characters, its value 2000.
TEXT_MAX = 75
VALUE_MAX = 2000


def follow_up_block(follow_ups: tuple[FollowUp, ...]) -> dict[str, Any] | None:
    """One button per suggestion (plain_text: never parsed for mentions or links)."""
    if not follow_ups:
        return None
    buttons = []
    for i, follow_up in enumerate(follow_ups[:5]):
        text = strip_controls(follow_up.label)
        text = text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1] + "…"
        buttons.append({"type": "button", "action_id": f"{ACTION_PREFIX}{i}",
                        "value": follow_up.key[:VALUE_MAX],
                        "text": {"type": "plain_text", "text": text or "…", "emoji": True}})
    return {"type": "actions", "block_id": BLOCK_ID, "elements": buttons}


