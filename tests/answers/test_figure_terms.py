"""A "how many / how much" question is answered by a figure of the kind it asks, not by any
number near its words: "what percentage", "何％" asks for a percentage (``FIGURE_PERCENT``)
and "損失額" for an amount of money (``FIGURE_AMOUNT``). Without them, on the spent fresh
batches, "この900億ユーロを…金利は何％" passed the gate on the loan's amount and
"ロシアの損失額はどのくらい" on "100%の2次関税". A report that does give the figure asked
still answers.

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
from tests.answers.support import ask_store, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report

SUMMIT = datetime(2025, 12, 19, 9, tzinfo=UTC)
AFTER = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

LOAN_EN = report(
    "loan-en", "en", "Harbor Wire", "EU leaders agree 90 billion euro loan for Ukraine",
    "European Union leaders meeting in Brussels agreed on Thursday to lend Ukraine 90 billion "
    "euros over the next two years. The money for the loan will be borrowed on the markets; "
    "officials gave no percentage for the interest rate the EU would pay.", SUMMIT)
LOAN_JA = report(
    "loan-ja", "ja", "東都通信", "EU首脳、ウクライナに900億ユーロ融資で合意",
    "欧州連合（EU）の首脳は18日、ブリュッセルで会議を開き、ウクライナに今後2年間で900億"
    "ユーロを融資することで合意した。融資の資金はEUが市場で借りる。", SUMMIT)
TARIFF_JA = report(
    "tariff-ja", "ja", "東都通信", "トランプ氏、ロシアに2次関税を警告",
    "トランプ米大統領は18日、ロシアが停戦に応じなければ、ロシア産原油を買う国に100%の"
    "2次関税を発動すると表明した。ロシア経済への打撃は大きいとみられる。", SUMMIT)

RATE_EN = report(
    "loan-en", "en", "Harbor Wire", LOAN_EN.title,
    "European Union leaders meeting in Brussels agreed on Thursday to lend Ukraine 90 billion "
    "euros over the next two years. The interest rate the EU will pay on the loan for Ukraine "
    "is about 3.5% a year, officials said.", SUMMIT)
LOSS_JA = report(
    "tariff-ja", "ja", "東都通信", TARIFF_JA.title,
    f"{TARIFF_JA.text}2次関税が発動されれば、ロシアの損失額は年500億ドルに上ると試算されている。",
    SUMMIT)

#: The reports give the loan's amount and its length, no rate.
RATE = "What percentage is the interest rate on the EU's 90 billion euro loan for Ukraine?"
#: The report gives the tariff's rate, not an amount of money.
LOSS = "2次関税が発動されたら、ロシアの損失額はどのくらいになると試算されているの？"

#: (store, question, language, the check's refusal, its switch).
CASES = [
    ("loan", RATE, "en", "figure-not-percent", "FIGURE_PERCENT"),
    ("tariff", LOSS, "ja", "figure-not-amount", "FIGURE_AMOUNT"),
]
#: (store, question, language, what the answer quotes): the figure asked, given.
GIVEN = [
    ("rate", RATE, "en", "3.5%"),
    ("loss", LOSS, "ja", "500億ドル"),
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    made = {"loan": (LOAN_EN, LOAN_JA), "tariff": (TARIFF_JA,), "rate": (RATE_EN, LOAN_JA),
            "loss": (LOSS_JA,)}
    return {name: made_up_store((*reports, *other_talks(SUMMIT)), tmp_path_factory.mktemp(name))
            for name, reports in made.items()}


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize(("store", "question", "lang", "check", "switch"), CASES)
async def test_a_figure_of_another_kind_refuses(
        stores: dict[str, Path], shared_engine: Engine, store: str, question: str,
        lang: str, check: str, switch: str, after: timedelta) -> None:
    assert await refusal_of(stores[store], shared_engine, question, lang,  # type: ignore[arg-type]
                            SUMMIT + after) == check


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize(("store", "question", "lang", "check", "switch"), CASES)
async def test_switched_off_any_figure_passes(
        stores: dict[str, Path], shared_engine: Engine, store: str, question: str,
        lang: str, check: str, switch: str, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, switch, False)
    answer = await ask_store(stores[store], shared_engine, question, lang,  # type: ignore[arg-type]
                             SUMMIT + after)
    assert answer.answerable, answer.refusal


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize(("store", "question", "lang", "fact"), GIVEN)
async def test_the_figure_asked_answers(stores: dict[str, Path], shared_engine: Engine,
                                        store: str, question: str, lang: str, fact: str,
                                        after: timedelta) -> None:
    answer = await ask_store(stores[store], shared_engine, question, lang,  # type: ignore[arg-type]
                             SUMMIT + after)
    assert answer.answerable and fact in answer.text, (answer.refusal, answer.text)

