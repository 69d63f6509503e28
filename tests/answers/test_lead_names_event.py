"""A question about one round of a series is answered from the reports *about* that round
(issue 12, series confusion): a report on a later truce that recalls the earlier one in a
later paragraph, in words close to the question's, does not lead an answer about the earlier
one. News names the event a report is about in its headline and lead; a report recalling
another event names it further down.

The reports are written for this test (our own words, invented holidays), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; the question is asked as ``ceasefire-bot ask``
asks it, at several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

MIDSUMMER = datetime(2025, 6, 21, 9, tzinfo=UTC)
HARVEST = MIDSUMMER + timedelta(days=40)


REPORTS = (
    # The truce asked about, in its own reports.
    report("midsummer", "en", "Harbor Wire", "Kremlin declares a Midsummer truce",
            "Russia's president ordered his forces to stop fighting for the Midsummer "
            "holiday. The unilateral pause is supposed to run from 6 p.m. on Saturday until "
            "midnight on Sunday, 30 hours in all.\n\n"
            "Ukraine said it would answer in kind. Air raid alerts sounded in the east.",
            MIDSUMMER),
    report("midsummer-ja", "ja", "Kyokai Shimbun", "ロシアがミッドサマー停戦を宣言",
            "ロシア大統領はミッドサマーの祝日に合わせ、土曜日の午後6時から日曜日の深夜まで、"
            "一方的に戦闘を止めるよう命じた。停戦は30時間続く。\n\nウクライナは同調すると表明した。東部では空襲警報が"
            "鳴った。", MIDSUMMER),
    # A later truce; its last paragraph recalls the earlier one in the question's words.
    report("harvest", "en", "Meridian Daily", "Russia announces a three-day Harvest Day truce",
            "Russia will halt fighting for 72 hours over the Harvest Day holiday, the Kremlin "
            "said on Monday. Kyiv called for a longer and unconditional ceasefire.\n\n"
            "European leaders said the offer was not enough. Talks between the two sides "
            "have stalled since the spring. A new round is not yet planned.\n\n"
            "The unilateral Midsummer truce in June was supposed to last 30 hours, but both "
            "sides reported attacks within hours.", HARVEST),
    report("harvest-ja", "ja", "Nami Shimpo", "ロシア、収穫祭に3日間の停戦",
            "ロシア大統領府は、収穫祭に合わせて72時間戦闘を止めると発表した。ウクライナは"
            "より長い無条件の停戦を求めた。\n\n欧州の首脳は不十分だと述べた。両国の協議は春から"
            "止まっている。次の協議の予定はまだない。\n\n"
            "6月のミッドサマーの一方的な停戦は30時間の予定だったが、数時間で双方が攻撃を"
            "報告した。", HARVEST),
    *other_talks(MIDSUMMER),
    report("grain", "en", "Meridian Daily", "Grain ships leave port under truce deal",
            "Three grain ships left port on Tuesday under a truce deal Russia and Ukraine "
            "reached last month.", MIDSUMMER - timedelta(days=20)),
)
QUESTIONS: dict[Lang, tuple[str, str]] = {
    "en": ("How long was the unilateral Midsummer truce supposed to last?", "midsummer"),
    "ja": ("ミッドサマーの一方的な停戦は何時間の予定だった?", "midsummer-ja")}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("series"))


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("after", CLOCKS)
async def test_the_report_about_the_truce_answers_for_it(
        store: Path, shared_engine: Engine, lang: Lang, after: timedelta) -> None:
    assert await first_cited(store, shared_engine, QUESTIONS[lang][0], lang,
                              HARVEST + after) == QUESTIONS[lang][1]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_without_the_lead_the_report_recalling_it_would_lead(
        store: Path, shared_engine: Engine, lang: Lang,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first test is not won by the reports' words: with the lead not counting, the
    later report, whose recalling sentence holds every word of the question, leads."""
    monkeypatch.setattr(extractive, "HEADLINE_WEIGHT", 0.0)
    first = await first_cited(store, shared_engine, QUESTIONS[lang][0], lang,
                              HARVEST + timedelta(days=7))
    assert first != QUESTIONS[lang][1]
