"""The button rules Discord and Slack document, for the fakes to refuse what the real
platforms refuse (kept apart from the fakes so each stays one reviewable hook).

Discord (discord.com/developers/docs/components/reference): at most 5 action rows in a
message, 1 to 5 buttons in a row, a button's ``custom_id`` 1 to 100 characters and unique
in the message, its label at most 80, a link button has a ``url`` and no ``custom_id``.
Slack (api.slack.com/reference/block-kit): an ``actions`` block holds at most 25
elements, a button's text is plain_text of at most 75 characters, its ``value`` at most
2000, its ``action_id`` at most 255 and unique in the block.
"""

from __future__ import annotations

import json
from typing import Any

#: Where, which code, what message: how Discord's 50035 Invalid Form Body names a field.
FormError = tuple[list[str | int], str, str]

DISCORD_ROWS = 5
DISCORD_ROW_ITEMS = 5
DISCORD_CUSTOM_ID = 100
DISCORD_LABEL = 80
#: Messages flagged IS_COMPONENTS_V2 follow other layout rules (not checked here).
IS_COMPONENTS_V2 = 1 << 15
SLACK_ELEMENTS = 25
SLACK_BUTTON_TEXT = 75
SLACK_VALUE = 2000
SLACK_ACTION_ID = 255


def _too_long(limit: int) -> tuple[str, str]:
    return "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


def discord_component_error(body: dict[str, Any]) -> FormError | None:
    """The first action-row or button rule ``body`` breaks, else None."""
    if int(body.get("flags") or 0) & IS_COMPONENTS_V2:
        return None
    rows = body.get("components") or []
    if len(rows) > DISCORD_ROWS:
        return (["components"], *_too_long(DISCORD_ROWS))
    seen: set[str] = set()
    for r, row in enumerate(rows):
        if row.get("type") != 1:
            continue
        items = row.get("components") or []
        if not 1 <= len(items) <= DISCORD_ROW_ITEMS:
            return (["components", r, "components"], *_too_long(DISCORD_ROW_ITEMS))
        for i, item in enumerate(items):
            where: list[str | int] = ["components", r, "components", i]
            if item.get("type") != 2:
                continue
            error = _discord_button(item, where, seen)
            if error is not None:
                return error
    return None


def _discord_button(item: dict[str, Any], where: list[str | int],
                    seen: set[str]) -> FormError | None:
    label = item.get("label")
    if label is not None and len(str(label)) > DISCORD_LABEL:
        return ([*where, "label"], *_too_long(DISCORD_LABEL))
    if not label and not item.get("emoji"):
        return ([*where], "BUTTON_COMPONENT_INVALID", "A button needs a label or an emoji.")
    if item.get("style") == 5:
        if not item.get("url") or "custom_id" in item:
            return ([*where, "url"], "BUTTON_COMPONENT_URL_REQUIRED",
                    "A link button needs a url and no custom_id.")
        return None
    custom_id = str(item.get("custom_id") or "")
    if not custom_id:
        return ([*where, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    if len(custom_id) > DISCORD_CUSTOM_ID:
        return ([*where, "custom_id"], *_too_long(DISCORD_CUSTOM_ID))
    if custom_id in seen:
        return ([*where, "custom_id"], "COMPONENT_CUSTOM_ID_DUPLICATED",
                 "Component custom id cannot be duplicated")
    seen.add(custom_id)
    return None


def slack_blocks_error(raw: object) -> str | None:
    """``invalid_blocks`` when an ``actions`` block breaks a button rule, else None
    (``raw``: the blocks as posted, a list or its JSON text)."""
    try:
        blocks = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return "invalid_blocks"
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict) or block.get("type") != "actions":
            continue
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= SLACK_ELEMENTS:
            return "invalid_blocks"
        action_ids: set[str] = set()
        for element in elements:
            if element.get("type") != "button":
                continue
            text = element.get("text") or {}
            action_id = str(element.get("action_id") or "")
            if (text.get("type") != "plain_text" or not 1 <= len(str(text.get("text") or ""))
                    <= SLACK_BUTTON_TEXT or len(str(element.get("value") or "")) > SLACK_VALUE
                    or len(action_id) > SLACK_ACTION_ID or action_id in action_ids):
                return "invalid_blocks"
            if action_id:
                action_ids.add(action_id)
    return None
