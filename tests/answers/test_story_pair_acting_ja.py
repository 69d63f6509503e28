"""A Japanese question with one person acting on another ("AはBと何で合意した",
"AはBに何を伝えた") needs a report that writes the two together
(``bot/answer/support.py``: ``pair-unjoined``, its Japanese pairs ``pair-acting-ja``); a
Japanese report writes them as subject and partner with a time and a place between
("A特使は14日、オスロでウクライナのB特使と会談し"), which joins them too
(``pair-subject-ja``).

Before, only an English question's "A and B agree" was checked: the Japanese question of a
meeting that never happened was answered from a sentence naming both apart.

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
    report("oslo-ja", "ja", "朝夕新聞",
           "オスロで停戦協議、捕虜交換のホットラインで合意",
           "ノルウェーのハルヴォルセン特使は14日、オスロでウクライナのペトレンコ特使と会談し、"
           "捕虜交換のためのホットラインを開くことで合意した。ペトレンコ特使が記者団に語ったのは、"
           "フォス特使がベルリンへ戻る数時間前だった。ホットラインは11月1日から運用される。",
           TALKS),
    report("oslo2-ja", "ja", "東西通信",
           "オスロ協議、捕虜交換のホットライン設置へ",
           "ロシアとウクライナの停戦をめぐるオスロでの協議で、捕虜交換のホットラインを設ける"
           "ことが決まった。ドイツのフォス特使は今週、ベルリンに滞在していた。",
           TALKS + timedelta(hours=3)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("pairja"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_subject_and_partner_written_apart_by_a_place_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "オスロでハルヴォルセン特使はペトレンコ特使と何で合意した?",
                             "ja", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "ホットライン", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_pair_only_named_apart_is_no_source(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "オスロでペトレンコ特使はフォス特使と何で合意した?",
                             "ja", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "pair-unjoined")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_question_asking_who_met_a_named_partner_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Found on blind batch I's last read (f50-q10): the name before the partner only dates
    the meeting; who met the partner is what is asked."""
    answer = await ask_store(store, shared_engine,
                             "フォス特使がベルリンへ戻る数時間前に、オスロでペトレンコ特使と会談したのは誰?",
                             "ja", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "ハルヴォルセン", "")
