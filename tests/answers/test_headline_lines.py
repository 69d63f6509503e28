"""An answer quotes the report's news, not a headline line in its body (issue 12: datelines,
headlines and captions quoted as answer sentences). Outlets repeat the headline in other
words as the body's first line, and list other stories' headlines; such a line stands alone
and does not close like a sentence. It shares the question's words best, so it used to be
quoted first.

The reports are written for this test (our own words, an invented venue), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; the questions are asked as
``ceasefire-bot ask`` asks them, at several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import noise
from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 7, 8, 14, tzinfo=UTC)
#: The body's headline lines (never quoted) and the sentence that answers (quoted).
HEADLINE_EN = "Valletta talks end: Russia and Ukraine agree port truce, no wider ceasefire"
RELATED_EN = "Valletta port truce: what Russia and Ukraine agreed and what comes next"
NEWS_EN = ("Envoys of Russia and Ukraine agreed in Valletta on Tuesday to stop striking each "
           "other's ports for 30 days.")
HEADLINE_JA = "バレッタ協議が終了 ロシアとウクライナ、港湾停戦で合意 全面停戦には至らず"
NEWS_JA = ("ロシアとウクライナの代表は8日、バレッタで、互いの港への攻撃を30日間止めることで"
           "合意した。")

REPORTS = (
    report("valletta", "en", "Harbor Wire", "Port truce agreed at Valletta talks",
           f"{HEADLINE_EN}\n\n{NEWS_EN} A wider ceasefire was not discussed.\n\n"
           f"{RELATED_EN}\n\nThe envoys will meet again next month.", TALKS),
    report("valletta-ja", "ja", "Kyokai Shimbun", "バレッタで港湾停戦に合意",
           f"{HEADLINE_JA}\n\n{NEWS_JA}全面的な停戦は話し合われなかった。\n\n"
           "代表団は来月再び会う。", TALKS + timedelta(hours=5)),
    *other_talks(TALKS),
)
QUESTIONS: dict[Lang, tuple[str, str, str]] = {
    "en": ("What did Russia and Ukraine agree at the Valletta talks?", NEWS_EN, HEADLINE_EN),
    "ja": ("バレッタ協議でロシアとウクライナは何で合意した?", NEWS_JA, HEADLINE_JA),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("headlines"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_answer_quotes_the_news_not_a_headline_line(
        store: Path, shared_engine: Engine, lang: Lang, after: timedelta) -> None:
    question, news, headline = QUESTIONS[lang]
    answer = await ask_store(store, shared_engine, question, lang, TALKS + after)
    quoted = [s.text for s in answer.sentences]
    assert news in quoted
    assert headline not in quoted and RELATED_EN not in quoted


def test_a_summary_cut_short_at_the_end_is_still_news() -> None:
    """Feeds often end a summary mid-sentence ("… said on Tuesday that the"): the last line
    is kept; only a line with more text after it is read as a heading."""
    text = f"{HEADLINE_EN}\n{NEWS_EN}\nThe envoys said on Tuesday that the next round of"
    assert noise.news_sentences(text, "Port truce") == [
        NEWS_EN, "The envoys said on Tuesday that the next round of"]
