"""A question about the past that two developments answer in the same words ("How long
did the presidents' phone call last?", asked of two calls months apart) is answered from the
earlier one's report (issue 12): the later report recalls the earlier call in the
question's words, the earlier report cannot recall the later call.

The reports are written for this test (our own words, invented events),
served as RSS from 127.0.0.1 and ingested by the bot's pipeline; the question is asked as
``ceasefire-bot ask`` asks it, at several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from bot.answer.support import asks_past
from bot.model import Lang
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

FIRST = datetime(2025, 1, 14, 15, tzinfo=UTC)
LATER = FIRST + timedelta(days=180)

REPORTS = (
    report("first", "en", "Harbor Wire", "US and Russian presidents speak by phone on Ukraine",
           "The US and Russian presidents spoke by phone on Tuesday about a ceasefire in "
           "Ukraine. The call lasted about ninety minutes, the Kremlin said.\n\n"
           "They agreed to keep talking.", FIRST),
    report("first-ja", "ja", "Kyokai Shimbun", "米ロ首脳が電話会談、ウクライナ停戦を協議",
           "米国とロシアの大統領は14日、ウクライナの停戦について電話で会談した。"
           "電話会談は約1時間半に及んだ。\n\n両首脳は対話を続けることで一致した。", FIRST),
    *other_talks(FIRST),
    report("later", "en", "Meridian Daily", "US and Russian presidents hold a new phone call",
           "The US and Russian presidents spoke by phone again on Thursday about Ukraine; the "
           "call lasted more than two hours. Their phone call in January lasted ninety "
           "minutes.\n\nNo ceasefire in Ukraine was agreed.", LATER),
    report("later-ja", "ja", "Nami Shimpo", "米ロ首脳、再び電話会談 ウクライナ停戦で合意せず",
           "米国とロシアの大統領は13日、再び電話で会談した。電話会談は2時間を超えた。"
           "1月の米ロ首脳の電話会談は約1時間半だった。\n\nウクライナの停戦では合意しなかった。",
           LATER),
)
QUESTIONS: dict[Lang, tuple[str, str]] = {
    "en": ("How long did the US and Russian presidents' phone call last?", "first"),
    "ja": ("米ロ首脳の電話会談は何時間だった?", "first-ja")}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("earlier"))


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("after", CLOCKS)
async def test_the_earlier_development_answers(store: Path, shared_engine: Engine,
                                               lang: Lang, after: timedelta) -> None:
    assert await first_cited(store, shared_engine, QUESTIONS[lang][0], lang,
                              LATER + after) == QUESTIONS[lang][1]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_counting_every_report_alike_the_later_would_lead(
        store: Path, shared_engine: Engine, lang: Lang,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above is not won by the reports' words: with later reports counted as
    much as earlier ones, the later call's report, which recalls the first, leads."""
    monkeypatch.setattr(extractive, "LATER", 0.0)
    first = await first_cited(store, shared_engine, QUESTIONS[lang][0], lang,
                              LATER + timedelta(days=7))
    assert first != QUESTIONS[lang][1]



@pytest.mark.parametrize(("question", "past"), [
    ("How long did the presidents' phone call last?", True),
    ("米ロ首脳の電話会談は何時間だった?", True),
    # What is yet to happen is not read from the earlier report first.
    ("When will the presidents speak again?", False),
    ("次の電話会談はいつの予定?", False),
])
def test_which_questions_ask_about_the_past(question: str, past: bool) -> None:
    assert asks_past(question) is past
