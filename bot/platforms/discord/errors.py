"""discord.py exceptions as ``PlatformError``: permanent when retrying cannot help
(missing permission, channel gone), transient with ``retry_after`` otherwise."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import discord

from bot.errors import ConfigError, PlatformError

#: Permissions the bot needs in a channel it posts to, in Discord's words.
NEEDED = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "read_message_history": "Read Message History",
    "manage_messages": "Manage Messages",
    "manage_channels": "Manage Channels",
}

#: Discord JSON error codes that no retry will fix.
PERMANENT_CODES = {
    10003: "the channel no longer exists",
    10008: "the message to reply to no longer exists",
    50001: "the bot cannot see this channel (Missing Access)",
    50007: "the user does not accept direct messages from the bot",
    50013: "the bot is missing permissions in this channel",
    160005: "the thread is locked",
}


def missing_permissions(permissions: discord.Permissions, needed: list[str]) -> list[str]:
    """Names (as Discord shows them) of ``needed`` permissions the bot lacks."""
    return [NEEDED[name] for name in needed if not getattr(permissions, name)]


def missing_error(channel: str, missing: list[str]) -> PlatformError:
    return PlatformError(
        f"the bot is missing the {', '.join(missing)} permission"
        f"{'s' if len(missing) > 1 else ''} in {channel}; grant "
        f"{'them' if len(missing) > 1 else 'it'} to the bot's role",
        permanent=True, code="missing_permissions")


def _retry_after(exc: discord.HTTPException) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        value = headers.get(name)
        if value:
            with contextlib.suppress(ValueError):
                return float(value)
    return None


def translate_error(exc: BaseException, *, where: str) -> PlatformError:
    """The PlatformError for a failed Discord call in ``where`` (a channel description)."""
    if isinstance(exc, PlatformError):
        return exc
    if isinstance(exc, discord.RateLimited):
        return PlatformError(f"rate limited in {where}", retry_after=exc.retry_after,
                             code="rate_limited")
    if isinstance(exc, discord.HTTPException):
        if exc.code in PERMANENT_CODES:
            return PlatformError(f"{PERMANENT_CODES[exc.code]} ({where})", permanent=True,
                                 code=str(exc.code))
        if exc.status == 429:
            return PlatformError(f"rate limited in {where}", retry_after=_retry_after(exc),
                                 code="rate_limited")
        if isinstance(exc, discord.Forbidden | discord.NotFound):
            return PlatformError(f"Discord refused the call in {where}: {exc.text or exc.status}",
                                 permanent=True, code=str(exc.code or exc.status))
        return PlatformError(f"Discord error {exc.status} in {where}",
                             retry_after=_retry_after(exc), code=str(exc.code or exc.status))
    if isinstance(exc, aiohttp.ClientError | TimeoutError | asyncio.TimeoutError
                  | discord.ConnectionClosed | discord.GatewayNotFound):
        return PlatformError(f"connection to Discord failed ({type(exc).__name__})",
                             code="disconnected")
    raise exc


@contextlib.asynccontextmanager
async def platform_errors(where: str) -> AsyncIterator[None]:
    """Re-raise discord.py and transport errors as ``PlatformError``."""
    try:
        yield
    except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
        raise translate_error(exc, where=where) from exc


#: Gateway close codes after which reconnecting cannot help (discord.py gives up on them):
#: the setting to fix, and what Discord said.
FATAL_CLOSE_CODES = {
    4004: ("discord.token", "Discord rejected DISCORD_TOKEN (authentication failed, 4004): "
                            "was the token reset?"),
    4010: ("discord.shard_ids", "Discord refused the shard (invalid shard, 4010)"),
    4011: ("discord.shard_count", "Discord requires more shards (sharding required, 4011)"),
    4012: ("discord.api_base", "Discord refused the gateway version (4012)"),
    4013: ("discord.mention_answers", "Discord refused the intents (invalid intents, 4013)"),
    4014: ("discord.mention_answers", "enable the Message Content intent in the Developer "
                                      "Portal (Bot tab), or set mention_answers = false "
                                      "(disallowed intents, 4014)"),
}


def fatal_error(exc: BaseException | None) -> ConfigError | None:
    """The one-line error to stop on when the client ended for a reason no restart fixes
    (a bad or reset token, intents not granted, bad sharding), else None."""
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        setting, message = FATAL_CLOSE_CODES[4014]
    elif isinstance(exc, discord.LoginFailure):
        setting, message = "discord.token", (
            "Discord rejected DISCORD_TOKEN: copy the token again from the Developer Portal "
            "(Bot tab, Reset Token), without quotes or a `Bot ` prefix")
    elif isinstance(exc, discord.ConnectionClosed) and exc.code in FATAL_CLOSE_CODES:
        setting, message = FATAL_CLOSE_CODES[exc.code]
    else:
        return None
    return ConfigError(f"invalid setting {setting}: {message}")
