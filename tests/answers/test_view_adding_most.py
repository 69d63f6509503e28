"""The other language's report an answer quotes is the one of the story whose best
sentence adds most, not the one that restates the event best (``VIEW_MARGIN``).

A question in one language often asks a detail (who chaired, what was handed over) that
only the other language's outlets report. The answer leads with a report in the
question's language and then quotes one report of the story in the other language: the
one the ranking or the other-language view put there matched the question's words best
as a whole (its headline restates the event), while another report of the story held the
asked detail in one sentence with the kind of thing asked. Now the story's reports in that
language compete by their best sentence, scored as the answer's sentences are chosen (the
question's words, the kind of thing asked), and the one ``VIEW_MARGIN`` ahead is quoted
in its place. The lead never changes (``tests/answers/test_other_language_view.py``).

Reports written for this test (our own words, an invented round), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

ROUND = datetime(2025, 10, 7, 9, tzinfo=UTC)

REPORTS = (
    report("tallinn-ja-1", "ja", "Kyokai Shimbun", "タリンで露ウ協議、物別れに",
           "ロシアとウクライナの代表団は7日、エストニアの首都タリンで協議した。"
           "タリンでの協議は物別れに終わった。次回の日程は決まっていない。",
           ROUND + timedelta(hours=2)),
    report("tallinn-ja-2", "ja", "Hokuto Tsushin", "タリン協議、捕虜の名簿を交換",
           "タリンでのロシアとウクライナの協議で、双方は捕虜の名簿を交換した。",
           ROUND + timedelta(hours=4)),
    report("tallinn-en-1", "en", "Baltic Ledger", "Tallinn talks end without a deal",
           "Talks between Russia and Ukraine in Tallinn ended on Tuesday without a deal. "
           "The Tallinn talks ended after three hours, and both delegations flew home the "
           "same night. No date was set for more talks in Tallinn.",
           ROUND + timedelta(hours=1)),
    report("tallinn-en-2", "en", "Harbour Wire", "Prisoner lists change hands in Estonia",
           "Russia and Ukraine traded lists of prisoners of war on Tuesday. Their talks in "
           "Tallinn ended early because the Russian side would not discuss where a ceasefire "
           "line should run, an Estonian official said.",
           ROUND + timedelta(hours=3)),
    *other_talks(ROUND),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("view-adding-most"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_other_languages_report_giving_the_reason_is_quoted(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The Japanese reports do not say why the round broke up; an English report does, in
    # a sentence giving a reason, and the English report matching the question best only
    # restates the round's end. (Which English report is quoted is tested here: the rule
    # letting the one giving the reason lead, ACROSS_FILL, test_across_fill.py, is off.)
    monkeypatch.setattr(extractive, "ACROSS_FILL", None)
    answer = await ask_store(store, shared_engine, "タリンでの協議はなぜ物別れに終わった?",
                             "ja", ROUND + after)
    assert answer.answerable, answer.text
    langs = [c.lang for c in sorted(answer.citations, key=lambda c: c.n)]
    assert langs[0] == "ja" and "en" in langs, answer.text
    assert "would not discuss where a ceasefire line" in answer.text, answer.text
