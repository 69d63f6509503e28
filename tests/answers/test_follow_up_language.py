"""A follow-up answered from its thread's story leads with the report in its own language
when the other language's report matches it barely better (``SCOPED_OWN``,
docs/quality.md, stop 35).

"で、会談はどれくらい続いたの?" asked after a Japanese answer about an envoy's talks shares
only 会談 and 時間 with the story's reports. The English report says "talks" and "hours"
more often, so through the glossary it scored higher and led the Japanese reader's answer,
although the Japanese report of the same talks says how long they lasted. Now the
question's own words count in full when a follow-up is answered from its story (a
question asked on its own keeps ``OWN_WEIGHT``).

Reports written for this test (our own words, an invented envoy), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from bot.model import Answer, Lang
from tests.answers.support import (
    CLOCKS,
    answers_or_refuses,
    ask_follow_up,
    made_up_store,
    other_talks,
)
from tests.answers.support import made_up_report as report

MEET = datetime(2025, 10, 14, 12, tzinfo=UTC)

REPORTS = (
    report("harlan-en", "en", "Steppe Wire", "Putin and envoy Harlan talk for three hours",
           "Putin and US envoy Glen Harlan held talks in Moscow on Tuesday. The talks lasted "
           "three hours, a Kremlin aide said, calling the talks useful. Harlan said the talks "
           "had lasted longer than planned.",
           MEET),
    report("harlan-ja", "ja", "Kyokai Shimbun", "プーチン氏とハーラン特使が会談",
           "ロシアのプーチン大統領は14日、モスクワで米国のハーラン特使と会談した。会談は"
           "約3時間続いた。大統領補佐官は会談を「有益だった」と評価した。",
           MEET + timedelta(hours=2)),
    *other_talks(MEET),
)

FIRST = "14日にモスクワでプーチン大統領と会談した米国の特使は誰?"
FOLLOW = "で、会談はどれくらい続いたの?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("follow-up-language"))


async def _thread(store: Path, shared_engine: Engine, now: datetime,
                  lang: Lang = "ja") -> tuple[Answer, str]:
    """The follow-up asked after ``FIRST`` in one thread, and the guid it cites as [1]."""
    return await ask_follow_up(store, shared_engine, FIRST, FOLLOW, lang, now)


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_follow_up_leads_with_its_own_languages_report(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer, lead = await _thread(store, shared_engine, MEET + after)
    answers_or_refuses(answer, "3時間", "")
    assert lead == "harlan-ja", answer.text


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_rule_the_other_languages_report_led(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The case the rule is for: with the weight of a question asked on its own, the
    # English report's glossary matches put it first.
    monkeypatch.setattr(extractive, "SCOPED_OWN", extractive.OWN_WEIGHT)
    monkeypatch.setattr(extractive, "SCOPED_OWN_LANGUAGE", False)
    answer, lead = await _thread(store, shared_engine, MEET + after)
    answers_or_refuses(answer, "three hours", "")
    assert lead == "harlan-en", answer.text

