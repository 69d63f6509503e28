"""Shared helpers for answer and briefing tests: a demo store built once per session."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.app import BotApp
from config.settings import Settings, load_settings


@dataclass
class FixedClock:
    at: datetime = datetime(2025, 9, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def demo_settings(tmp: Path, **extra: object) -> Settings:
    return load_settings(None, env={}, overrides={
        "database_url": f"sqlite:///{tmp / 'demo.db'}", "data_dir": str(tmp), "demo": True,
        **extra})


def build_demo_store(tmp: Path) -> Path:
    """Ingest the bundled demo feeds into ``tmp/demo.db`` once."""

    async def run() -> None:
        async with BotApp(demo_settings(tmp), clock=FixedClock()) as app:
            await app.poll()

    asyncio.run(run())
    return tmp / "demo.db"
