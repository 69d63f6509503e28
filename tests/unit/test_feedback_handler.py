"""The feedback command the 👍/👎 buttons send: one vote per user and answer, changeable."""

from __future__ import annotations

from sqlalchemy import select

from bot.deps import Deps
from bot.model import Reply, Request
from bot.store.models import AnswerLog, Feedback
from handlers import default_registry, dispatch


async def vote(deps: Deps, text: str, user: str = "U1") -> Reply:
    req = Request(platform="slack", command="feedback", text=text, user_id=user,
                  channel_id="C1")
    result = await dispatch(default_registry(), req, deps)
    assert isinstance(result, Reply)
    return result


async def test_a_vote_is_stored_once_per_user_and_can_change(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        answer = AnswerLog(platform="slack", channel_id="C1", question="q", answerable=True,
                           article_ids=[], created_at=deps.clock.now())
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
