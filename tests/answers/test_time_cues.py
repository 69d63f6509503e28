"""Time cues the reader used to miss or misplace (docs/quality.md, stop 35): a day number alone
("12日に"), a time a span starts at ("1月以降", "since January", "after 12 May") and the
day before or after an event ("前日", "翌日"), which is not the day before the asker's now.

Issue rule: a date without a year (or month) is the latest such date the store covers, so
each reading lands on the same days with the clock a week, a year and two years after the
reports. The end-to-end case serves reports written for this test (our own words, invented
places) as RSS from 127.0.0.1, ingests them with the bot's pipeline and asks as
``ceasefire-bot ask`` does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answer.engine import Engine
from bot.answer.when import Window, latest_day_numbered, parse_window, without_phrase
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

TOKYO = ZoneInfo("Asia/Tokyo")
#: The newest stored report.
COVERED = datetime(2026, 3, 20, 9, tzinfo=UTC)
NOWS = [COVERED + after for after in CLOCKS]


def _window(question: str, now: datetime) -> Window:
    return parse_window(question, now=now, zone=TOKYO, covered_until=COVERED)


@pytest.mark.parametrize("now", NOWS, ids=["week", "year", "two-years"])
@pytest.mark.parametrize(("question", "day"), [
    ("12日にブルームバーグが報じた停戦条件は?", date(2026, 3, 12)),
    ("プーチン氏は13日、だれと会った?", date(2026, 3, 13)),
    ("17日の協議にはだれが出た?", date(2026, 3, 17)),
    ("31日に何があった?", date(2026, 1, 31)),   # the latest month that has a 31st
    ("25日の会談では?", date(2026, 2, 25)),      # the 25th of March is not covered yet
])
def test_a_day_number_alone_is_the_latest_such_day_covered(
        question: str, day: date, now: datetime) -> None:
    window = _window(question, now)
    assert window.day == day
    # The day's own words stay search terms: a report's "13日" may be another month's.
    assert window.searched and "日" in without_phrase(question, window)


@pytest.mark.parametrize("question", ["30日間の停戦は守られた?", "2日目の協議はどうなった?",
                                      "何日と何日に開かれたの?"])
def test_a_span_of_days_is_no_day(question: str) -> None:
    assert _window(question, NOWS[0]).start is None


def test_a_day_number_counts_back_from_the_asker_when_the_store_reaches_now() -> None:
    asked = datetime(2025, 3, 17, 0, tzinfo=UTC)
    window = parse_window("12日に何が報じられた?", now=asked, zone=TOKYO,
                          covered_until=asked)
    assert window.day == date(2025, 3, 12)
    assert latest_day_numbered(12, date(2025, 3, 11)) == date(2025, 2, 12)


@pytest.mark.parametrize("now", NOWS, ids=["week", "year", "two-years"])
@pytest.mark.parametrize(("question", "first"), [
    ("ウィトコフ特使がプーチン氏と会うのは、1月以降で何回目?", date(2026, 1, 1)),
    ("5月以来、捕虜交換は何回あった?", date(2025, 5, 1)),
    ("How many times has Witkoff met Putin since January?", date(2026, 1, 1)),
    ("What was agreed after 12 May?", date(2025, 5, 12)),
])
def test_since_a_time_is_a_window_without_an_end(
        question: str, first: date, now: datetime) -> None:
    window = _window(question, now)
    assert window.first_day == first and window.start is not None and window.end is None


def test_after_a_dated_event_is_that_events_day() -> None:
    window = _window("How many bodies are to be handed over after the June 2 talks?", NOWS[0])
    assert window.day == date(2025, 6, 2) and window.end is not None


@pytest.mark.parametrize("question", ["で、アメリカ国防総省はその前日に何を明らかにしてたの?",
                                      "決裂の翌日、ゼレンスキー氏はどこへ行った?",
                                      "会談前日のキーウ攻撃では何人が死亡した?"])
def test_the_day_before_an_event_is_not_the_day_before_now(question: str) -> None:
    assert _window(question, NOWS[0]).start is None


def test_yesterday_still_counts_back_from_now() -> None:
    assert _window("昨日の会談の結果は?", NOWS[0]).day == (NOWS[0] - timedelta(days=1)).astimezone(
        TOKYO).date()


# Two rounds of made-up port talks in one month, worded alike: the 5th's and the 12th's.
FIRST_ROUND = datetime(2025, 6, 5, 6, tzinfo=UTC)
SECOND_ROUND = datetime(2025, 6, 12, 6, tzinfo=UTC)
REPORTS = (
    report("round-5", "ja", "港湾通信", "マルサスカラで港湾協議、監視団の設置で合意",
           "ロシアとウクライナの代表団がマルサスカラで港湾の安全について協議し、"
           "穀物船の航行を守る監視団の設置で合意した。", FIRST_ROUND),
    report("round-12", "ja", "海事新報", "マルサスカラで再び港湾協議、機雷除去で一致",
           "ロシアとウクライナの代表団がマルサスカラで港湾の安全について再び協議し、"
           "機雷の除去を共同で進めることで合意した。", SECOND_ROUND),
    *other_talks(FIRST_ROUND),
)
QUESTION = "12日にマルサスカラで開かれた港湾協議で、ロシアとウクライナは何で合意した?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("bare-day"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_bare_day_picks_that_days_round(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    await quotes_first(store, shared_engine, QUESTION, "ja", SECOND_ROUND + after, "機雷",
                       "round-12")
