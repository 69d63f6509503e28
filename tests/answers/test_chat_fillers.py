"""Chatty questions (branch casual): words with no content must not count as what is asked.

- English chat fillers and stance adverbs ("wait", "even", "like", "lol", "basically",
  "kinda") and the negated auxiliaries ("didn't", "hadn't") are stop words: read as content,
  they were words no report writes, and the unknown-subject or weak-match gate refused the
  question.

The plain wording of each question is asked too: it was answered before and must stay so.
Invented talks in Tallinn and Riga, written for this test, go through the real pipeline
(RSS over loopback, ingest) and each question is asked the way ``ceasefire-bot ask`` asks
it, a week, a year and two years later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALLINN = datetime(2025, 6, 3, 9, tzinfo=UTC)
RIGA = TALLINN + timedelta(days=6)
LAST = RIGA + timedelta(hours=6)

REPORTS = (
    report("tallinn-en", "en", "Baltic Ledger", "Russia and Ukraine end Tallinn round",
           "Delegations of Russia and Ukraine ended a round of talks in Tallinn on Tuesday "
           "without a ceasefire.\n\n"
           "Both sides agreed to meet again in Tallinn within three weeks, the Estonian "
           "host said. Kyiv called the round a first step.",
           TALLINN),
    report("tallinn-ja", "ja", "Hokuou Shimbun", "タリン協議、停戦合意なし",
           "ロシアとウクライナの代表団は3日、タリンでの協議を終えた。停戦では合意しなかったが、"
           "3週間以内にタリンで再び集まることで一致した。",
           TALLINN + timedelta(hours=4)),
    report("riga-en", "en", "Daugava Post", "Putin declares a harvest ceasefire",
           "Vladimir Putin declared a two-day harvest pause, a short ceasefire in the war with "
           "Ukraine, on Monday, before talks with Kyiv in Riga.\n\n"
           "Putin said the pause was meant to show that Moscow wants peace. Kyiv called it "
           "a stunt.",
           RIGA),
    *other_talks(TALLINN - timedelta(days=2)),
)

#: (question, language, what the answer must quote).
CASES: list[tuple[str, Lang, str]] = [
    ("so what was putin even trying to show with this harvest pause thing, like what did he "
     "say it was for lol", "en", "wants peace"),
    ("what did putin say the harvest pause was for", "en", "wants peace"),
    ("wait did they basically agree to meet again after tallinn or nah", "en", "three weeks"),
    # "like", "even" and "lol" read as words no report writes: refused unknown-subject.
    ("so like did tallinn even get them anywhere lol", "en", "without a ceasefire"),
    ("did they agree to meet again after tallinn", "en", "three weeks"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("chat-fillers"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang", "fact"), CASES)
async def test_chat_words_are_not_what_is_asked(
        store: Path, shared_engine: Engine, question: str, lang: Lang, fact: str,
        after: timedelta) -> None:
    answers_or_refuses(await ask_store(store, shared_engine, question, lang, LAST + after),
                       fact, "")


@pytest.mark.parametrize(("text", "words"), [
    ("wait did trump literally say that lol", ["trump"]),
    ("didn't kyiv basically say no? kinda confused tho", ["kyiv", "confus"]),
])
def test_english_fillers_are_stop_words(shared_engine: Engine, text: str,
                                        words: list[str]) -> None:
    assert shared_engine.analyzer.tokens(text) == words
