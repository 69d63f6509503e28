"""When a user was last here: the last time they asked the bot something in a conversation,
or (in a DM) the bot last posted to them. `since my last visit` starts there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import Request
from bot.store.models import Delivery, Visit


async def fetch_last_visit(session: AsyncSession, req: Request) -> datetime | None:
    """The user's previous visit to this conversation, or None if they never came."""
    asked = await session.scalar(select(Visit.seen_at).where(
        Visit.platform == req.platform, Visit.channel_id == req.channel_id,
        Visit.user_id == req.user_id))
    posted = None
    if req.is_dm:
        posted = await session.scalar(select(func.max(Delivery.sent_at)).where(
            Delivery.platform == req.platform, Delivery.channel_id == req.channel_id,
            Delivery.status == "sent"))
    seen = [t for t in (asked, posted) if t is not None]
    return max(seen) if seen else None


async def record_visit(session: AsyncSession, req: Request, now: datetime) -> None:
    """Remember that the user asked something here at ``now`` (a later visit stays).

    One upsert: every request records its visit before its reply goes out, so this is one
    short write (one turn at SQLite's single writer lock), not a read and then a write."""
    if not req.user_id or not req.channel_id:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = sqlite_insert
    if dialect == "postgresql":  # its dialect imported only for a PostgreSQL store
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        insert = pg_insert  # type: ignore[assignment]
    stmt = insert(Visit).values(platform=req.platform, channel_id=req.channel_id,
                                user_id=req.user_id, seen_at=now)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=["platform", "channel_id", "user_id"],
        set_={"seen_at": stmt.excluded.seen_at},
        where=Visit.seen_at < stmt.excluded.seen_at))


async def fetch_last_shown(session: AsyncSession, req: Request) -> datetime | None:
    """When this conversation was last shown the talks: the asker's previous visit here,
    or the bot's last post in the channel (an update, a digest, a reply), whichever is
    later. None when neither happened."""
    asked = await session.scalar(select(Visit.seen_at).where(
        Visit.platform == req.platform, Visit.channel_id == req.channel_id,
        Visit.user_id == req.user_id))
    posted = await session.scalar(select(func.max(Delivery.sent_at)).where(
        Delivery.platform == req.platform, Delivery.channel_id == req.channel_id,
        Delivery.status == "sent"))
    seen = [t for t in (asked, posted) if t is not None]
    return max(seen) if seen else None
