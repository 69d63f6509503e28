"""A question's actor doing its act to the thing it names, in one clause (branch unans2,
found on the dev-side probes).

"…モスクワのパレードを訪れたゼレンスキー大統領は…" and "What did Putin tell the two
delegations when he opened the Istanbul session?" were answered from reports that name the
person near the event and write the act, but of something else: Zelensky visited Florida,
Putin said a summit could "open the way". The question's actor, act and object are now
read from its clause, and a report writing the actor doing the act only to other things
refuses ``act-apart``. The same actor doing the act to the thing asked about is answered,
and so is an act the reports word differently (参列 asked, 出席 written): an act no report
writes with its actor proves nothing.

A date or a weekday the clause gives ("2025年6月11日に開幕した…会議") says when the act
happened: it is no object the reports must write.

Invented events in Tallinn and Oslo, written for this test, go through the real pipeline
(RSS over loopback, ingest); each question is asked the way ``ceasefire-bot ask`` asks it,
a week, a year and two years later.
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

CEREMONY = datetime(2025, 6, 5, 9, tzinfo=UTC)
FORUM = CEREMONY + timedelta(days=6)
#: The last report: questions are asked after it.
LAST = FORUM + timedelta(hours=6)

REPORTS = (
    report("tallinn-ja", "ja", "Baruto Shimbun", "タリンで独立記念式典、トランプ氏が出席",
           "エストニアの首都タリンで5日、独立記念の式典が開かれ、トランプ大統領が出席した。"
           "トランプ氏は演説で、エストニアへの防衛支援を続けると約束した。"
           "ゼレンスキー大統領はタリンでの式典について、ロシアへの圧力を示す場になったと評価した。"
           "ゼレンスキー氏は同じ日、ワルシャワを訪れ、ポーランドのノヴァク首相と会談した。",
           CEREMONY),
    report("oslo-en", "en", "Fjord Wire", "Oslo energy forum opens",
           "The Oslo energy forum opened on Wednesday with Norway's foreign minister Jonas "
           "Lund in the chair; he urged both delegations to spare power plants for the "
           "winter.\n\n"
           "Russia and Ukraine each sent six negotiators to the forum.\n\n"
           "In Moscow, Putin said a deal on energy sites could open the way to a wider "
           "ceasefire.",
           FORUM),
    report("oslo-ja", "ja", "Hokuo Tsushin", "オスロでエネルギー会議開幕",
           "オスロのエネルギー会議が開幕し、ノルウェーのルンド外相が議長を務めた。"
           "ルンド外相は両国の代表団に、冬に備えて発電所への攻撃を控えるよう呼びかけた。"
           "ロシアとウクライナの停戦協議を後押しする狙いがある。",
           FORUM),
    *other_talks(CEREMONY - timedelta(days=2)),
)

#: (question, language, what the answer must quote, or "" and the check that refuses it).
CASES: list[tuple[str, Lang, str, str]] = [
    # The actor does the act to the thing asked about.
    ("ワルシャワを訪れたゼレンスキー大統領は、だれと会談した?", "ja", "ノヴァク", ""),
    ("What did Lund tell the delegations when he opened the Oslo forum?", "en",
     "power plants", ""),
    # The reports word the act their own way (出席, not 参列): nothing is read from it.
    ("タリンの式典に参列したトランプ大統領は、何を約束した?", "ja", "防衛支援", ""),
    # Zelensky visited Warsaw, not the Tallinn ceremony; Putin "opened the way", no forum.
    # (Not "…トランプ氏と何を話した?": a pair the report never writes together refuses
    # first, pair-unjoined.)
    ("タリンの式典を訪れたゼレンスキー大統領は、そこで何を話した?", "ja", "", "act-apart"),
    ("What did Putin tell the delegations when he opened the Oslo forum?", "en", "",
     "act-apart"),
    # A date or a weekday marked に says when the act happened, not what it was done to:
    # the report writes the forum opening without them.
    ("2025年6月11日に開幕したオスロのエネルギー会議で、ルンド外相は何を呼びかけた?", "ja",
     "発電所", ""),
    ("水曜日に開幕したオスロのエネルギー会議で、ルンド外相は何を呼びかけた?", "ja",
     "発電所", ""),
    ("オスロのエネルギー会議で、ルンド外相は何を呼びかけた?", "ja", "発電所", ""),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("act-apart"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang", "fact", "check"), CASES)
async def test_an_actor_must_do_the_act_to_what_was_asked(
        store: Path, shared_engine: Engine, question: str, lang: Lang, fact: str, check: str,
        after: timedelta) -> None:
    answers_or_refuses(await ask_store(store, shared_engine, question, lang, LAST + after),
                       fact, check)
