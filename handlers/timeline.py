"""`timeline [range]`: the talks so far as text (one line per development, for screen
readers and the console) with the picture attached."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.deps import Deps
from bot.model import Attachment, Reply, Request, Result
from bot.since.when import parse_range
from bot.store.models import Story
from bot.timeline.data import TimelineData, timeline_data
from handlers.context import channel_lang

log = logging.getLogger(__name__)

ALT = {"en": "Timeline of the ceasefire talks: {n} developments by kind, with the number "
             "of reports per day",
       "ja": "停戦協議の経緯の図: {n}件の展開を種類別に示し、1日の記事数を帯で表示"}


async def timeline(req: Request, deps: Deps) -> Result:
    now = deps.clock.now()
    zone = ZoneInfo(req.timezone) if req.timezone else deps.settings.zone
    async with deps.sessions() as session:
        lang = await channel_lang(session, req, deps.settings)
        span = (req.arg("span") or "").strip()
        start, end = parse_range(span, now=now, zone=zone, lang=lang)
        query = select(Story).where(Story.first_at <= now).order_by(Story.first_at)
        if start is not None:
            query = query.where(Story.latest_at >= start)
        if end is not None:
            query = query.where(Story.first_at < end)
        stories = (await session.scalars(query.options(selectinload(Story.articles)))).all()
    data = timeline_data(stories, lang=lang, zone=zone, start=start,
                         end=end or now, span=span)
    if not data.points and data.span:
        return Reply(f"No developments in {data.span}." if lang == "en"
                     else f"{data.span}の展開はありません。")
    if not data.points:
        return Reply("No developments recorded yet." if lang == "en" else "まだ記録がありません。")
    title = "🕰 The talks so far" if lang == "en" else "🕰 これまでの経緯"
    if data.span:
        title += f" ({data.span})"
    lines = [f"{p.when.astimezone(zone):%Y-%m-%d} {p.label}" for p in data.points]
    return Reply("\n".join([title, *lines]), attachment=await picture(deps, data))


async def picture(deps: Deps, data: TimelineData) -> Attachment | None:
    """The picture, or None if it could not be drawn: the text still goes out."""
    if deps.pictures is None:
        return None
    try:
        path = await deps.pictures.fetch(data)
    except Exception:
        log.exception("drawing the timeline picture failed; sending the text alone")
        return None
    return Attachment(str(path), "timeline.png",
                      ALT[data.lang].format(n=len(data.points)))
