"""Plain whole-article BM25 votes on which report leads (``bm25_vote``).

- An English question whose best-ranked report is the story's short Japanese one (its
  headline names the event; it matches the question only through the glossary) is led by
  the story's English report, which says the question's own words throughout: a plain
  search over whole articles ranks that one first by far, and it scores more than half as
  much by our ranking. With the vote off, the Japanese report leads.
- A lead in the other language gives way only to a report of its own story: a report of
  another development in the question's language never takes the lead this way (the
  cross-language path chooses which development answers).

The reports are written for this test (our own words, invented talks), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot ask``
asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine, Hit
from bot.answer.extractive import bm25_vote
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 14, 8, tzinfo=UTC)
QUESTION = "What happens to the prisoners under the Tallinn deal?"

SHORT_JA = report(
    "ja-short", "ja", "北方新報", "タリン合意、捕虜交換へ",
    "ロシアとウクライナはタリンでの協議で捕虜を交換することで合意した。"
    "双方が150人ずつ解放する。", TALKS)
LONG_EN = report(
    "en-long", "en", "Baltic Wire", "Envoys wrap up two days of meetings in Estonia",
    "Envoys from Russia and Ukraine wrapped up two days of meetings in Estonia's capital on "
    "Tuesday, officials said. The hosts called the talks calm and businesslike. Under the "
    "deal reached there, prisoners will be swapped before the end of the month: 150 "
    "prisoners on each side. The prisoners include wounded soldiers and civilians. The "
    "prisoners will be swapped at the Belarus border, the hosts said. Both delegations "
    "called the Tallinn deal a first step.", TALKS + timedelta(hours=3))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((SHORT_JA, LONG_EN, *other_talks(TALKS)),
                         tmp_path_factory.mktemp("bm25-vote"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_report_in_the_questions_words_leads(store: Path, shared_engine: Engine,
                                                      after: timedelta) -> None:
    """The story's English report, worded as the question throughout, leads."""
    assert await first_cited(store, shared_engine, QUESTION, "en", TALKS + after) == "en-long"


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_vote_the_short_report_leads(store: Path, shared_engine: Engine,
                                                       after: timedelta,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    """The case the vote changes: off, the Japanese report matching through the glossary
    leads."""
    monkeypatch.setattr(extractive, "BM25_RATIO", None)
    assert await first_cited(store, shared_engine, QUESTION, "en", TALKS + after) == "ja-short"


def _hit(article_id: int, story: int, plain: float) -> Hit:
    return Hit(article_id, 2.0, 1.0, 0.0, story, 0.5, 1.0, 0.0, plain)


def test_a_lead_in_the_other_language_yields_only_to_its_own_story() -> None:
    """Another development's report in the question's language, however much higher its
    plain BM25, does not displace a lead in the other language; one of the lead's story
    does."""
    lead, stranger, sibling = _hit(1, 7, 0.0), _hit(2, 8, 9.0), _hit(3, 7, 3.0)
    assert bm25_vote([lead, stranger], lambda _h: False, other={1}) == [lead, stranger]
    assert bm25_vote([lead, stranger, sibling], lambda _h: False, other={1})[0] is sibling
