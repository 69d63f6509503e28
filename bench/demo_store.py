"""A store of the bundled demo feeds in a temporary directory (for the benchmarks)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import BotApp
from config.settings import load_settings


@asynccontextmanager
async def demo_app(tmp: Path) -> AsyncIterator[BotApp]:
    settings = load_settings(None, env={}, overrides={
        "database_url": f"sqlite:///{tmp / 'demo.db'}", "data_dir": str(tmp), "demo": True})
    async with BotApp(settings) as app:
        await app.poll()
        yield app
