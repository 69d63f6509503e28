"""An aide's resignation, reported in English with possessives ("Sydenko's") and leaders'
given names ("Volodymyr Zelensky"), in Japanese as シデンコ, is one story
(``bot/news/stories.py``: ``name_keys``; ``MIN_SCORE``).

"Sydenko's" used to be keyed apart from "Sydenko", so the English reports shared no name;
every English report shared "Volodymyr" and "Vladimir" with every other report naming the
leaders (a development that had none of this one's names could win on them); and a
title-case headline gave each capitalised word ("Talks", "After") as a name.

Reports written for this test (our own words, an invented resignation), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks,
at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import (
    CLOCKS,
    answers_or_refuses,
    ask_store,
    assert_one_story_of_its_own,
    made_up_store,
    other_talks,
)
from tests.answers.support import made_up_report as report

FIRST = datetime(2025, 9, 8, 9, tzinfo=UTC)

REPORTS = (
    report("quit-en", "en", "Harbour Wire",
           "Zelensky's Chief Of Staff Sydenko Steps Down After Raid",
           "Ostap Sydenko, head of Volodymyr Zelensky's office and his chief negotiator, "
           "resigned on Monday hours after anti-corruption officers searched his flat in "
           "Kyiv.", FIRST),
    report("quit2-en", "en", "Meridian Daily",
           "Sydenko's exit leaves Kyiv's negotiating team without a head",
           "Sydenko's resignation on Monday came as Volodymyr Zelensky prepared for talks "
           "with envoys of Donald Trump; officers of the anti-corruption bureau had "
           "searched Sydenko's home that morning.", FIRST + timedelta(hours=7)),
    report("quit-ja", "ja", "朝夕新聞",
           "ゼレンスキー氏側近のシデンコ長官が辞任　捜索の数時間後",
           "ウクライナのゼレンスキー大統領の側近で和平交渉を率いてきたシデンコ大統領府長官が"
           "8日、辞任した。汚職対策当局は同日朝、キーウの自宅を約6時間にわたり捜索していた。",
           FIRST + timedelta(hours=12)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(FIRST), *REPORTS), tmp_path_factory.mktemp("names"))


def test_the_resignation_is_one_story_in_both_languages(store: Path) -> None:
    assert_one_story_of_its_own(store, REPORTS)


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_japanese_question_on_the_resignation_is_answered_from_the_story(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, "シデンコ長官の自宅の捜索は何時間続いた?",
                             "ja", FIRST + timedelta(days=1) + after)
    answers_or_refuses(answer, "6時間", "")
