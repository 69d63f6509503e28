"""Neutral results and outbox parts as Slack Block Kit messages (pure: tested on raw JSON).

Everything from feeds and users goes through the one sanitiser, ``escape``: invisible and
bidi characters removed, then ``&`` first, ``<`` and ``>`` escaped for mrkdwn. Every mrkdwn
text object is ``verbatim: true`` (no auto-linking), so no feed or user text can ping
``<!channel>``, ``<!here>``, ``<!everyone>``, a user or a group, or smuggle in a link; the
only links are the ones ``link`` builds from a citation's URL. Every message also carries
a plain ``text`` fallback (notifications, screen readers), escaped the same way because
Slack parses that field as mrkdwn too. Reply and notice texts keep ``**bold**`` and
``code`` and nothing else: a ``[label](url)`` there is shown as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.model import (
    Answer,
    Briefing,
    DigestPost,
    EarlierReply,
    FollowUp,
    KnownBlock,
    Notice,
    Part,
    QAReply,
    Reply,
    Result,
    SourceReply,
    UpdatePost,
)
from bot.platforms.slack.followup_blocks import follow_up_block
from bot.platforms.text import (
    cite,
    known_lines,
    known_title,
    local_time,
    markup_runs,
    outlets_line,
    render_part,
)
from bot.text.inert import strip_controls
from bot.text.labels import label

Block = dict[str, Any]

#: Block Kit limits (api.slack.com/reference/block-kit): header text, section text, blocks.
HEADER_MAX = 150
SECTION_MAX = 3000
TEXT_MAX = 3900
MAX_BLOCKS = 50
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage worth of content (channel and thread come from the target)."""

    text: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    #: Goes into the thread of the first message of the same result.
    in_thread: bool = False

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": list(self.blocks)}


def escape(text: str) -> str:
    """Untrusted text for mrkdwn: invisible characters removed, then ``&`` first (so
    entities are not double-read), ``<`` and ``>`` escaped."""
    return strip_controls(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut *before* escaping so an entity such as ``&amp;`` is never cut in half."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def link(url: str, text: str) -> str:
    """A mrkdwn link; anything but http(s) is shown as plain text (no ``<!...>`` tricks)."""
    label_text = escape(text)
    url = strip_controls(url).strip()
    if not re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        return label_text
    safe_url = escape(url).replace("|", "%7C")
    return f"<{safe_url}|{label_text}>"


def to_mrkdwn(text: str) -> str:
    """A reply's Markdown subset (``**bold**``, ``code``) as mrkdwn, every run escaped."""
    marks = {"bold": "*", "code": "`", "text": ""}
    return "".join(f"{marks[kind]}{escape(run)}{marks[kind]}" for kind, run in markup_runs(text))


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object; ``text`` MUST already be escaped."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str, limit: int = SECTION_MAX) -> dict[str, Any]:
    """plain_text is never parsed for mentions; only emoji are rendered."""
    return {"type": "plain_text", "text": truncate(strip_controls(text), limit) or " ",
            "emoji": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text[:SECTION_MAX])}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t[:SECTION_MAX]) for t in texts[:10]]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_MAX)}


def fallback(part: Part, zone: ZoneInfo) -> str:
    """The plain ``text`` field: the shared plain rendering, escaped."""
    return escape(truncate(render_part(part, zone), TEXT_MAX))


# ------------------------------------------------------------------------------ parts


def update_blocks(post: UpdatePost, zone: ZoneInfo) -> list[Block]:
    prefix = f"{label('update', post.lang)}: " if post.is_followup else ""
    points = "\n".join(f"💡 {escape(truncate(p, 600))}" for p in post.key_points)
    body = f"*📘 {escape(label('summary', post.lang))}*" + (f"\n{points}" if points else "")
    line = f"{escape(outlets_line(post.outlets))} · {escape(local_time(post.published, zone))}"
    if post.thread_link:
        body += f"\n🧵 {link(post.thread_link, label('see_thread', post.lang))}"
    lines = [line, f"📰 {escape(post.coverage)}"] if post.coverage else [line]
    # The suggested next questions above the outlets line, which stays the post's last.
    return [header(f"🕊 {prefix}{post.headline}"), section(body),
            *_follow_ups(post.follow_ups), context(*lines)]


def _follow_ups(follow_ups: tuple[FollowUp, ...]) -> list[Block]:
    block = follow_up_block(follow_ups)
    return [block] if block is not None else []


def known_blocks(block: KnownBlock, zone: ZoneInfo) -> list[Block]:
    """"What we know": every line escaped (values and outlets come from feeds)."""
    body = "\n".join(escape(truncate(line, 600)) for line in known_lines(block))
    return [section(f"*{escape(known_title(block, zone))}*\n{body}")]


