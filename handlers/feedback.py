"""feedback: a 👍/👎 click on an answer, stored once per user and answer (a new click
changes the vote); ``sources`` shows the totals."""

from __future__ import annotations

from sqlalchemy import select

from bot.deps import Deps
from bot.errors import UserFacingError
from bot.model import Reply, Request, Result
from bot.store.models import AnswerLog, Feedback

VOTES = {"up": True, "down": False}
#: The largest id a database integer column holds (SQLite and PostgreSQL BIGINT).
MAX_ID = 2 ** 63 - 1
UNKNOWN_ANSWER = "That answer is no longer known; ask again for a new one."


async def feedback(req: Request, deps: Deps) -> Result:
    answer, vote = req.arg("answer") or "", req.arg("vote") or ""
    if not (answer.isascii() and answer.isdigit()) or vote not in VOTES:
        raise UserFacingError("Feedback is given with the 👍/👎 buttons under an answer.")
    if int(answer) > MAX_ID:  # no such row, and the database could not even look it up
        raise UserFacingError(UNKNOWN_ANSWER)
    helpful = VOTES[vote]
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        if await session.get(AnswerLog, int(answer)) is None:
            raise UserFacingError(UNKNOWN_ANSWER)
        row = await session.scalar(select(Feedback).where(
            Feedback.answer_id == int(answer), Feedback.platform == req.platform,
            Feedback.user_id == req.user_id))
        if row is None:
            session.add(Feedback(answer_id=int(answer), platform=req.platform,
                                 user_id=req.user_id, helpful=helpful, created_at=now))
        else:
            row.helpful, row.created_at = helpful, now
    if req.lang == "ja":
        return Reply("フィードバックを記録しました。ありがとうございます。", ephemeral=True)
    return Reply("Thanks for the feedback: it helps us improve the answers."
                 if helpful else "Thanks: we will look at what went wrong with this answer.",
                 ephemeral=True)
