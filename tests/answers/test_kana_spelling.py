"""A word a report spells in kana matches the question's kanji (issue 12, the wrong
development first): one outlet writes ねらう where the question (or the glossary's
translation of an English question's "trying") has 狙う. Without the kana spelling, the
report that says what was asked matches one word fewer than a report of another event that
only shares the question's names, and that report leads the answer.

The reports are written for this test (our own words, an invented visit and call), served as
RSS from 127.0.0.1 and ingested by the bot's pipeline; each question is asked as
``ceasefire-bot ask`` asks it, at several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import engine as engine_module
from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

CALL = datetime(2025, 4, 8, 9, tzinfo=UTC)
VISIT = CALL - timedelta(days=12)

REPORTS = (
    # The call asked about: its one report says it with ねらう, in kana.
    report("call-ja", "ja", "Kyokai Shimbun", "米ロ首脳が電話会談、港湾施設への攻撃停止で一致",
           "米ロの首脳が8日、電話で会談し、港湾施設への攻撃を20日間止めることで一致した。\n\n"
           "ゼレンスキー大統領は会談の結果を支持すると表明した。一方で、ロシアは相変わらず"
           "ウクライナの弱体化をねらっていると批判した。\n\n"
           "全面的な停戦は実現しなかった。", CALL),
    # An earlier visit: the question's names and its verb of criticism, not what was asked.
    report("visit-ja", "ja", "Nami Shimpo", "ゼレンスキー氏、訪問先でロシアを批判",
           "ウクライナのゼレンスキー大統領は北欧の訪問先で記者会見し、停戦に応じないロシアを"
           "批判した。\n\n"
           "ゼレンスキー氏は、東部の都市への夜間の攻撃を挙げ、ロシアの攻撃を強く批判した。"
           "各国の首脳は防空の支援を続けると約束した。", VISIT),
    *other_talks(VISIT),
)
QUESTIONS: dict[Lang, str] = {
    "ja": "ゼレンスキー氏はロシアが何を狙っていると批判した?",
    "en": "What did Zelensky criticise Russia for trying to do?"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("kana"))


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("after", CLOCKS)
async def test_the_report_spelling_the_word_in_kana_answers(
        store: Path, shared_engine: Engine, lang: Lang, after: timedelta) -> None:
    assert await first_cited(store, shared_engine, QUESTIONS[lang], lang,
                             CALL + after) == "call-ja"


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_without_the_kana_spelling_the_other_report_would_lead(
        store: Path, shared_engine: Engine, lang: Lang,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first test is not won by the reports' other words: with no kana spelling, the
    report of the earlier visit leads."""
    monkeypatch.setattr(engine_module, "kana_spelling", lambda _word: None)
    assert await first_cited(store, shared_engine, QUESTIONS[lang], lang,
                             CALL + timedelta(days=7)) != "call-ja"
