"""Three refusal checks narrowed by what they cost on the sets they were not written from
(``bench/refusals.py``, docs/quality.md, stop 40); each answer below was refused before:

- an abbreviation of one or two letters ("the Belgian PM", "in DC", "the AP") is no event
  name every report must write: reports spell it out ("prime minister"); ``event-names``
  refused (switch ``abbreviation``);
- a question asking *who* the named person acted on has no object of the act to find:
  "Who did Zelensky pick last Saturday to lead …" is answered from "Zelensky picked X"
  and "X will lead …"; ``act-apart`` refused (switch ``act-who``);
- an English act the question reports as still to come ("who did Trump say he would talk
  to next") is not taken as done: a report that he "would not talk to" one and plans to
  phone another is its answer; ``act-denied`` refused (switch ``act-to-come``).

Reports written for this test (our own words, invented people and talks), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at
a week, a year and two years after the reports. With a switch named in
``CEASEFIRE_GATE_OFF`` the narrowing is off and the old check refuses again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

DAY = datetime(2025, 11, 6, 10, tzinfo=UTC)

REPORTS = (
    report("leaky-en", "en", "Harbour Wire",
           "Belgian prime minister likens frozen-assets loan to a leaking boat",
           "The Belgian prime minister, Jan Peeters, told reporters in Brussels on Thursday "
           "that the plan to lend Ukraine money backed by frozen Russian assets was a leaking "
           "boat that could drag the euro down with it, at talks on ending the war.", DAY),
    report("ukpm-en", "en", "Meridian Daily", "UK PM visits Kyiv to discuss a ceasefire",
           "The UK PM arrived in Kyiv on Friday to discuss a ceasefire and air defence with "
           "President Zelensky.", DAY + timedelta(days=1)),
    report("pick-en", "en", "Harbour Wire", "Zelensky names new chief negotiator",
           "President Volodymyr Zelensky picked Ihor Marchenko, a former navy commander, as "
           "chief negotiator. Marchenko will lead Ukraine's team at the Oslo talks on a "
           "ceasefire next week, the president's office said.",
           DAY + timedelta(days=2)),
    report("call-en", "en", "Meridian Daily", "Trump says he will talk to Erdogan after Oslo",
           "After the Oslo meeting on a ceasefire, Trump said he would not talk to Putin "
           "again this month. He plans to phone Turkish President Recep Tayyip Erdogan on Monday.",
           DAY + timedelta(days=3)),
)

#: question, the fact its answer quotes, the switch that turns its narrowing off, the check
#: that then refuses it.
CASES = (
    ("What did the Belgian PM compare the frozen assets loan to?", "leaking boat",
     "abbreviation", "event-names"),
    ("Who did Zelensky pick last Saturday to lead Ukraine's team in Oslo?", "Marchenko",
     "act-who", "act-apart"),
    ("Who did Trump say he would talk to next after the Oslo meeting?", "Erdogan",
     "act-to-come", "act-denied"),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(DAY), *REPORTS), tmp_path_factory.mktemp("narrowed"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "fact", "switch", "check"), CASES)
async def test_answered_with_the_check_narrowed(
        store: Path, shared_engine: Engine, monkeypatch: pytest.MonkeyPatch,
        question: str, fact: str, switch: str, check: str, after: timedelta) -> None:
    monkeypatch.delenv("CEASEFIRE_GATE_OFF", raising=False)
    answer = await ask_store(store, shared_engine, question, "en",
                             DAY + timedelta(days=4) + after)
    answers_or_refuses(answer, fact, "")


@pytest.mark.parametrize(("question", "fact", "switch", "check"), CASES)
async def test_refused_with_the_narrowing_off(
        store: Path, shared_engine: Engine, monkeypatch: pytest.MonkeyPatch,
        question: str, fact: str, switch: str, check: str) -> None:
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", switch)
    answer = await ask_store(store, shared_engine, question, "en",
                             DAY + timedelta(days=4) + CLOCKS[0])
    answers_or_refuses(answer, fact, check)
