"""The feedback request (👍/👎 under an answer): unlisted, stored once per user and answer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.app import BotApp
from bot.model import Reply, Request
from bot.store.models import AnswerLog, Feedback
from config.settings import load_settings
from handlers import default_registry


class Clock:
    def now(self) -> datetime:
        return datetime(2025, 8, 20, tzinfo=UTC)


def test_feedback_is_registered_but_not_listed() -> None:
    registry = default_registry()
    assert "feedback" not in registry.names and registry.get("feedback") is not None


async def test_a_vote_is_stored_once_and_can_be_changed(tmp_path: Path) -> None:
    settings = load_settings(env={"CEASEFIRE_BOT_DATA_DIR": str(tmp_path)})
    async with BotApp(settings, clock=Clock()) as app:
        async with app.deps.sessions() as session, session.begin():
            log = AnswerLog(platform="discord", channel_id="c", question="q",
                            answerable=True, created_at=Clock().now())
            session.add(log)
        for vote in ("up", "down"):
            result = await app.handle(Request("discord", "feedback", text=f"{log.id} {vote}",
                                              user_id="u1"))
            assert isinstance(result, Reply) and result.ephemeral
        bad = await app.handle(Request("discord", "feedback", text="999 up", user_id="u1"))
        assert isinstance(bad, Reply) and bad.ephemeral
        async with app.deps.sessions() as session:
            votes = (await session.scalars(select(Feedback))).all()
        assert [(v.user_id, v.helpful) for v in votes] == [("u1", False)]
