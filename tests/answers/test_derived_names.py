"""A people or adjective made from a name the store knows ("Emirati" from "Emirates",
"Hungarian" from "Hungary") is not an unknown name (issue 12): the question asks about a
place the coverage names, and is answered; a people of a place no report names still
refuses ("No source found").

The reports are written for this test (our own words), served as RSS from 127.0.0.1 and
ingested by the bot's pipeline; the questions are asked as ``ceasefire-bot ask`` asks them,
at several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import demonyms
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 20, 9, tzinfo=UTC)

REPORTS = (
    report("gulf", "en", "Harbor Wire", "Three-way talks open in Abu Dhabi",
           "Delegations of Russia, Ukraine and the US met in Abu Dhabi on Monday for talks "
           "on a ceasefire. The foreign minister of the United Arab Emirates welcomed the "
           "delegations at the palace.\n\nThe talks continue on Tuesday.", TALKS),
    report("danube", "en", "Meridian Daily", "Hungary offers Budapest for a summit",
           "Hungary's prime minister offered to hold a summit of Putin and Trump in "
           "Budapest, saying his country was ready to host peace talks.\n\n"
           "The Kremlin said no date had been set.", TALKS + timedelta(days=2)),
    *other_talks(TALKS),
)
ANSWERED = {"Which Emirati official welcomed the delegations in Abu Dhabi?": "gulf",
            "Where did the Hungarian prime minister offer to hold a summit?": "danube"}
#: No report names Norway: a Norwegian official is not in the coverage.
REFUSED = "Which Norwegian official welcomed the delegations in Abu Dhabi?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("derived"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "guid"), list(ANSWERED.items()))
async def test_a_people_of_a_covered_place_is_answered(
        store: Path, shared_engine: Engine, question: str, guid: str,
        after: timedelta) -> None:
    assert await first_cited(store, shared_engine, question, "en", TALKS + after) == guid


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_people_of_a_place_no_report_names_is_refused(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, REFUSED, "en", TALKS + after)
    assert not answer.answerable
    assert answer.refusal == "unknown-name"


@pytest.mark.parametrize(("token", "found"), [
    ("emirati", ["emir"]), ("hungarian", ["hungari"]), ("turkish", ["turkey"]),
    ("japanes", ["japan"]), ("qatari", ["qatar"]),
    ("norwegian", []),          # no stored name it comes from
    ("abc", []),                # too short to be a place's name
])
def test_the_stored_names_a_people_comes_from(token: str, found: list[str]) -> None:
    vocab = sorted(["emir", "hungari", "turkey", "japan", "qatar", "talk", "ab"])
    assert demonyms.bases(token, vocab) == found
