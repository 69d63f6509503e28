"""A question that asks a detail in everyday words finds the report in the other language
that gives it (issue 12: cross-language questions answered from a report of the question's
own language that lacks the detail, or from another development's).

The glossary translated the talks' names and terms, not plain words: 公園 (park), 歩く
(walk), 一緒 (together) had no English, so an English report saying where the envoys walked
matched only the question's names and terms, no more than a Japanese report of the same
round that never mentions the walk, and less than a Japanese report of another event that
uses the plain words. ``bot/text/data/everyday_ja_en.tsv`` translates everyday words of any
report in both directions.

The reports are written for this test (our own words, an invented round), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot ask``
asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

ROUND = datetime(2025, 10, 14, 12, tzinfo=UTC)

REPORTS = (
    report("walk-en", "en", "Bosporus Wire", "Envoys end Istanbul round without a deal",
           "The envoys of Russia and Ukraine ended a round of ceasefire talks in Istanbul on "
           "Tuesday without a deal. Before flying home, the two envoys walked together "
           "through Yildiz Park for an hour, their hosts said.",
           ROUND),
    # The same round in Japanese, without the walk.
    report("round-ja", "ja", "Kyokai Shimbun", "イスタンブールで停戦協議、合意なし",
           "ロシアとウクライナの特使は14日、イスタンブールで停戦協議を行ったが、合意には"
           "至らなかった。次の協議の日程は決まっていない。",
           ROUND + timedelta(hours=2)),
    # Another event in Japanese that uses the question's plain words.
    report("mayor-ja", "ja", "Kyokai Shimbun", "キーウ市長、市民と公園を歩く",
           "キーウの市長は週末、市民と一緒に市内の公園を歩き、停戦を訴えた。",
           ROUND - timedelta(days=20)),
    *other_talks(ROUND - timedelta(days=20)),
)

WALK = "イスタンブールの協議のあと、特使たちが一緒に歩いた公園はどこ?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("everyday-words"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_other_languages_report_with_the_detail_leads(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    await quotes_first(store, shared_engine, WALK, "ja", ROUND + after, "Yildiz Park",
                       "walk-en")


async def test_a_question_in_the_reports_language_still_finds_it(
        store: Path, shared_engine: Engine) -> None:
    # The English question matches the English report in its own words, as before.
    assert await first_cited(store, shared_engine,
                             "Which park did the two envoys walk through after the Istanbul "
                             "talks?", "en", ROUND + timedelta(days=7)) == "walk-en"
