"""Follow-up buttons as each platform's payload: inside both platforms' limits whatever
the label, keys (never question text) in the ids, feedback buttons kept."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.model import Answer, Citation, FollowUp, Sentence, UpdatePost
from bot.platforms.discord.render import render as discord_render
from bot.platforms.slack.render import render as slack_render
from bot.platforms.text import render_result
from tests.fakes.component_rules import discord_component_error, slack_blocks_error

UTC_ZONE = ZoneInfo("UTC")
WHEN = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
LONG = FollowUp("What " * 30, "What " * 30, "a7.0.abcdef")
FOLLOW_UPS = (FollowUp("What happens next?", "What happens next?", "a7.1.123456"), LONG,
              FollowUp("今後は?", "今後は?", "a7.2.654321"))


def answer(follow_ups: tuple[FollowUp, ...] = FOLLOW_UPS) -> Answer:
    return Answer("What was agreed?", True, (Sentence("They agreed a truce.", (1,)),),
                  (Citation(1, "Truce", "https://w.example/1", "Wire"),), answer_id=7,
                  follow_ups=follow_ups)


def post() -> UpdatePost:
    return UpdatePost(3, "Talks", ("They met.",), ("Wire",), WHEN, "en", follow_ups=FOLLOW_UPS)


def test_discord_rows_keep_feedback_first_and_fit_the_limits() -> None:
    [message] = discord_render(answer(), zone=UTC_ZONE)
    payload = message.payload()
    feedback, follow = payload["components"]
    assert [b["emoji"]["name"] for b in feedback["components"]] == ["👍", "👎"]
    assert [b["custom_id"] for b in follow["components"]] == [
        f"followup:{f.key}" for f in FOLLOW_UPS]
    assert len(follow["components"][1]["label"]) == 80
    assert discord_component_error(payload) is None
    [update] = discord_render(post(), zone=UTC_ZONE)
    assert discord_component_error(update.payload()) is None
    assert len(update.payload()["components"]) == 1


def test_discord_leaves_out_a_key_too_long_for_a_custom_id() -> None:
    too_long = FollowUp("Why?", "Why?", "a" * 95)
    [message] = discord_render(answer((too_long, *FOLLOW_UPS[:1])), zone=UTC_ZONE)
    [_, follow] = message.payload()["components"]
    assert [b["label"] for b in follow["components"]] == ["What happens next?"]


def test_slack_actions_fit_the_limits_with_feedback_last() -> None:
    [message] = slack_render(answer(), zone=UTC_ZONE)
    blocks = list(message.blocks)
    assert [b.get("block_id") for b in blocks[-2:]] == ["follow_ups", "feedback"]
    buttons = blocks[-2]["elements"]
    assert [b["value"] for b in buttons] == [f.key for f in FOLLOW_UPS]
    assert len(buttons[1]["text"]["text"]) == 75 and buttons[1]["text"]["type"] == "plain_text"
    assert slack_blocks_error(blocks) is None
    [update] = slack_render(post(), zone=UTC_ZONE)
    assert update.blocks[-1]["type"] == "context"
    assert update.blocks[-2]["block_id"] == "follow_ups"


def test_text_platforms_number_answers_and_code_updates() -> None:
    [(text, _)] = render_result(answer(), UTC_ZONE, follow_ups=True)
    assert "  1. What happens next?" in text and "  3. 今後は?" in text
    [(shown, _)] = render_result(post(), UTC_ZONE, follow_ups=True)
    assert "  a7.1.123456  What happens next?" in shown
    [(plain, _)] = render_result(answer(), UTC_ZONE)  # the one-shot CLI: nothing to type
    assert "/more" not in plain
