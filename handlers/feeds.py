"""`sources add URL`: a channel manager adds a feed at run time (SSRF rules apply)."""

from __future__ import annotations

from sqlalchemy import select

from bot.deps import Deps
from bot.errors import FeedError, UserFacingError
from bot.model import Reply, Request, Result
from bot.news.guard import check_url
from bot.store.models import Feed

MAX_USER_FEEDS = 50


async def add_feed(req: Request, deps: Deps, url: str) -> Result:
    """Store a user-added feed; it is read (through the guarded session) at the next poll.

    Raises:
        UserFacingError: not a manager, not an http(s) URL, a private address, or too many.
    """
    if not req.is_dm and not req.can_manage:
        raise UserFacingError(f"Only {req.manager_hint} can add feeds.")
    url = url.strip().strip("<>")
    if not url:
        raise UserFacingError("Give the feed's address: `sources add https://example.com/rss`.")
    try:
        check_url(url, allow_hosts=deps.settings.fetch.allow_hosts)
    except FeedError as exc:
        raise UserFacingError(f"That feed cannot be added: {exc}.") from None
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        if await session.scalar(select(Feed.id).where(Feed.url == url)) is not None:
            return Reply("That feed is already followed.")
        count = len((await session.scalars(select(Feed.id).where(Feed.user_added))).all())
        if count >= MAX_USER_FEEDS:
            raise UserFacingError(f"At most {MAX_USER_FEEDS} feeds can be added from chat.")
        session.add(Feed(url=url, user_added=True, created_at=now, consecutive_failures=0,
                         items=0, seeded=False, paused=False, paused_notified=False))
    return Reply(f"✅ Added {url}. It is read at the next poll; its existing entries are "
                 "stored but not posted. `sources` shows how it is doing.")
