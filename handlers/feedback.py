"""feedback: a 👍/👎 click under an answer, stored once per user and answer (a new click
changes the vote)."""

from __future__ import annotations

from sqlalchemy import select

from bot.deps import Deps
from bot.errors import UserFacingError
from bot.model import Reply, Request, Result
from bot.store.models import AnswerLog, Feedback


async def feedback(req: Request, deps: Deps) -> Result:
    answer, _, vote = req.text.strip().partition(" ")
    if not answer.isdigit() or vote not in ("up", "down"):
        raise UserFacingError("Feedback is given with the 👍/👎 buttons under an answer.")
    helpful = vote == "up"
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        if await session.get(AnswerLog, int(answer)) is None:
            raise UserFacingError("That answer is no longer stored; thanks anyway.")
        row = await session.scalar(select(Feedback).where(
            Feedback.answer_id == int(answer), Feedback.user_id == req.user_id))
        if row is None:
            session.add(Feedback(answer_id=int(answer), platform=req.platform,
                                 user_id=req.user_id, helpful=helpful, created_at=now))
        else:
            row.helpful, row.created_at = helpful, now
    return Reply("Thanks: your feedback was recorded." if req.lang != "ja"
                 else "フィードバックを記録しました。", ephemeral=True)
