""""What we know" on the loopback platform: the block opens the update's thread, the
refresh edits it through the fake's edit endpoint, a refused edit is tried again on the
next run (transient) or given up for that revision (message gone)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import PlatformError
from bot.model import Notice
from bot.platforms.base import Target
from bot.platforms.loopback import LoopbackAdapter
from bot.platforms.registry import load_settings
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.loopfix import loopback_bot
from tests.scenario.test_known_block import MERIDIAN, START, Feeds


async def test_loopback_block_is_edited_and_a_refused_edit_is_retried_next_run(
        tmp_path: Path) -> None:
    feeds = Feeds(tmp_path)
    clock = FakeClock(START)
    settings = load_settings(env={"CEASEFIRE_BOT_DATA_DIR": str(tmp_path / "data")},
                             overrides={"language": "en", "demo": False,
                                        "feeds": [{"url": str(p)} for p in feeds.paths]})
    # Discord-shaped limits, five times faster: the sends and the edit are still paced
    # to the channel's window, which no longer costs the test two 5-second waits.
    async with loopback_bot(settings, clock, profile="discord", scale=5,
                            connect=False) as wired:
        fake, app = wired.chat, wired.app
        await app.poll()
        await wired.connect()
        fake.type_command("C1", "subscribe realtime en")
        await fake.wait_for(lambda: len(fake.posted("C1")) >= 1)  # the answer
        await app.sender.drain()
        post = next(m for m in fake.posted("C1") if str(m["key"]).startswith("sub:"))
        block = next(m for m in fake.posted("C1") if m["thread"] == post["id"])
        assert block["text"].startswith("📌 What we know")

        feeds.meridian_says_28()
        clock.advance(hours=4)
        await app.poll()
        await app.sender.drain()
        fake.plan.transient.append((503, "unavailable"))
        assert await app.refresh_known() == 0  # refused: not recorded
        assert fake.edits == []
        assert await app.refresh_known() == 1  # the next run edits it
        [edit] = fake.edits
        assert edit["id"] == block["id"]
        assert f"the plan: 28 points — {MERIDIAN}" in edit["text"]
        assert "✏️ updated" in edit["text"]
        assert await app.refresh_known() == 0

        # The message is gone: the revision is given up, not asked for every run.
        feeds.harbor_says_19()
        clock.advance(hours=4)
        await app.poll()
        await app.sender.drain()
        fake.plan.transient.append((404, "message_not_found"))
        assert await app.refresh_known() == 0
        assert await app.refresh_known() == 0
        assert len(fake.edits) == 1


async def test_editing_a_message_the_fake_does_not_have_is_permanent(tmp_path: Path) -> None:
    async with ChatFake(profile="none") as fake:
        adapter = LoopbackAdapter(fake.url, zone=ZoneInfo("UTC"))
        await adapter.start()
        try:
            ref = await adapter.send(Target("C1"), Notice("first"))
            await adapter.edit(Target("C1"), ref.message_id, Notice("second"))
            with pytest.raises(PlatformError) as gone:
                await adapter.edit(Target("C1"), "999999", Notice("third"))
            with pytest.raises(PlatformError) as elsewhere:
                await adapter.edit(Target("C2"), ref.message_id, Notice("third"))
        finally:
            await adapter.stop()
    assert gone.value.permanent and gone.value.code == "message_not_found"
    assert elsewhere.value.permanent
    assert [m["text"] for m in fake.posted("C1")] == ["second"]
    assert fake.edits == [{"id": ref.message_id, "channel": "C1", "text": "second"}]
