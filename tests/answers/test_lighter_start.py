"""A lighter start, answers unchanged: a new store is created at once from the models
(``bot.store.db.CREATE_EMPTY_AT_ONCE``: no alembic upgrade) and answers as a migrated one
does, and `ceasefire-bot run` loads the date parsers only after serving a while
(``bot.cli.WARM_UP_AFTER``): a console session asking about no date ends without them,
its answer the same, at a week, a year and two years after the reports."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from bot import cli
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_report, made_up_store, other_talks
from tests.conftest import CLOCKED_CLI, clean_cli_env

PUBLISHED = datetime(2025, 6, 10, 8, tzinfo=UTC)
REPORTS = (
    made_up_report("port-truce-en", "en", "Harbour Wire", "Envoys agree a truce at three ports",
                   "Envoys of Russia and Ukraine agreed on Tuesday to halt strikes on three "
                   "Black Sea ports for thirty days, a mediator told reporters.", PUBLISHED),
    made_up_report("port-truce-ja", "ja", "港湾通信", "3港で停戦に合意",
                   "ロシアとウクライナの代表は火曜日、黒海の3つの港への攻撃を30日間停止することで"
                   "合意したと仲介者が明らかにした。", PUBLISHED + timedelta(hours=2)),
)


@pytest.fixture(scope="module")
def created_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The reports ingested by the bot's pipeline into a new folder, and the alembic
    upgrades that built its store."""
    upgrades: list[str] = []
    real = command.upgrade

    def upgrade(config: Any, revision: str, **kwargs: Any) -> None:
        upgrades.append(revision)
        real(config, revision, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(command, "upgrade", upgrade)
        store = made_up_store(REPORTS + other_talks(PUBLISHED),
                              tmp_path_factory.mktemp("created"))
    return store, upgrades


@pytest.mark.parametrize("after", CLOCKS, ids=["a week", "a year", "two years"])
async def test_a_new_store_is_created_at_once_and_answers(
        created_store: tuple[Path, list[str]], shared_engine: Engine, after: timedelta) -> None:
    store, upgrades = created_store
    assert upgrades == []  # no migration in turn: the schema at once
    answer = await ask_store(store, shared_engine, "How long will strikes on the Black Sea "
                             "ports be halted?", "en", PUBLISHED + after)
    assert answer.answerable and "thirty days" in answer.text, answer.text
    answer = await ask_store(store, shared_engine, "黒海の港への攻撃は何日間停止される?", "ja",
                             PUBLISHED + after)
    assert answer.answerable and "30日間" in answer.text, answer.text


#: The newest demo report is of 19 August 2025 (bot/demo/feeds/README.md).
LAST_DEMO_REPORT = datetime(2025, 8, 19, 12, tzinfo=UTC)


@pytest.mark.parametrize("after", CLOCKS, ids=["a week", "a year", "two years"])
def test_a_console_session_asking_about_no_date_ends_without_the_date_parsers(
        demo_db_master: Path, tmp_path: Path, after: timedelta) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_db_master, data / "ceasefire-bot.db")
    modules_file = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", CLOCKED_CLI, (LAST_DEMO_REPORT + after).isoformat(),
         str(modules_file), "run"], env=clean_cli_env(data),
        input="/ask What was agreed in Jeddah?\n", capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    answer = proc.stdout[proc.stdout.index("> /ask What was agreed in Jeddah?"):]
    assert "Jeddah" in answer and "[1]" in answer, proc.stdout
    modules = set(json.loads(modules_file.read_text()))
    assert "bot.answer.extractive" in modules  # the real answer path ran
    assert not {"dateparser", "ja_timex"} & modules


async def test_the_warm_up_starts_once_serving_has_lasted_unless_cancelled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    warmed: list[str] = []
    monkeypatch.setattr(cli, "_warm_up_and_freeze", lambda: warmed.append("warm"))
    cli.warm_up_later(0.2)
    await asyncio.sleep(0.05)
    assert warmed == []
    for _ in range(200):  # the thread runs (up to 10 s on a busy host)
        if warmed:
            break
        await asyncio.sleep(0.05)
    assert warmed == ["warm"]
    cancel = cli.warm_up_later(0.1)
    cancel()
    await asyncio.sleep(0.3)
    assert warmed == ["warm"]


async def test_a_failed_warm_up_is_logged(monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("parser data missing")

    monkeypatch.setattr(cli, "_warm_up_and_freeze", broken)
    cli.warm_up_later(0.0)
    for _ in range(200):  # the thread runs (up to 10 s on a busy host)
        if any(r.exc_info for r in caplog.records):
            break
        await asyncio.sleep(0.05)
    failed = [r.exc_info for r in caplog.records
              if r.levelname == "ERROR" and "warm-up failed" in r.message]
    assert failed and failed[0] and "parser data missing" in str(failed[0][1])
