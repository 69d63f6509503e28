"""A "how many" question asked in one language is not answered from a report in the other
that gives no count: the gate reads a Japanese report's figures as a reader does, a kanji
numeral only where it counts something (not 一 of 一致, "agreed"), a currency only with its
amount (not ドル alone), and each side's count ("三百人ずつ") not as a total. Without it, an
English question on how many prisoners were to be swapped passed the gate on
"双方の意見が一致した" beside 捕虜 (dev d05-q10 and probe-u10 under xlslot's figure-across;
d11-q13 for the total). A report that does count them ("捕虜三百人") still answers.

The reports are written for this test (our own words), served as RSS from 127.0.0.1 and
ingested by the bot's pipeline; the questions are asked as ``ceasefire-bot ask`` asks them,
a day, a week and a year after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import support
from bot.answer.engine import Engine
from tests.answers.support import (
    ask_store,
    first_cited,
    made_up_store,
    other_talks,
    refusal_of,
)
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 14, 9, tzinfo=UTC)
AFTER = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

UNCOUNTED = (
    report("istanbul-ja", "ja", "東都通信", "イスタンブールで協議　捕虜交換で意見一致",
           "ロシアとウクライナの代表団は13日、イスタンブールで協議し、捕虜交換で意見が一致した。"
           "支援はドル建てで行われる見通しだ。",
           TALKS),
    report("istanbul-en", "en", "Harbor Wire", "Russia and Ukraine talk in Istanbul",
           "Delegations of Russia and Ukraine met in Istanbul on Monday and discussed an "
           "exchange of prisoners.", TALKS + timedelta(hours=2)),
    *other_talks(TALKS),
)
COUNTED = (
    report("istanbul-ja", "ja", "東都通信", "イスタンブールで協議　捕虜交換で意見一致",
           "ロシアとウクライナの代表団は13日、イスタンブールで協議し、捕虜三百人の交換で"
           "意見が一致した。",
           TALKS),
    *UNCOUNTED[1:],
)
EACH = (
    report("istanbul-ja", "ja", "東都通信", "イスタンブールで協議　捕虜交換で意見一致",
           "ロシアとウクライナの代表団は13日、イスタンブールで協議し、捕虜三百人ずつの交換で"
           "意見が一致した。",
           TALKS),
    *UNCOUNTED[1:],
)
ASKED = "How many prisoners did Russia and Ukraine agree to swap in Istanbul?"
#: "ドル建て" (in dollars) gives no amount.
COST = "How much money will the support agreed in Istanbul cost?"
#: Three hundred each is each side's count, not the total.
TOTAL = "How many prisoners did Russia and Ukraine agree to swap in total in Istanbul?"


@pytest.fixture(scope="module")
def uncounted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(UNCOUNTED, tmp_path_factory.mktemp("uncounted"))


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(COUNTED, tmp_path_factory.mktemp("counted"))


@pytest.fixture(scope="module")
def each(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(EACH, tmp_path_factory.mktemp("each"))


#: (store, question): "三百人ずつ" (each side's count) asked as a total; "意見が一致" (agreed)
#: and "ドル建て" with no count of the prisoners asked.
NOT_COUNTED = [("each", TOTAL), ("uncounted", ASKED)]


@pytest.fixture(scope="module")
def stores(each: Path, uncounted: Path) -> dict[str, Path]:
    return {"each": each, "uncounted": uncounted}


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize(("store", "question"), NOT_COUNTED)
async def test_a_figure_not_counting_what_was_asked_refuses(
        stores: dict[str, Path], shared_engine: Engine, store: str, question: str,
        after: timedelta) -> None:
    assert await refusal_of(stores[store], shared_engine, question, "en",
                            TALKS + after) == "figure-not-given"


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize(("store", "question"), NOT_COUNTED)
async def test_read_loosely_it_passes_the_gate(
        stores: dict[str, Path], shared_engine: Engine, store: str, question: str,
        after: timedelta, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "FIGURE_AS_READ", False)
    answer = await ask_store(stores[store], shared_engine, question, "en", TALKS + after)
    assert answer.answerable, answer.refusal


@pytest.mark.parametrize("after", AFTER)
async def test_each_sides_count_still_answers_how_many(each: Path, shared_engine: Engine,
                                                       after: timedelta) -> None:
    assert await first_cited(each, shared_engine, ASKED, "en",
                             TALKS + after) in {"istanbul-ja", "istanbul-en"}


@pytest.mark.parametrize("after", AFTER)
async def test_a_kanji_count_answers(counted: Path, shared_engine: Engine,
                                     after: timedelta) -> None:
    assert await first_cited(counted, shared_engine, ASKED, "en",
                             TALKS + after) in {"istanbul-ja", "istanbul-en"}


def test_a_currency_is_read_with_its_amount(shared_engine: Engine,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    concepts = shared_engine.concepts(COST)
    money = support.counted_across(COST, concepts, to_ja=True)
    assert money.search("支援額は3500億ドルに上る") and money.search("数十億ユーロ規模")
    assert not money.search("支援はドル建てで行われる") and not money.search("協議は円滑に進んだ")
    monkeypatch.setattr(support, "FIGURE_AS_READ", False)
    assert support.counted_across(COST, concepts, to_ja=True).search("支援はドル建てで行われる")
