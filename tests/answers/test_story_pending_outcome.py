"""A question asking what came of an event it calls still to come ("What did the envoys
agree at their follow-up round …?", 次回の会合でどんな合意がまとまった) needs a found report
that tells an outcome of it as done, not only the plan to hold it
(``bot/answer/support.py``: ``pending-outcome``).

Reports of the first round tell what was discussed and that a follow-up round is due; a
report sharing the question's words was enough, and the question of a round nobody has
reported yet was answered from the first round's talks. (A report telling the first round's
own outcome as done, "agreed to open a hotline", still passes: the check reads tense, not
which round.)

Reports written for this test (our own words, invented envoys and talks), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at
a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 14, 9, tzinfo=UTC)

REPORTS = (
    report("tromso-en", "en", "Harbour Wire",
           "Envoys open a prisoner hotline after Tromso talks",
           "Russian and Ukrainian envoys meeting in Tromso on Tuesday discussed a hotline for "
           "prisoner exchanges, the Norwegian mediator said. The delegations are due to "
           "hold a follow-up round in Tromso next month, when a swap of the wounded will be on "
           "the table.", TALKS),
    report("tromso2-en", "en", "Meridian Daily",
           "Tromso talks yield a hotline for prisoner swaps",
           "The hotline for prisoner exchanges discussed at the Russia-Ukraine talks in "
           "Tromso would be staffed around the clock. A follow-up round of the Tromso talks is "
           "expected in November.", TALKS + timedelta(hours=3)),
    report("bodo-en", "en", "Harbour Wire",
           "Bodo follow-up round agrees a grain corridor",
           "At their follow-up round of talks in Bodo on Thursday, Russian and Ukrainian envoys "
           "agreed a grain corridor across the Black Sea, the Norwegian mediator said.",
           TALKS + timedelta(days=2)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("pending"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_follow_up_round_reported_as_held_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "What did the envoys agree at their follow-up round of talks "
                             "in Bodo?", "en", TALKS + timedelta(days=3) + after)
    answers_or_refuses(answer, "grain corridor", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_follow_up_round_only_planned_is_no_source(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "What did the envoys agree at their follow-up round of talks "
                             "in Tromso?", "en", TALKS + timedelta(days=3) + after)
    answers_or_refuses(answer, "", "pending-outcome")
