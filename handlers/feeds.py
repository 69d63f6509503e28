"""`sources add URL` / `sources remove URL|ID`: a feed added from chat belongs to the
server, workspace or DM user that added it (SSRF rules apply to what it may reach)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.errors import FeedError, UserFacingError
from bot.model import Reply, Request, Result
from bot.news.parse import MAX_URL_CHARS
from bot.news.scope import request_scope
from bot.store.models import Feed, FeedOwner


def check_rights(req: Request, verb: str) -> None:
    """A channel manager may change the feeds of the channel's server or workspace; in a
    DM, a user changes only the feeds of their own DM subscription.

    Raises:
        UserFacingError: in a channel, the user may not manage it.
    """
    if not req.is_dm and not req.can_manage:
        raise UserFacingError(f"Only {req.manager_hint} can {verb} feeds.")


async def add_feed(req: Request, deps: Deps, url: str) -> Result:
    """Store a feed for the request's scope; it is read (through the guarded session) at
    the next poll and its new stories are posted only to that scope's subscriptions.

    Raises:
        UserFacingError: not a manager, not an http(s) URL, a private address, or too many.
    """
    check_rights(req, "add")
    url = url.strip().strip("<>")
    if not url:
        raise UserFacingError("Give the feed's address: `sources add https://example.com/rss`.")
    if len(url) > MAX_URL_CHARS:
        raise UserFacingError(f"That address is longer than {MAX_URL_CHARS} characters.")
    from bot.news.guard import check_url  # it loads aiohttp: only when a feed is added

    try:
        check_url(url, allow_hosts=deps.settings.fetch.allow_hosts)
    except FeedError as exc:
        raise UserFacingError(f"That feed cannot be added: {exc}.") from None
    scope = request_scope(req)
    cap = deps.settings.fetch.user_feeds_per_scope
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        feed = await session.scalar(select(Feed).where(Feed.url == url))
        if feed is not None and not feed.user_added:
            return Reply("That feed is already followed (for everyone).")
        if feed is not None and await owner(session, feed.id, scope) is not None:
            return Reply("That feed is already followed here.")
        owned = await session.scalar(select(func.count()).select_from(FeedOwner).where(
            FeedOwner.scope == scope))
        if (owned or 0) >= cap:
            raise UserFacingError(
                f"At most {cap} feeds can be added from chat here; `sources remove URL` "
                "frees a place.")
        if feed is None:
            feed = Feed(url=url, user_added=True, created_at=now, consecutive_failures=0,
                        items=0, seeded=False, paused=False, paused_notified=False)
            session.add(feed)
            await session.flush()
        session.add(FeedOwner(feed_id=feed.id, scope=scope, added_by=req.user_id or None,
                              created_at=now))
    where = "this DM" if req.is_dm else "this server's subscriptions"
    return Reply(f"✅ Added {url} (#{feed.id}). It is read at the next poll and its new "
                 f"stories are posted to {where} only; its existing entries are stored but "
                 "not posted. `sources` shows how it is doing; `sources remove "
                 f"{feed.id}` stops it.")


async def remove_feed(req: Request, deps: Deps, target: str) -> Result:
    """Stop following a feed this scope added (by URL or by the number `sources` shows).
    The feed is no longer polled once no scope follows it; its stored articles stay.

    Raises:
        UserFacingError: not a manager, nothing given, or not a feed this scope added.
    """
    check_rights(req, "remove")
    target = target.strip().strip("<>").removeprefix("#")
    if not target:
        raise UserFacingError("Give the feed's address or number: `sources remove 12`.")
    scope = request_scope(req)
    async with deps.sessions() as session, session.begin():
        by = Feed.id == int(target) if target.isdigit() and len(target) < 10 else (
            Feed.url == target)
        feed = await session.scalar(select(Feed).where(by))
        row = await owner(session, feed.id, scope) if feed is not None else None
        if feed is None or row is None:
            if feed is not None and not feed.user_added:
                raise UserFacingError("That feed is set by the operator and cannot be "
                                      "removed from chat.")
            raise UserFacingError(f"No feed {target} was added here; `sources` lists them.")
        await session.delete(row)
    return Reply(f"🗑 Removed {feed.url}: its new stories are no longer posted here.")


async def owner(session: AsyncSession, feed_id: int, scope: str) -> FeedOwner | None:
    return await session.scalar(select(FeedOwner).where(FeedOwner.feed_id == feed_id,
                                                        FeedOwner.scope == scope))