def qa_blocks(part: QAReply) -> list[Block]:
    answer = escape(truncate(cite(part.sentences), SECTION_MAX - 200))
    return [section(f"*❓ {escape(part.question)}*\n{answer}")]


def source_blocks(part: SourceReply) -> list[Block]:
    blocks: list[Block] = []
    for card in part.cards:
        bullets = "\n".join(f"✅ {escape(truncate(b, 400))}" for b in card.bullets)
        lines = [f"📰 *[{card.n}] {escape(card.source)}*: {link(card.url, card.title)}"]
        if bullets:
            lines.append(bullets)
        lines.append(f"{escape(label('read_more', part.lang))} {link(card.url, card.source)}")
        blocks.append(section("\n".join(lines)))
    return blocks


def earlier_blocks(part: EarlierReply, zone: ZoneInfo) -> list[Block]:
    entries = " · ".join(f"{e.when.astimezone(zone):%Y-%m-%d} {escape(truncate(e.text, 200))}"
                         for e in part.entries)
    return [section(f"*🕰 {escape(label('earlier', part.lang))}*\n{entries}")]


def digest_blocks(part: DigestPost, zone: ZoneInfo) -> list[Block]:
    heads = "\n".join(f"• {escape(truncate(h, 300))}" for h in part.headlines)
    return [header(f"🗞 {part.title} ({part.day.astimezone(zone):%Y-%m-%d})"),
            *([section(heads)] if heads else [])]


def answer_blocks(answer: Answer, zone: ZoneInfo) -> list[Block]:
    """The cited answer, one citation block per source with its link, the follow-up
    buttons, and 👍/👎 buttons."""
    question = f"*❓ {escape(truncate(answer.question, 300))}*\n" if answer.question else ""
    if not answer.answerable:
        return [section(f"{question}🔎 {escape(answer.note)}")]
    body = escape(truncate(cite(answer.sentences), SECTION_MAX - 400))
    blocks: list[Block] = [section(f"{question}💬 {body}")]
    for c in answer.citations[:10]:
        when = f" · {c.published.astimezone(zone):%Y-%m-%d}" if c.published else ""
        blocks.append(context(f"[{c.n}] {link(c.url, c.title)} — {escape(c.source)}{when}"))
    # The suggested next questions, then 👍/👎 last (as under every answer).
    blocks += _follow_ups(answer.follow_ups)
    if answer.answer_id is not None:
        value = str(answer.answer_id)
        blocks.append({"type": "actions", "block_id": "feedback", "elements": [
            {"type": "button", "action_id": FEEDBACK_UP, "value": value,
             "text": plain("👍 Helpful"), "accessibility_label": "This answer was helpful"},
            {"type": "button", "action_id": FEEDBACK_DOWN, "value": value,
             "text": plain("👎 Not helpful"),
             "accessibility_label": "This answer was not helpful"},
        ]})
    return blocks


def part_blocks(part: Part, zone: ZoneInfo) -> list[Block]:
    if isinstance(part, UpdatePost):
        return update_blocks(part, zone)
    if isinstance(part, KnownBlock):
        return known_blocks(part, zone)
    if isinstance(part, QAReply):
        return qa_blocks(part)
    if isinstance(part, SourceReply):
        return source_blocks(part)
    if isinstance(part, EarlierReply):
        return earlier_blocks(part, zone)
    if isinstance(part, DigestPost):
        return digest_blocks(part, zone)
    if isinstance(part, Answer):
        return answer_blocks(part, zone)
    if isinstance(part, Notice | Reply):
        return [section(to_mrkdwn(truncate(part.text, SECTION_MAX - 100)))]
    raise TypeError(f"cannot render {type(part).__name__}")


def render_message(part: Part, zone: ZoneInfo, *, in_thread: bool = False) -> SlackMessage:
    return SlackMessage(fallback(part, zone), tuple(part_blocks(part, zone)[:MAX_BLOCKS]),
                        in_thread)


def render(result: Result | Part, *, zone: ZoneInfo) -> list[SlackMessage]:
    """The messages for a result: a briefing is its post, then one thread reply per part."""
    if isinstance(result, Briefing):
        return [render_message(p, zone, in_thread=i > 0) for i, p in enumerate(result.parts())]
    return [render_message(result, zone)]


def text_only(message: SlackMessage) -> SlackMessage:
    """The same message without blocks (when Slack rejects the blocks)."""
    return SlackMessage(message.text, (), message.in_thread)
