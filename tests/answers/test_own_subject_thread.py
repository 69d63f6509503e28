"""A self-contained question asked in another development's thread is answered from its own
event (issue 12, point 6; ``bot.answer.followup``).

In the thread of a Trump-Putin phone call, "In which city are Trump and Putin planning to
hold their next summit?" inherited the call's story: "their" counted as pointing back
although it stands for the two leaders the question names before it. The Japanese "プーチン
氏はトランプ氏とどこで会う予定?" names two sides with one as its subject: a subject of its
own, not an ellipsis. Both are now answered from the summit's reports (Budapest), while an
elliptical question in the same thread ("And how long did they talk?") still is from the
call's.

Reports written for this test (our own words), served as RSS from 127.0.0.1 and ingested by
the bot's pipeline; asked as ``ceasefire-bot ask`` asks in a thread, at a week, a year and
two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from bot.answer.extractive import Scope, answer_question
from bot.model import Answer, Lang
from bot.store.db import open_store
from tests.answers.support import CLOCKS, made_up_store, other_talks, story_of
from tests.answers.support import made_up_report as report

CALL = datetime(2025, 5, 19, 18, tzinfo=UTC)
SUMMIT = datetime(2025, 10, 16, 20, tzinfo=UTC)

REPORTS = (
    report("call-en", "en", "Steppe Wire", "Trump and Putin speak for two hours",
           "Trump and Putin spoke by phone for two hours on Monday about a ceasefire in Ukraine. "
           "Putin said Russia was ready to work with Ukraine on a memorandum about a future "
           "peace accord.", CALL),
    report("call-ja", "ja", "Kyokai Shimbun", "トランプ氏とプーチン氏が2時間電話会談",
           "トランプ大統領とプーチン大統領は19日、約2時間にわたり電話で会談した。プーチン氏は"
           "将来の和平合意に関する覚書をウクライナと作成する用意があると述べた。",
           CALL + timedelta(hours=3)),
    report("summit-en", "en", "Harbour Ledger", "Trump and Putin to meet in Budapest",
           "Trump said on Thursday he was planning to hold a summit with Putin in Budapest, the "
           "Hungarian capital city, within two weeks. Hungary's prime minister welcomed the "
           "plan.", SUMMIT),
    report("summit-ja", "ja", "Asahi Wire", "米ロ首脳、ブダペストで会談へ",
           "トランプ大統領は16日、ハンガリーの首都ブダペストでプーチン大統領と会談する予定だと"
           "明らかにした。ハンガリーの首相は首脳会談の計画を歓迎した。",
           SUMMIT + timedelta(hours=2)),
    *other_talks(CALL),
)

#: Questions about the summit that name their own subject, with the city they are answered
#: with.
OWN = (("In which city are Trump and Putin planning to hold their next summit?", "en",
        "Budapest"),
       ("プーチン氏はトランプ氏とどこで会う予定?", "ja", "ブダペスト"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("own-subject-thread"))


async def _in_call_thread(store: Path, shared_engine: Engine, question: str, lang: Lang,
                          now: datetime) -> Answer:
    """``question`` asked in the thread of the phone call's story."""
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    thread = Scope(story_of(store)[f"call-{lang}"])
    async with open_store(f"sqlite:///{store}") as (_e, sessions), sessions() as session:
        return await answer_question(session, question, lang=lang, now=now, engine=engine,
                                     zone=ZoneInfo("Asia/Tokyo"), scope=thread)


def test_the_call_and_the_summit_are_stories_of_their_own(store: Path) -> None:
    stories = story_of(store)
    assert stories["call-en"] == stories["call-ja"] != stories["summit-en"], stories
    assert stories["summit-en"] == stories["summit-ja"], stories


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang", "city"), OWN)
async def test_a_question_naming_its_own_subject_is_answered_from_its_event(
        store: Path, shared_engine: Engine, question: str, lang: Lang, city: str,
        after: timedelta) -> None:
    answer = await _in_call_thread(store, shared_engine, question, lang, SUMMIT + after)
    assert answer.answerable and city in answer.text, (answer.refusal, answer.text)


@pytest.mark.parametrize("after", CLOCKS)
async def test_an_elliptical_question_in_the_thread_still_inherits(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await _in_call_thread(store, shared_engine, "And how long did they talk?", "en",
                                   SUMMIT + after)
    assert answer.answerable and answer.story_id == story_of(store)["call-en"], answer.text
    assert "two hours" in answer.text or "2時間" in answer.text, answer.text


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang", "city"), OWN)
async def test_inheriting_the_thread_missed_the_summit(
        store: Path, shared_engine: Engine, question: str, lang: Lang, city: str,
        after: timedelta, monkeypatch: pytest.MonkeyPatch) -> None:
    # The case the decision is for: answered from the call's story, the city is missed.
    monkeypatch.setattr(extractive, "is_followup", lambda *_args: True)
    answer = await _in_call_thread(store, shared_engine, question, lang, SUMMIT + after)
    assert city not in answer.text, answer.text
