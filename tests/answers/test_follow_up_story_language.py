"""A follow-up answered from a story holding both languages' reports reads the reports in
its own language first (``SCOPED_OWN_LANGUAGE``, docs/quality.md, stop 38), and the whole
story again when the gate refuses what they give.

Once a story held every report of its development in both languages (stop 38's story
grouping), an English follow-up ("And what did he claim about the front?") was led by
the Japanese report of the story, which matched more of it through the glossary, and not by
the English reports saying it (fresh f41-q13; f38-q14 refused with act-denied on
an English stray beside the right Japanese report).

Reports written for this test (our own words, an invented press conference), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked at a week, a year and two years.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from bot.model import Answer
from tests.answers.support import CLOCKS, ask_follow_up, made_up_store, other_talks
from tests.answers.support import made_up_report as report

DAY = datetime(2025, 12, 19, 12, tzinfo=UTC)

REPORTS = (
    report("presser-en", "en", "Steppe Wire", "Putin holds year-end press conference",
           "Russian President Vladimir Putin held his annual press conference in Moscow on "
           "Friday and spoke about peace talks with Ukraine. Putin claimed that Russian "
           "troops were advancing along the whole front "
           "and that Kursk had been fully retaken. The press conference lasted 4 hours.",
           DAY),
    report("presser-en2", "en", "Volga Daily", "Putin answers questions at annual presser",
           "At his year-end press conference in Moscow, Putin said peace talks with Ukraine "
           "depended on Kyiv. He claimed Ukraine was retreating on every front.",
           DAY + timedelta(hours=1)),
    report("presser-ja", "ja", "Kyokai Shimbun", "プーチン氏が年末記者会見、前線で優勢と主張",
           "ロシアのプーチン大統領は19日、モスクワで年末恒例の記者会見を開き、ウクライナとの"
           "和平交渉にも触れた。プーチン氏は前線の戦況について、ロシア軍があらゆる前線で"
           "前進していると主張した。前線での優勢を主張し、前線の状況に自信を示した。",
           DAY + timedelta(hours=2)),
    *other_talks(DAY),
)

FIRST = "How long did Putin's year-end press conference in Moscow last?"
FOLLOW = "And what did he claim about the front?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("follow-up-story-language"))


async def _thread(store: Path, shared_engine: Engine, now: datetime) -> tuple[Answer, str]:
    """The follow-up asked after ``FIRST`` in one thread, and the guid it cites as [1]."""
    answer, lead = await ask_follow_up(store, shared_engine, FIRST, FOLLOW, "en", now, "UTC")
    assert answer.answerable, answer.text
    return answer, lead


@pytest.mark.parametrize("after", CLOCKS)
async def test_an_english_follow_up_leads_with_an_english_report(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer, lead = await _thread(store, shared_engine, DAY + after)
    assert lead.startswith("presser-en"), answer.text


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_rule_the_japanese_report_led(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractive, "SCOPED_OWN_LANGUAGE", False)
    answer, lead = await _thread(store, shared_engine, DAY + after)
    assert lead == "presser-ja", answer.text


SPEECH = DAY + timedelta(days=40)
QUOTED = (
    report("plan-en", "en", "Steppe Wire", "Europeans present a ceasefire plan in Oslo",
           "European ministers presented a ceasefire plan for Ukraine in Oslo on Tuesday. The "
           "plan sets out a truce along the front line and talks on a peace deal.",
           SPEECH),
    report("plan-ja", "ja", "Kyokai Shimbun", "欧州がオスロで停戦案、ゼレンスキー氏「現実的」",
           "欧州の閣僚らは28日、オスロでウクライナの停戦案を示した。ゼレンスキー大統領は"
           "この停戦案を「現実的な一歩」と呼び、和平交渉につながると述べた。",
           SPEECH + timedelta(hours=2)),
)
PLAN = "What ceasefire plan did European ministers present in Oslo?"
CALLED = "And what did Zelensky call it?"


@pytest.fixture(scope="module")
def quoted_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*REPORTS, *QUOTED), tmp_path_factory.mktemp("follow-up-quoted"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_speaker_quoted_only_in_the_other_language_is_still_found(
        quoted_store: Path, shared_engine: Engine, after: timedelta) -> None:
    """The English reports do not quote Zelensky: the gate refuses them, and the story is
    read whole, as before the preference (dev d09-q04)."""
    follow, _lead = await ask_follow_up(quoted_store, shared_engine, PLAN, CALLED, "en",
                                        SPEECH + after, "UTC")
    assert follow.answerable, follow.text
    assert "現実的な一歩" in follow.text
