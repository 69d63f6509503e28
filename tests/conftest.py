"""Shared fixtures: settings built from an explicit environment, a fixed clock, a bot app on
a temporary SQLite file."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotApp
from bot.platforms.registry import load_settings
from config.settings import Settings
from tests.storefix import build_template, fresh_copy

REPO = Path(__file__).resolve().parent.parent

#: When the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE), compile the
#: checkout's own packages once per session: every real `ceasefire-bot` a test starts would
#: otherwise compile them from source again (about 0.4 s of CPU per process, stop 42).
#: Python still reads bytecode it did not write itself, and ignores a file whose source
#: changed since (its time and size are recorded in it). False: as before.
COMPILE_FOR_CHILDREN = True


def pytest_sessionstart(session: pytest.Session) -> None:
    if COMPILE_FOR_CHILDREN and sys.dont_write_bytecode:
        import compileall

        for package in ("bot", "config", "handlers"):
            compileall.compile_dir(REPO / package, quiet=1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under mutmut, the tests named for the mutated module run first.

    mutmut runs a mutant's covering tests in no useful order and stops at the first that
    fails (``-x``): a mutant its own module's narrow tests kill at once would otherwise
    wait through the slower end-to-end tests that also reach it. Which tests run is
    unchanged; a surviving mutant still runs every one of them.
    """
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")  # e.g. bot.delivery.outbox.x_claim__mutmut_3
    module = mutant.rpartition(".")[0].rpartition(".")[2]
    if module:
        items.sort(key=lambda item: module not in item.path.name)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback fakes only: a proxy from the environment (slack_sdk reads HTTP(S)_PROXY and
    ignores NO_PROXY) would send test traffic elsewhere."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 8, 20, 0, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def migrated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store at the newest revision; tests get copies (see tests/storefix.py)."""
    return build_template(tmp_path_factory.mktemp("migrated"))


@pytest.fixture
def make_settings(tmp_path: Path, migrated_store: Path) -> Any:
    def build(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        base = {"CEASEFIRE_BOT_DATA_DIR": str(tmp_path / "data")}
        built = load_settings(env={**base, **(env or {})}, overrides=overrides)
        if built.database_url is None and not built.sqlite_path().exists():
            fresh_copy(migrated_store, built.sqlite_path())
        return built

    return build


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings()


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[BotApp]:
    async with BotApp(settings, clock=clock) as bot:
        yield bot


def clean_cli_env(data_dir: Path) -> dict[str, str]:
    """The environment without the bot's own settings, its data in ``data_dir``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CEASEFIRE_BOT", "DISCORD_", "SLACK_"))}
    env["CEASEFIRE_BOT_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def cli_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A clean environment for running the real `ceasefire-bot` in a subprocess."""
    yield clean_cli_env(tmp_path / "cli-data")


#: The real command line at a fixed clock (the bot reads time only through ``SystemClock``):
#: ``python -c CLOCKED_CLI NOW MODULES_OUT ARGS…`` writes the modules it ended with to
#: MODULES_OUT, so a test can see what a command loaded.
CLOCKED_CLI = """
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


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]
