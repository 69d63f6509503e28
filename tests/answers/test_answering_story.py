"""When no sentence of the leading report gives the length, hour or figure asked, a cited
report of another story whose sentence gives it leads (``ANSWER_ACROSS``, issue 12).

"How long did Morton's talks with Putin in the Kremlin last?" matches best the report of
the envoy's second trip, which names the Kremlin, Morton, Putin and the talks in every
sentence but gives no length; the report of his first trip, weeks earlier and a story of
its own, says the talks lasted five hours. The answer now cites that report as [1]. (A
later report than the lead is not moved up so for a question about the past: it may give
the earlier event's figure as it recalls it, ``test_earlier_development.py``.)

Reports written for this test (our own words, an invented envoy), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
day, a week and a year after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from tests.answers.support import first_cited, made_up_store, other_talks, story_of
from tests.answers.support import made_up_report as report

FIRST_TRIP = datetime(2025, 9, 3, 12, tzinfo=UTC)
SECOND_TRIP = FIRST_TRIP + timedelta(days=45)
CLOCKS = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

REPORTS = (
    report("second-trip", "en", "Harbor Wire",
           "Morton in the Kremlin for talks with Putin",
           "US envoy Dale Morton held talks with Putin in the Kremlin on Wednesday. Morton's "
           "talks with Putin in the Kremlin covered a ceasefire. The Kremlin said Putin and "
           "Morton would talk again.\n\nMorton flew on to Riyadh.",
           SECOND_TRIP),
    report("first-trip", "en", "Steppe Wire", "Putin receives envoy Morton",
           "Putin received US envoy Dale Morton on Friday. Morton's talks with Putin lasted "
           "five hours, an aide said.\n\nNo date was set for another meeting.",
           FIRST_TRIP),
    *other_talks(FIRST_TRIP),
)
QUESTION = "How long did Morton's talks with Putin in the Kremlin last?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("answering-story"))


def test_the_trips_are_two_stories(store: Path) -> None:
    stories = story_of(store)
    assert stories["first-trip"] != stories["second-trip"]


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_report_giving_the_length_leads(store: Path, shared_engine: Engine,
                                                  after: timedelta) -> None:
    assert await first_cited(store, shared_engine, QUESTION, "en",
                             SECOND_TRIP + after) == "first-trip"


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_rule_the_best_match_leads(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above is not won by the ranking: with the rule off, the second trip's
    report, matching more of the question's words, leads."""
    monkeypatch.setattr(extractive, "ANSWER_ACROSS", None)
    assert await first_cited(store, shared_engine, QUESTION, "en",
                             SECOND_TRIP + after) == "second-trip"


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_place_asked_keeps_the_rankings_lead(store: Path, shared_engine: Engine,
                                                     after: timedelta) -> None:
    # A place is no length or figure: the ranking's choice stands (the second trip's report
    # says where he flew on to).
    assert await first_cited(store, shared_engine,
                             "Where did Morton fly after his talks with Putin in the Kremlin?",
                             "en", SECOND_TRIP + after) == "second-trip"
