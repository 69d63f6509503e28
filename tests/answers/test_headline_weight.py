"""A report whose headline names the question's names leads one that says what was asked
further down only by so much (``bot/answer/extractive.py``: ``HEADLINE_WEIGHT``).

On the spent fresh batches a year of coverage holds many reports whose headline happens to
name a question's names: asked in which broadcaster's interview Zelensky turned down Putin's
invitation to Moscow (f34-q04, in Japanese), the bot cited first a report of another
development, four months earlier, whose headline and lead named the question's names, not
the one saying it below its lead. The report about an event still leads one recalling it in passing
(``test_lead_names_event.py``).

Reports written for this test (our own words, an invented prime minister and port), served
as RSS from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask``
asks, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

FIRST = datetime(2025, 5, 6, 9, tzinfo=UTC)
LATER = FIRST + timedelta(days=20)
QUESTION = "What did Stenlund say about the strike on Vardeport?"

REPORTS = (
    # Weeks earlier: the prime minister's visit, his name and the port in its headline.
    report("visit-en", "en", "Nordic Desk", "Stenlund visits Vardeport for ceasefire talks",
           "Prime Minister Stenlund arrived on Tuesday for talks on a ceasefire with Ukrainian "
           "and Russian envoys in the port. Stenlund said the next round would be held there. "
           "The envoys discussed grain shipments and a prisoner exchange.", FIRST),
    # The strike: named by its port below the lead, with what Stenlund said of it.
    report("strike-en", "en", "Harbour Wire", "Overnight missile attack damages grain piers",
           "A Russian missile attack overnight damaged grain piers and set a warehouse on "
           "fire. Two workers were hurt. Firefighters worked until dawn. Shipping was halted "
           "for the day. The strike on Vardeport came a day after new ceasefire talks were "
           "announced. Stenlund said the strike on Vardeport was an attack on the talks "
           "themselves and called for the envoys to meet in Vardeport again.", LATER),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(FIRST), *REPORTS), tmp_path_factory.mktemp("headline"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("weight", "first"), [(extractive.HEADLINE_WEIGHT, "strike-en"),
                                               (1.0, "visit-en")],
                         ids=["kept", "stop-51"])
async def test_the_report_saying_it_below_its_lead_answers(
        store: Path, shared_engine: Engine, after: timedelta, weight: float, first: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the headline counting double (stop 51's weight), the visit leads the answer."""
    monkeypatch.setattr(extractive, "HEADLINE_WEIGHT", weight)
    assert await first_cited(store, shared_engine, QUESTION, "en", LATER + after) == first
