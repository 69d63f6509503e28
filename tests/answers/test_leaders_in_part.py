"""A figure's sentence naming one of the leaders asked gives their figure when the sentence
before names the other.

A "how long" question naming two sides' leaders ("How long did Trump and Zelensky's
meeting last?") needs the figure's sentence to name both, or, naming none, the sentence
before or the headline to: the length of Trump's call with Putin is not that of his
meeting with Zelensky. A sentence naming only one of them ("Before flying home he met
Zelensky for about an hour", after "Trump spent some thirty hours in Tromso") was read as
another leader's figure and the question refused (on the spent fresh set, f12-q01, the
Davos meeting: "帰国する直前に、ウクライナのゼレンスキー大統領とおよそ1時間会談した" after
"トランプ大統領がダボスにいたのは約30時間"). Now a sentence naming some of the leaders asked
and no other gives their figure when the sentence before or the headline names the rest
(``bot.answer.support.LEADERS_IN_PART``).

The guard: a sentence naming another leader still gives no figure of the pair asked.

The reports are written for this test (our own words, an invented meeting), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; questions are asked as
``ceasefire-bot ask`` asks them, a day, a week and a year after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

MET = datetime(2025, 11, 20, 16, tzinfo=UTC)

#: A day, a week and a year after the reports.
CLOCKS = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

REPORTS = (
    report("tromso-visit-en", "en", "Harbour Wire",
           "Trump and Zelensky meet in Tromso on the ceasefire talks",
           "Donald Trump left Tromso on Thursday after a visit devoted to the ceasefire talks. "
           "Trump spent some thirty hours in Tromso.\n\nBefore flying home, he met "
           "Zelensky for about 50 minutes at the harbour hotel.", MET),
    report("bergen-call-en", "en", "Meridian Daily", "Ceasefire talks: a call from Bergen",
           "Donald Trump arrived in Bergen on Friday for a day of ceasefire talks. Trump said "
           "in Bergen that he would brief Zelensky on them.\n\nThere he spoke to Putin by "
           "phone for 75 minutes.", MET + timedelta(days=1)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(MET), *REPORTS), tmp_path_factory.mktemp("leaders"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_one_leader_named_after_the_other_gives_their_figure(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Off (``LEADERS_IN_PART = False``), refused as figure-not-given."""
    answer = await ask_store(store, shared_engine,
                             "How long did Trump and Zelensky's meeting in Tromso last?", "en",
                             MET + timedelta(days=1) + after)
    answers_or_refuses(answer, "50 minutes", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_another_leaders_figure_is_still_no_answer(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "How long did Trump and Zelensky's call in Bergen last?", "en",
                             MET + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "figure-not-given")
