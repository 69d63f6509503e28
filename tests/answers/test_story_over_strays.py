"""A cited report of a neighbouring development gives way to the leading report's own
story's report whose sentence holds what is asked (``STRAY_MARGIN``, docs/quality.md, stop 35).

"How many times was the ceasefire around Zorivka violated?" was answered with the
report on Monday's three violations first, then a report of the earlier talks on that
ceasefire (another story: it names the ceasefire, Zorivka and violations in the past
tense, but no figure), while the monitors' report of the same story, the one giving the
count, was not cited. The answer now cites and quotes it in the neighbouring report's
place: answers do not grow by a report.

Reports written for this test (our own words, an invented place), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.answer.extractive as extractive
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

BROKEN = datetime(2025, 9, 16, 9, tzinfo=UTC)
COUNT = "1,240"

REPORTS = (
    report("zorivka-broken", "en", "Steppe Wire",
           "Ukraine ceasefire around Zorivka violated, Russia and Kyiv say",
           "The local ceasefire between Russia and Ukraine around Zorivka was violated again "
           "three times on Monday, both sides said. Each side blamed the other for shelling "
           "near Zorivka during the ceasefire. Farmers in the Zorivka district stopped work.",
           BROKEN),
    report("zorivka-count", "en", "Field Monitor",
           "Monitors publish figures on the Russia-Ukraine ceasefire",
           "The monitoring mission on the Russia-Ukraine front published its figures on "
           f"Tuesday. Its staff recorded {COUNT} violations near Zorivka since the ceasefire "
           "began. The mission asked for more observers.",
           BROKEN + timedelta(hours=20)),
    report("zorivka-talks", "en", "Danube Post",
           "Russia and Ukraine open talks on a Zorivka ceasefire in Vienna",
           "Russian and Ukrainian delegations opened talks on a local ceasefire around "
           "Zorivka in Vienna. Earlier ceasefires there were violated many times, officials "
           "said. Both delegations want a deal before winter.",
           BROKEN - timedelta(days=40)),
    *other_talks(BROKEN - timedelta(days=45)),
)
QUESTION = "How many times was the ceasefire around Zorivka violated?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("story-over-strays"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_storys_report_with_the_count_is_cited(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, QUESTION, "en", BROKEN + after)
    assert answer.answerable and COUNT in answer.text, answer.text


async def test_without_the_rule_the_neighbouring_report_stays(
        store: Path, shared_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # The case the rule is for: the ranking's own choice cites the other story's report.
    monkeypatch.setattr(extractive, "STRAY_MARGIN", None)
    answer = await ask_store(store, shared_engine, QUESTION, "en", BROKEN + CLOCKS[0])
    assert answer.answerable and COUNT not in answer.text, answer.text
