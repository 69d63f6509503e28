"""A time after now is no reason to refuse (``bot/answer/extractive.py``: ``FUTURE_ASKED``):
reports written before now say what was planned for it. "ケロッグっていつ辞めるんだっけ？
来月とか？" was refused as outside the store's coverage though the reports had said when he
would leave; the checks that a report gives the plan or the outcome asked
(``plan-not-given``, ``pending-outcome``) still refuse what no report says
(``tests/answers/test_gate_removed.py``).

Reports written for this test (our own words, an invented envoy), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

NEWS = datetime(2025, 11, 19, 9, tzinfo=UTC)

REPORTS = (
    report("leave-ja", "ja", "北洋新聞", "ハルボルセン特使、1月に退任へ",
           "ウクライナとロシアの停戦協議で仲介役を務めてきたハルボルセン特使は、1月に退任する"
           "見通しだと関係者が明らかにした。後任はまだ決まっていない。", NEWS),
    report("leave-en", "en", "Harbour Wire", "Mediator Halvorsen to leave in January",
           "Halvorsen, who has mediated the ceasefire talks between Russia and Ukraine, plans "
           "to leave his post in January, people familiar with the matter said.",
           NEWS + timedelta(hours=2)),
)
ASKED = "ハルボルセン特使っていつ辞めるんだっけ？来月とか？"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(NEWS), *REPORTS), tmp_path_factory.mktemp("to-come"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_time_to_come_is_asked_of_what_was_planned(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, ASKED, "ja", NEWS + after)
    answers_or_refuses(answer, "1月", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_switch_a_time_to_come_is_outside_coverage(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractive, "FUTURE_ASKED", False)
    answer = await ask_store(store, shared_engine, ASKED, "ja", NEWS + after)
    answers_or_refuses(answer, "", "outside-coverage")
