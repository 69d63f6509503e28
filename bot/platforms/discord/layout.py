"""An update post as a Components V2 layout (raw component JSON, without any I/O).

Discord's V2 messages (flag ``IS_COMPONENTS_V2``) carry no ``content`` or ``embeds``: the
whole post is components. The layout is one container in the story's accent colour::

    container
      text display   🕊 headline, 📘 what this update tells you, 💡 key points
      separator
      section × N    📰 outlet  [さらに読む ⇒ 出典 / Read more ⇒]  (a link button)
      text display   +N more sources   (only when sources were trimmed)
      separator
      text display   coverage · time · 🧵 thread link
      (action row)   reserved: follow-up buttons go here, see ``ACTION_ROW_RESERVE``

Discord counts every component, nested ones and accessories included, against a cap of
40 per message, and all text displays together against 4000 characters; sources are
trimmed to fit both, leaving room for one action row of follow-up buttons.
Feed text is made inert by the same sanitiser as the embed path (``escape``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from bot.model import UpdatePost
from bot.platforms.discord.escape import inert, safe_url
from bot.platforms.discord.render import IS_COMPONENTS_V2 as IS_COMPONENTS_V2
from bot.platforms.discord.render import Message
from bot.platforms.discord.split import TITLE_LIMIT, pack, shorten
from bot.platforms.text import outlets_line
from bot.text.kinds import kind_of
from bot.text.labels import label

JSON = dict[str, Any]

#: Discord's caps for one V2 message.
MAX_COMPONENTS = 40
MAX_TEXT = 4000
BUTTON_LABEL_LIMIT = 80
#: Component type ids (Discord API).
ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY, THUMBNAIL, SEPARATOR, CONTAINER = 1, 2, 9, 10, 11, 14, 17
LINK_STYLE = 5
#: Components kept free for one action row of up to four follow-up buttons.
ACTION_ROW_RESERVE = 5
#: A section is three components: itself, its text display and its button.
SECTION_COST = 3

#: Accent colour per development kind (a story's colour); follow-ups are orange.
ACCENTS = {"talks": 0x2B6CB0, "agreement": 0x2F855A, "prisoner_exchange": 0x6B46C1,
           "ceasefire": 0x319795, "statement": 0x718096}
ACCENT_DEFAULT = 0x2B6CB0
ACCENT_FOLLOWUP = 0xDD6B20
#: Characters of one key point shown (longer ones are shortened with an ellipsis).
KEY_POINT_LIMIT = 1000
#: Characters of the outlets line and of the coverage line in the footer (so the footer
#: stays well inside the text reserve, whatever the feeds call themselves).
FOOTER_PART_LIMIT = 200
#: Text kept for the footer and the "+N more" line when the key points are packed.
TEXT_RESERVE = 600

MORE = {"en": "+{n} more sources in the thread", "ja": "ほか{n}件の出典はスレッドで"}


def accent(post: UpdatePost) -> int:
    if post.is_followup:
        return ACCENT_FOLLOWUP
    return ACCENTS.get(kind_of([post.headline, *post.key_points]) or "", ACCENT_DEFAULT)


def _text(content: str) -> JSON:
    return {"type": TEXT_DISPLAY, "content": content}


def _separator() -> JSON:
    return {"type": SEPARATOR, "divider": True, "spacing": 1}


def _source(outlet: str, url: str, lang: str) -> JSON:
    return {"type": SECTION, "components": [_text(f"📰 **{inert(shorten(outlet, 200))}**")],
            "accessory": {"type": BUTTON, "style": LINK_STYLE, "url": url,
                          "label": shorten(label("read_more", lang), BUTTON_LABEL_LIMIT)}}


def _footer(post: UpdatePost, zone: ZoneInfo) -> str:
    lines = []
    if post.outlets:
        outlets = shorten(outlets_line(post.outlets, limit=3), FOOTER_PART_LIMIT)
        lines.append(f"{label('sources', post.lang)}: {inert(outlets)}")
    if post.coverage:
        lines.append(f"📰 {inert(shorten(post.coverage, FOOTER_PART_LIMIT))}")
    lines.append(f"🕰 {post.published.astimezone(zone):%Y-%m-%d %H:%M %Z}")
    if post.thread_link:
        text = label("see_thread", post.lang)
        link = post.thread_link
        lines.append(f"🧵 [{text}]({link})" if link.startswith("https://") else
                     f"🧵 {text}: {link}")
    return "\n".join(lines)


def update_components(post: UpdatePost, zone: ZoneInfo) -> list[JSON]:
    """The post's top-level components: one container (see the module docstring)."""
    prefix = f"{label('update', post.lang)}: " if post.is_followup else ""
    head = f"### 🕊 {prefix}{inert(shorten(post.headline, TITLE_LIMIT))}"
    lines = [head, f"📘 **{label('summary', post.lang)}**"]
    # Each unit bounded before packing (a key point is a sentence or two; ``pack`` is slow
    # on one huge unbroken unit).
    lines += [f"💡 {inert(shorten(p, KEY_POINT_LIMIT))}" for p in post.key_points]
    footer = _footer(post, zone)
    summary = pack(lines, limit=MAX_TEXT - TEXT_RESERVE - len(footer))[0]
    linked = [(outlet, url) for outlet, raw in post.links if (url := safe_url(raw))]
    fixed = 1 + 1 + 1 + 1 + 1 + 1  # container, summary, 2 separators, footer, "+N more"
    room = (MAX_COMPONENTS - fixed - ACTION_ROW_RESERVE) // SECTION_COST
    used = len(summary) + len(footer)
    shown: list[JSON] = []
    for outlet, url in linked[:room]:
        section = _source(outlet, url, post.lang)
        cost = len(section["components"][0]["content"])
        if used + cost > MAX_TEXT - 100:
            break
        shown.append(section)
        used += cost
    children: list[JSON] = [_text(summary)]
    if shown:
        children += [_separator(), *shown]
    hidden = len(linked) - len(shown)
    if hidden > 0:
        children.append(_text(MORE.get(post.lang, MORE["en"]).format(n=hidden)))
    children += [_separator(), _text(footer)]
    # Follow-up buttons (issue 16, "Both"): append one action row here, inside the
    # container after the footer; ACTION_ROW_RESERVE keeps room for it under the cap.
    return [{"type": CONTAINER, "accent_color": accent(post), "components": children}]


def walk(components: Iterable[JSON]) -> Iterable[JSON]:
    """Every component, nested ones and section accessories included (what Discord counts)."""
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        if component.get("accessory"):
            yield from walk([component["accessory"]])


def component_count(components: Iterable[JSON]) -> int:
    return sum(1 for _ in walk(components))


def text_length(components: Iterable[JSON]) -> int:
    """Characters Discord counts toward a V2 message's text cap (its text displays)."""
    return sum(len(c.get("content") or "") for c in walk(components)
               if c.get("type") == TEXT_DISPLAY)


def as_v2(message: Message, post: UpdatePost, zone: ZoneInfo) -> Message:
    """``message`` (the post's embed rendering) as a V2 layout: same thread title."""
    return replace(message, content="", embeds=(), layout=tuple(update_components(post, zone)))
