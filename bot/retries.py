"""What a retry of a platform call needs to know, for tenacity: which refusals another
attempt may get past, and the refusal an attempt ended with (its ``retry_after``)."""

from __future__ import annotations

from tenacity import RetryCallState

from bot.errors import PlatformError


def transient(exc: BaseException) -> bool:
    """A refusal another attempt may get past (a 429, a 5xx, a dropped connection)."""
    return isinstance(exc, PlatformError) and not exc.permanent


def refusal_of(state: RetryCallState) -> PlatformError:
    """The refusal that ended the attempt ``state`` describes (``transient`` held)."""
    assert state.outcome is not None
    exc = state.outcome.exception()
    assert isinstance(exc, PlatformError)
    return exc
