"""A question asking the hour ("what time", 何時ごろ) is answered by a clock time, not by a
date (``support.CLOCK_TIME``, docs/quality.md, stop 36).

"何時" used to ask "when", which any "5日" fills: a Japanese report of the day led the
answer over the English one of the same talks saying at what hour they ended ("ten in the
evening"), whose sentence was not quoted. The hour, in either script and in words ("nine
at night", "10 p.m.", 午後9時), now fills the kind asked, so that report leads.

Reports written for this test (our own words, an invented envoy), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import CLOCK_TIME, answer_type
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

MEET = datetime(2025, 10, 8, 9, tzinfo=UTC)

REPORTS = (
    report("halden-ja", "ja", "Kyokai Shimbun", "ハルデン特使がモスクワでプーチン大統領と会談",
           "米国のハルデン特使は8日、モスクワでプーチン大統領と会談した。非公開の会談は8日夜に"
           "終わり、ウクライナ情勢が主な議題となった。ハルデン特使のモスクワ訪問は今年3回目。",
           MEET + timedelta(hours=2)),
    report("halden-en", "en", "Steppe Wire", "Putin receives US envoy Halden in Moscow",
           "US envoy Mark Halden met Putin in Moscow on Wednesday. The closed-door meeting "
           "went on late and ended at about nine at night, a Kremlin aide told reporters. "
           "Ukraine was the main subject.",
           MEET + timedelta(hours=6)),
    *other_talks(MEET),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("clock-slot"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_report_giving_the_hour_leads_a_japanese_question(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    await quotes_first(store, shared_engine,
                       "ハルデン特使とプーチン大統領の会談は夜の何時ごろに終わった?",
                       "ja", MEET + after, "nine at night", "halden-en")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_question_asking_the_day_keeps_the_rankings_lead(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    # "When" asks a day, which the Japanese report gives: its lead stands.
    await quotes_first(store, shared_engine, "ハルデン特使はいつプーチン大統領と会談した?",
                       "ja", MEET + after, "8日", "halden-ja")


@pytest.mark.parametrize(("text", "hour"), [
    ("talks ended at about nine at night", True), ("it began at 10 p.m. local time", True),
    ("the call started at 14:30", True), ("会談は午後九時ごろ終わった", True),
    ("会談は10時ごろ始まった", True), ("攻撃を一時停止した", False), ("協議は8日に行われた", False),
    ("the talks lasted three hours", False), ("会談は3時間続いた", False)])
def test_a_clock_time_in_either_script(text: str, hour: bool) -> None:
    assert bool(CLOCK_TIME.search(text)) == hour


@pytest.mark.parametrize(("question", "kinds"), [
    ("会談は夜の何時ごろ終わった?", ["clock"]), ("What time did the call begin?", ["clock"]),
    ("会談は何時間続いた?", ["duration", "when", "counted"]), ("When did they meet?", ["when"])])
def test_the_kind_asked(question: str, kinds: list[str]) -> None:
    assert [slot.kind for slot in answer_type(question)] == kinds
