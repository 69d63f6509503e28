"""A name the glossary does not hold still bridges the two scripts through its sound key.

The glossary was written from the reports of its time; real news keeps bringing people it
does not list (Driscoll, Kislitsa). A Japanese question about ドリスコル finds the English
report on Driscoll, and an English question about Kislitsa the Japanese one on キスリツァ,
by the consonant skeleton both spellings share (``bot.news.entities``).

A report reads a capitalised word at the start of a sentence as a name only when it writes
the word mid-sentence too; the index reads a report one sentence at a time, so "Driscoll
told reporters …" lost its key when "Dan Driscoll" came in an earlier sentence: the
Japanese question "what did ドリスコル say" was refused as if he never spoke
("speaker-silent"). The words a report writes as names now hold in each of its sentences.

A name MeCab splits in two (シル|スキー) holds its key in both pieces: the shorter one,
keyless, was a name no report writes, and the question was refused ``unknown-name``.

The guards: a different name with a near key (ドリトル) matches no one and is refused; a
report's loanword is no name (MeCab knows サポート and グループ as common nouns), so a
question's スポット or a stranger "Guliyev" does not meet it by sound (the スポット
question was answered from the Japanese report before).

The reports are written for this test (our own words, invented talks), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot ask``
asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import (
    CLOCKS,
    made_up_store,
    other_talks,
    quotes_first,
    refusal_of,
)
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 11, 3, 12, tzinfo=UTC)

REPORTS = (
    report("envoy-en", "en", "River Courier", "Army secretary brings truce draft to Kyiv",
           "US Army Secretary Dan Driscoll landed in Kyiv on Wednesday carrying a "
           "ceasefire draft of twenty points.\n\nDriscoll told reporters the draft would "
           "be rewritten after two days of meetings with Ukrainian officials.",
           TALKS),
    report("deputy-ja", "ja", "Hoshi Shimbun", "ウクライナ代表団、停戦協議でジュネーブ入り",
           "ウクライナのキスリツァ第1外務次官は4日、代表団が停戦協議のためジュネーブの"
           "湖畔のホテルに到着したと明らかにした。",
           TALKS + timedelta(hours=20)),
    report("support-ja", "ja", "Kaze Times", "欧州、停戦協議でウクライナ支援継続",
           "欧州各国の外相は5日、停戦協議が続く間もウクライナへのサポートを続けると表明し、"
           "作業グループを設けて復興の費用を話し合うことで一致した。",
           TALKS + timedelta(days=1)),
    report("adviser-en", "en", "River Courier", "Kyiv sets a limit on army cuts",
           "Ukrainian negotiators told Kessler, the US delegation's legal adviser, on "
           "Thursday that any ceasefire draft must keep the army at its present size.",
           TALKS + timedelta(days=1)),
    report("chief-en", "en", "River Courier", "Kyiv's commander reports a slower advance",
           "Ukraine's commander-in-chief Oleksandr Syrskyi said on Friday that his troops had "
           "slowed the Russian advance near Pokrovsk while the ceasefire talks went on.",
           TALKS + timedelta(days=2)),
    *other_talks(TALKS),
)

#: Question → (language, the fact the answer must quote, the report cited first).
ANSWERED: dict[str, tuple[Lang, str, str]] = {
    # Driscoll speaks only in a sentence he starts.
    "ドリスコル氏は記者団に何と言った?": ("ja", "rewritten", "envoy-en"),
    "ドリスコル陸軍長官は何を持ってキーウに来た?": ("ja", "twenty points", "envoy-en"),
    "Where did Kislitsa say the delegation arrived?": ("en", "湖畔のホテル", "deputy-ja"),
    # MeCab splits シル|スキー: each piece holds the name's key, not only the longer one.
    "シルスキー氏によると、停戦協議の間、ロシア軍はどこで前進が遅れた?": ("ja", "Pokrovsk",
                                                       "chief-en"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("names-across-scripts"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ANSWERED.items()))
async def test_a_name_missing_from_the_glossary_finds_the_other_script(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str, str],
        after: timedelta) -> None:
    lang, fact, first = expected
    await quotes_first(store, shared_engine, question, lang, TALKS + after, fact, first)


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_name_with_a_near_key_matches_no_one(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    refusal = await refusal_of(store, shared_engine, "ドリトル氏は記者団に何と言った?", "ja",
                               TALKS + after)
    # (refused as a stranger: the one it names, not what it asks, is unknown)
    assert refusal in ("unknown-subject", "unknown-speaker", "unknown-name")


#: Questions whose name (or loanword) shares its sound key only with a report's loanword.
STRANGERS: dict[str, Lang] = {
    "ジュネーブで人気の観光スポットはどこ?": "ja",
    "What did Guliyev tell the working group?": "en",
}


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang"), list(STRANGERS.items()))
async def test_a_loanword_in_a_report_is_no_name(
        store: Path, shared_engine: Engine, question: str, lang: Lang,
        after: timedelta) -> None:
    assert await refusal_of(store, shared_engine, question, lang, TALKS + after) is not None


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_name_found_by_its_sound_only_as_the_one_spoken_to_says_nothing(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """ケスラー meets "Kessler" by its sound key alone; the report has him told, not
    telling: where the key finds his name is where it is read as the one spoken to."""
    assert await refusal_of(store, shared_engine, "ケスラー氏は何と言った?", "ja",
                            TALKS + after) == "speaker-silent"
