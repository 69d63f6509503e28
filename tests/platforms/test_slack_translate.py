"""Slack translation on raw JSON: payloads -> Request, results -> Block Kit (no server)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.model import (
    QA,
    Answer,
    Briefing,
    Citation,
    DigestPost,
    EarlierReply,
    Notice,
    QAReply,
    Reply,
    Sentence,
    SourceCard,
    SourceReply,
    TimelineEntry,
    UpdatePost,
)
from bot.platforms.slack.adapter import BOT_EVENTS, BOT_SCOPES, COMMAND
from bot.platforms.slack.errors import platform_error
from bot.platforms.slack.render import escape, link, render, to_mrkdwn, truncate
from bot.platforms.slack.translate import (
    from_app_mention,
    from_feedback_action,
    from_message,
    from_slash_command,
    message_kind,
    parse_command,
    plain_text,
    to_request,
    usage_hint,
)
from handlers import default_registry
from tests.fakes.slack_fake import (
    DEFAULT_BOT_USER_ID,
    app_mention_event,
    block_actions_payload,
    dm_message_event,
    event_callback,
    slash_command_payload,
    thread_message_event,
)
from tests.fakes.slack_support import HOSTILE, pings

TOKYO = ZoneInfo("Asia/Tokyo")
WHEN = datetime(2025, 3, 11, 12, 0, tzinfo=UTC)
BOT = DEFAULT_BOT_USER_ID


# ------------------------------------------------------------------------ requests


@pytest.mark.parametrize(("text", "expected"), [
    ("latest", ("latest", "")),
    ("  Subscribe daily 08:00 en ", ("subscribe", "daily 08:00 en")),
    ("ask What was agreed?", ("ask", "What was agreed?")),
    ("What was agreed in Jeddah?", ("ask", "What was agreed in Jeddah?")),
    ("", ("help", "")),
    ("feedback 3 up", ("ask", "feedback 3 up")),  # buttons only, never typed
])
def test_parse_command(text: str, expected: tuple[str, str]) -> None:
    assert parse_command(text) == expected


def test_slash_command_becomes_a_command_request() -> None:
    payload = slash_command_payload(text="ask What did &lt;Kyiv&gt; accept?")

    req = from_slash_command(payload, can_manage=True, hint="admins")

    assert (req.platform, req.command, req.kind) == ("slack", "ask", "command")
    assert req.text == "What did <Kyiv> accept?"
    assert (req.user_id, req.channel_id, req.space_id) == ("U0HUMAN", "C0NEWS", "T0FAKE")
    assert req.can_manage and req.manager_hint == "admins" and not req.is_dm


def test_slash_command_in_a_dm_is_a_dm() -> None:
    payload = slash_command_payload(text="subscribe", channel_id="D0HUMAN",
                                    channel_name="directmessage")

    assert from_slash_command(payload).is_dm


def test_mention_drops_the_bot_and_threads_under_the_mention() -> None:
    event = app_mention_event("what was agreed?", ts="1700000000.000100")

    req = from_app_mention(event, bot_user_id=BOT, team_id="T0FAKE")

    assert (req.command, req.text, req.kind) == ("ask", "what was agreed?", "mention")
    assert req.thread_id == "1700000000.000100"


def test_mention_inside_a_thread_answers_in_that_thread() -> None:
    event = app_mention_event(f"<@{BOT}> latest", ts="2.0", thread_ts="1.0")

    req = from_app_mention(event, bot_user_id=BOT)

    assert (req.command, req.thread_id) == ("latest", "1.0")


def test_plain_text_reduces_mentions_and_links_to_labels() -> None:
    text = f"<@{BOT}> is <https://a.example/x|this> true &amp; <@U1|bob> said &lt;no&gt;"
    assert plain_text(text, bot_user_id=BOT) == "is this true & @U1 said <no>".replace(
        "@U1", "bob")


def test_dm_and_thread_reply_requests() -> None:
    dm = from_message(dm_message_event("停戦はどうなった?"), bot_user_id=BOT)
    reply = from_message(thread_message_event("and then?", thread_ts="1.5"), bot_user_id=BOT)

    assert (dm.kind, dm.is_dm, dm.thread_id, dm.channel_id) == ("dm", True, None, "D0HUMAN")
    assert dm.text == "停戦はどうなった?"
    assert (reply.kind, reply.thread_id, reply.command) == ("thread_reply", "1.5", "ask")


@pytest.mark.parametrize(("event", "kind"), [
    (dm_message_event("hi"), "dm"),
    (thread_message_event("q?", thread_ts="1.0"), "thread"),
    ({**thread_message_event("q?", thread_ts="1.0"), "text": f"<@{BOT}> q?"}, None),
    ({**dm_message_event("x"), "user": BOT}, None),
    ({**dm_message_event("x"), "bot_id": "B1"}, None),
    ({**dm_message_event("x"), "subtype": "message_changed"}, None),
    ({"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1",
      "text": "chatter", "ts": "5.0"}, None),
])
def test_message_kind(event: dict[str, object], kind: str | None) -> None:
    assert message_kind(event, bot_user_id=BOT) == kind


def test_feedback_click_becomes_a_feedback_request() -> None:
    up = from_feedback_action(block_actions_payload("feedback_up", "42"))
    down = from_feedback_action(block_actions_payload("feedback_down", "42", user="U2"))

    assert up is not None and down is not None
    assert (up.command, up.text, up.user_id) == ("feedback", "42 up", "U0HUMAN")
    assert (down.text, down.user_id) == ("42 down", "U2")
    assert from_feedback_action(block_actions_payload("feedback_up", "drop table")) is None
    assert from_feedback_action(block_actions_payload("other", "1")) is None


def test_to_request_takes_any_payload_bolt_hands_over() -> None:
    def kind(native: dict[str, object]) -> str | None:
        req = to_request(native, bot_user_id=BOT)
        return None if req is None else f"{req.kind}:{req.command}"

    assert kind(slash_command_payload(text="timeline")) == "command:timeline"
    assert kind(event_callback(app_mention_event("hi?"))) == "mention:ask"
    assert kind(event_callback(dm_message_event("help"))) == "dm:help"
    assert kind(event_callback(thread_message_event("q?", thread_ts="1.0"))) == "thread_reply:ask"
    assert kind(event_callback({"type": "message", "channel": "C1", "user": "U1", "ts": "1.0",
                                "text": "chatter"})) is None
    assert kind(event_callback({"type": "reaction_added"})) is None
    assert kind(block_actions_payload("feedback_up", "3")) == "command:feedback"


# ------------------------------------------------------------------------ rendering


def post(**overrides: object) -> UpdatePost:
    fields: dict[str, object] = dict(
        story_id=1, headline="Ukraine accepts a 30-day ceasefire proposal",
        key_points=("Kyiv backed the US plan.", "Aid resumes."),
        outlets=("Harbor Wire", "Kyokai Shimbun", "Nami News"), published=WHEN, lang="en")
    fields.update(overrides)
    return UpdatePost(**fields)  # type: ignore[arg-type]


def test_update_post_is_header_key_points_and_sources_line_in_the_zone() -> None:
    [message] = render(post(), zone=TOKYO)

    blocks = json.loads(json.dumps(message.blocks))
    assert [b["type"] for b in blocks] == ["header", "section", "context"]
    assert blocks[0]["text"] == {"type": "plain_text", "emoji": True,
                                 "text": "🕊 Ukraine accepts a 30-day ceasefire proposal"}
    assert blocks[1]["text"]["text"] == ("*📘 What this update tells you*\n"
                                         "💡 Kyiv backed the US plan.\n💡 Aid resumes.")
    assert blocks[2]["elements"][0]["text"] == (
        "Harbor Wire · Kyokai Shimbun (+1) · 2025-03-11 21:00 JST")
    assert message.text.startswith("🕊 Ukraine accepts") and "2025-03-11 21:00 JST" in message.text
    assert not message.in_thread


def test_briefing_is_a_post_then_thread_replies() -> None:
    card = SourceCard(1, "Harbor Wire", "Jeddah talks", "https://demo.example/a?x=1&y=2",
                      ("Kyiv accepted.",))
    briefing = Briefing(
        story_id=1, headline="Jeddah", key_points=("Kyiv accepted.",),
        qa=(QA("Why does it matter?", (Sentence("It is the first step.", (1,)),)),),
        sources=(card,), earlier=(TimelineEntry(WHEN, "Riyadh talks"),),
        outlets=("Harbor Wire",), published=WHEN, lang="en")

    messages = render(briefing, zone=TOKYO)

    assert [m.in_thread for m in messages] == [False, True, True, True]
    assert messages[1].blocks[0]["text"]["text"] == (
        "*❓ Why does it matter?*\nIt is the first step.[1]")
    source = messages[2].blocks[0]["text"]["text"]
    assert "<https://demo.example/a?x=1&amp;y=2|Jeddah talks>" in source
    assert "✅ Kyiv accepted." in source
    assert messages[3].blocks[0]["text"]["text"].startswith("*🕰 Earlier in the talks*")


def test_answer_has_citation_links_and_feedback_buttons() -> None:
    answer = Answer(
        "What was agreed?", True, (Sentence("A 30-day halt.", (1, 2)),),
        (Citation(1, "Jeddah talks", "https://demo.example/1", "Harbor Wire", WHEN),
         Citation(2, "停戦案", "https://demo.example/2", "Kyokai Shimbun")),
        answer_id=7)

    [message] = render(answer, zone=TOKYO)

    types = [b["type"] for b in message.blocks]
    assert types == ["section", "context", "context", "actions"]
    assert message.blocks[0]["text"]["text"] == "*❓ What was agreed?*\n💬 A 30-day halt.[1][2]"
    assert message.blocks[1]["elements"][0]["text"] == (
        "[1] <https://demo.example/1|Jeddah talks> — Harbor Wire · 2025-03-11")
    buttons = message.blocks[3]["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("feedback_up", "7"), ("feedback_down", "7")]
    assert "[1] Harbor Wire: Jeddah talks" in message.text


def test_short_update_post_links_to_the_story_thread() -> None:
    url = "https://fake-team.slack.com/archives/C1/p1700000000000100"
    [en] = render(post(is_followup=True, thread_link=url), zone=TOKYO)
    assert en.blocks[1]["text"]["text"].endswith(f"\n🧵 <{url}|See the thread>")
    assert en.text.endswith(f"🧵 See the thread: {url}")
    [ja] = render(post(is_followup=True, lang="ja", thread_link=url), zone=TOKYO)
    assert f"<{url}|スレッドを見る>" in ja.blocks[1]["text"]["text"]
    [odd] = render(post(thread_link="<!channel>"), zone=TOKYO)  # never a live mention
    assert "<!channel>" not in odd.blocks[1]["text"]["text"] + odd.text


def test_japanese_update_and_digest_use_japanese_labels_and_limits() -> None:
    long_headline = "停戦" * 100
    [update] = render(post(headline=long_headline, lang="ja", is_followup=True), zone=TOKYO)
    [digest] = render(DigestPost("本日のまとめ", ("見出し1", "見出し2"), WHEN, "ja"), zone=TOKYO)

    head = update.blocks[0]["text"]["text"]
    assert head.startswith("🕊 続報: 停戦") and len(head) <= 150 and head.endswith("…")
    assert update.blocks[1]["text"]["text"].startswith("*📘 この更新で分かる事*")
    assert digest.blocks[0]["text"]["text"] == "🗞 本日のまとめ (2025-03-11)"
    assert digest.blocks[1]["text"]["text"] == "• 見出し1\n• 見出し2"


def test_long_answers_stay_inside_block_kit_limits() -> None:
    many = tuple(Citation(n, "t" * 500, f"https://x.example/{n}", "s") for n in range(1, 30))
    answer = Answer("q" * 5000, True, (Sentence("word " * 2000, (1,)),), many, answer_id=1)

    [message] = render(answer, zone=TOKYO)

    assert len(message.blocks) <= 50 and len(message.text) <= 4000
    assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if "text" in b)
    assert sum(b["type"] == "context" for b in message.blocks) == 10


def test_unanswerable_answer_has_no_buttons() -> None:
    [message] = render(Answer("q?", False, (), (), note="No source found."), zone=TOKYO)
    assert [b["type"] for b in message.blocks] == ["section"]
    assert "🔎 No source found." in message.text


def test_reply_markdown_subset_becomes_mrkdwn_and_a_link_stays_text() -> None:
    [message] = render(Reply("**Subscribed** see [docs](https://a.example/?q=1&r=2) `x`"),
                       zone=TOKYO)
    assert message.blocks[0]["text"]["text"] == (
        "*Subscribed* see [docs](https://a.example/?q=1&amp;r=2) `x`")
    assert to_mrkdwn("[x](javascript:alert(1))") == "[x](javascript:alert(1))"


def test_a_pipe_in_a_url_cannot_end_the_link_early() -> None:
    assert link("https://a.example/x|<!here>", "t") == "<https://a.example/x%7C&lt;!here&gt;|t>"


def test_truncate_keeps_the_limit_and_cuts_before_the_ellipsis() -> None:
    assert truncate("abcde", 5) == "abcde"
    assert truncate("abcdefgh", 5) == "abcd…"
    assert truncate("  abc   defghij", 9) == "  abc…"


def test_escape_ampersand_first() -> None:
    assert escape("&lt;!channel&gt; <!here> a&b") == (
        "&amp;lt;!channel&amp;gt; &lt;!here&gt; a&amp;b")


def test_hostile_text_everywhere_pings_no_one() -> None:
    card = SourceCard(1, HOSTILE, HOSTILE, "javascript:alert(1)", (HOSTILE,))
    parts = [
        post(headline=HOSTILE, key_points=(HOSTILE,), outlets=(HOSTILE,)),
        QAReply(HOSTILE, (Sentence(HOSTILE, (1,)),), "en"),
        SourceReply((card,), "en"),
        EarlierReply((TimelineEntry(WHEN, HOSTILE),), "en"),
        Notice(HOSTILE), Reply(HOSTILE),
        Answer(HOSTILE, True, (Sentence(HOSTILE, (1,)),),
               (Citation(1, HOSTILE, f"https://x.example/|<!channel>{HOSTILE}", HOSTILE),),
               answer_id=1),
        Answer(HOSTILE, False, (), (), note=HOSTILE),
    ]
    for part in parts:
        for message in render(part, zone=TOKYO):
            payload = json.loads(json.dumps(message.payload()))
            assert pings(payload) == [], type(part).__name__
            assert "&amp;lt;!channel&amp;gt;" in json.dumps(payload, ensure_ascii=False) or (
                isinstance(part, SourceReply | EarlierReply))


# ------------------------------------------------------------------------ errors


@pytest.mark.parametrize("code", ["channel_not_found", "not_in_channel", "is_archived",
                                  "account_inactive", "missing_scope"])
def test_permanent_errors(code: str) -> None:
    error = platform_error(code, method="chat.postMessage")
    assert error.permanent and error.code == code and "chat.postMessage" in str(error)


def test_rate_limit_is_transient_with_retry_after() -> None:
    error = platform_error("ratelimited", status=429, headers={"Retry-After": "7"})
    assert not error.permanent and error.retry_after == 7.0


def test_other_errors_are_transient() -> None:
    error = platform_error("internal_error", status=500)
    assert not error.permanent and error.code == "internal_error"


# ------------------------------------------------------------------------ packaging


ROOT = Path(__file__).resolve().parents[2]


def manifest_list(text: str, key: str) -> list[str]:
    """The ``- item`` lines right under ``key:`` (the manifest is plain block YAML)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    items = []
    for line in lines[start + 1:]:
        if not line.strip().startswith("- "):
            break
        items.append(line.strip()[2:].strip())
    return items


