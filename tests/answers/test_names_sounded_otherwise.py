"""A name Japanese writes by its sound meets its English spelling where the two part.

A name's key is the consonant skeleton of its spelling (``bot.news.entities``), read as an
English speaker reads it: an r before a consonant is silent ("Orban": bn). Japanese writes
the r of many names it hears (オルバン: rbn), a Russian palatal d as ジ (メドベージェフ),
and a v before a consonant as a vowel (ドニプロペトロウシク). A question's name now carries
the keys of those readings too, so an answerable question across the scripts is no longer
refused as naming "another event" (issue 12: on the spent fresh set f01-f36, unknown-name
refused 7 answerable questions, most of them so).

Two more of those refusals: a Japanese question joins two names with a middle dot
(トランプ・ゼレンスキー会談), one token with no key, so a name known to every report was
unknown; it now takes its last name's key (not a loanword's: ウォール・ストリート・
ジャーナル would meet every "Journal"). And an English question names
a person in full ("Dmitry Medvedev"), where a Japanese report writes the family name alone:
a report in the other language need not write the words before a name's last.

The guards: a name no report writes is still refused; a report in the question's own
language still must write the whole name (a different Torbak is not the one asked about).

The reports are written for this test (our own words, invented people and talks), served
as RSS from 127.0.0.1 and ingested by the bot's pipeline; questions are asked as
``ceasefire-bot ask`` asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Concept, Engine
from bot.answer.support import _names_to_find, given_names
from bot.model import Lang
from bot.news.entities import key_variants
from bot.store.models import Article
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first, refusal_of
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 11, 3, 12, tzinfo=UTC)

REPORTS = (
    report("torbak-en", "en", "River Courier", "Budapest offers to host the next round",
           "Hungarian Foreign Minister Laszlo Torbak said on Tuesday that Budapest would "
           "host the next round of ceasefire talks in the spring.\n\nTorbak met Boltenko, "
           "the Ukrainian deputy minister, in Vienna on Wednesday to discuss a grain "
           "corridor along the Danube; Pavel Lind, who runs the river's shipping office, joined "
           "them.", TALKS),
    report("rodev-ja", "ja", "Hoshi Shimbun", "ロシア、米国の新たな制裁に反発",
           "ロシアのロジェフ報道官は4日、米国の新たな制裁に反発し、「停戦協議への"
           "妨害だ」と述べた。",
           TALKS + timedelta(hours=20)),
    *other_talks(TALKS),
)

#: Question → (language, the fact the answer must quote, the report cited first).
ANSWERED: dict[str, tuple[Lang, str, str]] = {
    # an r the English key leaves silent, written in Japanese (トルバク: Torbak)
    "トルバク外相は次の協議をいつ開くと述べた?": ("ja", "spring", "torbak-en"),
    # a palatal d (ロジェフ: Rodev), and a given name the Japanese report leaves out (he
    # speaks there as the one asked about)
    "How did Pavel Rodev react to the new US sanctions?": ("en", "妨害", "rodev-ja"),
    # two names joined by a middle dot, one token
    "トルバク・ボルテンコ会談では何を話し合った?": ("ja", "grain corridor", "torbak-en"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("names-sounded-otherwise"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ANSWERED.items()))
async def test_a_name_sounded_otherwise_finds_the_other_script(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str, str],
        after: timedelta) -> None:
    lang, fact, first = expected
    await quotes_first(store, shared_engine, question, lang, TALKS + after, fact, first)


#: Questions the store cannot answer, by the check that refuses them.
REFUSED: dict[str, tuple[Lang, str]] = {
    # a name no report writes in either script
    "What did Halvorsen say about the next round of talks?": ("en", "unknown-name"),
    # the English report names Laszlo Torbak: a Pavel Torbak is someone else
    "What did Pavel Torbak say about the next round of talks?": ("en", "speaker-silent"),
}


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(REFUSED.items()))
async def test_a_name_no_report_writes_is_still_refused(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str],
        after: timedelta) -> None:
    lang, check = expected
    assert await refusal_of(store, shared_engine, question, lang, TALKS + after) == check


#: English question → the tokens of the words before each name's last.
GIVEN: dict[str, frozenset[str]] = {
    "How did Dmitry Medvedev hit back at the ultimatum?": frozenset({"dmitri"}),
    "According to the Wall Street Journal, what came up?": frozenset({"wall", "street"}),
    # a possessive is a name of its own ("Rome's"), the words after it a person's
    "What did Rome's Giorgia Meloni tell him?": frozenset({"giorgia"}),
    "What did Rome’s Giorgia Meloni tell him?": frozenset({"giorgia"}),
    "Did U.S. Envoy Witkoff fly?": frozenset({"u", "s", "envoy"}),
    "What did Trump say in Alaska?": frozenset(),
    "Trump and Putin met in Alaska?": frozenset(),
}


@pytest.mark.parametrize(("question", "expected"), list(GIVEN.items()))
def test_the_words_before_a_names_last_are_given_names(
        shared_engine: Engine, question: str, expected: frozenset[str]) -> None:
    assert given_names(question, shared_engine) == expected


def _name(token: str) -> Concept:
    return Concept((token,), (None,), 1.0, True, 1, 1)


NAMES = [_name("wall"), _name("street"), _name("journal")]


@pytest.mark.parametrize(("question", "lang", "kept"), [
    ("What did the Wall Street Journal report?", "ja", ["journal"]),
    ("What did the Wall Street Journal report?", "en", ["wall", "street", "journal"]),
    ("Wall Street Journalは何と報じた?", "en", ["journal"]),
    ("Wall Street Journalは何と報じた?", "ja", ["wall", "street", "journal"]),
])
def test_only_a_report_in_the_other_language_may_write_the_last_name_alone(
        shared_engine: Engine, question: str, lang: str, kept: list[str]) -> None:
    report = Article(lang=lang, title="", text="")
    found = _names_to_find(question, report, NAMES, shared_engine)
    assert [c.tokens[0] for c in found] == kept


def test_the_given_name_check_switches_off(shared_engine: Engine,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", "given-names")
    report = Article(lang="ja", title="", text="")
    found = _names_to_find("What did the Wall Street Journal report?", report, NAMES,
                           shared_engine)
    assert found == NAMES


#: A name → the other keys it gets (its own key is left out).
VARIANTS: dict[str, frozenset[str]] = {
    "Orban": frozenset({"rbn"}),              # オルバン
    "Medvedev": frozenset({"mdbjb"}),         # メドベージェフ
    "Dnipropetrovsk": frozenset({"dnbrbtrsk"}),  # ドニプロペトロウシク
    "オルバン": frozenset({"bn"}),
    "メドベージェフ": frozenset({"mdbdb"}),
    "Witkoff": frozenset(),
    "トランプ": frozenset(),
}


@pytest.mark.parametrize(("name", "expected"), list(VARIANTS.items()))
def test_a_name_gets_the_keys_of_its_other_readings(name: str,
                                                   expected: frozenset[str]) -> None:
    assert key_variants(name) == expected


def test_a_given_name_alone_is_still_to_be_found(shared_engine: Engine) -> None:
    """"What did Vladimir Putin's aide say": the speaker found may be "Vladimir" alone."""
    report = Article(lang="ja", title="", text="")
    found = _names_to_find("What did Vladimir Putin's aide say?", report, [_name("vladimir")],
                           shared_engine)
    assert [c.tokens[0] for c in found] == ["vladimir"]
