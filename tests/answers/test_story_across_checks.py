"""The refusal checks read the other language's reports fairly (``bot/answer/support.py``):

- a "how many" question dated by a leaders' meeting ("on the eve of the Trump-Zelensky
  meeting") counts what happened then, not what the leaders did: the figure's sentence of
  a Japanese report need not name them (``_ANCHOR_EN``);
- "どんな言葉で表現した" is not denied by an English report quoting another person who
  "would not call it" something (``_PUT_IN_WORDS``): saying so is itself saying.

Before, each was refused (``figure-not-given``, ``act-denied``) though the other language's
report says it. A count no report gives is still refused.

Reports written for this test (our own words, an invented strike and grain talks),
served as RSS from 127.0.0.1 and ingested by the bot's pipeline; asked as
``ceasefire-bot ask`` asks, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

DAY = datetime(2025, 9, 9, 8, tzinfo=UTC)

REPORTS = (
    report("sumy-ja", "ja", "朝夕新聞",
           "ドニプロ市に無人機攻撃、子ども7人を含む40人超が負傷",
           "ウクライナ中部ドニプロ市の集合住宅が9日未明、無人機による攻撃を受けた。州当局に"
           "よると、3人が死亡し、子ども7人を含む40人超が負傷した。攻撃は、ワシントンで予定"
           "されるトランプ米大統領とゼレンスキー大統領の会談を翌日に控えた中で起きた。",
           DAY),
    report("visit-en", "en", "Capital Ledger",
           "Trump to host Zelensky in Washington on Wednesday",
           "US President Donald Trump will meet Ukrainian President Volodymyr Zelensky at the "
           "White House on Wednesday to discuss air defence, the return of deported children and "
           "a ceasefire, officials said.",
           DAY - timedelta(hours=6)),
    report("grain-en", "en", "Harbour Wire",
           "Lavrov calls US grain talks a 'sleepwalk'",
           "Russian Foreign Minister Sergei Lavrov said on Tuesday the US approach to the "
           "Black Sea grain talks was \"a sleepwalk\" that led nowhere. Earlier, a US envoy, "
           "Dana Whitlock, told reporters she would not call the talks a breakthrough but a "
           "start. Lavrov said Moscow would wait for written proposals.",
           DAY + timedelta(hours=2)),
    report("grain-ja", "ja", "南北新報",
           "ラブロフ外相、米国の穀物協議を批判",
           "ロシアのラブロフ外相は9日、黒海の穀物協議をめぐる米国の姿勢を独特の表現で批判した。"
           "ロシア側は米国からの書面での提案を待つ構えだ。",
           DAY + timedelta(hours=3)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(DAY), *REPORTS), tmp_path_factory.mktemp("across"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_count_dated_by_a_leaders_meeting_is_read_in_japanese(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(
        store, shared_engine,
        "How many children were injured in the drone strike on Dnipro on the eve "
        "of the Trump-Zelensky meeting?", "en", DAY + timedelta(days=1) + after)
    answers_or_refuses(answer, "子ども7人", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_words_put_by_one_are_not_denied_by_another_declining_a_word(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "ロシアのラブロフ外相は、米国の穀物協議をどう表現した？",
                             "ja", DAY + timedelta(days=1) + after)
    answers_or_refuses(answer, "sleepwalk", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_count_the_reports_do_not_give_is_still_refused(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(
        store, shared_engine,
        "How many schools were damaged in the drone strike on Dnipro on the eve of "
        "the Trump-Zelensky meeting?", "en", DAY + timedelta(days=1) + after)
    assert not answer.answerable, answer.text
