""""What did X say" when a report names X once and then quotes him through "he said" or a
Japanese sentence opening on the quote (``speaks_on``, docs/quality.md, stop 35).

Such a report was refused as "speaker-silent" (X never named beside a verb of saying) or
its quote lost the sentence cap to sentences naming X. The quote now counts as X speaking.

Reports written for this test (our own words, invented envoys), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import (
    CLOCKS,
    answers_or_refuses,
    ask_store,
    made_up_store,
    other_talks,
)
from tests.answers.support import made_up_report as report

LANDED = datetime(2025, 10, 24, 9, tzinfo=UTC)

REPORTS = (
    report("voss-en", "en", "Harbour Ledger",
           "Kremlin envoy Voss in Washington for Ukraine peace talks",
           "Kremlin envoy Harlan Voss landed in Washington on Friday for talks on a ceasefire "
           "in Ukraine, as new levies on Russian oil exporters were unveiled. In a television "
           "interview later that day he said the levies would only push up fuel prices for "
           "American drivers.",
           LANDED),
    report("zaitsev-ja", "ja", "Kyokai Shimbun",
           "ザイツェフ特使、ウクライナ停戦協議でワシントン入り",
           "ロシアのザイツェフ特使は24日、ウクライナの停戦をめぐる協議のため"
           "ワシントンに到着した。"
           "「新たな制裁は米国の燃料価格を押し上げるだけだ」と述べた。",
           LANDED + timedelta(hours=2)),
    *other_talks(LANDED),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("speaks-on"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_he_said_after_the_named_envoy_is_his_saying(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "What did Voss say the new oil levies would do?", "en",
                             LANDED + after)
    answers_or_refuses(answer, "fuel prices", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_japanese_quote_after_the_named_envoy_is_his_saying(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, "ザイツェフ特使は制裁について何と述べた?",
                             "ja", LANDED + after)
    answers_or_refuses(answer, "燃料価格", "")
