"""Shared fixtures for the news pipeline tests: settings, a fake clock, a running BotApp."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import BotApp
from bot.news.guard import StaticResolver
from config.settings import Settings, load_settings


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def news_settings(tmp: Path, **fetch: Any) -> Settings:
    overrides: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp / 'bot.db'}", "data_dir": str(tmp),
        "fetch": {"timeout_seconds": 1.0, "allow_hosts": ["feeds.test"], **fetch},
    }
    return load_settings(env={}, overrides=overrides)


@asynccontextmanager
async def running_app(settings: Settings, clock: FakeClock, *,
                      port: int | None = None) -> AsyncIterator[BotApp]:
    """A BotApp whose guarded resolver knows feeds.test (allow-listed, 127.0.0.1) and
    evil.test (10.0.0.7: refused, never connected to). No real DNS is used."""
    resolver = StaticResolver({"feeds.test": "127.0.0.1", "evil.test": "10.0.0.7"})
    async with BotApp(settings, clock=clock, resolver=resolver) as app:
        yield app
