"""subscribe / unsubscribe: per channel (channel managers: the registry checks) or per DM
user."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.delivery.digest import digest_trigger
from bot.delivery.fanout import welcome
from bot.delivery.subscribing import EXISTS, NewSubscription
from bot.deps import Deps
from bot.errors import ConfigError, UserFacingError
from bot.model import Lang, Reply, Request, Result
from bot.store.models import Subscription
from bot.text.topic import MAX_KEYWORDS_LENGTH, compile_expression
from handlers.grammar import check_time, check_zone, subscribe_args


@dataclass(frozen=True)
class SubscribeOptions:
    realtime: bool
    daily_at: str | None
    lang: Lang | None
    timezone: str | None
    keywords: str | None


def subscribe_options(req: Request, *, default_time: str) -> SubscribeOptions:
    """The subscription ``req``'s arguments ask for. A time without a mode means a daily
    digest at that time.

    Raises:
        UserFacingError: what is wrong and how to write it.
    """
    mode = req.arg("mode") or ("daily" if req.arg("time") else "realtime")
    daily_at = None
    if mode != "realtime":
        daily_at = req.arg("time") or default_time
        check_time(daily_at)
    zone = req.arg("timezone")
    if zone is not None:
        check_zone(zone)
    lang = req.arg("lang")
    keywords = req.arg("keywords") or None
    if keywords:
        try:
            compile_expression(keywords, setting="keywords", max_length=MAX_KEYWORDS_LENGTH)
        except ConfigError as exc:
            message = str(exc).replace("invalid setting keywords", "Keywords")
            raise UserFacingError(message) from None
    return SubscribeOptions(mode != "daily", daily_at,
                            "ja" if lang == "ja" else "en" if lang == "en" else None,
                            zone, keywords)


def parse_subscribe(text: str, *, default_time: str) -> SubscribeOptions:
    """Parse ``[realtime|daily HH:MM|both HH:MM] [ja|en] [tz=Area/City] [keywords...]``.

    Raises:
        UserFacingError: what is wrong and how to write it.
    """
    args = tuple(subscribe_args(text).items())
    return subscribe_options(Request("", "subscribe", args=args), default_time=default_time)


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
    options = subscribe_options(req, default_time=deps.settings.delivery.digest_time)
    now = deps.clock.now()
    # A new subscription is queued with the others arriving at the same moment: one
    # writer reads for all of them (already subscribed? the welcome) and writes them in
    # one transaction, each with its welcome (``bot.delivery.subscribing``). A channel
    # found subscribed, or subscribed meanwhile, is updated below.
    lang = _lang(req, options, None, deps)

    def build() -> Subscription:
        return _apply(Subscription(platform=req.platform, channel_id=req.channel_id,
                                   since=now, created_at=now), req, options, lang, deps)

    try:
        welcomed = await deps.subscriptions.add(
            deps.sessions, NewSubscription((req.platform, req.channel_id), build, lang),
            now, functools.partial(deps.welcomes.fetch, briefings=deps.briefings))
    except IntegrityError:
        welcomed = EXISTS  # subscribed meanwhile: update that subscription below
    if welcomed != EXISTS:
        return _confirmation(build(), now, req, verb="Subscribed", created=True,
                             welcomed=welcomed)
    async with deps.sessions() as session, session.begin():
        sub = await session.scalar(select(Subscription).where(
            Subscription.platform == req.platform,
            Subscription.channel_id == req.channel_id))
        created = sub is None
        if sub is None:  # unsubscribed meanwhile
            sub = Subscription(platform=req.platform, channel_id=req.channel_id,
                               since=now, created_at=now)
            session.add(sub)
        was_paused = not sub.active
        _apply(sub, req, options, _lang(req, options, sub, deps), deps)
        await session.flush()
        welcomed = await welcome(session, sub, now, briefings=deps.briefings) \
            if created else 0
    verb = "Subscribed" if created else ("Resumed" if was_paused else "Updated")
    return _confirmation(sub, now, req, verb=verb, created=created, welcomed=welcomed)


def _lang(req: Request, options: SubscribeOptions, sub: Subscription | None,
          deps: Deps) -> Lang:
    lang = options.lang or req.lang or (sub.lang if sub else None) or deps.settings.language
    return "ja" if lang == "ja" else "en"


def _apply(sub: Subscription, req: Request, options: SubscribeOptions, lang: Lang,
           deps: Deps) -> Subscription:
    """Set what the request asks for on ``sub`` (new or existing); active again."""
    sub.space_id = req.space_id
    sub.is_dm = req.is_dm
    sub.user_id = req.user_id if req.is_dm else sub.user_id
    sub.created_by = req.user_id
    sub.realtime = options.realtime
    sub.daily_at = options.daily_at
    sub.lang = lang
    sub.timezone = options.timezone or req.timezone or sub.timezone or deps.settings.timezone
    sub.keywords = options.keywords
    sub.active, sub.paused_reason = True, None
    return sub


def _confirmation(sub: Subscription, now: datetime, req: Request, *, verb: str,
                  created: bool, welcomed: int) -> Result:
    # Say what really happens next: a welcome only when one was queued.
    if welcomed:
        tail = " The latest briefing follows as a welcome."
    elif created:
        tail = " New updates will be posted here as they arrive."
    else:
        tail = " The new settings apply from the next update."
    return Reply(f"✅ {verb}: this {'DM' if req.is_dm else 'channel'} will get "
                 f"{describe(sub, now)}.{tail}")


async def unsubscribe(req: Request, deps: Deps) -> Result:
    require_channel(req)
    async with deps.sessions() as session, session.begin():
        sub = await session.scalar(select(Subscription).where(
            Subscription.platform == req.platform, Subscription.channel_id == req.channel_id))
        if sub is None:
            return Reply("This channel has no subscription; nothing to stop.")
        await session.delete(sub)
    return Reply("🛑 Unsubscribed: no more updates here. `subscribe` brings them back.")
