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

from tests.conftest import CLOCKED_CLI, clean_cli_env

#: The newest demo report is of 19 August 2025 (bot/demo/feeds/README.md).
LAST_REPORT = datetime(2025, 8, 19, 12, tzinfo=UTC)
CLOCKS = {"a day": timedelta(days=1), "a week": timedelta(days=7),
          "a year": timedelta(days=365)}



def run(env: dict[str, str], tmp: Path, now: datetime, *args: str
        ) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run one command as its own process at ``now``; its result and imported modules."""
    modules = tmp / "modules.json"
    proc = subprocess.run([sys.executable, "-c", CLOCKED_CLI, now.isoformat(), str(modules), *args],
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
    # Still the real answer path: the store, the runtime and the index were loaded. The
    # runtime makes its HTTP sessions on first use and `ask` fetches nothing, so aiohttp is
    # not loaded (stop 42, ``bot.runtime.LAZY_SESSIONS``; it was before).
    assert loaded(modules, "sqlalchemy", "bot.runtime", "numpy", "bot.answer.index") == [
        "sqlalchemy", "bot.runtime", "numpy", "bot.answer.index"]
    assert loaded(modules, "aiohttp") == []


@pytest.mark.parametrize("after", list(CLOCKS))
def test_a_console_run_over_the_demo_feeds_starts_without_http_or_migrations(
        saved_index: Path, tmp_path: Path, after: str) -> None:
    """`ceasefire-bot run` on the console, its store at head and its feeds the bundled demo
    files: it polls, answers a question and ends without aiohttp (no HTTP is made) and
    without alembic (stop 42: ``LAZY_SESSIONS``, ``CHECK_HEAD_FIRST``)."""
    data = tmp_path / "data"
    shutil.copytree(saved_index, data)
    modules_file = tmp_path / "modules.json"
    now = (LAST_REPORT + CLOCKS[after]).isoformat()
    proc = subprocess.run([sys.executable, "-c", CLOCKED_CLI, now,
                           str(modules_file), "run"], env=clean_cli_env(data),
                          input="/ask What was agreed in Jeddah?\n", capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    answer = proc.stdout[proc.stdout.index("> /ask What was agreed in Jeddah?"):]
    assert "Jeddah" in answer and "[1]" in answer, proc.stdout
    modules = set(json.loads(modules_file.read_text()))
    assert loaded(modules, "aiohttp", "alembic", "filelock", "asyncpg") == []
    assert loaded(modules, "bot.app", "apscheduler") == ["bot.app", "apscheduler"]


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
