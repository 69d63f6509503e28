"""The answer also cites the report of the leading report's story whose sentence holding
what is asked holds the question's distinctive detail (``STORY_FACT``,
docs/quality.md, stop 37).

"Who led the working group on prisoners at the Velmora talks?" was answered from the
reports restating the talks in the question's words (Velmora, the prisoners, who led the
delegations), while the one report of the same story naming who led the working group
matched too little of the question to be retrieved among the answer's reports. The answer
now cites it after the others and quotes its sentence; which report leads does not move.

Reports written for this test (our own words, invented places and people), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks,
at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.answer.extractive as extractive
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

MET = datetime(2025, 10, 7, 9, tzinfo=UTC)
CHAIR = "Hanne Virtala"

RESTATING = (
    ("Steppe Wire", "Russia and Ukraine hold Velmora talks on prisoners",
     "Russian and Ukrainian delegations met in Velmora on Tuesday for talks on prisoners. "
     "The delegations were led by Ivo Karsk and Petro Lenn. The Velmora talks set up a "
     "working group on prisoners, officials said."),
    ("Danube Post", "Velmora talks on prisoners open between Russia and Ukraine",
     "Talks on prisoners between Russia and Ukraine opened in Velmora. Ivo Karsk led the "
     "Russian side and Petro Lenn led Ukraine's. A working group on prisoners was agreed at "
     "the Velmora talks."),
    ("Harbour Daily", "Prisoners top the agenda at Velmora talks",
     "Prisoners were the main subject when Russia and Ukraine met in Velmora. The talks "
     "were led by Ivo Karsk for Moscow and Petro Lenn for Kyiv. The Velmora talks formed "
     "a working group on prisoners."),
    ("Plains Herald", "Velmora hosts Russia-Ukraine talks on prisoners",
     "Velmora hosted talks on prisoners between Russia and Ukraine on Tuesday. Petro Lenn "
     "led Kyiv's delegation, Ivo Karsk Moscow's. More Velmora talks are planned."),
)
REPORTS = (
    *(report(f"velmora-{n}", "en", outlet, title, text, MET + timedelta(hours=n))
      for n, (outlet, title, text) in enumerate(RESTATING)),
    report("velmora-group", "en", "Lakeside Courier",
           "Finnish diplomat steers Velmora working group",
           "Russia and Ukraine agreed at the Velmora talks to exchange lists by the end of the "
           f"month. Their working group was led by {CHAIR}, a Finnish diplomat.",
           MET + timedelta(hours=6)),
    *other_talks(MET - timedelta(days=20)),
)
QUESTION = "Who led the working group on prisoners at the Velmora talks?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("fact-in-story"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_storys_report_naming_who_led_is_cited(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, QUESTION, "en", MET + after)
    assert answer.answerable and CHAIR in answer.text, answer.text
    assert CHAIR not in answer.sentences[0].text, answer.text  # the lead stays


async def test_without_the_rule_it_is_not_cited(
        store: Path, shared_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # The case the rule is for: the other rules leave the report out.
    monkeypatch.setattr(extractive, "STORY_FACT", None)
    answer = await ask_store(store, shared_engine, QUESTION, "en", MET + CLOCKS[0])
    assert answer.answerable and CHAIR not in answer.text, answer.text
