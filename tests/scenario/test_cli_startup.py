"""A one-shot `ceasefire-bot` process imports only what its command needs (start-up cost,
docs/quality.md, stop 41): `--help` and `--version` start without pydantic or asyncio, a
configuration error ends without the database and HTTP stacks, and `ask` over a saved
answer index neither loads bm25s (scipy.sparse) nor the feed parser.

Each process is the real command line, started fresh; a small driver fixes its clock (the
bot reads time only through ``SystemClock``) and writes the modules it ended with."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import clean_cli_env

#: The newest demo report is of 19 August 2025 (bot/demo/feeds/README.md).
LAST_REPORT = datetime(2025, 8, 19, 12, tzinfo=UTC)
CLOCKS = {"a day": timedelta(days=1), "a week": timedelta(days=7),
          "a year": timedelta(days=365)}

DRIVER = """
import json, sys
from datetime import datetime
import bot.clock
now = datetime.fromisoformat(sys.argv[1])
bot.clock.SystemClock.now = lambda self: now
from bot.cli import main
try:
    code = main(sys.argv[3:])
finally:
    with open(sys.argv[2], "w") as out:
        json.dump(sorted(sys.modules), out)
raise SystemExit(code)
"""


def run(env: dict[str, str], tmp: Path, now: datetime, *args: str
        ) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run one command as its own process at ``now``; its result and imported modules."""
    modules = tmp / "modules.json"
    proc = subprocess.run([sys.executable, "-c", DRIVER, now.isoformat(), str(modules), *args],
                          env=env, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)
    return proc, set(json.loads(modules.read_text()))


def loaded(modules: set[str], *packages: str) -> list[str]:
    return [p for p in packages if p in modules]


@pytest.fixture(scope="module")
def saved_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo feeds ingested, then asked once (which builds and saves the answer index)."""
    data = tmp_path_factory.mktemp("startup") / "data"
    env = clean_cli_env(data)
    now = LAST_REPORT + timedelta(days=1)
    proc, _ = run(env, data.parent, now, "ingest")
    assert proc.returncode == 0, proc.stderr
    proc, _ = run(env, data.parent, now, "ask", "What was agreed in Jeddah?")
    assert proc.returncode == 0, proc.stderr
    return data


@pytest.mark.parametrize("after", list(CLOCKS))
def test_ask_over_a_saved_index_loads_neither_bm25s_nor_the_feed_parser(
        saved_index: Path, tmp_path: Path, after: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(saved_index, data)
    proc, modules = run(clean_cli_env(data), tmp_path, LAST_REPORT + CLOCKS[after],
                        "ask", "What was agreed in Jeddah?")
    assert proc.returncode == 0, proc.stderr
    assert "Jeddah" in proc.stdout and "[1]" in proc.stdout, proc.stdout
    assert loaded(modules, "bm25s", "scipy", "feedparser") == []
    # The store is at the newest revision: no migration machinery, no PostgreSQL driver
    # (stop 42, ``bot.store.db.CHECK_HEAD_FIRST``).
    assert loaded(modules, "alembic", "filelock", "asyncpg") == []
    # Still the real answer path: the store, the HTTP session and the index were loaded.
    assert loaded(modules, "sqlalchemy", "aiohttp", "numpy", "bot.answer.index") == [
        "sqlalchemy", "aiohttp", "numpy", "bot.answer.index"]


def test_help_and_version_start_without_pydantic_or_asyncio(tmp_path: Path) -> None:
    # (No clock: neither reads the store or the time.)
    env = clean_cli_env(tmp_path / "data")
    now = LAST_REPORT + CLOCKS["a year"]
    proc, modules = run(env, tmp_path, now, "--help")
    assert proc.returncode == 0 and "ask" in proc.stdout
    assert loaded(modules, "pydantic", "asyncio", "sqlalchemy", "importlib.metadata") == []
    proc, modules = run(env, tmp_path, now, "--version")
    assert proc.returncode == 0 and proc.stdout.startswith("ceasefire-bot ")
    assert loaded(modules, "pydantic", "asyncio", "sqlalchemy") == []


def test_a_configuration_error_ends_without_the_database_or_http_stacks(
        tmp_path: Path) -> None:
    # (No clock: the configuration is refused before anything is read.)
    proc, modules = run(clean_cli_env(tmp_path / "data"), tmp_path, LAST_REPORT + CLOCKS["a year"],
                        "--config", str(tmp_path / "missing.toml"), "ask", "x")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("ceasefire-bot: ") and "missing.toml" in proc.stderr
    assert loaded(modules, "aiohttp", "sqlalchemy", "alembic") == []
