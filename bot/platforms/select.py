"""Which platforms a run starts: each registered platform whose settings enable it (Slack
and Discord when their tokens are set, loopback when its URL is), else the console (the
embedded default).

A platform registers with one line in ``PLATFORMS`` (``bot.platforms.registry``): its
package under ``bot/platforms/`` has a ``settings`` module (its table) and a ``setup``
module (light: no platform library imported) with
``adapters(settings, options, commands, *, http=None) -> list[PlatformAdapter]``, where
``http`` is the app's HTTP session for platform calls (platforms that can use one do).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.commands import Registry
from bot.platforms.base import PlatformAdapter
from bot.platforms.console import ConsoleAdapter
from bot.platforms.registry import PLATFORMS
from config.settings import Settings
from handlers import default_registry

if TYPE_CHECKING:
    import aiohttp

__all__ = ["PLATFORMS", "RunOptions", "Setup", "build_platforms", "setup_of"]


@dataclass(frozen=True)
class RunOptions:
    console: bool = False
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None


class Setup(Protocol):
    def __call__(self, settings: Settings, options: RunOptions, commands: Registry, *,
                 http: aiohttp.ClientSession | None = None) -> list[PlatformAdapter]: ...


def setup_of(name: str) -> Setup:
    """The ``adapters`` function of platform ``name``."""
    module = importlib.import_module(f"bot.platforms.{name}.setup")
    adapters: Setup = module.adapters
    return adapters


def build_platforms(settings: Settings, options: RunOptions, *,
                    commands: Registry | None = None,
                    http: aiohttp.ClientSession | None = None) -> list[PlatformAdapter]:
    """The adapters to run, each offering ``commands`` (default: every command) and calling
    out through ``http`` where the platform can (the app's session for platform calls).

    Raises:
        ConfigError: a platform is half configured (e.g. a Slack token without a way in).
    """
    registry = commands if commands is not None else default_registry()
    adapters: list[PlatformAdapter] = []
    if not options.console:
        for name in PLATFORMS:
            adapters += setup_of(name)(settings, options, registry, http=http)
    if not adapters:
        adapters.append(ConsoleAdapter(zone=settings.zone, commands=registry,
                                       history=settings.data_dir / "console-history"))
    return adapters
