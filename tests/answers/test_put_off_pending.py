"""A question about an event it calls put off ("When will the postponed Tromso round
finally take place?") is answered only by a report telling when, where or who in the
sentence telling the putting off ("postponed and will now be held on April 9")
(``bot/answer/support.py``: ``PUT_OFF_PENDING``, refusal ``put-off-pending``).

The plan written before the putting off ("will meet in Tromso on March 3") used to answer
it (issue 12, point 5: a future event the reports only announce). A question asking that
plan as it stood ("When was the postponed round scheduled to take place?", 予定だった) is
answered from it (``PUT_OFF_PLAN_ASKED``). The check reads the reports' own dates and
words, so the answer is the same at every clock.

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
    report("tromso-plan-en", "en", "Harbour Wire",
           "Second Tromso round of Russia-Ukraine talks set for March 3",
           "Russian and Ukrainian delegations will meet for a second round of ceasefire talks "
           "in Tromso on March 3, the Norwegian mediator Halvorsen said on Tuesday. Envoy "
           "Petrenko is to lead the Ukrainian side at the Tromso round.", TALKS),
    report("tromso-off-en", "en", "Meridian Daily",
           "Tromso round of ceasefire talks postponed",
           "The second Tromso round of Russia-Ukraine ceasefire talks has been postponed, "
           "Halvorsen said on Wednesday. He gave no reason and named no new date for the "
           "Tromso round.", TALKS + timedelta(days=1)),
    report("tromso-plan-ja", "ja", "港湾ニュース",
           "ロシアとウクライナの停戦協議、第2回トロムソ会合は3月3日に",
           "ロシアとウクライナの代表団は3月3日、ノルウェーのトロムソで停戦協議の第2回会合を開く。"
           "仲介役のハルボルセン氏が火曜日に明らかにした。", TALKS + timedelta(hours=2)),
    report("narvik-off-en", "en", "Harbour Wire",
           "Narvik talks on prisoner swaps postponed to April 9",
           "The Narvik talks on prisoner swaps between Russia and Ukraine were postponed and "
           "will now be held on April 9, the mediator Halvorsen said on Thursday, after both "
           "delegations asked for more time.", TALKS + timedelta(days=2)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("putoff"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_new_date_told_with_the_putting_off_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "When will the postponed Narvik talks on prisoner swaps take place?",
                             "en", TALKS + timedelta(days=3) + after)
    answers_or_refuses(answer, "April 9", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_plan_before_the_putting_off_is_no_answer(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "When will the postponed Tromso round finally take place?",
                             "en", TALKS + timedelta(days=3) + after)
    answers_or_refuses(answer, "", "put-off-pending")


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_plan_asked_as_it_stood_before_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Asking when the round *was to* take place asks the old plan, which the reports tell
    (``PUT_OFF_PLAN_ASKED``; off, these are refused as put-off-pending)."""
    asked = TALKS + timedelta(days=3) + after
    answer = await ask_store(store, shared_engine,
                             "When was the postponed Tromso round scheduled to take place?",
                             "en", asked)
    answers_or_refuses(answer, "March 3", "")
    answer = await ask_store(store, shared_engine,
                             "延期された第2回トロムソ会合は、いつ開かれる予定だったの？", "ja",
                             asked)
    answers_or_refuses(answer, "3月3日", "")
