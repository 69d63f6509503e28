"""The loopback chat platform (tests, benchmarks, local end-to-end runs)."""

from bot.platforms.loopback.adapter import LoopbackAdapter

__all__ = ["LoopbackAdapter"]
