"""A cited answer as a Slack stream's content (pure: tested on raw JSON).

The text goes out as ``markdown_text`` in a few pieces, the citations as one completed
task whose sources are URL source elements (Slack lists them natively under the answer),
and the 👍/👎 ``feedback_buttons`` element in the final blocks. Markdown is not mrkdwn: every
run of feed or user text is first escaped as everywhere else (``escape``: no ``<`` left, so
no ``<!channel>`` or ``<@U…>``), then its Markdown punctuation is backslash-escaped, so a
title such as ``[click](https://evil)`` or ``**shout**`` is shown as typed, never as a link
or as formatting, and ``@channel`` stays text.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks.basic_components import FeedbackButtonObject
from slack_sdk.models.blocks.block_elements import FeedbackButtonsElement, UrlSourceElement
from slack_sdk.models.blocks.blocks import ContextActionsBlock
from slack_sdk.models.messages.chunk import TaskUpdateChunk

from bot.model import Answer, Sentence
from bot.platforms.slack.followup_blocks import follow_up_block
from bot.platforms.slack.render import escape, truncate
from bot.text.inert import strip_controls

#: The id of the feedback element's clicks (one element, both buttons; the value says which).
FEEDBACK_VOTE = "feedback_vote"
#: Sentences per append: a few calls per answer, so a stream stays well inside the limits.
SENTENCES_PER_PIECE = 2
#: Slack's limit for ``markdown_text`` in one call; pieces are kept well below it.
MARKDOWN_MAX = 12_000
PIECE_MAX = 3_000
#: URL source text, like any button text, is short.
SOURCE_TEXT_MAX = 150
MAX_SOURCES = 10
SOURCES_TITLE = {"en": "Sources", "ja": "出典"}
VOTE_TEXT = {"en": ("👍 Helpful", "👎 Not helpful"), "ja": ("👍 役に立った", "👎 役に立たない")}

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_~\[\]()#|:@!{}+])")
_HTTP_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def md_escape(text: str) -> str:
    """Untrusted text for ``markdown_text``: entities first (as for mrkdwn), then every
    Markdown punctuation mark backslash-escaped (shown as itself, never as markup)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escape(text))


def _cited(sentence: Sentence) -> str:
    refs = "".join(f"\\[{n}\\]" for n in sentence.refs)
    return md_escape(truncate(sentence.text, PIECE_MAX // 2)) + refs


def answer_pieces(answer: Answer) -> list[str]:
    """The answer's markdown in the order it is streamed: the question, then the cited
    sentences a few at a time (or the note when there is no answer). Never empty."""
    head = f"**❓ {md_escape(truncate(answer.question, 300))}**\n\n" if answer.question else ""
    if not answer.answerable or not answer.sentences:
        return [f"{head}🔎 {md_escape(truncate(answer.note or '…', PIECE_MAX))}"]
    sentences = list(answer.sentences)
    pieces: list[str] = []
    for i in range(0, len(sentences), SENTENCES_PER_PIECE):
        body = " ".join(_cited(s) for s in sentences[i:i + SENTENCES_PER_PIECE])
        pieces.append(f"{head}💬 {body}" if i == 0 else f" {body}")
    return [p[:PIECE_MAX] for p in pieces]


def source_chunks(answer: Answer) -> list[dict[str, Any]]:
    """One completed task listing the citations as URL sources (http(s) links only: any
    other scheme is left out rather than shown as a link)."""
    sources = [UrlSourceElement(url=c.url, text=_source_text(c.n, c.title, c.source))
               for c in answer.citations[:MAX_SOURCES] if _HTTP_URL.match(c.url.strip())]
    if not answer.answerable or not sources:
        return []
    title = SOURCES_TITLE["ja" if answer.lang == "ja" else "en"]
    task = TaskUpdateChunk(id="sources", title=title, status="complete", sources=sources)
    return [task.to_dict()]


def _source_text(n: int, title: str, outlet: str) -> str:
    return escape(truncate(strip_controls(f"[{n}] {title} — {outlet}"), SOURCE_TEXT_MAX))


def feedback_blocks(answer: Answer) -> list[dict[str, Any]]:
    """The 👍/👎 element under the finished answer; a click's value is ``"<id> up|down"``."""
    if answer.answer_id is None or not answer.answerable:
        return []
    up, down = VOTE_TEXT["ja" if answer.lang == "ja" else "en"]
    element = FeedbackButtonsElement(
        action_id=FEEDBACK_VOTE,
        positive_button=FeedbackButtonObject(
            text=up, value=f"{answer.answer_id} up",
            accessibility_label="This answer was helpful"),
        negative_button=FeedbackButtonObject(
            text=down, value=f"{answer.answer_id} down",
            accessibility_label="This answer was not helpful"))
    return [ContextActionsBlock(block_id="feedback", elements=[element]).to_dict()]


def closing_blocks(answer: Answer) -> list[dict[str, Any]]:
    """What closes a streamed answer: its follow-up buttons, then the 👍/👎 element."""
    follow_ups = follow_up_block(answer.follow_ups)
    return ([follow_ups] if follow_ups else []) + feedback_blocks(answer)
