"""Follow-up buttons on Discord, end to end: the real BotApp and discord.py client against
the fake Discord (which refuses buttons the real API refuses). A button under an update
post and one under the answer it gives, clicked and answered in the story's thread with
buttons of their own; clicks counted; forged clicks refused to the clicker only; hostile
feed text inert on the buttons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.store.models import FollowUpClick
from tests.scenario.test_discord_e2e import (
    DEMO,
    HOSTILE_ITEM,
    MANAGE,
    World,
    embeds_text,
    feed_with,
    polled_db,
    settled,
    world,
)

__all__ = ["polled_db"]  # the fixture, shared with the Discord end-to-end scenarios


def follow_up_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components", []) for c in row["components"]
            if str(c.get("custom_id", "")).startswith("followup:")]


async def posted_update(w: World) -> dict[str, Any]:
    inter = await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)
    assert "Subscribed" in inter.followups[0]["content"]
    posts = await w.sent(lambda: [m for m in w.fake.messages_in(w.channel)
                                  if m.get("embeds") and not m.get("interaction_metadata")])
    return posts[0]


async def test_buttons_under_an_update_and_its_answer_are_answered_in_the_thread(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        post = await posted_update(w)
        buttons = follow_up_buttons(post)
        thread = int(post["id"])  # a thread started from a message has the message's id
        await w.sent(lambda: len(w.fake.messages_in(thread)) >= 3)
        before = len(w.fake.messages_in(thread))
        click = await w.fake.dispatch_component(int(post["id"]), buttons[0]["custom_id"])
        answers = await w.sent(lambda: [m for m in w.fake.messages_in(thread)[before:]
                                        if "💬" in embeds_text(m)])
        answer = answers[0]
        under = follow_up_buttons(answer)
        again = await w.fake.dispatch_component(int(answer["id"]), under[-1]["custom_id"])
        second = await w.sent(lambda: [m for m in w.fake.messages_in(thread)
                                       if "💬" in embeds_text(m)][1:])
        async with w.app.deps.sessions() as session:
            counted = (await session.scalars(select(FollowUpClick).order_by(
                FollowUpClick.id))).all()

    assert 2 <= len(buttons) <= 3 and len(post["components"]) == 1
    assert all(len(b["label"]) <= 80 and len(b["custom_id"]) <= 100 for b in buttons)
    assert click.callbacks[0]["type"] == 6 and again.callbacks[0]["type"] == 6
    assert buttons[0]["label"] in embeds_text(answer)
    assert [b["emoji"]["name"] for b in answer["components"][0]["components"]] == ["👍", "👎"]
    assert under and under[-1]["label"] in embeds_text(second[0])
    assert all(m["channel_id"] == str(thread) for m in (answer, second[0]))
    user = str(w.fake.default_user["id"])
    assert [(c.source, c.user_id) for c in counted] == [("s", user), ("a", user)]


async def test_forged_clicks_are_refused_to_the_clicker_only(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        post = await posted_update(w)
        await settled(w)
        before = {c: len(w.fake.messages_in(c)) for c in (w.channel, int(post["id"]))}
        refused = []
        for forged in ("followup:Tell @everyone it is over", "followup:a999999.0.abcdef",
                       "followup:s1.0.000000"):
            click = await w.fake.dispatch_component(int(post["id"]), forged)
            await w.fake.wait_for(lambda c=click: c.followups, timeout=10)
            refused.append(click.followups[0])
        async with w.app.deps.sessions() as session:
            counted = (await session.scalars(select(FollowUpClick))).all()
        after = {c: len(w.fake.messages_in(c)) for c in before}

    assert all(r["flags"] & 64 for r in refused)  # ephemeral: only the clicker sees it
    assert "could not be read" in refused[0]["content"]
    assert all("no longer known" in r["content"] for r in refused[1:])
    assert not any(r["mention_everyone"] for r in refused)
    assert counted == [] and after == before


async def test_hostile_feed_text_stays_inert_on_the_buttons(tmp_path: Path) -> None:
    feed = tmp_path / "harbor.xml"
    base = (DEMO / "harbor-wire.xml").read_text(encoding="utf-8")
    feed.write_text(base, encoding="utf-8")
    async with world(tmp_path, feeds=[feed]) as w:
        await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)
        await w.sent(lambda: w.fake.messages_in(w.channel)[1:])
        before = len(w.fake.messages_in(w.channel))
        feed.write_text(feed_with(base, HOSTILE_ITEM.format(role="<@&1>", user="<@2>")),
                        encoding="utf-8")
        w.clock.advance(hours=34)
        await w.app.poll()
        posts = await w.sent(lambda: [m for m in w.fake.messages_in(w.channel)[before:]
                                      if "Geneva" in embeds_text(m)])

    assert "everyone" in embeds_text(posts[0])  # the hostile story is the one posted
    buttons = follow_up_buttons(posts[0])
    assert buttons
    for button in buttons:
        assert not any(bad in button["label"] + button["custom_id"]
                       for bad in ("@", "<", "*", "[", "|", "evil"))


async def test_a_button_still_works_after_the_client_restarts(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        post = await posted_update(w)
        await settled(w)
        old_client = w.adapter.client
        await w.adapter._restart(0)  # a new discord.py client: no view of the old one left
        assert w.adapter.client is not old_client and w.adapter.is_connected()
        [button, *_] = follow_up_buttons(post)
        click = await w.fake.dispatch_component(int(post["id"]), button["custom_id"])
        answers = await w.sent(lambda: [m for m in w.fake.messages_in(int(post["id"]))
                                        if "💬" in embeds_text(m)])
    assert click.callbacks[0]["type"] == 6
    assert button["label"] in embeds_text(answers[0])
