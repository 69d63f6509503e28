"""`since <time>`: what changed since then (or since the asker's last visit)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.deps import Deps
from bot.errors import UserFacingError
from bot.model import Reply, Request, Result
from bot.since.report import what_changed
from bot.since.visits import fetch_last_shown, fetch_last_visit
from bot.since.when import parse_since, usage
from handlers.context import channel_lang


async def since(req: Request, deps: Deps) -> Result:
    now = deps.clock.now()
    zone = ZoneInfo(req.timezone) if req.timezone else deps.settings.zone
    async with deps.sessions() as session:
        lang = await channel_lang(session, req, deps.settings)
        asked = parse_since(req.arg("when") or "", now=now, zone=zone, lang=lang)
        start = asked.start
        if asked.last_visit:
            start = await fetch_last_visit(session, req)
            if start is None:
                raise UserFacingError(
                    "前回の訪問の記録がまだありません。" + usage(lang) if lang == "ja"
                    else "I have no earlier visit of yours here yet. " + usage(lang))
        assert start is not None
        shown = await fetch_last_shown(session, req)
        return Reply(await what_changed(session, start=start, now=now, lang=lang, zone=zone,
                                        last_shown=shown))
