"""An English question naming a weekday on its own ("on Thursday", "Tuesday's call") asks
about the latest such day before it is asked, as a Japanese one naming 木曜日 already did
(branch freshmiss). The English date parser read a weekday only after "last" or beside a
date, so "on Thursday" set no time at all and an older report matching more of the
question's words led (fresh developments f06 and f12: a report from months before).

A feast named with a weekday ("Easter Sunday") is not that weekday: the question keeps no
time, as before.

Invented Kremlin remarks on two Thursdays three weeks apart, written for this test, go
through the real pipeline (RSS over loopback, ingest); each question is asked on every day
from the Friday after the later Thursday to the Wednesday after it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.when import english_weekday
from bot.model import Lang
from tests.answers.support import first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

#: Two Thursdays.
EARLIER = datetime(2025, 5, 1, 11, tzinfo=UTC)
LATER = datetime(2025, 5, 22, 11, tzinfo=UTC)

REPORTS = (
    report("kremlin-may1", "en", "Steppe Wire", "Kremlin calls Ukraine peace talks deadlocked",
           "Kremlin spokesman Dmitry Peskov on Thursday described the peace talks with "
           "Ukraine as deadlocked. He said they could not move while Kyiv kept its demands.",
           EARLIER),
    report("kremlin-may22", "en", "River Courier", "Peskov: contacts with Kyiv on pause",
           "Dmitry Peskov told reporters on Thursday that the negotiations with Ukraine were "
           "on pause for now, though the Kremlin still expected a new round of talks in June.",
           LATER),
    *other_talks(EARLIER),
)

QUESTIONS: list[tuple[str, Lang, str]] = [
    ("How did the Kremlin describe the peace talks on Thursday?", "en", "kremlin-may22"),
    ("what did the kremlin say about the peace talks on thursday", "en", "kremlin-may22"),
]

#: Every day from the Friday after the later Thursday to the Wednesday after it, at noon.
CLOCKS = tuple(timedelta(days=d, hours=1) for d in range(1, 7))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("weekday-named"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang", "first"), QUESTIONS)
async def test_a_weekday_named_alone_is_the_latest_such_day(
        store: Path, shared_engine: Engine, question: str, lang: Lang, first: str,
        after: timedelta) -> None:
    assert await first_cited(store, shared_engine, question, lang, LATER + after) == first


@pytest.mark.parametrize(("question", "day"), [
    ("What did Peskov say on Thursday?", date(2025, 5, 22)),
    ("After Sunday's meetings, what did Rubio say?", date(2025, 5, 25)),
    ("What came out of Trump's Monday call with Putin?", date(2025, 5, 26)),
    ("What did Trump tell Putin on Easter Sunday?", None),
    ("What did Peskov say?", None),
    ("木曜日にペスコフ氏は何と言った?", None),  # read by ja-timex, not here
])
def test_which_weekday_is_read(question: str, day: date | None) -> None:
    named = english_weekday(question, date(2025, 5, 27))
    assert (named.first if named else None) == day
