"""Feed and user text is inert on every platform: the issue's reproductions, then a search.

Every part a renderer takes (update posts, key points, Q&A, source cards, timeline, digests,
answers, notices, replies) is rendered with hostile text in every untrusted field, and the
payload is checked with the models in ``inert_checks``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model import (
    Answer,
    Citation,
    DigestPost,
    EarlierReply,
    Notice,
    Part,
    QAReply,
    Reply,
    Sentence,
    SourceCard,
    SourceReply,
    TimelineEntry,
    UpdatePost,
)
from bot.platforms.discord import render as discord_render
from bot.platforms.discord.escape import inert, markup, plain, safe_url, thread_name
from bot.platforms.slack import render as slack_render
from bot.platforms.text import render_result
from bot.text.inert import strip_controls
from tests.platforms.inert_checks import (
    OK_URL,
    discord_live,
    discord_problems,
    invisible,
    slack_problems,
    thread_name_problems,
)

ZONE = ZoneInfo("Asia/Tokyo")
WHEN = datetime(2025, 8, 18, 12, 0, tzinfo=UTC)
PHISH = "[Official statement](https://evil.example/phish)"
SNEAKY = f"Talks \u202eresume\u202c in Ist\u200banbul {PHISH} <https://evil.example/auto>"


def every_part(text: str, url: str = OK_URL) -> list[Part]:
    """One of each part a platform renders, with ``text`` in every untrusted field."""
    sentence = Sentence(text, (1,))
    card = SourceCard(1, text, text, url, (text, text), WHEN)
    citation = Citation(1, text, url, text, WHEN)
    return [
        UpdatePost(1, text, (text, text), (text, "Harbor Wire"), WHEN, "en"),
        QAReply(text, (sentence,), "en"),
        SourceReply((card,), "en"),
        EarlierReply((TimelineEntry(WHEN, text),), "en"),
        DigestPost(text, (text, text), WHEN, "en"),
        Notice(text),
        Reply(text),
        Answer(text, True, (sentence,), (citation,), "en", answer_id=3),
        Answer(text, False, (), (), "en", note=text),
    ]


def discord_payloads(part: Part) -> list[dict[str, Any]]:
    return [m.payload() for m in discord_render.render(part, zone=ZONE)]


def slack_payloads(part: Part) -> list[dict[str, Any]]:
    return [m.payload() for m in slack_render.render(part, zone=ZONE)]


# ------------------------------------------------------------------- the reproductions


def test_a_masked_link_in_feed_text_is_no_link_on_discord_in_any_part() -> None:
    for part in every_part(SNEAKY):
        for payload in discord_payloads(part):
            assert discord_problems(payload) == [], (type(part).__name__, payload)
    [update] = discord_payloads(every_part(SNEAKY)[0])
    # Shown as written: the reader sees the text, only the link is gone.
    assert "Official statement" in update["embeds"][0]["description"]
    assert "resume in Istanbul" in update["embeds"][0]["title"]


def test_a_masked_link_in_a_reply_is_text_on_slack_and_discord() -> None:
    """``timeline`` and ``sources`` quote feed titles in a reply: no link may come of it."""
    reply = Reply(f"🕰 The talks so far\n2025-08-18 {PHISH}\n✅ ok {PHISH} — 3 items")
    [slack] = slack_payloads(reply)
    assert slack_problems(slack) == []
    assert "[Official statement](https://evil.example/phish)" in slack["blocks"][0]["text"][
        "text"]
    [discord] = discord_payloads(reply)
    assert discord_problems(discord) == []


def test_thread_names_carry_no_mentions_or_invisible_characters() -> None:
    name = thread_name("@everyone <@&555> <@42> <#7> <!channel> \u202eTalks\n resume " + "x" * 200)
    assert thread_name_problems(name) == [] and name.startswith("@\u200beveryone")
    [post] = discord_render.render(every_part(SNEAKY)[0], zone=ZONE)
    assert post.thread_title is not None and thread_name_problems(post.thread_title) == []


def test_link_targets_from_feeds_are_http_only_and_cannot_end_the_link() -> None:
    assert safe_url("javascript:alert(1)") is None and safe_url("") is None
    assert safe_url("https://x.example/a)b [c]") is None  # a space: not one address
    assert safe_url("https://x.example/a)(b\u202e") == "https://x.example/a%29%28b"
    for part in every_part("Title", url="https://x.example/a)[phish](https://evil.example"):
        for payload in discord_payloads(part):
            for text in (str(e.get("description")) for e in payload.get("embeds") or []):
                assert "(https://evil" not in text


def test_the_console_shows_no_invisible_or_control_characters() -> None:
    for part in every_part("Talks \u202eresume\x1b[2J\u200b"):
        for text, _ in render_result(part, ZONE):
            assert invisible(text) == [] and "\x1b" not in text


# ------------------------------------------------------------------- the search

#: Text built from the characters that matter to Markdown, mrkdwn and mentions, among
#: ordinary letters, invisible characters and any other character.
HOSTILE_PIECES = st.sampled_from([
    "[", "]", "(", ")", "<", ">", "\\", "`", "*", "_", "~", "|", "#", "!", "@", "&", ":",
    "/", " ", "\n", "https://", "http://evil.example", "@everyone", "@here", "<@123>",
    "<#5>", "<@&6>", "<!channel>", "<!here>", "&lt;", "&amp;", "evil.example", "a", "日本",
    "\u200b", "\u202e", "\u2066", "\ufeff", "\x1b", "**", "`x`", PHISH])
HOSTILE_TEXT = st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=3)), max_size=14).map(
    "".join)


@settings(max_examples=80, deadline=None)
@given(HOSTILE_TEXT)
def test_no_generated_text_renders_a_live_link_or_a_ping_on_discord(text: str) -> None:
    for part in every_part(text):
        for payload in discord_payloads(part):
            assert discord_problems(payload) == [], (type(part).__name__, payload)
    assert thread_name_problems(thread_name(text)) == []


@settings(max_examples=80, deadline=None)
@given(HOSTILE_TEXT)
def test_no_generated_text_renders_a_live_link_or_a_ping_on_slack(text: str) -> None:
    for part in every_part(text):
        for payload in slack_payloads(part):
            assert slack_problems(payload) == [], (type(part).__name__, payload)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_stripping_leaves_no_format_character_and_is_idempotent(text: str) -> None:
    once = strip_controls(text)
    assert invisible(once) == [] and strip_controls(once) == once


def test_the_checks_catch_what_they_look_for() -> None:
    """The models above are not vacuous: raw hostile text fails them."""
    assert discord_live(PHISH) and discord_live("<@123>") and discord_live("@everyone")
    assert discord_live("\\\\[a](https://evil.example)")  # an escaped backslash, then a link
    assert not discord_live("\\[a\\](https:\\/\\/evil.example)")
    assert slack_problems({"text": "<https://evil.example|x>", "blocks": []})
    assert invisible("a\u200bb") and thread_name_problems("@here")


def test_discord_inert_text_is_shown_as_written_with_each_special_escaped() -> None:
    hostile = "see https://x.example [a](b) *c* @everyone"
    assert inert(hostile) == "see https:\\/\\/x.example \\[a\\](b) \\*c\\* @\u200beveryone"


def test_discord_plain_text_breaks_only_the_mention_forms() -> None:
    assert plain("<@123> and <#9> @here *kept*") == (
        "<\u200b@123> and <\u200b#9> @\u200bhere *kept*")


def test_a_thread_name_cut_at_the_limit_loses_its_trailing_space() -> None:
    assert thread_name("a" * 99 + " b") == "a" * 99
    assert thread_name("\u200b \u200e") == "Q&A"


def test_discord_reply_markup_keeps_bold_and_safe_code_and_shows_risky_code_as_text() -> None:
    reply = "**a_b** then `x_y` then `http://e.example` end"
    assert markup(reply) == (
        "**a\\_b** then `x_y` then \\`http:\\/\\/e.example\\` end")
    assert markup("`<@1>`") == "\\`\\<@1\\>\\`"
