"""subscribe / unsubscribe: per channel (channel managers) or per DM user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from bot.delivery.digest import digest_trigger
from bot.delivery.fanout import welcome
from bot.deps import Deps
from bot.errors import ConfigError, UserFacingError
from bot.model import Lang, Reply, Request, Result
from bot.store.models import Subscription
from bot.text.topic import MAX_KEYWORDS_LENGTH, compile_expression
from config.settings import parse_hhmm


@dataclass(frozen=True)
class SubscribeOptions:
    realtime: bool
    daily_at: str | None
    lang: Lang | None
    timezone: str | None
    keywords: str | None


def parse_subscribe(text: str, *, default_time: str) -> SubscribeOptions:
    """Parse ``[realtime|daily HH:MM|both HH:MM] [ja|en] [tz=Area/City] [keywords...]``.

    Raises:
        UserFacingError: what is wrong and how to write it.
    """
    words = text.split()
    realtime, daily_at = True, None
    lang: Lang | None = None
    zone: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        low = word.lower()
        if low in ("realtime", "daily", "both"):
            realtime = low != "daily"
            if low != "realtime":
                daily_at = default_time
                if i + 1 < len(words) and ":" in words[i + 1]:
                    daily_at = words[i + 1]
                    i += 1
                try:
                    parse_hhmm(daily_at)
                except ValueError:
                    raise UserFacingError(
                        f"`{daily_at}` is not a time: write it as HH:MM, e.g. `daily 08:00`."
                    ) from None
        elif low in ("ja", "en"):
            lang = "ja" if low == "ja" else "en"
        elif low.startswith("tz="):
            zone = word[3:]
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise UserFacingError(
                    f"`{zone}` is not a time zone: use a name like `tz=Asia/Tokyo`.") from None
        else:
            rest.append(word)
        i += 1
    keywords = " ".join(rest) or None
    if keywords:
        try:
            compile_expression(keywords, setting="keywords", max_length=MAX_KEYWORDS_LENGTH)
        except ConfigError as exc:
            message = str(exc).replace("invalid setting keywords", "Keywords")
            raise UserFacingError(message) from None
    return SubscribeOptions(realtime, daily_at, lang, zone, keywords)


def describe(sub: Subscription, now: datetime | None = None) -> str:
    """What the channel will get and when (the next digest time, if ``now`` is given)."""
    when = []
    if sub.realtime:
        when.append("each new development as it is reported (a post with a Q&A thread; "
                    "later news of the same story goes into that thread)")
    if sub.daily_at:
        digest = f"a daily digest at {sub.daily_at} ({sub.timezone})"
        if now is not None:
            upcoming = digest_trigger(sub).get_next_fire_time(None, now)
            if upcoming is not None:
                digest += f", next on {upcoming:%Y-%m-%d %H:%M %Z}"
        when.append(digest)
    topic = f", only stories matching `{sub.keywords}`" if sub.keywords else ""
    return f"{' and '.join(when)}, in {'Japanese' if sub.lang == 'ja' else 'English'}{topic}"


def require_channel(req: Request) -> None:
    """Refuse a request without a channel: a subscription to channel ``''`` would be stored
    and then fail every delivery.

    Raises:
        UserFacingError: the request names no channel.
    """
    if not req.channel_id.strip():
        raise UserFacingError("This request came without a channel, so nothing can be set "
                              "up for it; please try again.")


async def subscribe(req: Request, deps: Deps) -> Result:
    require_channel(req)
    if not req.is_dm and not req.can_manage:
        raise UserFacingError(f"Only {req.manager_hint} can subscribe this channel.")
    options = parse_subscribe(req.text, default_time=deps.settings.delivery.digest_time)
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        sub = await session.scalar(select(Subscription).where(
            Subscription.platform == req.platform, Subscription.channel_id == req.channel_id))
        created = sub is None
        if sub is None:
            sub = Subscription(platform=req.platform, channel_id=req.channel_id,
                               since=now, created_at=now)
            session.add(sub)
        sub.space_id = req.space_id
        sub.is_dm = req.is_dm
        sub.user_id = req.user_id if req.is_dm else sub.user_id
        sub.created_by = req.user_id
        sub.realtime = options.realtime
        sub.daily_at = options.daily_at
        sub.lang = options.lang or req.lang or sub.lang or deps.settings.language
        sub.timezone = options.timezone or req.timezone or sub.timezone or deps.settings.timezone
        sub.keywords = options.keywords
        was_paused = not sub.active
        sub.active, sub.paused_reason = True, None
        await session.flush()
        welcomed = (await welcome(session, sub, now, briefings=deps.briefings)
                    if created else 0)
        summary = describe(sub, now)
    verb = "Subscribed" if created else ("Resumed" if was_paused else "Updated")
    # Say what really happens next: a welcome only when one was queued.
    if welcomed:
        tail = " The latest briefing follows as a welcome."
    elif created:
        tail = " New updates will be posted here as they arrive."
    else:
        tail = " The new settings apply from the next update."
    return Reply(f"✅ {verb}: this {'DM' if req.is_dm else 'channel'} will get {summary}.{tail}")


async def unsubscribe(req: Request, deps: Deps) -> Result:
    require_channel(req)
    if not req.is_dm and not req.can_manage:
        raise UserFacingError(f"Only {req.manager_hint} can unsubscribe this channel.")
    async with deps.sessions() as session, session.begin():
        sub = await session.scalar(select(Subscription).where(
            Subscription.platform == req.platform, Subscription.channel_id == req.channel_id))
        if sub is None:
            return Reply("This channel has no subscription; nothing to stop.")
        await session.delete(sub)
    return Reply("🛑 Unsubscribed: no more updates here. `subscribe` brings them back.")
