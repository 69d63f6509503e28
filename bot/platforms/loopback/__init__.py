"""The loopback chat platform (tests, benchmarks, local end-to-end runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.platforms.loopback.adapter import LoopbackAdapter

__all__ = ["LoopbackAdapter"]


def __getattr__(name: str) -> Any:
    """The adapter, imported on first use: ``setup`` (which a run always reads) must not
    pull in the platform's library when the platform is not configured."""
    if name == "LoopbackAdapter":
        from bot.platforms.loopback.adapter import LoopbackAdapter

        return LoopbackAdapter
    raise AttributeError(name)
