"""`timeline` with its picture and `since` end to end: the PNG arrives at the Discord fake as
a multipart attachment and at the Slack fake through files.uploadV2 (three steps)."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.slack_fake import DEFAULT_CHANNEL_ID, FakeSlack, slash_command_body
from tests.scenario.test_discord_e2e import embeds_text, polled_db, world  # noqa: F401
from tests.scenario.test_slack_end_to_end import fake, post_signed, running_bot  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n"


def cached_pictures(data_dir: Path) -> dict[bytes, Path]:
    return {p.read_bytes(): p for p in (data_dir / "cache" / "timeline").glob("*.png")}


async def test_discord_timeline_attaches_the_png_and_keeps_the_text(
        tmp_path: Path, polled_db: Path) -> None:  # noqa: F811
    async with world(tmp_path, polled_db) as w:
        inter = await w.slash("timeline")
        since = await w.slash("since", {"when": "last week"})
    [message] = inter.followups
    [attachment] = message["attachments"]
    data = w.fake.attachment_bytes[attachment["id"]]
    assert attachment["filename"] == "timeline.png" and data.startswith(PNG)
    assert "developments by kind" in attachment["description"]
    assert data in cached_pictures(tmp_path / "data")
    text = embeds_text(message)
    assert "The talks so far" in text and "2025-08-19" in text
    [reply] = since.followups
    assert "Zelensky and European leaders" in embeds_text(reply)
    assert not reply.get("attachments")


async def test_slack_timeline_uploads_the_png_into_the_channel(
        tmp_path: Path, fake: FakeSlack) -> None:  # noqa: F811
    async with running_bot(tmp_path, fake) as (_app, adapter):
        assert await post_signed(adapter, slash_command_body(text="timeline 2025年3月")) == 200
        [shared] = await fake.wait_for(lambda: fake.files, timeout=20.0)
    steps = [name for name, _params in fake.calls if name.startswith("files.")]
    assert steps == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert shared["channel"] == DEFAULT_CHANNEL_ID and shared["name"] == "timeline.png"
    assert shared["data"].startswith(PNG) and shared["data"] in cached_pictures(tmp_path)
    assert shared["alt_txt"] and "developments" in shared["alt_txt"]
    [text] = [p for p in fake.posted(DEFAULT_CHANNEL_ID) if "talks so far" in p["text"]]
    assert "(2025年3月)" in text["text"] and "Jeddah" in text["text"]
    assert any(m.get("files") for m in fake.messages[DEFAULT_CHANNEL_ID])
