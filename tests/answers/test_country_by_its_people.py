"""A question naming a country (ベルギー, "Belgium"; デンマーク, "Denmark") is answered from
a report that names it only by its people or adjective: "the Belgian prime minister" (an
ending on the country's name) or "the Danish prime minister" (an irregular form,
``demonyms.IRREGULAR``). The country's name is not missing from that report (the gate's
event names) and the search finds the report by it. Without it, a Japanese question about
the Belgian or Danish prime minister was refused ("event-names") while only an English
report, writing "Belgian" or "Danish", held the answer (fresh f51-q05, f46-q06). A country
no report names, by name or by its people, still refuses.

The reports are written for this test (our own words), served as RSS from 127.0.0.1 and
ingested by the bot's pipeline; the questions are asked as ``ceasefire-bot ask`` asks them,
a day, a week and a year after the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.realset import Report
from bot.answer import demonyms, engine, support
from bot.answer.engine import Engine
from tests.answers.support import ask_store, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

INCURSION = datetime(2025, 9, 11, 9, tzinfo=UTC)
AFTER = (timedelta(days=1), timedelta(days=7), timedelta(days=365))
#: No report names Norway, by name or as "Norwegian".
REFUSED = ("ノルウェーの首相はポーランドへの無人機の侵入について何と言った？", "ja")


@dataclass(frozen=True)
class Country:
    """One country, the people form its report writes, and the switches that form needs."""

    guid: str
    people: str  # as the English report writes it
    ja: str
    en: str
    switches: tuple[tuple[object, str], ...]

    def reports(self) -> tuple[Report, ...]:
        return (
            report(self.guid, "en", "Harbor Wire",
                   f"{self.people} leader says drone incursion over Poland was deliberate",
                   f"The {self.people} prime minister said on Thursday that the Russian drones "
                   "crossing into Poland were no accident and would not help the ceasefire "
                   "talks between Russia and Ukraine.\n\nWarsaw said it had shot down several "
                   "of the drones.", INCURSION),
            report("warsaw-ja", "ja", "東都通信", "ポーランド、ロシアの無人機を撃墜　停戦協議に影",
                   "ポーランド軍は10日、領空に侵入したロシアの無人機を撃墜したと発表した。"
                   "ウクライナとロシアの停戦協議への影響が懸念されている。",
                   INCURSION - timedelta(hours=6)),
            *other_talks(INCURSION),
        )

    def questions(self) -> list[tuple[str, str]]:
        return [(f"{self.ja}の首相はポーランドへの無人機の侵入について何と言った？", "ja"),
                (f"What did {self.en}'s prime minister say about the drones over Poland?", "en")]


COUNTRIES = {
    "ending": Country("brussels", "Belgian", "ベルギー", "Belgium",
                      ((support, "DEMONYM_NAMES"), (engine, "DEMONYM_ALTERNATIVES"))),
    "irregular": Country("copenhagen", "Danish", "デンマーク", "Denmark",
                         ((demonyms, "IRREGULAR_PEOPLES"),)),
}


@pytest.fixture(scope="module", params=list(COUNTRIES))
def case(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> tuple[Country, Path]:
    country = COUNTRIES[request.param]
    return country, made_up_store(country.reports(), tmp_path_factory.mktemp(request.param))


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize("which", [0, 1], ids=["ja", "en"])
async def test_a_country_named_by_its_people_answers(
        case: tuple[Country, Path], shared_engine: Engine, which: int,
        after: timedelta) -> None:
    country, store = case
    question, lang = country.questions()[which]
    assert await first_cited(store, shared_engine, question, lang,  # type: ignore[arg-type]
                             INCURSION + after) == country.guid


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize("which", [0, 1], ids=["ja", "en"])
async def test_without_the_people_forms_the_question_is_refused(
        case: tuple[Country, Path], shared_engine: Engine, which: int, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    country, store = case
    for module, switch in country.switches:
        monkeypatch.setattr(module, switch, False)
    question, lang = country.questions()[which]
    answer = await ask_store(store, shared_engine, question, lang,  # type: ignore[arg-type]
                             INCURSION + after)
    assert not answer.answerable


@pytest.mark.parametrize("after", AFTER)
async def test_a_country_no_report_names_is_refused(
        case: tuple[Country, Path], shared_engine: Engine, after: timedelta) -> None:
    _country, store = case
    question, lang = REFUSED
    answer = await ask_store(store, shared_engine, question, lang,  # type: ignore[arg-type]
                             INCURSION + after)
    assert not answer.answerable


@pytest.mark.parametrize(("place", "found"), [
    ("belgium", ["belgian"]), ("hungari", ["hungarian"]), ("turkey", ["turkish"]),
    ("denmark", ["danish"]),    # an irregular form
    ("norway", []),             # no stored people of it
    ("euroclear", []),          # "european" is Europe's, not every "euro-" name's
    ("ab", []),                 # too short to be a place's name
])
def test_the_stored_peoples_of_a_place(place: str, found: list[str]) -> None:
    vocab = sorted(["belgian", "belgium", "belgorod", "hungarian", "hungari", "turkish",
                    "turkey", "norway", "european", "euroclear", "talk", "ab", "danish",
                    "denmark"])
    assert demonyms.peoples(place, vocab) == found
