"""Issue 16: how the Slack adapter streams an answer, and when it does not (the adapter
against the fake; the content on raw JSON)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from bot.errors import PlatformError
from bot.model import Answer, Citation, FollowUp, Notice, Sentence
from bot.platforms.base import Target
from bot.platforms.slack import SlackAdapter
from bot.platforms.slack.agent import TITLE_MAX, lang_of_locale, title_of
from bot.platforms.slack.streamed import (
    FEEDBACK_VOTE,
    answer_pieces,
    closing_blocks,
    feedback_blocks,
    md_escape,
    source_chunks,
)
from bot.platforms.slack.translate import from_feedback_action
from tests.fakes.slack_fake import FakeSlack, block_actions_payload
from tests.fakes.slack_support import HOSTILE, markdown_pings

SENTENCES = tuple(Sentence(f"Point {i} of the talks.", (1,)) for i in range(5))
ANSWER = Answer("What was agreed?", True, SENTENCES,
                (Citation(1, "Talks <!here> end", "https://demo.example/1", "Harbor"),
                 Citation(2, "Sneaky", "javascript:alert(1)", "Evil")),
                answer_id=42)
PERSON = Target("C1", thread_id="1700000000.000100", user_id="U0HUMAN")


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest_asyncio.fixture
async def slack(fake: FakeSlack) -> AsyncIterator[SlackAdapter]:
    adapter = SlackAdapter(bot_token=fake.bot_token, zone=ZoneInfo("UTC"),
                           signing_secret="s", api_url=fake.api_url, http_port=0,
                           http_host="127.0.0.1")
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


def test_markdown_shows_hostile_text_as_typed() -> None:
    shown = md_escape(f"{HOSTILE} **bold** _it_ `code` # head")

    assert markdown_pings(shown) == [] and "<" not in shown
    assert "\\*\\*bold\\*\\*" in shown and "\\_it\\_" in shown and "\\`code\\`" in shown


def test_an_answer_streams_in_pieces_then_sources_then_the_vote() -> None:
    pieces = answer_pieces(ANSWER)
    [task] = source_chunks(ANSWER)
    [block] = feedback_blocks(ANSWER)

    assert len(pieces) == 3 and pieces[0].startswith("**❓ What was agreed?**")
    assert "".join(pieces).count("\\[1\\]") == 5
    assert [s["url"] for s in task["sources"]] == ["https://demo.example/1"]  # no javascript:
    assert task["sources"][0]["text"] == "[1] Talks &lt;!here&gt; end — Harbor"
    [element] = block["elements"]
    assert (element["type"], element["action_id"]) == ("feedback_buttons", FEEDBACK_VOTE)
    assert (element["positive_button"]["value"], element["negative_button"]["value"]) == (
        "42 up", "42 down")
    unanswerable = Answer("Why?", False, (), (), note="No report says.")
    assert source_chunks(unanswerable) == [] and feedback_blocks(unanswerable) == []
    assert answer_pieces(unanswerable) == ["**❓ Why?**\n\n🔎 No report says."]


def test_a_streamed_answer_closes_with_its_follow_up_buttons_then_the_vote() -> None:
    follow_up = FollowUp("What happens next? <!channel>", "next", "a42.1.abcdef")
    asked = replace(ANSWER, follow_ups=(follow_up,))

    blocks = closing_blocks(asked)

    assert [b["type"] for b in blocks] == ["actions", "context_actions"]
    [button] = blocks[0]["elements"]
    assert button["value"] == "a42.1.abcdef" and button["text"]["type"] == "plain_text"
    assert closing_blocks(ANSWER) == feedback_blocks(ANSWER)


@pytest.mark.parametrize(("value", "text"), [("42 up", "42 up"), ("42 down", "42 down"),
                                             ("42 sideways", None), ("x up", None)])
def test_a_feedback_element_click_is_a_vote(value: str, text: str | None) -> None:
    body = block_actions_payload(FEEDBACK_VOTE, value, action_type="feedback_buttons",
                                 thread_ts="1700000000.000100")
    req = from_feedback_action(body)

    assert (req.text if req else None) == text
    if req is not None:
        assert req.command == "feedback" and req.thread_id == "1700000000.000100"


async def test_an_answer_to_a_person_is_streamed_to_them(fake: FakeSlack,
                                                         slack: SlackAdapter) -> None:
    ref = await slack.send(PERSON, ANSWER, key="reply:1")

    [stream] = fake.streamed(stopped=True)
    assert ref.message_id == stream["ts"] and ref.thread_id == PERSON.thread_id
    assert (stream["recipient_user_id"], stream["recipient_team_id"]) == ("U0HUMAN", "T0FAKE")
    assert [c["type"] for c in stream["chunks"]][-1] == "task_update"
    assert stream["metadata"]["event_payload"]["key"] == "reply:1"
    assert await slack.find_sent(PERSON, "reply:1") == ref  # a retry finds it
    assert fake.posted() == []


async def test_no_stream_without_a_person_or_a_thread(fake: FakeSlack,
                                                      slack: SlackAdapter) -> None:
    await slack.send(Target("C1"), ANSWER, key="sub:1")  # the outbox: no user
    await slack.send(Target("C1", user_id="U0HUMAN"), ANSWER)  # nothing to reply to
    await slack.send(PERSON, Notice("a notice"))  # only answers stream

    assert fake.streamed() == [] and len(fake.posted()) == 3


async def test_where_slack_refuses_a_stream_the_answer_is_posted(fake: FakeSlack,
                                                                 slack: SlackAdapter) -> None:
    fake.refuse_next("chat.startStream", "invalid_arguments")
    ref = await slack.send(PERSON, ANSWER)

    [post] = fake.posted()
    assert post["thread_ts"] == PERSON.thread_id and ref.message_id == post["ts"]
    assert post["blocks"][-1]["type"] == "actions" and fake.streamed() == []


async def test_a_failed_append_is_replaced_by_the_full_answer(fake: FakeSlack,
                                                              slack: SlackAdapter) -> None:
    fake.refuse_next("chat.appendStream", "message_not_in_streaming_state")
    ref = await slack.send(PERSON, ANSWER)

    [update] = fake.updates
    assert update["ts"] == ref.message_id and "Point 4 of the talks." in update["text"]
    assert update["blocks"][-1]["type"] == "actions"


async def test_a_transient_refusal_to_start_is_raised_for_the_retry(
        fake: FakeSlack, slack: SlackAdapter) -> None:
    fake.refuse_next("chat.startStream", "internal_error")
    with pytest.raises(PlatformError) as info:
        await slack.send(PERSON, ANSWER)

    assert not info.value.permanent and fake.posted() == [] and fake.streamed() == []


def test_a_conversation_title_is_one_short_inert_line() -> None:
    assert title_of("  What was\nagreed?  ") == "What was agreed?"
    assert title_of("<!channel> why?") == "&lt;!channel&gt; why?"
    assert len(title_of("x" * 500)) == TITLE_MAX
    assert [lang_of_locale(loc, "en") for loc in ("ja-JP", "en-GB", None)] == [
        "ja", "en", "en"]
    assert lang_of_locale(None, "ja") == "ja"
