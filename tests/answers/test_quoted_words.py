"""A question that quotes a report's words is answered from a report that holds them
(``bot/answer/quoted.py``, ``bot/answer/extractive.py``: ``QUOTED_LEAD``).

In the spent fresh batches, "Which Norwegian leader said it was 'deeply unreasonable' for
Trump to call Zelenskyy a dictator?" was answered from another development's report: a later
one sharing more of the question's other words. Only the right development's reports write
"deeply unreasonable"; the reader quoted them.

Reports written for this test (our own words, invented people and statements), served as
RSS from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks,
at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from bot.answer.quoted import holds_quote, quoted_phrases
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

FIRST = datetime(2025, 2, 20, 9, tzinfo=UTC)
LATER = FIRST + timedelta(days=40)
QUESTION = ("Which Norwegian leader said it was 'deeply unreasonable' for Trump to call "
            "Zelensky a dictator?")

REPORTS = (
    report("haug-feb", "en", "Fjord Wire", "Oslo rebukes Washington over Kyiv remarks",
           "Norwegian Prime Minister Eirik Haugland said on Thursday it was deeply "
           "unreasonable for Trump to call Zelensky a dictator while ceasefire talks were "
           "under way.", FIRST),
    # Another development, weeks later: more of the question's words, none of its quote.
    report("haug-mar-1", "en", "Harbour Wire", "Norwegian leader urges Trump to back Kyiv",
           "The Norwegian leader, Eirik Haugland, said on Monday it was unreasonable for "
           "Trump to go on calling Zelensky a dictator and urged him to back the ceasefire "
           "talks.", LATER),
    report("haug-mar-2", "en", "Lakeside Times", "Norwegian leader on Trump and Zelensky",
           "Norwegian leader Eirik Haugland told reporters on Monday that it was unreasonable "
           "to call Zelensky a dictator, as Trump did again, while the ceasefire talks went "
           "on.", LATER + timedelta(hours=2)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(FIRST), *REPORTS), tmp_path_factory.mktemp("quoted"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_report_holding_the_quoted_words_leads(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    now = LATER + timedelta(days=1) + after
    assert await first_cited(store, shared_engine, QUESTION, "en", now) == "haug-feb"


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_switch_the_later_report_leads(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractive, "QUOTED_LEAD", False)
    now = LATER + timedelta(days=1) + after
    assert await first_cited(store, shared_engine, QUESTION, "en", now) != "haug-feb"


@pytest.mark.parametrize(("question", "phrases"), [
    ("Who said it was 'deeply unreasonable'?", ("deeply unreasonable",)),
    ('What did he mean by "very shortly"?', ("very shortly",)),
    ("Who called it “absolutely crazy”?", ("absolutely crazy",)),
    ("「困難な28項目」って何のこと?", ("困難な28項目",)),
    # Apostrophes are no quotes; a word too short to tell a report by is none either.
    ("What did the leaders' summit and the ministers' meeting agree?", ()),
    ("Was Trump's answer 'no'?", ()),
    ("what did he actually say he'd 'liberate'", ()),
    ("「解放」とは?", ()),
    ("「ボール」は誰の側にある?", ()),
])
def test_what_counts_as_quoted(question: str, phrases: tuple[str, ...]) -> None:
    assert quoted_phrases(question) == phrases


def test_a_quote_is_held_across_line_breaks_and_case() -> None:
    assert holds_quote(("deeply unreasonable",), "Title", "It was Deeply\nunreasonable.")
    assert not holds_quote(("deeply unreasonable",), "Title", "It was deeply wrong.")
    assert not holds_quote((), "Title", "Anything.")
