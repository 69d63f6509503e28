"""A year named on its own ("in 2019") is a time the question asks about (issue 12: an
explicit year is honoured): a question about a year before the first stored report is
refused as outside the coverage ("No source found") instead of being answered from
later reports that share its names; the year of the reports is answered from them. A
Japanese year is read the same way (stop 47): "2019年に" is the question's time, "2014年の国境"
(the 2014 borders) names a thing and "2015年から" starts a span up to now.

The reports are written for this test (our own words, an invented venue), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; the questions are asked as
``ceasefire-bot ask`` asks them, at several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answer.engine import Engine
from bot.answer.when import parse_window
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 6, 12, 15, tzinfo=UTC)

REPORTS = (
    report("valletta", "en", "Harbor Wire", "Russia and Ukraine agree a port truce in Valletta",
           "Envoys of Russia and Ukraine agreed in Valletta on Thursday to stop striking "
           "each other's ports for 30 days, a first step towards a wider ceasefire.",
           TALKS),
    *other_talks(TALKS),
)
BEFORE = "What did Russia and Ukraine agree in Valletta in 2019?"
SAME_YEAR = "What did Russia and Ukraine agree in Valletta in 2025?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("year"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_year_before_the_coverage_is_refused(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    refusal = await refusal_of(store, shared_engine, BEFORE, "en", TALKS + after)
    assert refusal == "outside-coverage"


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_reports_year_is_answered_from_them(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    assert await first_cited(store, shared_engine, SAME_YEAR, "en", TALKS + after) == "valletta"


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "year"), [
    ("What happened in 2024?", 2024), ("What was agreed during 2025?", 2025),
    ("Who won the 2018 world cup?", None),      # a year naming a thing, not a time
    ("How many of the 1,000 prisoners were freed?", None),
    # "the last decade" is a span up to now, not the year ten years back.
    ("How many times have Modi and Putin met over the last decade?", None),
    # Japanese: a year before の names a thing (the 2014 borders), as "the 2018 world cup".
    ("2019年にロシアとウクライナは何で合意した?", 2019),
    ("2014年の国境に戻ることについて何と言った?", None),
])
def test_a_year_after_in_or_during_is_read_as_that_year(
        question: str, year: int | None, after: timedelta) -> None:
    window = parse_window(question, now=TALKS + after, zone=ZoneInfo("Asia/Tokyo"))
    if year is None:
        assert window.start is None
    else:
        assert window.start is not None and window.end is not None
        assert (window.start + timedelta(days=1)).year == year
        assert (window.end - timedelta(days=2)).year == year


@pytest.mark.parametrize("after", CLOCKS)
def test_a_japanese_year_followed_by_kara_starts_a_span_up_to_now(after: timedelta) -> None:
    """"2015年から続けている枠組み" (a programme run since 2015) asks about now as well: a
    span from 2015, not the year 2015 alone, so it is not outside the coverage."""
    window = parse_window("2015年から続けている枠組みは何という名前?", now=TALKS + after,
                          zone=ZoneInfo("Asia/Tokyo"))
    assert window.start is not None and (window.start + timedelta(days=1)).year == 2015
    assert window.end is None


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_japanese_year_before_the_coverage_is_refused(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    refusal = await refusal_of(store, shared_engine,
                               "2019年にロシアとウクライナはバレッタで何で合意した?", "ja",
                               TALKS + after)
    assert refusal == "outside-coverage"
