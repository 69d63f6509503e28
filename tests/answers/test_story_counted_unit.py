"""A Japanese count of a unit ("何キロ", "何両") needs a figure in that unit: in an English
report, a number beside "km" or "wagons" (``bot/answer/support.py``: ``counted_across``).

"何両" and "何キロ" used to ask for no figure at all: a question of how many wagons carry
the bodies was answered with the number of bodies. "何キロ" is answered from "40km", and
"何両" is no source when no report counts the wagons.

Reports written for this test (our own words, an invented handover), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

HANDOVER = datetime(2025, 9, 3, 9, tzinfo=UTC)

REPORTS = (
    report("bodies-en", "en", "Harbour Wire",
           "Russia to hand over 900 bodies of Ukrainian soldiers at Dovzhyk",
           "Under the ceasefire talks between Russia and Ukraine, Russia will hand over the "
           "bodies of 900 Ukrainian soldiers next week by refrigerated train. The handover "
           "point at Dovzhyk lies 40km from the border crossing, officials said.", HANDOVER),
    report("bodies2-en", "en", "Meridian Daily",
           "Refrigerated train to carry 900 bodies to Ukraine",
           "The 900 bodies agreed at the Russia-Ukraine ceasefire talks will cross at "
           "Dovzhyk by refrigerated train, a Ukrainian official said.",
           HANDOVER + timedelta(hours=3)),
    report("bodies-ja", "ja", "朝夕新聞",
           "ロシア、兵士の遺体900人分を冷蔵列車で引き渡しへ",
           "ロシアとウクライナの停戦協議を受け、ロシアは来週、ウクライナ兵900人分の遺体を"
           "冷蔵列車でドブジクの引き渡し地点まで運び、国境を越えて返還する。",
           HANDOVER + timedelta(hours=6)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(HANDOVER), *REPORTS), tmp_path_factory.mktemp("unit"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_distance_in_km_answers_how_many_kilometres(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, "遺体の引き渡し地点は国境から何キロ離れている?",
                             "ja", HANDOVER + timedelta(days=1) + after)
    answers_or_refuses(answer, "40km", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_no_count_of_wagons_is_no_source(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, "遺体を運ぶ冷蔵列車は何両編成?",
                             "ja", HANDOVER + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "figure-not-given")
