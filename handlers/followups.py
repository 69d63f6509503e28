"""more: answer a suggested next question (a follow-up button's click, or its typed form
on the console and loopback) in the thread it was shown in.

The click names only a key (``bot.brief.followups``); the question is derived again from
the store, so a forged click can at most ask one of our own questions, and an unknown or
malformed key gets a clear refusal. Each accepted click is counted (``sources`` shows it).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.followups import Key, parse_key, pick
from bot.commands.spec import Text
from bot.deps import Deps
from bot.errors import UserFacingError
from bot.model import FollowUp, Request, Result
from bot.store.models import AnswerLog, FollowUpClick
from handlers.commands import answer_for
from handlers.context import FOLLOWUP_WINDOW
from handlers.followup_source import answer_follow_ups, story_suggestions

#: The largest id a database integer column holds.
MAX_ID = 2 ** 63 - 1
BAD = Text("This suggestion could not be read. Use the buttons under an answer or update, or "
       "type the code shown next to a suggestion (e.g. `more 2`).",
       "この候補は読み取れませんでした。回答や更新の下のボタンを使うか、"
       "候補の横に表示された番号を入力してください (例: `more 2`)。")
GONE = Text("That suggestion is no longer known (the answer or story it came from has changed). "
        "Ask it again with `ask`.",
        "この候補はもう使えません (元の回答や記事が更新されました)。`ask` で質問してください。")
NONE_RECENT = Text("There is no recent answer of yours here to follow up; ask a question first.",
               "ここには続けて質問できる最近の回答がありません。まず質問してください。")


async def more(req: Request, deps: Deps) -> Result:
    raw = (req.arg("key") or "").strip()
    async with deps.sessions() as session:
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 9:
            chosen, story_id = await _numbered(session, req, deps, int(raw))
        else:
            key = parse_key(raw)
            if key is None or key.ref > MAX_ID:
                raise UserFacingError(BAD.get(req.lang))
            chosen, story_id = await _keyed(session, req, key)
    async with deps.sessions() as session, session.begin():
        session.add(FollowUpClick(platform=req.platform, user_id=req.user_id,
                                  source=chosen.key[:1], ref_id=_ref(chosen.key),
                                  question=chosen.question, created_at=deps.clock.now()))
    return await answer_for(req, deps, chosen.question, story_id=story_id)


def _ref(key: str) -> int:
    parsed = parse_key(key)
    return parsed.ref if parsed is not None else 0


async def _keyed(session: AsyncSession, req: Request, key: Key) -> tuple[FollowUp, int | None]:
    if key.kind == "a":
        row = await session.get(AnswerLog, key.ref)
        if row is None:
            raise UserFacingError(GONE.get(req.lang))
        chosen = pick(await answer_follow_ups(session, row), key)
        story_id = row.story_id
    else:
        options = await story_suggestions(session, key.ref)
        chosen = next((f for f in options if f.key == f"s{key.ref}.{key.index}.{key.digest}"),
                      None) or pick(options, key)
        story_id = key.ref
    if chosen is None:
        raise UserFacingError(GONE.get(req.lang))
    return chosen, story_id


async def _numbered(session: AsyncSession, req: Request, deps: Deps,
                    number: int) -> tuple[FollowUp, int | None]:
    """``more 2``: the second suggestion under this user's last answer here."""
    now = deps.clock.now()
    query = (select(AnswerLog)
             .where(AnswerLog.platform == req.platform, AnswerLog.channel_id == req.channel_id,
                    AnswerLog.user_id == req.user_id,
                    AnswerLog.created_at >= now - FOLLOWUP_WINDOW)
             .order_by(AnswerLog.created_at.desc(), AnswerLog.id.desc()).limit(1))
    if req.session_id is not None:
        query = query.where(AnswerLog.session_id == req.session_id)
    row = await session.scalar(query)
    if row is None:
        raise UserFacingError(NONE_RECENT.get(req.lang))
    options = await answer_follow_ups(session, row)
    if number > len(options):
        raise UserFacingError(BAD.get(req.lang))
    return options[number - 1], row.story_id
