"""A question finds the report that answers it through the words of the question, not only
its names (issue 12): in the other language, or in a reader's casual words.

The reports are written for this test (our own words), served as RSS from 127.0.0.1 and
ingested by the bot's pipeline; the question is asked as ``ceasefire-bot ask`` asks it, at
several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bench.realset import RealSet, Report, build_store
from bot.answer.engine import Engine
from bot.answer.extractive import answer_question
from bot.store.db import open_store
from bot.store.models import Article

AT = datetime(2025, 3, 4, 9, tzinfo=UTC)


def _report(guid: str, lang: str, outlet: str, title: str, text: str,
            hours: int) -> Report:
    return Report(guid, f"https://example.org/{guid}", outlet, lang,
                  AT + timedelta(hours=hours), title, text, "x", None)


REPORTS = (
    # The answer: "broken" is the only form of the verb in it.
    _report("broken", "en", "Harbor Wire", "Zelensky tells lawmakers Putin cannot be trusted",
            "Volodymyr Zelensky told lawmakers in Kyiv on Monday that Vladimir Putin had "
            "broken ceasefire deals 25 times since 2014.\n\nHe said a new truce would need "
            "monitors before Ukraine could sign it.", 0),
    # Same people and the same words, but no one says how often a deal was broken.
    _report("talks", "en", "Meridian Daily", "Ceasefire talks go on, Zelensky's office says",
            "Officials met three times this month to work on a ceasefire deal, Volodymyr "
            "Zelensky's office said.\n\nA spokesman for Vladimir Putin said the deal still "
            "needed work and that the talks would go on.", 2),
    # Said in the report's words ("accepted", "ceasefire"), asked in a reader's.
    _report("accepted", "en", "Nami News", "Putin accepts a pause in strikes on power plants",
            "Vladimir Putin accepted a 30-day ceasefire on strikes against power plants, "
            "the Kremlin said on Tuesday.\n\nA wider ceasefire was left for later talks.", 4),
    _report("later", "en", "Meridian Daily", "Kremlin: a wider ceasefire needs long talks",
            "A spokesman for Vladimir Putin said on Wednesday that a wider ceasefire would "
            "need long talks.\n\nNo date for them has been set, he said.", 30),
    _report("kyokai", "ja", "Kyokai Shimbun", "ゼレンスキー氏、停戦協議を続ける考え",
            "ゼレンスキー大統領は4日、停戦合意に向けた協議を続ける考えを示した。\n\n"
            "プーチン大統領との首脳会談の日程はまだ決まっていない。", 3),
)
QUESTION = "ゼレンスキー氏によると、プーチン氏は停戦の合意を何回破ったの?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio
    realset = RealSet(REPORTS, (), {"x": "dev"})
    return asyncio.run(build_store(realset, tmp_path_factory.mktemp("crosslang")))


@pytest.mark.parametrize("after", [timedelta(days=1), timedelta(days=7), timedelta(days=365)])
async def test_a_japanese_question_is_answered_from_the_english_report_that_says_it(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    async with open_store(f"sqlite:///{store}") as (_e, sessions), sessions() as session:
        answer = await answer_question(session, QUESTION, lang="ja", now=AT + after,
                                       engine=engine, zone=ZoneInfo("Asia/Tokyo"))
    assert answer.answerable, answer.text
    # The report that says it is the best match, cited and quoted.
    cited = {c.n: c.url.rsplit("/", 1)[-1] for c in answer.citations}
    quoted = next(s for s in answer.sentences if "25 times" in s.text)
    assert [cited[n] for n in quoted.refs] == ["broken"]
    async with open_store(f"sqlite:///{store}") as (_e, sessions), sessions() as session:
        best = await session.get(Article, answer.article_ids[0])
    assert best is not None and best.guid == "broken"


@pytest.mark.parametrize("after", [timedelta(days=1), timedelta(days=365)])
async def test_a_casual_question_finds_the_report_in_its_own_words(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    async with open_store(f"sqlite:///{store}") as (_e, sessions), sessions() as session:
        answer = await answer_question(session, "so did putin say yes to the truce or nah??",
                                       lang="en", now=AT + after, engine=engine,
                                       zone=ZoneInfo("UTC"))
        assert answer.answerable, answer.text
        best = await session.get(Article, answer.article_ids[0])
    assert best is not None and best.guid == "accepted"
    assert "accepted a 30-day ceasefire" in answer.text
