"""Neutral results and outbox parts as Discord messages (embeds), without any I/O.

``render`` returns :class:`Message` values; ``Message.payload()`` is exactly the JSON body
discord.py sends, so the translation is tested on raw payloads. Untrusted text (feed titles,
article sentences, user questions) goes through the one sanitiser, ``escape``: it can
never ping or become a link, on top of ``AllowedMentions.none()`` on every send.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.model import (
    Answer,
    Briefing,
    Citation,
    DigestPost,
    EarlierReply,
    FollowUp,
    KnownBlock,
    Notice,
    Part,
    QAReply,
    Reply,
    Result,
    Sentence,
    SourceCard,
    SourceReply,
    UpdatePost,
)
from bot.platforms.discord.escape import inert, markup, safe_url, thread_name
from bot.platforms.discord.followup_row import follow_up_row
from bot.platforms.discord.split import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    group_sizes,
    pack,
    shorten,
    units_of,
)
from bot.platforms.text import known_lines, known_title, outlets_line
from bot.text.labels import label

COLOUR_UPDATE = 0x2B6CB0
COLOUR_FOLLOWUP = 0xDD6B20
COLOUR_QA = 0x718096
COLOUR_ANSWER = 0x2F855A
COLOUR_UNANSWERED = 0xA0AEC0

FEEDBACK_PREFIX = "feedback"
#: Message flag of a V2 layout (kept here so ``payload`` needs no import from ``layout``).
IS_COMPONENTS_V2 = 1 << 15

@dataclass(frozen=True)
class Message:
    """One Discord message to send."""

    content: str = ""
    embeds: tuple[discord.Embed, ...] = ()
    #: The answer id for 👍/👎 feedback buttons under this message.
    feedback_for: int | None = None
    #: Part of a briefing's Q&A commentary: goes into the post's thread.
    in_thread: bool = False
    #: For a channel post that gets a thread: the thread's name.
    thread_title: str | None = None
    ephemeral: bool = False
    #: A Components V2 layout (``layout.py``): sent with flag ``IS_COMPONENTS_V2`` and no
    #: content or embeds.
    layout: tuple[dict[str, Any], ...] = ()
    #: Suggested next questions: a row of buttons under the message.
    follow_ups: tuple[FollowUp, ...] = ()

    def components(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = list(self.layout)
        if self.feedback_for is not None and not self.layout:
            rows.append({"type": 1, "components": [
                {"type": 2, "style": 2, "emoji": {"name": emoji},
                 "custom_id": feedback_id(self.feedback_for, vote)}
                for emoji, vote in (("👍", "up"), ("👎", "down"))]})
        row = follow_up_row(self.follow_ups)
        return rows + ([row] if row is not None else [])

    def payload(self) -> dict[str, Any]:
        """The REST body (what discord.py sends for this message)."""
        body: dict[str, Any] = {"allowed_mentions": {"parse": []}}
        if self.layout:
            return body | {"components": self.components(),
                           "flags": IS_COMPONENTS_V2 | (64 if self.ephemeral else 0)}
        if self.content:
            body["content"] = self.content
        if self.embeds:
            body["embeds"] = [e.to_dict() for e in self.embeds]
        if self.components():
            body["components"] = self.components()
        if self.ephemeral:
            body["flags"] = 64
        return body


def feedback_id(answer_id: int, vote: str) -> str:
    return f"{FEEDBACK_PREFIX}:{answer_id}:{vote}"


def parse_feedback_id(custom_id: str) -> tuple[int, bool] | None:
    """``(answer_id, helpful)`` for a feedback button id, else None."""
    prefix, _, rest = custom_id.partition(":")
    answer, _, vote = rest.partition(":")
    if prefix != FEEDBACK_PREFIX or not (answer.isascii() and answer.isdigit()) or vote not in (
            "up", "down"):
        return None
    return int(answer), vote == "up"


def render(result: Result | Part, *, zone: ZoneInfo) -> list[Message]:
    """Messages for a result or part, in sending order."""
    if isinstance(result, Briefing):
        parts = result.parts()
        out = render(parts[0], zone=zone)
        for part in parts[1:]:
            out += [_in_thread(m) for m in render(part, zone=zone)]
        return out
    if isinstance(result, UpdatePost):
        return [_update(result, zone)]
    if isinstance(result, KnownBlock):
        return [known_message(result, zone)]
    if isinstance(result, QAReply):
        return _long_embeds(f"❓ {inert(result.question)}", _cited_units(result.sentences),
                            colour=COLOUR_QA)
    if isinstance(result, SourceReply):
        return _messages([_card(c, result.lang, zone) for c in result.cards])
    if isinstance(result, EarlierReply):
        lines = [f"{e.when.astimezone(zone):%Y-%m-%d} {inert(e.text)}"
                 for e in result.entries]
        return _long_embeds(f"🕰 {label('earlier', result.lang)}", lines, colour=COLOUR_QA)
    if isinstance(result, DigestPost):
        lines = [f"• {inert(h)}" for h in result.headlines]
        title = f"🗞 {inert(result.title)} ({result.day.astimezone(zone):%Y-%m-%d})"
        return _long_embeds(title, lines, colour=COLOUR_UPDATE, timestamp=result.day)
    if isinstance(result, Notice | Reply):
        # Plain text: a notice about missing permissions must not need Embed Links itself.
        pieces = pack(units_of(markup(result.text)), limit=CONTENT_LIMIT)
        ephemeral = isinstance(result, Reply) and result.ephemeral
        return [Message(content=p, ephemeral=ephemeral) for p in pieces or ["…"]]
    if isinstance(result, Answer):
        return _answer(result, zone)
    raise TypeError(f"cannot render {type(result).__name__}")


def _in_thread(message: Message) -> Message:
    return dataclasses.replace(message, in_thread=True, thread_title=None)


def _update(post: UpdatePost, zone: ZoneInfo) -> Message:
    prefix = f"{label('update', post.lang)}: " if post.is_followup else ""
    title = shorten(f"🕊 {prefix}{inert(post.headline)}", TITLE_LIMIT)
    lines = [f"📘 **{label('summary', post.lang)}**"]
    lines += [f"💡 {inert(p)}" for p in post.key_points]
    thread = (f"\n{_thread_line(post.thread_link, label('see_thread', post.lang))}"
              if post.thread_link else "")
    description = pack(lines, limit=DESCRIPTION_LIMIT - len(thread))[0] + thread
    embed = discord.Embed(title=title, description=description,
                          colour=COLOUR_FOLLOWUP if post.is_followup else COLOUR_UPDATE,
                          timestamp=post.published)
    if post.outlets:
        embed.add_field(name=label("sources", post.lang),
                        value=shorten(inert(outlets_line(post.outlets, limit=3)),
                                      FIELD_VALUE_LIMIT), inline=False)
    if post.coverage:
        embed.add_field(name="📰", value=shorten(inert(post.coverage), FIELD_VALUE_LIMIT),
                        inline=False)
    embed.set_footer(text=post.published.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"))
    return Message(embeds=(embed,), thread_title=thread_name(post.headline),
                   follow_ups=post.follow_ups)


def known_message(block: KnownBlock, zone: ZoneInfo) -> Message:
    """"What we know" as one embed (one message, so it can be edited in place)."""
    lines = [inert(line) for line in known_lines(block)] or ["—"]
    embed = discord.Embed(title=shorten(known_title(block, zone), TITLE_LIMIT),
                          description=pack(lines, limit=DESCRIPTION_LIMIT)[0],
                          colour=COLOUR_FOLLOWUP if block.updated else COLOUR_QA)
    return Message(embeds=(embed,))


def _thread_line(link: str, text: str) -> str:
    """The story's thread: a jump link, or the thread's own ``<#id>`` mention (made by the
    adapter, not from feed text, so it is kept as it is)."""
    if link.startswith("https://"):
        return f"🧵 [{text}]({link})"
    return f"🧵 {text}: {link}"


def _cited(sentence: Sentence) -> str:
    return inert(sentence.text) + "".join(f"[{n}]" for n in sentence.refs)


def _cited_units(sentences: Sequence[Sentence]) -> list[str]:
    return [_cited(s) for s in sentences] or ["—"]


def _citation_line(c: Citation, zone: ZoneInfo) -> str:
    when = f" ({c.published.astimezone(zone):%Y-%m-%d})" if c.published else ""
    title = inert(shorten(c.title, 200))
    url = safe_url(c.url)
    return f"[{c.n}] {inert(c.source)}: {f'[{title}]({url})' if url else title}{when}"


def _card(card: SourceCard, lang: str, zone: ZoneInfo) -> discord.Embed:
    title = shorten(f"📰 [{card.n}] {inert(card.source)}: {inert(card.title)}", TITLE_LIMIT)
    lines = [f"✅ {inert(b)}" for b in card.bullets]
    url = safe_url(card.url)
    if url:
        lines.append(f"[{label('read_more', lang)}]({url})")
    embed = discord.Embed(title=title, url=url, colour=COLOUR_QA,
                          description=pack(lines, limit=DESCRIPTION_LIMIT)[0],
                          timestamp=card.published)
    return embed


def _long_embeds(title: str, units: Sequence[str], *, colour: int,
                 timestamp: datetime | None = None) -> list[Message]:
    """Embeds holding ``units`` whole; the title on the first, continued in later ones."""
    pieces = pack(units, limit=DESCRIPTION_LIMIT) or ["—"]
    embeds = []
    for i, piece in enumerate(pieces):
        embed = discord.Embed(description=piece, colour=colour,
                              timestamp=timestamp if i == len(pieces) - 1 else None)
        if i == 0 and title:
            embed.title = shorten(title, TITLE_LIMIT)
        embeds.append(embed)
    return _messages(embeds)


def _messages(embeds: Sequence[discord.Embed]) -> list[Message]:
    groups = group_sizes([len(e) for e in embeds])
    return [Message(embeds=tuple(embeds[i] for i in group)) for group in groups]


def _answer(answer: Answer, zone: ZoneInfo) -> list[Message]:
    question = f"💬 {inert(answer.question)}"
    if not answer.answerable:
        messages = _long_embeds(question, units_of(f"🔎 {inert(answer.note)}"),
                                colour=COLOUR_UNANSWERED)
    else:
        units = [" ".join(_cited(s) for s in answer.sentences)] if _short(answer) else [
            _cited(s) for s in answer.sentences]
        units += [""] + [_citation_line(c, zone) for c in answer.citations]
        messages = _long_embeds(question, units, colour=COLOUR_ANSWER)
    if answer.answer_id is None and not answer.follow_ups:
        return messages
    last = dataclasses.replace(messages[-1], feedback_for=answer.answer_id,
                               follow_ups=answer.follow_ups)
    return [*messages[:-1], last]


def _short(answer: Answer) -> bool:
    return sum(len(s.text) for s in answer.sentences) < 1500
