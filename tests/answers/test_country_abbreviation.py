"""英 is Britain: a Japanese report writes a British minister as "英外相", the way it writes
米 for the US (``glossary_ja_en.tsv``), so "Which British minister…" finds it.

On the spent fresh batches `event-names` refused "Which British minister co-chaired the
9 August meeting near London…?" because the Japanese report that answers writes ラミー英外相
(here, where no report writes "British" or 英国, the name is unknown without the entry).
独 and 仏 were measured too and left out: they answered an unanswerable question and moved
no answerable one to the right report.

Reports written for this test (our own words, invented people and talks), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a week,
a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 8, 9, 9, tzinfo=UTC)

REPORTS = (
    report("chair-ja", "ja", "北洋新聞", "ウクライナ停戦巡りロンドン近郊で会合",
           "ウクライナの停戦をめぐる会合が9日、ロンドン近郊の邸宅で開かれ、オークリー英外相が"
           "米国の副大統領とともに共同議長を務めた。ロシアとの協議に向けた立場をすり合わせた。",
           TALKS),
    report("chair-en", "en", "Harbour Wire", "Ukraine ceasefire meeting held near London",
           "Officials met at a country house near London on Saturday to prepare for talks with "
           "Russia on a ceasefire in Ukraine.", TALKS + timedelta(hours=2)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("abbrev"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_british_minister_is_found_as_written_with_ei(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "Which British minister co-chaired the Ukraine ceasefire meeting "
                             "near London?", "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "オークリー", "")
