from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.store.db import SessionFactory, open_store
from tests.answers.support import build_demo_store


@pytest.fixture(scope="session")
def demo_db_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_store(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_dir(demo_db_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store (tests may write to it)."""
    shutil.copy(demo_db_master, tmp_path / "demo.db")
    return tmp_path


@pytest.fixture
async def sessions(demo_dir: Path) -> AsyncIterator[SessionFactory]:
    """The test's own copy of the demo store, open."""
    async with open_store(f"sqlite:///{demo_dir / 'demo.db'}") as (_engine, factory):
        yield factory


@pytest.fixture(scope="session")
def shared_engine() -> Engine:
    """One analyser (the Japanese dictionary loads once per session)."""
    return Engine()
