"""Fixtures shared by the outbox tests: a fresh SQLite store and a started loopback
adapter talking to the module's ``fake`` chat server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path

import pytest

from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory, open_store, sqlite_url
from tests.fakes.chat_fake import ChatFake


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[SessionFactory]:
    async with open_store(sqlite_url(tmp_path / "outbox.db")) as (_engine, factory):
        yield factory


@pytest.fixture
async def adapter(fake: ChatFake) -> AsyncIterator[LoopbackAdapter]:
    a = LoopbackAdapter(fake.url, zone=UTC, timeout=0.5)
    await a.start()
    yield a
    await a.stop()
