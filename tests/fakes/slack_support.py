"""Checks shared by the Slack tests: what a message may contain so it can ping no one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

#: In Slack mrkdwn a ``<`` opens a control sequence: ``<!channel>``, ``<@U1>``, ``<#C1>``,
#: ``<!subteam^S1>``, ``<url|label>``. Ours are only ever http(s) links.
_OPENING = re.compile(r"<(?!https?://)")

HOSTILE = ("<!channel> <!here> <!everyone> <@U0HUMAN> <!subteam^S0TEAM|@team> <#C0NEWS> "
           "@channel @here @everyone <https://evil.example|click> &lt;!channel&gt; "
           "<javascript:alert(1)|x>")


def text_objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text"):
            yield value
        for item in value.values():
            yield from text_objects(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from text_objects(item)


def pings(message: dict[str, Any]) -> list[str]:
    """Everything in a posted message (``text`` and mrkdwn in blocks) that Slack could read
    as a mention or a control sequence, or a mrkdwn object without ``verbatim: true``."""
    mrkdwn = [o["text"] for o in text_objects(message.get("blocks") or [])
              if o["type"] == "mrkdwn"]
    # plain_text objects (headers, buttons) are shown literally: Slack parses nothing there.
    found = [s for s in [str(message.get("text") or ""), *mrkdwn] if _OPENING.search(s)]
    found += [f"not verbatim: {o['text']!r}" for o in text_objects(message.get("blocks") or [])
              if o["type"] == "mrkdwn" and o.get("verbatim") is not True]
    if message.get("link_names") not in (None, False, "false", "0", 0):
        found.append("link_names enabled")
    return found


#: In Markdown, an unescaped ``[label](url)`` is a link and a bare ``@here`` may notify.
_MD_LINK = re.compile(r"(?<!\\)\]\(")
_MD_MENTION = re.compile(r"(?<!\\)@(channel|here|everyone)\b")


def markdown_pings(text: str) -> list[str]:
    """What in a stream's ``markdown_text`` Slack could read as a mention, a control
    sequence or a link someone else wrote (ours are only URL sources, never in the text)."""
    found = [f"control: {m.group(0)!r}" for m in _OPENING.finditer(text)]
    found += [f"link: {text[max(0, m.start() - 20):m.end() + 20]!r}"
              for m in _MD_LINK.finditer(text)]
    found += [f"mention: {m.group(0)!r}" for m in _MD_MENTION.finditer(text)]
    return found
