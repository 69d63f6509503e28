""""What we know" end to end: an update's thread opens on the block; a new report on the
story arrives; the leader's refresh edits the posted block (Discord PATCH through the real
discord.py client, Slack chat.update through the real slack-bolt app, the console prints
it marked as the edit), with disagreeing outlets side by side and feed text inert."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import BotApp
from bot.model import Request
from bot.platforms.console.adapter import ConsoleAdapter
from bot.platforms.registry import load_settings
from bot.platforms.select import RunOptions, build_platforms
from bot.platforms.slack import SlackAdapter
from bot.store.models import Delivery, KnownBlockShown
from tests.conftest import FakeClock
from tests.fakes.slack_fake import DEFAULT_CHANNEL_ID, FakeSlack, slash_command_body
from tests.fakes.slack_support import pings
from tests.scenario.test_discord_e2e import (
    DEMO,
    FOLLOWUP_ENTRY,
    MANAGE,
    _first_post,
    embeds_text,
    settled,
    world,
)
from tests.scenario.test_slack_end_to_end import ADMIN, SECRET, faster_slack, paced_to, post_signed

START = datetime(2025, 8, 20, 0, 0, tzinfo=UTC)
#: The same story, a second outlet, a different figure: and a lead sentence that tries to
#: ping a user and everyone on both platforms.
HARBOR_ENTRY = (
    "<item>\n<title>Europeans press Trump on security guarantees after White House "
    "talks</title>\n<link>https://demo.ceasefire-bot.example/harbor-wire/2025/08/20/"
    "guarantees</link>\n<guid isPermaLink=\"false\">tag:demo.ceasefire-bot.example,2025:"
    "harbor-wire/0820-guarantees</guid>\n<pubDate>Wed, 20 Aug 2025 05:00:00 +0000</pubDate>\n"
    "<description>&amp;lt;@U0HUMAN&amp;gt; @everyone European leaders told Trump on 19 August that "
    "security guarantees for Ukraine must come before ceasefire talks with Russia, and Kyiv "
    "is weighing a 19-point plan drafted with them. A working group will meet at the White "
    "House next week.</description>\n</item>\n")
#: Meridian's new report on the story states the plan as 28 points.
MERIDIAN_ENTRY = FOLLOWUP_ENTRY.replace(
    "The White House said", "They backed a 28-point plan. The White House said")
MERIDIAN = "Meridian Daily (demo)"
HARBOR = "Harbor Wire (demo)"


class Feeds:
    """Copies of two demo feeds (two outlets) that gain new reports as the test goes."""

    def __init__(self, tmp: Path) -> None:
        self.meridian = tmp / "meridian.atom"
        self.harbor = tmp / "harbor.xml"
        self._meridian = (DEMO / "meridian-daily.atom").read_text(encoding="utf-8")
        self._harbor = (DEMO / "harbor-wire.xml").read_text(encoding="utf-8")
        self.meridian.write_text(self._meridian, encoding="utf-8")
        self.harbor.write_text(self._harbor, encoding="utf-8")

    @property
    def paths(self) -> list[Path]:
        return [self.meridian, self.harbor]

    def meridian_says_28(self) -> None:
        head, _, tail = self._meridian.partition("<entry>")
        self.meridian.write_text(head + MERIDIAN_ENTRY + "<entry>" + tail, encoding="utf-8")

    def harbor_says_19(self) -> None:
        head, _, tail = self._harbor.partition("<item>")
        self.harbor.write_text(head + HARBOR_ENTRY + "<item>" + tail, encoding="utf-8")


# --------------------------------------------------------------------------- Discord


async def test_discord_thread_opens_on_the_block_and_the_refresh_edits_it(
        tmp_path: Path) -> None:
    feeds = Feeds(tmp_path)
    async with world(tmp_path, feeds=feeds.paths) as w:
        await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)
        post = await w.sent(lambda: _first_post(w))
        await settled(w)
        thread = int(post["id"])
        first = w.fake.messages_in(thread)[0]
        assert embeds_text(first).lstrip().startswith("📌 What we know (as of ")
        assert "📰 1 outlet · ja 0 / en 1" in embeds_text(first)
        assert "📰 1 outlet · ja 0 / en 1" in embeds_text(post)  # the update's coverage
        assert w.fake.calls_to("PATCH", "/channels/*/messages/*") == []
        assert await w.app.refresh_known() == 0  # nothing changed: nothing edited

        feeds.meridian_says_28()
        w.clock.advance(hours=4)
        await w.app.poll()
        await settled(w)
        assert await w.app.refresh_known() == 1
        [patch] = w.fake.calls_to("PATCH", f"/channels/{thread}/messages/{first['id']}")
        assert patch.json["allowed_mentions"]["parse"] == []
        edited = w.fake.message(int(first["id"]))
        assert edited is not None and edited["edited_timestamp"]
        assert f"the plan: 28 points — {MERIDIAN}" in embeds_text(edited)
        assert "✏️ updated" in embeds_text(edited)

        # The thread went quiet and Discord archived it: editing needs it reopened first.
        feeds.harbor_says_19()
        w.clock.advance(hours=4)
        await w.app.poll()
        await settled(w)
        w.fake.channels[thread]["thread_metadata"]["archived"] = True
        assert await w.app.refresh_known() == 1
        assert [c.json for c in w.fake.calls_to("PATCH", f"/channels/{thread}")] == [
            {"archived": False}, {"archived": True}]
        assert w.fake.channels[thread]["thread_metadata"]["archived"]
        assert await w.app.refresh_known() == 0  # the stored revision is current now
        edited = w.fake.message(int(first["id"]))
        assert edited is not None
        shown = embeds_text(edited)
        # Both outlets side by side, the newest report first.
        assert f"the plan: 19 points ({HARBOR}) ↔ 28 points ({MERIDIAN})" in shown
        assert "📰 2 outlets · ja 0 / en 2" in shown
        # The feed's ping attempts stay text.
        assert not edited["mention_everyone"] and edited["mentions"] == []
        assert "@everyone" not in shown
        # Still one block in the thread: edited, never posted again.
        assert sum("📌" in embeds_text(m) for m in w.fake.messages_in(thread)) == 1


# ----------------------------------------------------------------------------- Slack


@asynccontextmanager
async def slack_bot(tmp_path: Path, fake: FakeSlack, feeds: Feeds, clock: FakeClock,
                    ) -> AsyncIterator[tuple[BotApp, SlackAdapter]]:
    """`run` with Slack selected, following the two feed copies, on an injected clock."""
    env = {"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_API_URL": fake.api_url,
           "SLACK_SIGNING_SECRET": SECRET, "CEASEFIRE_BOT_DATA_DIR": str(tmp_path / "data")}
    settings = load_settings(env=env, overrides={
        "language": "en", "demo": False, "feeds": [{"url": str(p)} for p in feeds.paths]})
    [adapter] = build_platforms(settings, RunOptions())
    assert isinstance(adapter, SlackAdapter)
    adapter.http_port, adapter.http_host = 0, "127.0.0.1"
    paced_to(adapter, fake)
    async with BotApp(settings, clock=clock, platforms=[adapter]) as app:
        await app.poll()
        serving = asyncio.create_task(app.serve(until_platforms_close=True))
        await fake.wait_for(lambda: adapter.bot_user_id and adapter.port, timeout=5.0)
        try:
            yield app, adapter
        finally:
            await adapter.stop()
            await asyncio.wait_for(serving, 15.0)


async def outbox_sent(app: BotApp, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while True:
        async with app.deps.sessions() as session:
            left = await session.scalar(select(Delivery.id).where(
                Delivery.status.in_(("pending", "claimed"))).limit(1))
        if left is None:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("outbox not drained")
        await asyncio.sleep(0.02)


def blocks_text(params: dict[str, Any]) -> str:
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    texts = [str((b.get("text") or {}).get("text", "")) for b in blocks]
    texts += [str(e.get("text", "")) for b in blocks for e in b.get("elements") or []]
    return "\n".join(texts)


async def test_slack_thread_opens_on_the_block_and_chat_update_refreshes_it(
        tmp_path: Path) -> None:
    feeds = Feeds(tmp_path)
    clock = FakeClock(START)
    async with faster_slack() as fake:
        fake.add_user(ADMIN, is_admin=True)
        async with slack_bot(tmp_path, fake, feeds, clock) as (app, adapter):
            body = slash_command_body(text="subscribe realtime en", user_id=ADMIN)
            assert await post_signed(adapter, body) == 200
            root = await fake.wait_for(lambda: [p for p in fake.posted(DEFAULT_CHANNEL_ID)
                                                if p.get("metadata")
                                                and not p.get("thread_ts")], timeout=10.0)
            await outbox_sent(app)
            thread = [p for p in fake.posted(DEFAULT_CHANNEL_ID)
                      if p.get("thread_ts") == root[0]["ts"]]
            block = thread[0]
            assert blocks_text(block).startswith("*📌 What we know (as of ")
            assert "📰 1 outlet · ja 0 / en 1" in blocks_text(root[0])

            feeds.meridian_says_28()
            feeds.harbor_says_19()
            clock.advance(hours=8)
            await app.poll()
            await outbox_sent(app)
            assert await app.refresh_known() == 1
            [update] = fake.calls_to("chat.update")
            assert update["ts"] == block["ts"] and update["channel"] == DEFAULT_CHANNEL_ID
            shown = blocks_text(update)
            assert f"the plan: 19 points ({HARBOR}) ↔ 28 points ({MERIDIAN})" in shown
            assert "✏️ updated" in shown
            # Inert on Slack: the special mention is escaped, never sent as markup.
            assert "<@U0HUMAN>" not in shown and "&lt;@U0HUMAN&gt; @everyone" in shown
            assert pings(update) == []
            assert str(update.get("link_names")).lower() in ("false", "0")
            async with app.deps.sessions() as session:
                stored = (await session.scalars(select(KnownBlockShown))).all()
            assert [(s.delivery_key.endswith(":p1"), s.revision > 1) for s in stored] == [
                (True, True)]


# --------------------------------------------------------------------------- console


async def test_console_prints_the_refreshed_block_marked_as_the_edit(tmp_path: Path) -> None:
    feeds = Feeds(tmp_path)
    clock = FakeClock(START)
    settings = load_settings(env={"CEASEFIRE_BOT_DATA_DIR": str(tmp_path / "data")},
                             overrides={"language": "en", "demo": False,
                                        "feeds": [{"url": str(p)} for p in feeds.paths]})
    out = io.StringIO()
    console = ConsoleAdapter(zone=ZoneInfo("Asia/Tokyo"), stdin=io.StringIO(), out=out)
    async with BotApp(settings, clock=clock, platforms=[console]) as app:
        await app.poll()
        console.on_request = app.handle
        await app.handle(Request(platform="console", command="subscribe", text="en",
                                 user_id="console-user", channel_id="console",
                                 can_manage=True))
        await app.sender.drain(within=10.0)
        posted = out.getvalue()
        assert "📌 What we know" in posted and "✏️" not in posted
        feeds.meridian_says_28()
        clock.advance(hours=4)
        await app.poll()
        await app.sender.drain(within=10.0)
        assert await app.refresh_known() == 1
    edit = out.getvalue()[len(posted):]
    assert "✏️ #m" in edit and "📌 What we know" in edit and "✏️ updated" in edit
    assert f"the plan: 28 points — {MERIDIAN}" in edit
