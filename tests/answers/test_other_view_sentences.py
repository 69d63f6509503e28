"""A report in the other language than the best report's gives two sentences, not one
(issue 12: cross-language answers).

An answer quotes four sentences of its best report and one of each later report. A later
report in the other language is there for what one language's outlets report and the
other's do not, and one sentence of it often held one half of what was asked and not the
other: "who hosted the round, and did they agree to meet again" was answered with the host
only.

Reports written for this test (our own words, an invented round), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

ROUND = datetime(2025, 10, 13, 12, tzinfo=UTC)

REPORTS = (
    report("kaunas-en", "en", "Baltic Ledger", "Kaunas round ends with no truce",
           "Delegations of Russia and Ukraine met in Kaunas on Monday for a new round of "
           "talks. The round ended without a truce, said Lithuania's foreign minister, who "
           "hosted it.",
           ROUND),
    report("kaunas-ja", "ja", "Kyokai Shimbun", "カウナスで露ウ協議",
           "ロシアとウクライナの代表団は13日、リトアニア第2の都市カウナスで協議した。"
           "カウナスでの協議はリトアニアのブドリス外相が主催した。"
           "両代表団は、カウナスで再び会合を開くことで一致した。",
           ROUND + timedelta(hours=3)),
    *other_talks(ROUND),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("other-view-sentences"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_other_languages_report_gives_two_sentences(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    asked = "Who hosted the Kaunas round, and did the delegations agree to meet again?"
    answer = await ask_store(store, shared_engine, asked, "en", ROUND + after)
    assert answer.answerable, answer.text
    assert [c.lang for c in sorted(answer.citations, key=lambda c: c.n)] == ["en", "ja"]
    assert "ブドリス外相" in answer.text and "再び会合" in answer.text, answer.text
