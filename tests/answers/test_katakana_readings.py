"""Katakana words of a Japanese question that the answerability gate misread as names the
reports lack (branch ansref, found on the dev-side probes probe6 and probe7).

- "子どものリスト": MeCab reads リスト alone as a name (Liszt), so the gate asked every
  report to name it, and an English report writing "a list" never does. In the question's
  own sentence MeCab reads it as the common noun it is: it picks out no event. Before:
  refused ``event-names``; now answered from the English report.
- "ワシントン・ポスト" and a report's "ワシントンポスト" are one name, but different
  tokens (another report writes it with its dot): the middle dots of a katakana name
  are the writer's choice. Before: refused ``event-names``; now answered.
- A katakana name the reports on the event do not write, in any form, still refuses.

The reports are written for this test (our own words, invented events), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot
ask`` asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import loanwords_in
from bot.model import Lang
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 9, 12, 14, tzinfo=UTC)
LAST = TALKS + timedelta(days=2)

REPORTS = (
    report("malta-en", "en", "Harbour Wire", "Second round of talks in Valletta ends",
           "The second round of talks between Russia and Ukraine ended in Valletta on "
           "Friday after three hours.\n\n"
           "Ukraine handed the Russian side a list of 420 children it says were taken away, "
           "about 60 of them from the orphanage in Mykolaiv.\n\n"
           "Both sides agreed to exchange more prisoners.",
           TALKS),
    report("malta-ja", "ja", "Kaikyo Shimbun", "バレッタで2回目の協議",
           "ロシアとウクライナは12日、バレッタで2回目の協議を開き、捕虜の追加交換で合意した。"
           "協議は約3時間で終わった。ウクライナは連れ去られた子どもたちの返還も求めた。",
           TALKS + timedelta(hours=5)),
    report("paper-ja", "ja", "Kaikyo Shimbun", "米紙、制裁は大統領の焦りの表れと分析",
           "米紙ワシントンポストは13日、ロシアの銀行への新たな制裁について、"
           "トランプ大統領の焦りの表れだと論じた。制裁はバレッタでの協議の翌日に発表された。",
           TALKS + timedelta(days=1)),
    # The two papers' names as the store knows them, with their dots, in other news.
    report("papers-ja", "ja", "Minato Shimbun", "米紙2紙、停戦協議の取材で協力",
           "米紙ワシントン・ポストとニューヨーク・タイムズは10日、ロシアとウクライナの"
           "停戦協議の取材で協力すると発表した。",
           TALKS - timedelta(days=2)),
    *other_talks(TALKS - timedelta(days=2)),
)

#: Question → (language, the fact the answer must quote, or None: it is refused with
#: ``event-names``).
CASES: dict[str, tuple[Lang, str | None]] = {
    # リスト is the loanword "list" here, not a name every report must write.
    "バレッタでの2回目の協議でウクライナが渡した子どものリストのうち、約60人はどこの町の"
    "孤児院にいた?": ("ja", "Mykolaiv"),
    # The paper's name with its middle dot; the report writes it without.
    "米紙ワシントン・ポストは、ロシアの銀行への制裁をトランプ氏のどんな心境の表れと"
    "見た?": ("ja", "焦り"),
    # A paper the store names, but no report on the sanctions: still refused.
    "米紙ニューヨーク・タイムズは、ロシアの銀行への制裁をトランプ氏のどんな心境の表れと"
    "見た?": ("ja", None),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("katakana-readings"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(CASES.items()))
async def test_a_katakana_word_read_as_the_question_writes_it(
        store: Path, shared_engine: Engine, question: str,
        expected: tuple[Lang, str | None], after: timedelta) -> None:
    lang, fact = expected
    answer = await ask_store(store, shared_engine, question, lang, LAST + after)
    if fact is None:
        assert not answer.answerable and answer.refusal == "event-names", answer.text
    else:
        assert answer.answerable and fact in answer.text, (answer.refusal, answer.text)


@pytest.mark.parametrize(("question", "loanwords"), [
    ("子どものリストのうち何人が孤児院にいた?", {"リスト"}),
    ("ゼレンスキー大統領はどこで会見した?", set()),
    ("What list did Ukraine hand over?", set()),
])
def test_loanwords_are_read_in_the_question(question: str, loanwords: set[str]) -> None:
    assert loanwords_in(question) == loanwords
