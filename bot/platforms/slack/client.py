"""The one Slack Web API client: a shared aiohttp session, and 429s waited out, not dropped."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

DEFAULT_API_URL = "https://slack.com/api/"


def build_web_client(token: str, *, session: aiohttp.ClientSession,
                     api_url: str = DEFAULT_API_URL,
                     rate_limit_retries: int = 5) -> AsyncWebClient:
    """A client on ``session`` that sleeps for Slack's ``Retry-After`` on a 429.

    After ``rate_limit_retries`` the error surfaces; the outbox then reschedules the message
    (transient ``PlatformError`` with ``retry_after``), so a storm delays but never drops.
    """
    return AsyncWebClient(
        token=token, base_url=api_url, session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ])
