"""Who a feed added from chat belongs to: the server or workspace it was added in, or the
user who added it in a DM. Its new stories are posted only to that scope's subscriptions,
so one user cannot make every server follow a feed."""

from __future__ import annotations

from bot.model import Request
from bot.store.models import Subscription


def scope_of(platform: str, *, space_id: str | None, channel_id: str, is_dm: bool,
             user_id: str | None) -> str:
    """The scope key: a DM belongs to its user; a channel to its server or workspace (or
    to itself where the platform has none, as on the console)."""
    if is_dm:
        return f"{platform}:user:{user_id or channel_id}"
    if space_id:
        return f"{platform}:space:{space_id}"
    return f"{platform}:channel:{channel_id}"


def request_scope(req: Request) -> str:
    return scope_of(req.platform, space_id=req.space_id, channel_id=req.channel_id,
                    is_dm=req.is_dm, user_id=req.user_id)


def subscription_scope(sub: Subscription) -> str:
    return scope_of(sub.platform, space_id=sub.space_id, channel_id=sub.channel_id,
                    is_dm=bool(sub.is_dm), user_id=sub.user_id)