def test_manifest_asks_for_exactly_what_the_adapter_uses() -> None:
    text = (ROOT / "slack-manifest.yaml").read_text(encoding="utf-8")

    assert tuple(manifest_list(text, "bot")) == BOT_SCOPES
    assert tuple(manifest_list(text, "bot_events")) == BOT_EVENTS
    assert re.findall(r"command: (\S+)", text) == [COMMAND]


def test_manifest_turns_on_the_agent_view_the_adapter_serves() -> None:
    """Issue 16: assistant:write is only granted with the agent_view feature; the events
    the agent DM listens to are subscribed; the default prompts fit Slack's limit of 4."""
    text = (ROOT / "slack-manifest.yaml").read_text(encoding="utf-8")

    assert "assistant:write" in BOT_SCOPES
    assert {"app_home_opened", "app_context_changed"} <= set(BOT_EVENTS)
    assert re.search(r"^  agent_view:\n    agent_description: ", text, re.MULTILINE)
    prompts = re.findall(r"^      - title: (.+)\n        message: (.+)$", text, re.MULTILINE)
    assert 1 <= len(prompts) <= 4 and all(title and message for title, message in prompts)
    assert re.search(r"^    messages_tab_enabled: true$", text, re.MULTILINE)


def test_manifest_usage_hint_lists_the_registrys_commands() -> None:
    text = (ROOT / "slack-manifest.yaml").read_text(encoding="utf-8")

    [hint] = re.findall(r'usage_hint: "(.*)"', text)
    assert hint == usage_hint()
    assert [part.split()[0] for part in hint.split(" | ")] == default_registry().names


def test_only_the_slack_package_imports_slack_libraries() -> None:
    offenders = [
        str(path.relative_to(ROOT)) for top in ("bot", "handlers", "config")
        for path in (ROOT / top).rglob("*.py")
        if re.search(r"^\s*(from|import) slack_(bolt|sdk)", path.read_text(encoding="utf-8"),
                     re.MULTILINE)
        and not path.is_relative_to(ROOT / "bot" / "platforms" / "slack")
    ]
    assert offenders == []
