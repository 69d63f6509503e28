"""Slack Web API failures as ``PlatformError``: permanent when retrying cannot help."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.errors import PlatformError

#: The channel is gone or closed to us, the token or its scopes are wrong, or the payload
#: itself is refused: sending the same thing again would fail again.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "account_inactive",
    "missing_scope", "invalid_auth", "not_authed", "token_revoked", "token_expired",
    "no_permission", "restricted_action", "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel", "restricted_action_non_threadable_channel",
    "team_access_not_granted", "ekm_access_denied", "org_login_required",
    "user_not_in_channel", "cannot_dm_bot", "user_not_found", "team_not_found",
    "msg_too_long", "no_text", "invalid_blocks", "invalid_blocks_format",
    "invalid_metadata_format", "invalid_metadata_schema", "too_many_attachments",
    "not_allowed_token_type", "invalid_arguments", "channel_is_archived",
    # chat.update: the message is gone, not the bot's, or past the workspace's edit window.
    "message_not_found", "cant_update_message", "edit_window_closed",
})
#: The bot token itself is refused (revoked, reset, workspace gone): the bot must stop.
TOKEN_REFUSED = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired",
                           "account_inactive"})
#: Block Kit refused: the same message as plain text may still go through.
BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long"})


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Seconds from a ``Retry-After`` header (names are case-insensitive)."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


def platform_error(error: str | None, *, status: int = 200,
                   headers: Mapping[str, Any] | None = None,
                   method: str = "") -> PlatformError:
    """Classify one failed call (pure: tested without a server)."""
    code = error or f"http_{status}"
    where = f"slack {method}: " if method else "slack: "
    if status == 429 or code == "ratelimited":
        wait = retry_after(headers)
        return PlatformError(f"{where}rate limited", retry_after=wait if wait is not None
                             else 1.0, code="ratelimited")
    if code in PERMANENT:
        return PlatformError(f"{where}{code}", permanent=True, code=code)
    return PlatformError(f"{where}{code}", retry_after=retry_after(headers), code=code)


async def call_api(method: str, call: Awaitable[Any]) -> Any:
    """Await one Web API call; every failure becomes a ``PlatformError``."""
    try:
        return await call
    except SlackApiError as exc:
        response = exc.response
        raise platform_error(response.get("error"), status=response.status_code,
                             headers=response.headers, method=method) from exc
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise PlatformError(f"slack {method}: {type(exc).__name__}") from exc
