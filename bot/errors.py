"""The error tree. Expected failures carry data; anything else is a bug and gets logged.

Its root and ``ConfigError`` live in ``config.errors`` (settings sit below the bot).
"""

from __future__ import annotations

from config.errors import BotError, ConfigError

__all__ = ["BotError", "ConfigError", "FeedError", "PlatformError", "StoreError",
           "UserFacingError"]


class UserFacingError(BotError):
    """An expected failure whose message is safe and useful to show the user as is."""


class StoreError(BotError):
    """The store cannot be opened or used; the message names the store (password masked)
    and what to do."""


class FeedError(BotError):
    """A feed could not be fetched or parsed."""

    def __init__(self, url: str, message: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after = retry_after


class PlatformError(BotError):
    """A chat platform refused or failed a call.

    ``permanent`` errors (channel gone, bot removed, missing permission) must not be retried;
    transient ones may carry ``retry_after`` seconds.
    """

    def __init__(self, message: str, *, permanent: bool = False,
                 retry_after: float | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.code = code
