"""The chat platforms a run may start, and their settings tables.

A platform registers with one line in ``PLATFORMS``. Its package under ``bot/platforms/``
brings two light modules (no platform library imported): ``settings`` with its table
(``SECTION``: a ``config.sections.PlatformSection``) and ``setup`` with its adapters. The
entry point loads settings through ``load_settings`` here, so every registered table is
validated at start with the rest, and config itself never names a platform.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config.sections import PlatformSection
from config.settings import Settings
from config.settings import load_settings as load_with

#: The chat platforms, in start order.
PLATFORMS: tuple[str, ...] = (
    "slack",
    "discord",
    "loopback",
)


def section_of(name: str) -> PlatformSection[Any]:
    """Platform ``name``'s settings table."""
    section: PlatformSection[Any] = importlib.import_module(
        f"bot.platforms.{name}.settings").SECTION
    return section


def sections() -> tuple[PlatformSection[Any], ...]:
    return tuple(section_of(name) for name in PLATFORMS)


def load_settings(config_file: str | Path | None = None, *,
                  env: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """``config.settings.load_settings`` with every registered platform's table.

    Raises:
        ConfigError: one plain line naming the key (``slack.http_port``) and the problem.
    """
    return load_with(config_file, env=env, overrides=overrides, sections=sections())
