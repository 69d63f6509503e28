"""A report names its own outlet: "according to Reuters" is answered from a report Reuters
published, though its news never writes the word (``bot/answer/support.py``:
``OUTLET_NAMES``, read by the ``event-names`` check).

On the spent fresh batches, `event-names` refused 8 answerable questions for naming the
outlet they asked about ("How long did the meeting last, according to Y News?", "…
according to Yomiuri?"). An outlet's name counts when the question writes it whole or
names its first word in either language (the glossary's outlets: "Yomiuri" for
読売新聞オンライン); a country in an outlet's name names no country ("Japan Harbour Times"
says nothing about Japan, the "Bergen Harbour Times" nothing about Bergen).

Reports written for this test (our own words, invented people and talks), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at
a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import support
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 14, 9, tzinfo=UTC)

REPORTS = (
    report("corridor-ja", "ja", "ロイター（北洋ニュース）",
           "黒海停戦協議、仲介役が穀物船の航路求める",
           "ノルウェーの仲介役ハルボルセン氏は14日、トロムソで開かれたウクライナとロシアの黒海停戦をめぐる協議で、"
           "穀物船が通る安全な航路を設けるよう両国に求めた。協議は2日間の日程で開かれている。",
           TALKS),
    report("corridor-en", "en", "Bergen Harbour Times", "Mediator urges grain corridor",
           "Norway's mediator Halvorsen on Tuesday urged Russia and Ukraine at the Tromso talks "
           "on a Black Sea truce to open a protected lane for grain ships.",
           TALKS + timedelta(hours=2)),
    # Other news names the outlets and Bergen in its text, as a real store's does.
    report("welcome-en", "en", "Outlet 9", "Japan welcomes Geneva talks",
           "Japan welcomed the Geneva talks between Russia and Ukraine, Reuters and Kyodo "
           "reported, and the Nordlys Post said envoys would meet again in Bergen.",
           TALKS - timedelta(days=3)),
    report("welcome-ja", "ja", "Outlet 10", "ジュネーブ協議に歓迎の声",
           "日本政府はロシアとウクライナのジュネーブ協議を歓迎した。次の協議はベルゲンで開かれる"
           "見通しだと伝えられた。", TALKS - timedelta(days=3)),
    report("mood-en", "en", "Nordlys Post", "Tromso talks end first day",
           "Envoys of Russia and Ukraine at the Tromso talks on a Black Sea truce ended their "
           "first day without a statement, and Halvorsen said the mood was businesslike.",
           TALKS + timedelta(hours=5)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("outlet"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_an_outlet_named_in_the_other_language_is_the_reports_own(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Only the Japanese report is Reuters'; it writes the mediator's ask as 安全な航路."""
    answer = await ask_store(store, shared_engine,
                             "According to Reuters, what did Halvorsen ask both sides to set "
                             "up at the Tromso talks?", "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "安全な航路", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_an_outlet_written_whole_is_the_reports_own(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "How did Halvorsen describe the mood at the Tromso talks, "
                             "according to the Nordlys Post?", "en",
                             TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "businesslike", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_switch_an_outlet_must_be_written_in_the_news(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "OUTLET_NAMES", False)
    answer = await ask_store(store, shared_engine,
                             "According to Reuters, what did Halvorsen ask both sides to set "
                             "up at the Tromso talks?", "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "event-names")


@pytest.mark.parametrize("after", CLOCKS)
async def test_an_outlet_no_report_is_from_is_still_a_name_to_find(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "According to Kyodo, what did Halvorsen ask both sides to set up "
                             "at the Tromso talks?", "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "event-names")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_place_in_an_outlets_name_names_no_place(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """No report of the Tromso talks says anything of Bergen; one is published by the
    "Bergen Harbour Times". (A Japanese report of other talks writes ベルゲン, so the
    Japanese report of these is held to it too.)"""
    answer = await ask_store(store, shared_engine,
                             "What did Halvorsen urge in Bergen about the grain ships?",
                             "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "event-names")
