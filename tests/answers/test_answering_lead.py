"""The report whose sentence says what was asked leads the answer, whatever its language
(``ANSWER_LEAD``, docs/quality.md, stop 35).

"How did the Kremlin describe ..." was answered with an English report first that names
the Kremlin, the envoy, Putin and Moscow across its sentences (the ranking's best match)
while only the Japanese report of the same talks has the Kremlin describing them. The
answer now cites that report as [1]: its sentence holds the speaker asked about and more
of the question than any sentence of the English one.

Reports written for this test (our own words, an invented envoy), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

MEET = datetime(2025, 11, 5, 12, tzinfo=UTC)

REPORTS = (
    report("morton-en", "en", "Steppe Wire",
           "Kremlin on Putin's talks with envoy Morton in Moscow",
           "US envoy Dale Morton was in Moscow on Wednesday. Putin received the envoy late in "
           "the day. The Kremlin said it would comment later. Morton's talks with Putin in "
           "Moscow were his second this year.",
           MEET),
    report("morton-ja", "ja", "Kyokai Shimbun", "モートン特使がモスクワ入り",
           "米国のモートン特使は5日、モスクワ入りした。ロシア大統領府は、モスクワでのモートン"
           "特使とプーチン大統領の会談について「有益で建設的だった」と説明した。",
           MEET + timedelta(hours=3)),
    *other_talks(MEET),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("answering-lead"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_other_languages_report_with_the_speaker_leads(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    await quotes_first(store, shared_engine,
                       "How did the Kremlin describe Putin's talks with envoy Morton in Moscow?",
                       "en", MEET + after, "建設的", "morton-ja")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_question_asking_no_speaker_or_kind_keeps_the_rankings_lead(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    # Nothing is asked of a speaker or a kind of answer: the ranking's choice stands.
    await quotes_first(store, shared_engine, "Putin's talks with envoy Morton in Moscow",
                       "en", MEET + after, "Morton", "morton-en")
