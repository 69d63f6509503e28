"""What a rendered message may not contain: a live link the bot did not make, a mention
form, or an invisible character. Models of how Discord and Slack read text, kept simple
and strict (a check that is too strict fails loudly; one too lax would pass silently)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

#: The only link target the rendered parts in these tests may carry (the citation's URL).
OK_URL = "https://ok.example/a"

_ESCAPED = re.compile(r"\\[^0-9A-Za-z\s]")
_DISCORD_LINK = re.compile(r"\[[^\]]*\]\(|<https?:|https?://|<[@#]|@(everyone|here)",
                           re.IGNORECASE)
_DISCORD_MENTION = re.compile(r"<[@#]|@(everyone|here)", re.IGNORECASE)
_ALLOWED_ZW = re.compile("(?<=[@<])\u200b")


def invisible(text: str) -> list[str]:
    """Format characters (zero-width, bidi) other than the breaks the renderers insert."""
    return [f"U+{ord(c):04X}" for c in _ALLOWED_ZW.sub("", text)
            if unicodedata.category(c) == "Cf"]


def discord_live(markdown: str) -> list[str]:
    """Links and mentions Discord would render in a Markdown field, except ``OK_URL``
    links: escaped characters (``\\[``) are read as plain text first, as Discord does."""
    text = markdown.replace(f"]({OK_URL})", "]").replace(f"[{OK_URL}]", "")
    return [m.group(0) for m in _DISCORD_LINK.finditer(_ESCAPED.sub("x", text))]


def discord_fields(payload: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` for every text of a message body: ``markdown`` where Discord renders
    links, ``plain`` where only the bot writes (footers, field names)."""
    yield "markdown", str(payload.get("content") or "")
    for embed in payload.get("embeds") or []:
        yield "markdown", str(embed.get("title") or "")
        yield "markdown", str(embed.get("description") or "")
        yield "plain", str((embed.get("footer") or {}).get("text") or "")
        for f in embed.get("fields") or []:
            yield "plain", str(f["name"])
            yield "markdown", str(f["value"])


def discord_problems(payload: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for kind, text in discord_fields(payload):
        found += discord_live(text) if kind == "markdown" else [
            m.group(0) for m in _DISCORD_MENTION.finditer(text)]
        found += invisible(text)
    url = (payload.get("embeds") or [{}])[0].get("url")
    if url not in (None, OK_URL):
        found.append(f"embed url {url}")
    return found


def thread_name_problems(name: str) -> list[str]:
    return [m.group(0) for m in _DISCORD_MENTION.finditer(name)] + invisible(name) + (
        ["too long"] if not 0 < len(name) <= 100 else [])


_SLACK_OK_LINK = re.compile(rf"<{re.escape(OK_URL)}\|[^<>]*>")


def slack_texts(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every text object in the blocks, and the ``text`` fallback (read as mrkdwn)."""
    yield str(message.get("text") or ""), {"type": "mrkdwn", "verbatim": True}

    def walk(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(value, dict):
            if value.get("type") in ("mrkdwn", "plain_text") and "text" in value:
                yield str(value["text"]), value
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from walk(item)

    yield from walk(message.get("blocks") or [])


def slack_problems(message: dict[str, Any]) -> list[str]:
    """In mrkdwn every ``<`` opens a link or a mention: only ``OK_URL`` links may remain."""
    found: list[str] = []
    for text, obj in slack_texts(message):
        found += invisible(text)
        if obj["type"] != "mrkdwn":
            continue
        if obj.get("verbatim") is not True:
            found.append("mrkdwn without verbatim")
        found += re.findall(r"<[^>]*>?", _SLACK_OK_LINK.sub("", text))
    return found
