"""A report that starts a story alone (an invitation to talks, two days before them) and
the reports of the talks are one story (``bot/news/stories.py``: ``FEW_MIN_SCORE``).

The invitation names the host, the place and the leaders; the reports of the talks name
the leaders, the country and what they pledged. Compared with the one report, the first
of them scored just under ``MIN_SCORE`` and started a second story, which the next report
then joined: the development was split in two, and a follow-up asked in the talks'
thread could not read the invitation. A story of one report is now joined from
``FEW_MIN_SCORE``.

Reports written for this test (our own words, an invented meeting at Trakai), served as
RSS from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask``
asks, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import (
    CLOCKS,
    ask_follow_up,
    assert_one_story_of_its_own,
    made_up_store,
    other_talks,
)
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 15, 9, tzinfo=UTC)

REPORTS = (
    report("invite-en", "en", "Harbour Wire",
           "Vaitkute invites Zelensky and European leaders to Trakai",
           "President Ona Vaitkute has invited Zelensky and European leaders to Trakai "
           "Castle for talks on the winter, her office said on Monday.",
           TALKS - timedelta(days=2)),
    report("pledge-en", "en", "Meridian Daily",
           "European leaders pledge 240 air-defence launchers to Ukraine",
           "European leaders meeting in Lithuania on Wednesday pledged 240 air-defence "
           "launchers to Ukraine for the winter, Zelensky said after the talks.",
           TALKS + timedelta(hours=3)),
    report("pledge-ja", "ja", "朝夕新聞",
           "欧州首脳、ウクライナに防空発射機240基",
           "欧州の首脳は15日、リトアニアで停戦に向けた協議を開き、冬に向けてウクライナに防空システムの"
           "発射機240基を供与することを約束した。ゼレンスキー大統領が明らかにした。",
           TALKS + timedelta(hours=6)),
)

FIRST = "How many air-defence launchers did European leaders pledge to Ukraine?"
FOLLOW = "Who invited them?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("lone"))


def test_the_invitation_and_the_talks_are_one_story(store: Path) -> None:
    # the other talks, days earlier, stay stories of their own
    assert_one_story_of_its_own(store, REPORTS)


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_follow_up_in_the_talks_thread_reads_the_invitation(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer, lead = await ask_follow_up(store, shared_engine, FIRST, FOLLOW, "en",
                                       TALKS + timedelta(days=1) + after, "UTC")
    assert answer.answerable and "Vaitkute" in answer.text, (answer.refusal, answer.text)
    assert lead == "invite-en"
