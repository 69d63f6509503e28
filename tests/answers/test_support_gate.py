""""No source found" when the store does not say it, though it shares the question's words.

Each unanswerable question below names real people, places or figures of the demo coverage;
each answerable twin asks the same kind of thing the reports do say. Without the support
check (bot/answer/support.py) the unanswerable ones are answered from loosely related
sentences.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.answer.engine import Engine
from bot.answer.extractive import answer_question
from bot.answer.noise import is_furniture, without_dateline
from bot.store.db import SessionFactory

NOW = datetime(2025, 9, 1, tzinfo=UTC)

UNANSWERABLE = [
    "What did Lavrov tell Witkoff in Jeddah?",  # both real; never met in Jeddah
    "How many journalists attended the Riyadh talks?",  # a figure nobody reported
    "What did Putin and Zelensky agree in January 2024?",  # before the coverage
    "When will the next Istanbul round take place?",  # nothing said about it
]
ANSWERABLE = [
    "Who met in Jeddah?",
    "How many prisoners were exchanged after the Trump-Putin call?",
    "What did the US and Russia agree in Riyadh?",
]


@pytest.mark.parametrize("question,answerable",
                         [(q, False) for q in UNANSWERABLE] + [(q, True) for q in ANSWERABLE])
async def test_answers_only_what_the_reports_support(
        sessions: SessionFactory, shared_engine: Engine, question: str,
        answerable: bool) -> None:
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    async with sessions() as session:
        answer = await answer_question(session, question, lang="en", now=NOW, engine=engine,
                                       zone=ZoneInfo("Asia/Tokyo"))
    assert answer.answerable is answerable, answer.text
    if not answerable:
        assert answer.note.startswith("No source found")


@pytest.mark.parametrize("line", [
    "Photo: The talks in Istanbul lasted just over 90 minutes / Ukraine Ministry of Foreign",
    "関連記事:米ロ首脳、ウクライナ巡り電話会談", "By Jane Doe", "写真は会談の様子(ロイター)",
    "Read more: Trump says talks will go on", "2025年04月20日(日)09時37分",
    "ISTANBUL, June 2. /TASS/.", "【ジュネーブ共同】"])
def test_page_furniture_is_never_quoted(line: str) -> None:
    assert is_furniture(line, title="")


def test_the_repeated_headline_and_datelines_go_but_the_news_stays() -> None:
    title = "Istanbul talks yield prisoner swap but no truce"
    assert is_furniture("Istanbul talks yield prisoner swap but no truce", title)
    assert not is_furniture("Russia and Ukraine agreed to swap 1,000 prisoners each.", title)
    assert without_dateline("ISTANBUL, May 16 (Reuters) - Russia and Ukraine met.") == \
        "Russia and Ukraine met."
    assert without_dateline("【イスタンブール共同】両代表団は16日に協議した。") == \
        "両代表団は16日に協議した。"
    assert without_dateline("GENEVA: A US delegation met.") == "A US delegation met."
