"""The feedback command the 👍/👎 buttons send: one vote per user and answer, changeable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest_asyncio
from sqlalchemy import select

from bot.deps import Deps
from bot.model import Reply, Request
from bot.store.db import open_store
from bot.store.models import AnswerLog, Feedback
from config.settings import load_settings
from handlers import default_registry, dispatch
from tests.storefix import fresh_copy


class FixedClock:
    def now(self) -> datetime:
        return datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def deps(tmp_path: Path, migrated_store: Path) -> AsyncIterator[Deps]:
    settings = load_settings(env={})
    async with open_store(fresh_copy(migrated_store, tmp_path / "bot.db")) as (_engine, sessions), \
            aiohttp.ClientSession() as http:
        yield Deps(settings, sessions, http, FixedClock())


async def vote(deps: Deps, text: str, user: str = "U1") -> Reply:
    req = Request(platform="slack", command="feedback", text=text, user_id=user,
                  channel_id="C1")
    result = await dispatch(default_registry(), req, deps)
    assert isinstance(result, Reply)
    return result


async def test_a_vote_is_stored_once_per_user_and_can_change(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        answer = AnswerLog(platform="slack", channel_id="C1", question="q", answerable=True,
                           article_ids=[], created_at=FixedClock().now())
        session.add(answer)
    up = await vote(deps, f"{answer.id} up")
    down = await vote(deps, f"{answer.id} down")
    await vote(deps, f"{answer.id} up", user="U2")

    async with deps.sessions() as session:
        rows = (await session.scalars(select(Feedback).order_by(Feedback.user_id))).all()
    assert [(r.user_id, r.helpful) for r in rows] == [("U1", False), ("U2", True)]
    assert up.ephemeral and down.ephemeral and "Thanks" in up.text


async def test_unknown_answers_and_typed_votes_are_refused_politely(deps: Deps) -> None:
    unknown = await vote(deps, "999 up")
    typed = await vote(deps, "great answer")

    assert unknown.ephemeral and "no longer known" in unknown.text
    assert typed.ephemeral and "buttons" in typed.text
