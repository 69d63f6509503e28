"""Answerable questions two removed checks and a narrowed one refused (branch gate,
docs/quality.md, stop 34), and the unanswerable ones beside them that are still refused.

- ``names-apart`` asked a leader the question names and its event to stand in one passage:
  "タリンでの協議のあと、ゼレンスキー氏はどんな姿勢を見せた?" dates what Zelensky did by
  the talks and does not place him there; the Tallinn report says it paragraphs apart.
- ``side-absent`` asked for a side's delegation written "Kyiv's delegation" or "ロシア代表団":
  a report writing that Kyiv "brought a larger delegation of its own" was no support.
- ``outside-coverage`` refused a time after now: a question whose own verb is past
  ("トランプ氏は、来週…会議にだれが集まると話していた?") asks what was said before now of
  that time, which a report can say. Since stop 47 no time after now is refused for being
  after now (``FUTURE_ASKED``): "Where will the talks resume in 2031?" is still refused, by
  the check that no report gives that plan.

Invented talks in Tallinn, written for this test, go through the real pipeline (RSS over
loopback, ingest) and each question is asked the way ``ceasefire-bot ask`` asks it, at
several clocks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 14, 9, tzinfo=UTC)

REPORTS = (
    report("tallinn-en", "en", "Baltic Ledger", "Ukraine and Russia open talks in Tallinn",
           "Envoys of Russia and Ukraine met in Tallinn on Tuesday for a first day of talks on "
           "a ceasefire over the Black Sea ports.\n\n"
           "Kyiv brought a larger delegation of its own this time, with Colonel Marta Hrytsenko "
           "joining as the intelligence chief's deputy.\n\n"
           "Shipping insurers said the outcome would decide grain prices.\n\n"
           "Later in the week Zelensky said he would not sign any text that gave up territory.",
           TALKS),
    report("tallinn-ja", "ja", "Kyokai Shimbun", "ロシアとウクライナ、タリンで協議",
           "ロシアとウクライナの代表は火曜日、エストニアのタリンで黒海の港の停戦について"
           "協議した。\n\n海運の保険各社は、結果が穀物価格を左右すると述べた。\n\n"
           "協議の数日後、ゼレンスキー大統領は領土を手放す文書には署名しないと態度を"
           "明確にした。",
           TALKS + timedelta(hours=5)),
    report("riyadh-plan", "en", "Gulf Courier", "Trump looks ahead to a Riyadh conference",
           "Opening his meeting with India's prime minister, Trump said that next week's "
           "conference in Riyadh on a ceasefire between Russia and Ukraine would bring "
           "together foreign ministers and national security advisers.\n\n"
           "Envoys of Russia and Ukraine have not met since the Tallinn talks, where the "
           "ceasefire over the Black Sea ports stalled.",
           TALKS + timedelta(days=1)),
    report("riyadh-plan-ja", "ja", "Kyokai Shimbun", "トランプ氏、リヤドでの会議に言及",
           "トランプ大統領はインドの首相との会談の冒頭で、ロシアとウクライナの停戦をめぐる"
           "来週のリヤドでの会議には各国の外相や安全保障担当の補佐官が集まると述べた。",
           TALKS + timedelta(days=1, hours=3)),
    *other_talks(TALKS),
)
LAST = TALKS + timedelta(days=1)

#: Question → (language, a fact of the answer).
ANSWERED: dict[str, tuple[Lang, str]] = {
    # Zelensky is not placed at the talks: they only date what he did.
    "タリンでの協議のあと、ゼレンスキー氏はどんな姿勢を見せた?": ("ja", "署名しない"),
    # "its own delegation": Kyiv's people written without "Kyiv's delegation".
    "Who went to Tallinn with Kyiv's team as the intelligence chief's deputy?":
        ("en", "Hrytsenko"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("gate-removed"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ANSWERED.items()))
async def test_what_the_removed_checks_refused_is_answered(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str],
        after: timedelta) -> None:
    lang, fact = expected
    answer = await ask_store(store, shared_engine, question, lang, LAST + after)
    assert answer.answerable and fact in answer.text, (answer.refusal, answer.text)


@pytest.mark.parametrize("after", [timedelta(hours=4), timedelta(hours=20), timedelta(days=3)])
async def test_a_time_to_come_spoken_of_before_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    # 来週 is after now; the question's own verb (話していた) is past.
    answer = await ask_store(store, shared_engine,
                             "トランプ氏は、来週リヤドで開かれる会議にだれが集まると話していた?",
                             "ja", LAST + after)
    assert answer.answerable and "外相" in answer.text, (answer.refusal, answer.text)


@pytest.mark.parametrize("after", CLOCKS)
async def test_what_will_happen_after_now_and_no_report_gives_is_still_refused(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "Where will the Tallinn talks resume in 2031?", "en", LAST + after)
    assert not answer.answerable and answer.refusal == "plan-not-given", answer.text
    assert "(in 2031)" in answer.text
