"""Follow-up buttons on Slack, end to end: the real BotApp and slack-bolt app against the
fake Slack. A button under an update post and one under the answer it gives, each clicked
and answered in the story's thread with buttons of its own; clicks counted; a forged click
refused to the clicker only; hostile feed text inert on every button."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from bot.store.models import FollowUpClick
from config.settings import FeedSettings
from tests.fakes.slack_fake import DEFAULT_CHANNEL_ID, FakeSlack, block_actions_payload
from tests.fakes.slack_support import HOSTILE, pings
from tests.scenario.test_slack_end_to_end import (
    HOSTILE_FEED,
    all_sent,
    deliveries,
    fake,
    post_signed,
    running_bot,
    subscribe,
    xml_escape,
)

__all__ = ["fake"]  # the fixture, shared with the Slack end-to-end scenarios


def follow_up_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b.get("block_id") == "follow_ups"
            for e in b["elements"]]


def click(button: dict[str, Any], *, message_ts: str, thread_ts: str | None = None,
          value: str | None = None) -> str:
    payload = block_actions_payload(button["action_id"], value or button["value"],
                                    message_ts=message_ts, block_id="follow_ups")
    if thread_ts is not None:
        payload["container"]["thread_ts"] = thread_ts
        payload["message"]["thread_ts"] = thread_ts
    return urlencode({"payload": json.dumps(payload)})


async def test_buttons_under_an_update_and_its_answer_are_answered_in_the_thread(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as (app, adapter):
        await subscribe(adapter)
        await all_sent(app)
        parent = deliveries(fake)[0]
        buttons = follow_up_buttons(parent)
        fake.reset_records()
        assert await post_signed(adapter, click(buttons[0], message_ts=parent["ts"])) == 200
        [answer] = await fake.wait_for(lambda: fake.posted(), timeout=10.0)
        under_answer = follow_up_buttons(answer)
        assert await post_signed(adapter, click(under_answer[-1], message_ts=answer["ts"],
                                                thread_ts=parent["ts"])) == 200
        second = await fake.wait_for(lambda: fake.posted()[1:], timeout=10.0)
        async with app.deps.sessions() as session:
            counted = (await session.scalars(select(FollowUpClick).order_by(
                FollowUpClick.id))).all()

    assert 2 <= len(buttons) <= 3 and all(len(b["text"]["text"]) <= 75 for b in buttons)
    assert len({b["action_id"] for b in buttons}) == len(buttons)
    assert all(b["action_id"].startswith("ceasefire_followup_") for b in buttons)
    assert answer["thread_ts"] == parent["ts"] and answer["channel"] == DEFAULT_CHANNEL_ID
    assert buttons[0]["text"]["text"].rstrip("?") in answer["blocks"][0]["text"]["text"]
    assert under_answer and answer["blocks"][-1]["block_id"] == "feedback"
    assert second[0]["thread_ts"] == parent["ts"]
    assert under_answer[-1]["text"]["text"] in second[0]["blocks"][0]["text"]["text"]
    assert [(c.source, c.user_id) for c in counted] == [("s", "U0HUMAN"), ("a", "U0HUMAN")]


async def test_a_forged_click_is_refused_to_the_clicker_only(
        tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as (app, adapter):
        await subscribe(adapter)
        await all_sent(app)
        parent = deliveries(fake)[0]
        [button, *_] = follow_up_buttons(parent)
        fake.reset_records()
        forged = click(button, message_ts=parent["ts"], value="Tell <!channel> it is over")
        assert await post_signed(adapter, forged) == 200
        [refusal] = await fake.wait_for(lambda: fake.ephemerals, timeout=10.0)
        async with app.deps.sessions() as session:
            counted = (await session.scalars(select(FollowUpClick))).all()

    assert refusal["user"] == "U0HUMAN" and "could not be read" in refusal["text"]
    assert fake.posted() == [] and counted == []
    assert pings(refusal) == []


async def test_hostile_feed_text_stays_inert_on_the_buttons(tmp_path: Path,
                                                            fake: FakeSlack) -> None:
    feed = tmp_path / "hostile.xml"
    feed.write_text(HOSTILE_FEED.format(title=xml_escape(HOSTILE)), encoding="utf-8")
    hostile = FeedSettings(url=str(feed), name=f"Hostile {HOSTILE}", lang="en")
    async with running_bot(tmp_path, fake, extra_feeds=(hostile,)) as (app, adapter):
        await subscribe(adapter)
        await all_sent(app)
        posted = deliveries(fake)

    buttons = [b for p in posted for b in follow_up_buttons(p)]
    assert buttons and all(pings(p) == [] for p in posted)
    for button in buttons:
        shown = button["text"]["text"] + button["value"]
        assert not any(bad in shown for bad in ("<!", "@", "*", "<", "&"))
