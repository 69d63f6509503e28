"""Plain-text rendering of neutral parts, shared by the console and as every platform's
notification fallback (the ``text`` a screen reader or a push notification shows)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.spec import Text
from bot.model import (
    Answer,
    Briefing,
    DigestPost,
    EarlierReply,
    FollowUp,
    KnownBlock,
    KnownFact,
    Lang,
    Notice,
    Part,
    QAReply,
    Reply,
    Result,
    Sentence,
    SourceReply,
    UpdatePost,
)
from bot.text.inert import strip_controls
from bot.text.labels import label

#: The formatting a ``Reply``/``Notice`` text may carry: ``**bold**`` and ``code``.
_MARKUP = re.compile(r"\*\*([^\n]+?)\*\*|`([^`\n]+)`")
Run = tuple[Literal["text", "bold", "code"], str]


def markup_runs(text: str) -> Iterator[Run]:
    """Split a reply's Markdown subset into runs each renderer formats its own way.

    Links are not part of it: a ``[label](url)`` in a reply is text like any other, so a
    feed title quoted in ``timeline`` or ``sources`` can never become a link.
    """
    pos = 0
    for match in _MARKUP.finditer(text):
        if match.start() > pos:
            yield "text", text[pos:match.start()]
        if match.group(1) is not None:
            yield "bold", match.group(1)
        else:
            yield "code", match.group(2)
        pos = match.end()
    if pos < len(text):
        yield "text", text[pos:]


def zone_for(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """The zone a reply is shown in: ``name`` (a subscription's or the asker's) when it is
    a known zone, else the platform's default."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return default
    return default


def cite(sentences: tuple[Sentence, ...]) -> str:
    return " ".join(s.text + "".join(f"[{n}]" for n in s.refs) for s in sentences)


def local_time(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def outlets_line(outlets: tuple[str, ...], limit: int = 2) -> str:
    shown = " · ".join(outlets[:limit])
    extra = len(outlets) - limit
    return f"{shown} (+{extra})" if extra > 0 else shown


def fact_line(fact: KnownFact) -> str:
    """``the plan: 19 points — Wire A, Wire B``; disagreeing outlets side by side:
    ``the plan: 19 points (Wire B) ↔ 28 points (Wire A)``. Unescaped: renderers make it
    inert for their platform."""
    if len(fact.values) == 1:
        only = fact.values[0]
        return f"{fact.label}: {only.value} — {', '.join(only.outlets)}"
    sides = " ↔ ".join(f"{v.value} ({', '.join(v.outlets)})" for v in fact.values)
    return f"{fact.label}: {sides}"


def known_title(block: KnownBlock, zone: ZoneInfo) -> str:
    """``📌 What we know (as of 2025-08-19 18:00 JST)``, marked when it was edited."""
    when = local_time(block.as_of, zone)
    mark = f" · ✏️ {label('known_updated', block.lang)}" if block.updated else ""
    if block.lang == "ja":
        return f"📌 {label('known', 'ja')}（{when} 時点{mark}）"
    return f"📌 {label('known', 'en')} (as of {when}{mark})"


def known_lines(block: KnownBlock) -> list[str]:
    """The block's body lines, unescaped: one per fact, then the coverage."""
    lines = [f"• {fact_line(fact)}" for fact in block.facts]
    if block.coverage:
        lines.append(f"📰 {block.coverage}")
    return lines


def render_part(part: Part, zone: ZoneInfo) -> str:
    """One message as plain text."""
    if isinstance(part, UpdatePost):
        prefix = f"{label('update', part.lang)}: " if part.is_followup else ""
        lines = [f"🕊 {prefix}{part.headline}", f"📘 {label('summary', part.lang)}"]
        lines += [f"💡 {point}" for point in part.key_points]
        lines.append(f"{outlets_line(part.outlets)} · {local_time(part.published, zone)}")
        if part.coverage:
            lines.append(f"📰 {part.coverage}")
        if part.thread_link:
            lines.append(f"🧵 {label('see_thread', part.lang)}: {part.thread_link}")
        return "\n".join(lines)
    if isinstance(part, KnownBlock):
        return "\n".join([known_title(part, zone), *known_lines(part)])
    if isinstance(part, QAReply):
        return f"❓ {part.question}\n{cite(part.sentences)}"
    if isinstance(part, SourceReply):
        blocks = []
        for card in part.cards:
            bullets = "\n".join(f"   ✅ {b}" for b in card.bullets)
            blocks.append(f"📰 [{card.n}] {card.source}: {card.title}\n{bullets}\n"
                          f"   {label('read_more', part.lang)} {card.url}")
        return "\n".join(blocks)
    if isinstance(part, EarlierReply):
        joined = " · ".join(f"{e.when.astimezone(zone):%Y-%m-%d} {e.text}" for e in part.entries)
        return f"🕰 {label('earlier', part.lang)}: {joined}"
    if isinstance(part, DigestPost):
        heads = "\n".join(f"• {h}" for h in part.headlines)
        return f"🗞 {part.title} ({part.day.astimezone(zone):%Y-%m-%d})\n{heads}"
    if isinstance(part, Notice | Reply):
        return part.text
    if isinstance(part, Answer):
        return render_answer(part, zone)
    raise TypeError(f"cannot render {type(part).__name__}")


def render_answer(answer: Answer, zone: ZoneInfo) -> str:
    if not answer.answerable:
        return f"🔎 {answer.note}"
    lines = [f"💬 {answer.text}"]
    for c in answer.citations:
        when = f" ({c.published.astimezone(zone):%Y-%m-%d})" if c.published else ""
        lines.append(f"[{c.n}] {c.source}: {c.title}{when} ⇒ {c.url}")
    return "\n".join(lines)


ASK_NEXT = {True: Text("➡ Ask next (type /more and the number):",
                       "➡ 続けて質問 (/more と番号を入力):"),
            False: Text("➡ Ask next in the thread (type /more and the code):",
                        "➡ 続けて質問 (/more とコードを入力):")}


def follow_up_lines(follow_ups: tuple[FollowUp, ...], lang: Lang, *,
                    numbered: bool) -> list[str]:
    """Suggested next questions for text platforms: numbered under an answer (``/more 2``
    asks the second), by code under an update (``/more s12.0.3f9c0d``)."""
    if not follow_ups:
        return []
    lines = [ASK_NEXT[numbered].get(lang)]
    for n, follow_up in enumerate(follow_ups, start=1):
        lines.append(f"  {n}. {follow_up.label}" if numbered
                     else f"  {follow_up.key}  {follow_up.label}")
    return lines


def render_result(result: Result | Part, zone: ZoneInfo, *,
                  follow_ups: bool = False) -> list[tuple[str, bool]]:
    """Messages to show for a result: ``(text, in_thread)`` pairs, without the invisible
    and control characters that would rewrite a terminal.

    Args:
        follow_ups: show the suggested next questions, for platforms where ``/more`` is
            typed (the console, loopback).
    """
    parts = result.parts() if isinstance(result, Briefing) else [result]
    return [(strip_controls(_with_follow_ups(p, zone, follow_ups)), i > 0)
            for i, p in enumerate(parts)]


def _with_follow_ups(part: Part, zone: ZoneInfo, shown: bool) -> str:
    text = render_part(part, zone)
    if not shown or not isinstance(part, Answer | UpdatePost) or not part.follow_ups:
        return text
    lines = follow_up_lines(part.follow_ups, part.lang, numbered=isinstance(part, Answer))
    return "\n".join([text, *lines])
