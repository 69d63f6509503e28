"""Unanswerable questions whose premise the reports deny or never state (branch unans,
found on the dev-side probes), and the answerable questions beside them that must stay
answered.

- A wh-question takes its own act as done: "What did Trump and Zelensky sign …" and
  "…協定に署名したゼレンスキー氏に…" were answered from reports saying the deal was *not*
  signed ("had not been signed", "署名しないまま"). A found report that denies the act the
  question takes as done now refuses ``act-denied``; "Did they sign …?" and "Why did he
  not sign …?" take nothing as done and are still answered, and so is an act denied in
  part ("did not agree to a full ceasefire but agreed to halt strikes").
- A Japanese question placing a side's people at the talks ("協議に加わったウクライナ代表団")
  is answered. (The check that refused one whose side's delegation no report writes,
  ``side-absent``, was removed: docs/quality.md, stop 34.)

Invented talks in Reykjavik and Valletta, written for this test, go through the real
pipeline (RSS over loopback, ingest) and each question is asked the way ``ceasefire-bot
ask`` asks it, a week, a year and two years later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import (
    CLOCKS,
    answers_or_refuses,
    ask_store,
    made_up_store,
    other_talks,
)
from tests.answers.support import made_up_report as report

SUMMIT = datetime(2025, 4, 11, 15, tzinfo=UTC)
VALLETTA = SUMMIT + timedelta(days=9)
#: The last report: questions are asked after it.
LAST = VALLETTA + timedelta(hours=7)

REPORTS = (
    report("reykjavik-en", "en", "Geyser Wire", "Reykjavik summit ends in a row",
           "Donald Trump and Volodymyr Zelensky met in Reykjavik on Friday to discuss an "
           "energy deal, but the meeting ended in a shouting match.\n\n"
           "Officials said the energy deal had not been signed when Zelensky left the "
           "venue. An aide said Zelensky refused because the deal offered Kyiv no security "
           "guarantees.",
           SUMMIT),
    report("reykjavik-ja", "ja", "Hokuto Shimbun", "レイキャビク会談、物別れに",
           "トランプ大統領とゼレンスキー大統領は11日、レイキャビクで会談し、エネルギー協定"
           "について話し合った。ゼレンスキー氏は協定に署名しないまま会場を去った。"
           "トランプ氏は記者団に「交渉は続く」と述べた。",
           SUMMIT + timedelta(hours=5)),
    report("valletta-en", "en", "Harbour Post", "US and Ukraine talk ports in Valletta",
           "A US delegation led by Secretary of State Marco Rubio met Rustem Umerov in "
           "Valletta on Sunday to work on the safety of Black Sea ports.\n\n"
           "Both said the talks had been useful; a ceasefire with Russia is still far off.",
           VALLETTA),
    report("valletta-ja", "ja", "Kyokai Shimbun", "バレッタで米ウクライナ協議",
           "バレッタでの協議には米国からルビオ国務長官、ウクライナから国家安全保障・国防会議の"
           "ウメロフ書記が出席した。黒海の港の安全について話し合った。"
           "ロシアとの停戦の見通しは立っていない。",
           VALLETTA + timedelta(hours=7)),
    report("vienna-en", "en", "Danube Wire", "Putin and Trump speak by phone",
           "Vladimir Putin and Donald Trump spoke by phone on Tuesday about the war.\n\n"
           "During the conversation Putin did not agree to a full ceasefire but agreed to halt "
           "strikes on energy sites for a month.",
           SUMMIT + timedelta(days=4)),
    *other_talks(SUMMIT - timedelta(days=2)),
)

#: (question, language, what the answer must quote, or "" and the check that refuses it).
CASES: list[tuple[str, Lang, str, str]] = [
    # A yes/no question takes nothing as done: the answer is that it was not signed.
    ("Did Trump and Zelensky sign the energy deal in Reykjavik?", "en", "not been signed", ""),
    # An act no report denies.
    ("What did Trump and Zelensky discuss in Reykjavik?", "en", "energy deal", ""),
    # Denied in part only: what was agreed is still said.
    ("What did Putin agree to in his phone conversation with Trump?", "en", "energy sites", ""),
    # Ukraine's people are written only as "ウクライナから…が出席した".
    ("バレッタの協議にウクライナ側から出席したのはだれ?", "ja", "ウメロフ", ""),
    ("バレッタの協議に加わったウクライナ代表団は何を話し合った?", "ja", "黒海", ""),
    # A question that itself asks why the act did not happen takes nothing as done.
    ("Why did Zelensky not sign the energy deal in Reykjavik?", "en", "no security", ""),
    ("Why didn't Zelensky sign the energy deal in Reykjavik?", "en", "no security", ""),
    # The reports say the deal was not signed.
    ("What did Trump and Zelensky sign in Reykjavik?", "en", "", "act-denied"),
    ("レイキャビクで協定に署名したゼレンスキー氏に、トランプ氏は何と言った?", "ja", "",
     "act-denied"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("premise-denied"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang", "fact", "check"), CASES)
async def test_an_answer_needs_the_premise_the_reports_state(
        store: Path, shared_engine: Engine, question: str, lang: Lang, fact: str, check: str,
        after: timedelta) -> None:
    answers_or_refuses(await ask_store(store, shared_engine, question, lang, LAST + after),
                       fact, check)
