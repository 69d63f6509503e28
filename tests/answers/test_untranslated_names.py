"""An event name no report in the other language writes ("Harbour", "Conference": no form
in that script but the sound key, and no stored report there holds the key) is not held
against a report in that language (``bot/answer/support.py``: ``UNTRANSLATED_OPTIONAL``,
read by the ``event-names`` check).

On the fresh batches, blind to the check, ``event-names`` refused 27 answerable questions
against 9 unanswerable ones, 18 of the 27 asked in one language and answered only in the
other: "How much new support did the European Commission announce at the Ukraine Recovery
Conference in Rome?" was refused because the Japanese report writes 欧州委員会 and 復興会議,
which the question's "Commission" and "Conference" cannot be matched to. A name some
report in the other language spells (ペトレンコ for "Petrenko") must still be written there.

Reports written for this test (our own words, invented people and talks), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at
a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import support
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 14, 9, tzinfo=UTC)

REPORTS = (
    report("harbour-en", "en", "Harbour Wire", "Black Sea truce talks open in Tromso",
           "Talks on a Black Sea truce for Ukraine opened at the Tromso Harbour Conference on "
           "Tuesday under Norwegian mediation. Envoys of both sides attended the opening "
           "session.", TALKS),
    report("harbour-ja", "ja", "北洋新聞", "トロムソ港湾会議、ハルボルセン氏が港の再開求める",
           "ウクライナの黒海停戦をめぐるトロムソ港湾会議で、ノルウェーの仲介役ハルボルセン氏は"
           "14日、黒海の港の即時再開を求めた。会議は2日間の日程で開かれている。",
           TALKS + timedelta(hours=3)),
    report("petrenko-ja", "ja", "北洋新聞", "ペトレンコ特使、キーウで停戦協議の準備を説明",
           "ウクライナのペトレンコ特使は13日、キーウで記者会見し、ロシアとの停戦協議に向けた"
           "準備について説明した。", TALKS - timedelta(days=1)),
    report("petrenko-en", "en", "Harbour Wire", "Petrenko briefs on ceasefire preparations",
           "Ukrainian envoy Oleh Petrenko briefed reporters in Kyiv on Monday about preparations "
           "for ceasefire talks with Russia.", TALKS - timedelta(days=1)),
)

#: Only the Japanese report names the mediator and says what he called for; "Harbour" and
#: "Conference" have no Japanese form in the glossary, Halvorsen and Tromso have their
#: sound. The English report names the conference, not him.
ASKED = "What did Halvorsen call for at the Tromso Harbour Conference?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("untr"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_name_without_a_japanese_form_is_not_held_against_the_japanese_report(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, ASKED, "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "港の即時再開", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_switch_the_japanese_report_is_refused(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "UNTRANSLATED_OPTIONAL", False)
    answer = await ask_store(store, shared_engine, ASKED, "en", TALKS + timedelta(days=1) + after)
    assert not answer.answerable and answer.refusal == "event-names", answer.text


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_name_the_other_language_spells_is_still_held_to(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Petrenko is written ペトレンコ in a Japanese report of another day: the Japanese
    report of the conference, which names Halvorsen, does not answer for him."""
    answer = await ask_store(store, shared_engine,
                             "What did Petrenko call for at the Tromso Harbour Conference?",
                             "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "event-names")
