"""Settings schema and loader; the default TOML ships beside this module.

``Settings`` and ``load_settings`` are loaded on first use: ``config.errors`` (the error
tree's root, which every process imports) must not pull in pydantic, so that
``ceasefire-bot --help`` and ``--version`` start without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from config import settings

        return getattr(settings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
