"""A month a question names is often when its event happens, which reports announce before
it (issue: "a date ranks reports and checks answers, it does not empty the candidate set").
"Which truce was the one for the festival in May?" is answered by the late-April report
declaring the truce "for May 8-10", not by a May report that only recalls it: a report
published before the named time that states a day within it counts as from that time.

Found on ``tests/data/realnews_probe/probe6.json`` (a16): the window "5月" put the reports
published in May first and the April declaration, which says what was asked, after them.

A narrow time (a day, a part of a month) is one event's, and a report published after it
that states it reports on it: "the draft the US offered in mid-March" is answered by the
later report saying why it went unsigned (probe6 a05: "2月中旬に出した…草案").

The reports are written for this test (our own words, an invented festival), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; questions are asked as
``ceasefire-bot ask`` asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.when import states_time_in
from bot.model import Lang
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

DECLARED = datetime(2025, 4, 28, 9, tzinfo=UTC)
RECALLED = datetime(2025, 5, 12, 9, tzinfo=UTC)
OFFERED = datetime(2025, 3, 15, 9, tzinfo=UTC)

REPORTS = (
    report("declared-en", "en", "Harbor Wire", "Kremlin declares a truce for the Varnakov "
           "festival", "President Putin declared a truce for May 8-10 to mark the Varnakov "
           "festival, the Kremlin said on Monday. It is his second unilateral truce, after "
           "a 30-hour pause at Easter.\n\nKyiv asked why the truce had to wait so long.",
           DECLARED),
    report("declared-ja", "ja", "Kyokai Shimbun", "ヴァルナコフ祭に合わせ停戦を宣言",
           "プーチン大統領は28日、ヴァルナコフ祭に合わせて5月8ー10日に停戦すると宣言した。"
           "一方的な停戦の宣言は、復活祭の30時間の停戦に続いて2回目となる。\n\n"
           "ウクライナは、なぜそれほど待つのかと反論した。", DECLARED + timedelta(hours=2)),
    # Published in May; they recall the festival truce and say nothing of the count.
    report("recalled-en", "en", "Meridian Daily", "Kyiv and Europe call for a 30-day truce "
           "after the Varnakov festival truce", "Ukraine and its European allies on Sunday "
           "called on Russia to accept an unconditional 30-day truce, after the Varnakov "
           "festival truce Putin declared ended.\n\nMoscow proposed direct talks instead.",
           RECALLED),
    report("recalled-ja", "ja", "Nami Shimpo", "ヴァルナコフ祭の停戦明け、30日間の停戦を要求",
           "ウクライナと欧州各国は11日、プーチン大統領が宣言したヴァルナコフ祭の停戦が明けたのを"
           "受け、30日間の無条件停戦を受け入れるようロシアに求めた。\n\n"
           "ロシアは直接協議を提案した。", RECALLED + timedelta(hours=2)),
    report("offered-en", "en", "Harbor Wire", "US hands Kyiv a Velmora minerals draft",
           "The United States handed Ukraine a draft of the Velmora minerals deal on "
           "Saturday, officials in Kyiv said, as Washington pushes Kyiv and Moscow towards a "
           "ceasefire.\n\nThe text runs to ten pages.", OFFERED),
    report("offered-ja", "ja", "Kyokai Shimbun", "米、ヴェルモラ鉱物協定の草案を提示",
           "米国は15日、ヴェルモラ鉱物協定の草案をウクライナ側に渡した。ロシアとの停戦に向けた"
           "動きの一環だ。\n\n"
           "草案は10ページにわたる。", OFFERED + timedelta(hours=2)),
    # Two weeks later, the leaders' meeting; it says why the draft went unsigned.
    report("unsigned-en", "en", "Meridian Daily", "Zelensky and Trump to meet on minerals",
           "President Zelensky will meet President Trump on Friday. The US offered a Velmora "
           "minerals draft in mid-March, but Zelensky did not sign it because it held no "
           "security guarantees against Russia.\n\nBoth sides hope to settle the deal before "
           "ceasefire talks with Moscow.",
           OFFERED + timedelta(days=13)),
    report("unsigned-ja", "ja", "Nami Shimpo", "ゼレンスキー氏とトランプ氏、鉱物協定で会談へ",
           "ゼレンスキー大統領は28日にトランプ大統領と会談する。ヴェルモラ鉱物協定をめぐっては"
           "米国が3月中旬に草案を提示したが、ゼレンスキー氏は安全を保証する項目がないとして"
           "署名しなかった。\n\n双方はロシアとの停戦協議の前に合意をまとめたい考えだ。",
           OFFERED + timedelta(days=13, hours=2)),
    *other_talks(OFFERED),
)

#: Question → (language, the fact the answer must quote, the report cited first).
ANSWERED: dict[str, tuple[Lang, str, str]] = {
    # The month of the event: the report declaring it, in April, answers.
    "Which of Putin's unilateral truces was the Varnakov festival truce in May?":
        ("en", "second", "declared-en"),
    "5月のヴァルナコフ祭に合わせた停戦は、プーチン氏の一方的な停戦として何回目だった?":
        ("ja", "2回目", "declared-ja"),
    # A part of a month: the later report stating it answers.
    "Why did Zelensky not sign the Velmora minerals draft the US offered in mid-March?":
        ("en", "security guarantees", "unsigned-en"),
    "米国が3月中旬に出したヴェルモラ鉱物協定の草案に、ゼレンスキー氏が署名しなかったのはなぜ?":
        ("ja", "安全を保証する項目", "unsigned-ja"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("announced"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize("question", ANSWERED)
async def test_the_report_of_the_named_time_answers_for_it(
        store: Path, shared_engine: Engine, question: str, after: timedelta) -> None:
    lang, fact, first = ANSWERED[question]
    await quotes_first(store, shared_engine, question, lang, RECALLED + after, fact, first)


PUBLISHED = datetime(2025, 4, 28, tzinfo=UTC)


@pytest.mark.parametrize(("text", "first", "last", "states"), [
    # A range within the month; a part of the month within the month.
    ("5月8ー10日の72時間にわたって停戦する", date(2025, 5, 1), date(2025, 5, 31), True),
    ("a truce for May 8-10", date(2025, 5, 1), date(2025, 5, 31), True),
    ("talks planned for mid-May", date(2025, 5, 1), date(2025, 5, 31), True),
    # A range only partly within the named day is not that day.
    ("a truce for May 8-10", date(2025, 5, 9), date(2025, 5, 9), False),
    # A month alone says no day of it.
    ("Kyiv asked why it had to wait until May", date(2025, 5, 1), date(2025, 5, 31), False),
    # The yearless day is the one ahead of the report, not a year later.
    ("a truce for May 8-10", date(2026, 5, 1), date(2026, 5, 31), False),
])
def test_the_time_a_report_states(text: str, first: date, last: date, states: bool) -> None:
    assert states_time_in(text, PUBLISHED, first, last) is states
