"""A question naming a country (デンマーク, "Denmark") is answered from a report that names
it only by a people or adjective no ending makes of its name ("the Danish prime minister",
``demonyms.IRREGULAR``). Without it, a Japanese question about the Danish prime minister was
refused ("event-names") while only an English report, writing "Danish", held the answer
(fresh f46-q06). A country no report names, by name or by its people, still refuses.

The reports are written for this test (our own words), served as RSS from 127.0.0.1 and
ingested by the bot's pipeline; the questions are asked as ``ceasefire-bot ask`` asks them,
a day, a week and a year after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import demonyms
from bot.answer.engine import Engine
from tests.answers.support import ask_store, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

INCURSION = datetime(2025, 9, 11, 9, tzinfo=UTC)
AFTER = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

REPORTS = (
    report("copenhagen", "en", "Harbor Wire",
           "Danish leader says drone incursion over Poland was deliberate",
           "The Danish prime minister said on Thursday that the Russian drones crossing into "
           "Poland were no accident and would not help the ceasefire talks between Russia "
           "and Ukraine.\n\nWarsaw said it had shot down several of the drones.", INCURSION),
    report("warsaw-ja", "ja", "東都通信", "ポーランド、ロシアの無人機を撃墜　停戦協議に影",
           "ポーランド軍は10日、領空に侵入したロシアの無人機を撃墜したと発表した。"
           "ウクライナとロシアの停戦協議への影響が懸念されている。",
           INCURSION - timedelta(hours=6)),
    *other_talks(INCURSION),
)
ANSWERED = {("デンマークの首相はポーランドへの無人機の侵入について何と言った？", "ja"):
                "copenhagen",
            ("What did Denmark's prime minister say about the drones over Poland?", "en"):
                "copenhagen"}
#: No report names Norway, by name or as "Norwegian".
REFUSED = ("ノルウェーの首相はポーランドへの無人機の侵入について何と言った？", "ja")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("irregular"))


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize(("asked", "guid"), list(ANSWERED.items()))
async def test_a_country_named_by_an_irregular_people_answers(
        store: Path, shared_engine: Engine, asked: tuple[str, str], guid: str,
        after: timedelta) -> None:
    question, lang = asked
    assert await first_cited(store, shared_engine, question, lang,  # type: ignore[arg-type]
                             INCURSION + after) == guid


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize("asked", list(ANSWERED))
async def test_without_the_irregular_forms_the_question_is_refused(
        store: Path, shared_engine: Engine, asked: tuple[str, str], after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demonyms, "IRREGULAR_PEOPLES", False)
    question, lang = asked
    answer = await ask_store(store, shared_engine, question, lang,  # type: ignore[arg-type]
                             INCURSION + after)
    assert not answer.answerable


@pytest.mark.parametrize("after", AFTER)
async def test_a_country_no_report_names_is_refused(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    question, lang = REFUSED
    answer = await ask_store(store, shared_engine, question, lang,  # type: ignore[arg-type]
                             INCURSION + after)
    assert not answer.answerable
