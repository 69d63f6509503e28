"""A country the question names, where the reports name a place inside it (branch ansref2,
found on the dev-side probes probe4 and probe7).

- "talks in Switzerland" where every report on them writes Zurich: the country was a name
  no report uses, so the question read as one about another event. ISO 3166 (pycountry)
  puts the canton of Zürich in Switzerland: the country now matches the reports naming its
  places. Before: refused ``unknown-name``; now answered from the Zurich report.
- The same from a Japanese question (スイス) to the English report.
- A country the store names no place of (Norway) is still a name no report uses: refused.

The reports are written for this test (our own words, invented events), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot
ask`` asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import places
from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 19, 15, tzinfo=UTC)
LAST = TALKS + timedelta(days=1)

REPORTS = (
    report("zurich-en", "en", "Lake Wire", "US and Ukrainian teams end a day of talks in Zurich",
           "Delegations of the United States and Ukraine ended a day of talks in Zurich on "
           "Sunday evening.\n\n"
           "Secretary of State Marco Rubio said the remaining disputes fell into two kinds: "
           "questions of wording, which the teams could settle, and questions only the "
           "presidents could decide.\n\n"
           "The teams are due to meet again within a week.",
           TALKS),
    report("zurich-ja", "ja", "Mizuumi Shimbun", "米ウクライナ協議、来週再開へ",
           "米国とウクライナの代表団は19日、協議を終えた。ルビオ国務長官によると、残る争点は"
           "来週にも再び集まって話し合う。",
           TALKS + timedelta(hours=6)),
    *other_talks(TALKS - timedelta(days=3)),
)

#: Question → (language, the fact the answer must quote, or None: refused ``unknown-name``).
CASES: dict[str, tuple[Lang, str | None]] = {
    "How did Rubio sort the remaining disputes after Sunday's talks in Switzerland?":
        ("en", "questions of wording"),
    "日曜日のスイスでの協議のあと、ルビオ国務長官は残る争点をどう分けた?":
        ("ja", "questions of wording"),
    # No report names Norway or a place in it: another event.
    "How did Rubio sort the remaining disputes after Sunday's talks in Norway?":
        ("en", None),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("country-places"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(CASES.items()))
async def test_a_country_matches_reports_naming_its_places(
        store: Path, shared_engine: Engine, question: str,
        expected: tuple[Lang, str | None], after: timedelta) -> None:
    lang, fact = expected
    answer = await ask_store(store, shared_engine, question, lang, LAST + after)
    if fact is None:
        assert not answer.answerable and answer.refusal == "unknown-name", answer.text
    else:
        assert answer.answerable and fact in answer.text, (answer.refusal, answer.text)


def test_the_gazetteer_reads_countries_in_both_languages(shared_engine: Engine) -> None:
    analyzer = shared_engine.analyzer
    assert {"zurich", "genev", "ジュネーブ", "スイス"} <= places.within("switzerland", analyzer)
    assert "switzerland" in places.within("スイス", analyzer)
    assert "中国" in places.within("china", analyzer)
    # A place is no country: nothing lies inside it here.
    assert places.within("zurich", analyzer) == frozenset()
