"""Once a sentence quoting the event is chosen, the report's next sentence is the one that
adds what is asked, not another restating the event (issue 12: "asked facts present").

A report tells its event in several sentences, each holding most of the question's words
(the draft, who offered it, when), and gives the asked reason in one sentence holding few
of them. Each sentence used to score on its own, so the restatements filled the answer and
the reason was left out; now a question's word that a chosen sentence of the report holds
counts less in the report's other sentences (``WITHIN_REPORT``).

Reports written for this test (our own words, invented events), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

HARBOUR = datetime(2025, 10, 14, 9, tzinfo=UTC)
BRIDGE = datetime(2025, 10, 20, 9, tzinfo=UTC)

REPORTS = (
    report("harbour-en", "en", "Baltic Courier", "Kyiv and Ankara meet over a harbour accord",
           "Envoys of Ukraine and Turkey met in Izmir on Monday to keep grain moving during "
           "the war with Russia and a possible ceasefire.\n\n"
           "Ankara offered Kyiv a draft of the harbour accord this month.\n\n"
           "The draft harbour accord Ankara offered would open Izmir's docks to grain "
           "ships.\n\n"
           "Under the draft harbour accord from Ankara, Turkish tugs would escort the "
           "ships.\n\n"
           "Ankara's draft named Izmir as the first port of the harbour accord.\n\n"
           "Ukraine turned it away because the text set no date for the first ships.\n\n"
           "The envoys will meet again next month.",
           HARBOUR),
    report("bridge-ja", "ja", "Kyokai Shimbun", "モルドバとの橋の協定",
           "ウクライナとモルドバの代表が14日、ロシアとの停戦をにらんでキシナウで会った。\n\n"
           "モルドバは今月初め、橋の協定の草案をウクライナに示した。\n\n"
           "モルドバが示した橋の協定は、建設費を両国で分ける。\n\n"
           "橋の協定の草案をモルドバがまとめたのは先月だった。\n\n"
           "モルドバの示した草案では、橋は来年に完成する。\n\n"
           "ウクライナは、通行料の取り決めがないため、受け入れなかった。\n\n"
           "両国は来月も協議する。",
           BRIDGE),
    *other_talks(HARBOUR),
)

#: Question → (language, the reason the answer must quote, the report cited first).
ASKED: dict[str, tuple[Lang, str, str]] = {
    "Why did Kyiv turn down the draft harbour accord Ankara offered?":
        ("en", "set no date for the first ships", "harbour-en"),
    "モルドバが示した橋の協定の草案を、ウクライナが受け入れなかったのはなぜ?":
        ("ja", "通行料の取り決めがない", "bridge-ja"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("restated-event"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ASKED.items()))
async def test_the_reason_is_quoted_besides_the_event_restated(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str, str],
        after: timedelta) -> None:
    lang, fact, first = expected
    published = next(r.published for r in REPORTS if r.guid == first)
    await quotes_first(store, shared_engine, question, lang, published + after, fact, first)
