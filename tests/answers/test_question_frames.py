"""What a question's frame asks, not the words inside it (issue 12: answerable questions
refused on a stranger's wording).

Three checks read a word of the question as if it set what the answer must be; on the
blind-written probe (``tests/data/realnews_probe/probe4.json``) each refused a question
whose answer is in the store:

- a future word inside a question whose own verb is past ("次回の協議が…と明かしたの?",
  "What did … say will happen?") asked for a plan, though it asks what was said;
- "what phrase did X use" read "phrase" as the thing to be named, a word no report uses,
  though a quote answers it;
- "SNS" was an event name every report had to write, though reports name the platform
  (Truth Social) or say "social media", and nobody meets there.

And one gap the other way: a Japanese question about what is yet to happen, worded
"次の…ことになっている", asked for no plan, so a question about a round nobody has
announced was answered with the last round's reports.

The reports are written for this test (our own words, an invented round), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; the questions are asked as
``ceasefire-bot ask`` asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import asks_future
from bot.model import Lang
from tests.answers.support import (
    CLOCKS,
    ask_store,
    first_cited,
    made_up_store,
    other_talks,
    refusal_of,
)
from tests.answers.support import made_up_report as report

ROUND = datetime(2025, 9, 22, 15, tzinfo=UTC)

REPORTS = (
    report("announce-ja", "ja", "Hokuo Shimpo", "リガで次の協議、ラトビア首相が明かす",
           "ラトビアのシリニャ首相は18日、ヘルシンキでフィンランドのオルポ首相と会談した場で、"
           "ロシアとウクライナの協議が翌週リガで開かれると明らかにした。\n\n"
           "両首相は会談後、共同で記者会見に臨み、その様子はSNSでも配信された。",
           ROUND - timedelta(days=4)),
    report("riga-en", "en", "Baltic Ledger", "Russia and Ukraine meet in Riga",
           "Delegations of Russia and Ukraine met in Riga on 22 September. Prime Minister "
           "Evika Silina, the host, called the meeting \"a door left ajar\" and said a "
           "ceasefire was not yet in sight.\n\n"
           "After the talks, President Donald Trump wrote on Truth Social that the Riga "
           "meeting had gone \"very smoothly\", hours after a call with Vladimir Putin.",
           ROUND + timedelta(hours=6)),
    report("riga-ja", "ja", "Kyokai Shimbun", "リガで露ウ協議、停戦は見えず",
           "ロシアとウクライナの代表団は22日、ラトビアの首都リガで協議した。"
           "停戦のめどは立たなかった。\n\n"
           "トランプ米大統領はプーチン大統領との電話の後、ソーシャルメディアへの投稿で、"
           "リガでの協議は「非常に順調」だったと書き込んだ。",
           ROUND + timedelta(hours=8)),
    *other_talks(ROUND),
)
RIGA = {"riga-en", "riga-ja"}

#: Each is answered, the answer quotes the asked fact, and for the last two the report
#: cited first says it (the first is cited after the Riga reports: the newer report of
#: the story leads, as for any question).
ANSWERED: dict[str, tuple[Lang, set[str] | None, str]] = {
    # Its own verb is past (明かしたの): it asks where it was said, not for a plan.
    "シリニャ首相は、どの国の首相と会った場で、次回の協議が開かれると明かしたの?":
        ("ja", None, "フィンランド"),
    # "phrase" asks for her words: the quote answers it.
    "What phrase did Silina use for the Riga meeting?": ("en", RIGA, "door left ajar"),
    # The Riga reports say "ソーシャルメディア" and "Truth Social", never "SNS" (another
    # report does, on another matter).
    "プーチン氏との電話のあと、トランプ氏はSNSでリガの協議について何と書き込んだ?":
        ("ja", RIGA, "順調"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("frames"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ANSWERED.items()))
async def test_a_word_inside_the_question_does_not_set_what_it_asks(
        store: Path, shared_engine: Engine, question: str,
        expected: tuple[Lang, set[str] | None, str], after: timedelta) -> None:
    lang, reports, fact = expected
    now = ROUND + after
    answer = await ask_store(store, shared_engine, question, lang, now)
    assert answer.answerable and fact in answer.text, answer.text
    if reports is not None:
        assert await first_cited(store, shared_engine, question, lang, now) in reports


#: Questions about what is planned that no report answers: none names a round after Riga.
UNPLANNED: dict[str, Lang] = {
    # "次の…ことになっている" asks what is planned (asked for no plan before).
    "リガに続く次の協議は、どこで開かれることになっている?": "ja",
    # The check itself stays for a question whose own verb is the future.
    "Where will the delegations meet after the Riga talks?": "en",
}


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("asked", "lang"), list(UNPLANNED.items()))
async def test_a_round_nobody_has_announced_is_refused(
        store: Path, shared_engine: Engine, asked: str, lang: Lang, after: timedelta) -> None:
    assert await refusal_of(store, shared_engine, asked, lang,
                            ROUND + after) == "plan-not-given"


@pytest.mark.parametrize(("question", "future"), [
    ("When will the fifth round be held?", True),
    ("How many soldiers' remains will Russia return after the talks?", True),
    ("次回の協議はどこで開かれますか", True),
    ("次の協議は、いつ開かれることになっている?", True),
    ("What did Trump say will happen next week?", False),
    ("Where was the next round going to be held, according to Medinsky?", False),
    ("首相は、次回の協議が開かれると明かしたの?", False),
    ("来週の協議について、大統領は何と言ったのですか", False),
    ("What was agreed in Riga?", False),
])
def test_a_question_asks_about_the_future_by_its_own_verb(question: str, future: bool) -> None:
    assert asks_future(question) is future
