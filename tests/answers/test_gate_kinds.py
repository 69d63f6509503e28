"""Kinds of unanswerable question the answerability gate answered (branch gate2, found on
the dev-side probes), and the answerable questions beside them that must stay answered.

- A question about what two leaders will do ("Where will Trump and Putin sign the final
  treaty?") was answered by any plan with a name and a future word ("Witkoff will sign
  the final framework in Vienna"): the plan's sentence must now name the leaders who act
  (not one named as an owner: "Trump's envoy" acts, not Trump). Before: answered; now
  ``plan-not-given``.
- "承認採決はいつ行われる?" asks when something is yet to happen, though it has no future
  word: "いつ" with a verb in its plain non-past form (not "〜ている", not "〜た") now asks
  for a plan. Before: answered from the agreement's report; now ``plan-not-given``.
- "オスロでおすすめの観光スポットは?" (sightseeing): スポット, a common loanword, was known
  only because its sound matched a name in an English report (a robot dog called Spot),
  so only two of its four nouns were unknown. A sound key carries names across scripts;
  a common noun known only by its sound is now unknown, and the question refused
  ``unknown-subject``. A name known only by its sound (トロムソ, "Tromso") still is known.

The reports are written for this test (our own words, invented talks), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot ask``
asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import asks_future
from bot.model import Lang
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 6, 3, 16, tzinfo=UTC)
LISBON = TALKS + timedelta(days=12)
#: The last report: questions are asked after it.
LAST = LISBON + timedelta(hours=8)

REPORTS = (
    report("oslo-en", "en", "Fjord Wire", "Trump and Putin end Oslo summit without a treaty",
           "Donald Trump and Vladimir Putin met in Oslo on Tuesday and agreed a framework "
           "for a final peace treaty, but signed nothing.\n\n"
           "Steve Witkoff will sign the final peace treaty framework in Vienna next week, "
           "officials said.\n\nA robot dog named Spot patrolled the Oslo venue.",
           TALKS),
    report("oslo-ja", "ja", "Kyokai Shimbun", "米ロ首脳がオスロで会談、和平の枠組みで合意",
           "トランプ大統領とプーチン大統領は3日、オスロで会談し、和平条約の枠組みで"
           "合意した。枠組みの協定は両国の議会の承認が必要になる。",
           TALKS + timedelta(hours=6)),
    report("envoy-en", "en", "North Ledger", "Envoys to meet again after Oslo",
           "The envoys of Russia and the United States will meet again in Bergen on June "
           "20, Witkoff said on Wednesday after briefing allies on the Oslo summit.\n\n"
           "He said the two teams would work on the details of a ceasefire in Ukraine until then.",
           TALKS + timedelta(days=1)),
    report("next-ja", "ja", "Hokuto Shimbun", "次の協議はベルゲンで",
           "米ロの特使による次の協議は、20日にベルゲンで開かれる予定だ。"
           "ウィットコフ特使が4日、オスロでの首脳会談の結果を同盟国に説明したあとで"
           "明らかにした。両国の実務者はウクライナの停戦の詳細を詰める。",
           TALKS + timedelta(days=1, hours=2)),
    report("tromso-en", "en", "Arctic Post", "Envoys close Tromso talks on grain",
           "Envoys of Russia and Ukraine closed two days of talks on grain shipments in "
           "Tromso on Wednesday, saying the mood had been calm and businesslike.",
           TALKS + timedelta(days=2)),
    report("lisbon-en", "en", "Tagus Wire", "US and European officials meet in Lisbon",
           "A US delegation led by Secretary of State Marco Rubio met officials from Europe "
           "in Lisbon on Sunday to revise a plan to end the war that began with "
           "Russia's invasion of Ukraine.\n\nBoth sides said the talks had been productive "
           "and agreed to keep working on security guarantees.",
           LISBON),
    report("lisbon-ja", "ja", "Hokuto Shimbun", "リスボンで米ウクライナ協議",
           "ウクライナ代表団はリスボンでの協議で、安全の保証と黒海の港の安全を優先事項に"
           "挙げた。米国側はルビオ国務長官が率いた。ロシアとの停戦の道筋はまだ見えない。",
           LISBON + timedelta(hours=8)),
    report("riga-en", "en", "Daugava Post", "Talks on prisoners open in Riga",
           "Ukrainian negotiators led by Rustem Umerov arrived in Riga on Monday for talks "
           "on a prisoner exchange and a ceasefire.",
           LISBON - timedelta(days=3)),
    *other_talks(TALKS - timedelta(days=2)),
)

#: Question → (language, the fact the answer must quote).
ANSWERED: dict[str, tuple[Lang, str]] = {
    # "Trump's envoy": Trump owns, Witkoff acts; his plan need not name Trump.
    "Where will Trump's envoy sign the final peace treaty framework?": ("en", "Vienna"),
    # "いつ開かれる": a plan that says when.
    "ベルゲンでの特使の協議はいつ開かれる?": ("ja", "20日"),
    # トロムソ is a name: its sound carries it to the English report.
    "トロムソ会談の雰囲気は?": ("ja", "calm"),
    # Each side's delegation is written in the Lisbon reports: "A US delegation",
    # "ウクライナ代表団" (only in Japanese), "officials from Europe".
    "Who led the US delegation at the Lisbon talks?": ("en", "Rubio"),
    "What did Ukraine's delegation raise at the Lisbon talks?": ("en", "Lisbon"),
    "What did Europe's team discuss at the Lisbon talks?": ("en", "security guarantees"),
    # The one side written, first in the report's text.
    "Who led Ukraine's delegation in Riga?": ("en", "Umerov"),
}

#: Question → (language, the check that refuses it).
REFUSED: dict[str, tuple[Lang, str]] = {
    # Witkoff's plan is no plan of Trump and Putin.
    "Where will Trump and Putin sign the final peace treaty?": ("en", "plan-not-given"),
    # No report says when a vote is planned.
    "オスロで合意した協定について、議会の承認採決はいつ行われる?": ("ja", "plan-not-given"),
    # Sightseeing: スポット is known only by the sound of a dog's name.
    "オスロでおすすめの観光スポットは?": ("ja", "unknown-subject"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("gate-kinds"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ANSWERED.items()))
async def test_what_the_reports_say_is_answered(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str],
        after: timedelta) -> None:
    lang, fact = expected
    answer = await ask_store(store, shared_engine, question, lang, LAST + after)
    assert answer.answerable and fact in answer.text, (answer.refusal, answer.text)


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(REFUSED.items()))
async def test_a_kind_the_reports_do_not_say_is_refused(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str],
        after: timedelta) -> None:
    lang, check = expected
    assert await refusal_of(store, shared_engine, question, lang, LAST + after) == check


@pytest.mark.parametrize(("question", "future"), [
    ("承認採決はいつ行われる?", True),
    ("協議はいつ開かれるの?", True),
    ("停戦はいつ始まるのか", True),
    ("協議はいつ行われた?", False),
    ("停戦はいつまで続いている?", False),
    ("停戦はいつまで続いてる?", False),
])
def test_when_with_a_plain_verb_asks_about_the_future(question: str, future: bool) -> None:
    assert asks_future(question) is future
