"""A development's reports in both languages form one story even when the English reports
name its people and firms further into the text than the Japanese do: English needs about
twice the characters to say as much, so its lead, where names are looked for, is measured
longer (``bot.news.stories.LATIN_SPAN``). Before, an English report that named the firms
after a paragraph on the cancelled meeting shared too little with the Japanese reports
naming them in the headline, and the development became two stories, one per language.

Reports written for this test (our own words; the firms are invented and in no glossary),
served as RSS from 127.0.0.1 and ingested by the bot's pipeline; asked as
``ceasefire-bot ask`` asks, at a week, a year and two years after the reports.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

CALLED_OFF = datetime(2025, 11, 12, 21, tzinfo=UTC)

REPORTS = (
    report("ja-firms", "ja", "Kyokai Shimbun",
           "米、ケストロバとドゥブリンスクに制裁　首脳会談は見送り",
           "米政府は12日、ロシアの化学大手ケストロバと海運大手ドゥブリンスクを制裁の対象に"
           "加えたと発表した。両社の米国内の資産は凍結される。トランプ大統領は、プーチン大統領"
           "との首脳会談を当面見送ると述べた。",
           CALLED_OFF + timedelta(hours=1)),
    report("en-meeting", "en", "Harbor Wire",
           "Trump shelves meeting with Putin and turns to penalties",
           "President Donald Trump said on Wednesday that he had shelved a planned meeting "
           "with Vladimir Putin, telling reporters that he did not want to hold talks that "
           "would not lead anywhere. Aides had been preparing the meeting for weeks, and "
           "officials on both sides had spoken of it as the best chance this autumn to move "
           "towards an end to the fighting. The decision surprised diplomats who had expected "
           "a date to be announced before the end of the month. Hours later the Treasury "
           "announced penalties on the chemicals maker Kestrova and the shipping group "
           "Dubrinsk, freezing any assets the two firms hold in the United States and barring "
           "American companies from dealing with them.",
           CALLED_OFF + timedelta(hours=2)),
    report("ja-firms-2", "ja", "Nami Shimpo",
           "ケストロバ・ドゥブリンスク制裁、ロシアは反発",
           "ロシア外務省は14日、米国によるケストロバとドゥブリンスクへの制裁について、"
           "圧力をかける試みだと反発した。ウクライナでの停戦に向けた協議への影響も懸念される。",
           CALLED_OFF + timedelta(hours=40)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = other_talks(CALLED_OFF) + REPORTS
    return made_up_store(reports, tmp_path_factory.mktemp("story-languages"))


def story_of(store: Path, guid: str) -> int:
    with sqlite3.connect(store) as db:
        row = db.execute("SELECT story_id FROM articles WHERE guid = ?", (guid,)).fetchone()
    assert row is not None and row[0] is not None
    return int(row[0])


def test_both_languages_of_the_development_are_one_story(store: Path) -> None:
    assert story_of(store, "en-meeting") == story_of(store, "ja-firms") == story_of(
        store, "ja-firms-2")


def test_other_talks_stay_apart(store: Path) -> None:
    ours = story_of(store, "ja-firms")
    assert all(story_of(store, f"other-{n}") != ours for n in range(4))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_answer_from_the_japanese_report_brings_the_english_one(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Russia's reply is only in the Japanese report of two days later, which leads; the
    English report of the development is quoted beside it only when both are one story
    (the fallback for a story split by language, ``ACROSS_STORIES``, reaches one day)."""
    answer = await ask_store(store, shared_engine,
                             "What did Russia's foreign ministry say about the sanctions "
                             "on Kestrova and Dubrinsk?", "en", CALLED_OFF + after)
    assert answer.answerable, answer.text
    cited = [c.url.rsplit("/", 1)[-1] for c in sorted(answer.citations, key=lambda c: c.n)]
    assert cited[:2] == ["ja-firms-2", "en-meeting"] and "圧力" in answer.text, answer.text
