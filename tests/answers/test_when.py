"""Time words in questions land on the same days whatever the clock says (issue 12).

A date without a year is the latest such date the store covers; an explicit year is kept;
relative times count back from the asker's now. Each case runs with the clock a week, a year
and two years after the reports.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answer.when import parse_window

TOKYO = ZoneInfo("Asia/Tokyo")
#: The newest stored report.
COVERED = datetime(2026, 1, 24, 9, tzinfo=UTC)
NOWS = [COVERED + timedelta(days=7), COVERED + timedelta(days=365),
        COVERED + timedelta(days=730)]

# question -> (first day, last day) of the window without its slack
ABSOLUTE = {
    "What was agreed on February 18, 2025?": (date(2025, 2, 18), date(2025, 2, 18)),
    "What did they agree in Istanbul in May 2025?": (date(2025, 5, 1), date(2025, 5, 31)),
    "What happened on 16 May?": (date(2025, 5, 16), date(2025, 5, 16)),
    "5月16日の協議の結果は?": (date(2025, 5, 16), date(2025, 5, 16)),
    "2025年3月11日のジッダ協議では?": (date(2025, 3, 11), date(2025, 3, 11)),
    "What happened in mid-March?": (date(2025, 3, 11), date(2025, 3, 20)),
    "3月中旬の協議で何があった?": (date(2025, 3, 11), date(2025, 3, 20)),
    "What was agreed in May 2025?": (date(2025, 5, 1), date(2025, 5, 31)),
    "12月の協議では何が決まった?": (date(2025, 12, 1), date(2025, 12, 31)),
    "What happened in January?": (date(2026, 1, 1), date(2026, 1, 31)),
}


def _days(question: str, now: datetime) -> tuple[date, date] | None:
    window = parse_window(question, now=now, zone=TOKYO, covered_until=COVERED)
    if window.start is None or window.end is None:
        return None
    # Undo the slack: 12 hours before, 36 hours after.
    first = (window.start + timedelta(hours=12)).astimezone(TOKYO).date()
    last = (window.end - timedelta(hours=36)).astimezone(TOKYO).date() - timedelta(days=1)
    return first, last


@pytest.mark.parametrize("now", NOWS, ids=["week", "year", "two-years"])
@pytest.mark.parametrize("question", list(ABSOLUTE))
def test_a_date_lands_on_the_same_days_at_any_clock(question: str, now: datetime) -> None:
    assert _days(question, now) == ABSOLUTE[question]


@pytest.mark.parametrize("asked", [datetime(2025, 5, 19, 10, tzinfo=TOKYO),
                                   datetime(2026, 3, 4, 22, tzinfo=TOKYO)])
def test_relative_times_count_back_from_the_asker(asked: datetime) -> None:
    today = asked.date()
    last_friday = today - timedelta(days=today.weekday() + 7) + timedelta(days=4)
    month_ago = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert _days("先週の金曜日に何があった?", asked) == (last_friday, last_friday)
    assert _days("What did Putin say last Friday?", asked) == (last_friday, last_friday)
    assert _days("昨日の会談の結果は", asked) == (today - timedelta(days=1),) * 2
    assert _days("What was agreed yesterday?", asked) == (today - timedelta(days=1),) * 2
    first, last = _days("先月の協議で何が決まった?", asked) or (None, None)
    assert first == month_ago and last is not None and last.month == month_ago.month
    assert _days("What happened last month?", asked) == (first, last)


@pytest.mark.parametrize("question", ["What may happen next?", "Who led the Russian side?",
                                      "What was the 30-day ceasefire?",
                                      "1,000人の捕虜交換は実現した?",
                                      "How many prisoners, 1,000 each?"])
def test_words_that_are_not_dates_name_no_time(question: str) -> None:
    window = parse_window(question, now=NOWS[0], zone=TOKYO, covered_until=COVERED)
    assert window.start is None and not window.latest


def test_latest_is_still_understood() -> None:
    assert parse_window("最新の状況は?", now=NOWS[0], zone=TOKYO).latest


#: A fresh interpreter: what the date parsers have loaded before and after ``warm_up``.
WARM_UP_CHECK = """
import sys
from bot.answer.when import warm_up
loaded = lambda: [m in sys.modules for m in ("dateparser.search", "ja_timex")]
before = loaded()
warm_up()
print(before, loaded())
"""


def test_warm_up_loads_both_date_parsers_before_any_question() -> None:
    """`ceasefire-bot run` warms the parsers at start-up (their first calls took about a
    second); importing the module alone loads neither, so the check can tell."""
    done = subprocess.run([sys.executable, "-c", WARM_UP_CHECK], capture_output=True,
                          text=True, timeout=120, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.split("]")[0] + "]" == "[False, False]"
    assert done.stdout.strip().endswith("[True, True]"), done.stdout
