"""The figure check's readings of a count (branch gate35, docs/quality.md, stop 35): a Japanese
count read in an English report ("何人が死亡": "12 people dead"), a clause that dates what is
counted (会談前日の), words the glossary cannot translate, a date asked as 何日まで, a share
asked as 何%, and a leader named in the sentence before his figure. Unit readings pin each
branch; the end-to-end cases ask made-up reports served as RSS, at a week, a year and two
years after them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import NAME_KEY, Concept, Engine
from bot.answer.support import (
    _leaders_counted,
    _names_leaders,
    asks_figure,
    counted_across,
    support,
    written_in,
)
from bot.answer.when import Window
from bot.model import Lang
from bot.store.models import Article
from tests.answers.support import (
    CLOCKS,
    answers_or_refuses,
    ask_store,
    made_up_store,
    other_talks,
)
from tests.answers.support import made_up_report as report
from tests.answers.test_support_rules import REPORTS as REPORTS_ELSEWHERE
from tests.answers.test_support_rules import indexed


@pytest.mark.parametrize(("question", "sentence"), [
    ("キーウ攻撃では少なくとも何人が死亡した?",
     "A strike on the city that left at least 12 people dead drew condemnation."),
    ("会議には何カ国が参加した?", "Leaders from 19 countries took part on Thursday."),
    ("会議には何か国が参加した?", "Delegates of 19 nations took part on Thursday."),
    ("港には何隻が停泊した?", "Officials counted 40 vessels waiting outside the port."),
])
def test_a_japanese_count_reads_as_english_writes_its_counter(
        shared_engine: Engine, question: str, sentence: str) -> None:
    across = counted_across(question, shared_engine.concepts(question), to_ja=False)
    assert across.search(sentence)


def test_a_counter_of_no_one_thing_adds_no_word(shared_engine: Engine) -> None:
    question = "キーウ攻撃は何件あった?"
    across = counted_across(question, shared_engine.concepts(question), to_ja=False)
    assert not across.search("A strike on the city that left at least 12 people dead.")


@pytest.mark.parametrize(("question", "leaders"), [
    ("プーチン氏とウィトコフ氏の会談前日のキーウ攻撃では、少なくとも何人が死亡した?", set()),
    ("プーチン氏とウィトコフ氏の会談翌日のキーウ攻撃では、少なくとも何人が死亡した?", set()),
    ("プーチン氏との会談直後の攻撃では何人が死亡した?", set()),
    ("プーチン氏との会談直前の攻撃では何人が死亡した?", set()),
    ("プーチン氏の会談では何人が同席した?", {"プーチン"}),
])
def test_a_day_before_or_after_dates_what_is_counted(
        shared_engine: Engine, question: str, leaders: set[str]) -> None:
    engine = indexed(shared_engine, "プーチン大統領とウィトコフ特使が会談した。")
    counted = _leaders_counted(question, engine.concepts_for(question, Window()), engine)
    assert {c.tokens[0] for c in counted} == leaders


def test_words_the_other_language_cannot_write_do_not_weigh() -> None:
    death = Concept(("死亡",), (None,), 1.0)
    strike = Concept(("攻撃", "strike"), (None,), 1.0)
    kyiv = Concept(("キーウ", NAME_KEY + "kb"), (None,), 1.0, name=True)
    assert written_in([death, strike, kyiv], ja=False) == [strike, kyiv]
    assert written_in([death], ja=False) == [death]
    english = Concept(("strike",), (None,), 1.0)
    assert written_in([english, strike], ja=True) == [strike]


@pytest.mark.parametrize(("question", "figure"), [
    ("制裁の期限は何日までだった?", False),
    ("停戦は何日に始まる?", False),
    ("休戦は何日から?", False),
    ("停戦は何日間続いた?", True),
    ("協議は何日続いた?", True),
    ("株価指数は何%動いた?", True),
    ("株価指数は何％動いた?", True),
    ("関税は何パーセント?", True),
    ("有権者の何割が賛成した?", True),
    ("トマホークを何発求めた?", True),
    ("艦艇は何隻?", True),
    ("無人機は何機飛来した?", True),
])
def test_which_japanese_questions_ask_a_figure(question: str, figure: bool) -> None:
    assert asks_figure(question) is figure


def test_a_leader_named_just_before_his_figure(shared_engine: Engine) -> None:
    trump = Concept(("トランプ", "trump"), (None,), 1.0, name=True)
    figure = set(shared_engine.text_tokens("ロシアに100%の関税を科すと明らかにした"))
    other = set(shared_engine.text_tokens("プーチン大統領との電話は90分だった"))
    before = "トランプ大統領は記者会見を開いた"
    assert _names_leaders(figure, before, [trump], shared_engine, "")
    assert not _names_leaders(figure, "記者会見が開かれた", [trump], shared_engine, "")
    # A figure whose sentence names another side's leader is that leader's.
    assert not _names_leaders(other, before, [trump], shared_engine, "")
    assert _names_leaders(set(), "", [], shared_engine, "")


WEEK = datetime(2025, 9, 12, 9, tzinfo=UTC)
REPORTS = (
    report("strike-en", "en", "Harbor Wire", "Witkoff meets Putin in Moscow",
           "Steve Witkoff sat down with Vladimir Putin in Moscow on Friday to discuss a ceasefire "
           "in Ukraine. The meeting came "
           "a day after a Russian drone strike on Kyiv that left at least 9 people dead.",
           WEEK),
    report("tariff-ja", "ja", "港湾通信", "トランプ氏、ロシアに二次関税を警告",
           "トランプ大統領は前日、ホワイトハウスで記者会見を開いた。50日以内に停戦に応じなければ、"
           "ロシアに最大100%の二次関税を科すと明らかにした。",
           WEEK - timedelta(hours=3)),
    report("market-ja", "ja", "山並新聞", "モスクワ証券取引所の株価が上昇",
           "ウクライナ停戦をめぐる制裁警告のあと、モスクワ証券取引所の株価指数は上昇に転じた。市場関係者は"
           "警告が予想より穏やかだったと受け止めた。",
           WEEK - timedelta(hours=1)),
    *other_talks(WEEK),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("counts"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "fact", "check"), [
    # The strike is dated by the meeting; the English report counts "9 people".
    ("ウィトコフ氏とプーチン氏の会談前日のキーウ攻撃では、少なくとも何人が死亡した?", "9 people",
     ""),
    # Trump is named the sentence before the figure he gave.
    ("トランプ氏がロシアに科すと言った二次関税は何%?", "100%", ""),
    # No report gives the index's move as a figure.
    ("制裁警告のあと、モスクワ証券取引所の株価指数は何%上がった?", "", "figure-not-given"),
])
async def test_counts_asked_in_japanese(store: Path, shared_engine: Engine, after: timedelta,
                                        question: str, fact: str, check: str) -> None:
    answer = await ask_store(store, shared_engine, question, "ja", WEEK + after)
    answers_or_refuses(answer, fact, check)


@pytest.mark.parametrize(("question", "check"), [
    # The head of the counted phrase is known: "of those" and a prefix do not refuse.
    ("How many of those Patriot systems will the US send to Europe?", ""),
    ("How many home-made drones did Zelensky say Ukraine has?", ""),
    # Its head unknown, a known word before it does not vouch for it.
    ("How many Patriot journalists did Zelensky say Ukraine has?", "figure-unknown-noun"),
    ("How many journalists did Zelensky say Ukraine has?", "figure-unknown-noun"),
    # An amount of money is written with its sign: its word need not be in any report.
    ("How many billion dollars did Zelensky say Ukraine has?", ""),
])
def test_what_a_count_counts_is_its_phrase_head(shared_engine: Engine, question: str,
                                                check: str) -> None:
    text = ("Zelensky said Ukraine has 3,000 drones, many of them home-made, and the US "
            "will send 17 Patriot systems to Europe.")
    engine = indexed(shared_engine, text)
    found = Article(title="Patriots for Europe", text=text, lang="en")
    refusal = support(question, engine.concepts_for(question, Window()), [found], engine)[1]
    assert (refusal if refusal == "figure-unknown-noun" else "") == check


def test_only_words_the_report_can_write_weigh_on_its_figure(shared_engine: Engine) -> None:
    """A Japanese count read in an English report: 死亡 (no translation) does not weigh;
    the translated 攻撃 does, beside the name."""
    question = "キーウ攻撃では少なくとも何人が死亡した?"
    kyiv = Concept(("キーウ", "kyiv", NAME_KEY + "kb"), (None,), 1.0, name=True, df=1)
    strike = Concept(("攻撃", "attack", "strike"), (None,), 9.0, df=1)
    death = Concept(("死亡",), (None,), 30.0, df=1)
    for text, check in [("A Russian strike on Kyiv left at least 12 people dead.", ""),
                        ("In Kyiv, 12 people were counted at a rally.", "figure-not-given")]:
        engine = indexed(shared_engine, text)
        found = Article(title="News", text=text, lang="en")
        assert support(question, [kyiv, strike, death], [found], engine)[1] == check


@pytest.mark.parametrize(("question", "title", "text", "lang"), [
    # The leader is named the sentence before his figure, in either language's report.
    ("トランプ氏はロシアに何%の関税を科すと言った?", "Trump speaks",
     "Trump held a press conference at the White House. He said Russia would face tariffs "
     "of 100% within 50 days.", "en"),
    ("トランプ氏がロシアに科すと言った二次関税は何%?", "会見",
     "トランプ大統領は前日、ホワイトハウスで記者会見を開いた。50日以内に停戦に応じなければ、"
     "ロシアに最大100%の二次関税を科すと明らかにした。", "ja"),
    # The event is named once, in the headline before the figure's sentence.
    ("アラスカでの会談は何時間続いた?", "Summit in Alaska", "It lasted almost three hours.", "en"),
    ("How many hours did the Alaska summit last?", "Summit in Alaska",
     "It lasted almost three hours.", "en"),
])
def test_a_figure_named_by_the_sentence_before(shared_engine: Engine, question: str,
                                               title: str, text: str, lang: Lang) -> None:
    engine = indexed(shared_engine, f"{title} {text}", *REPORTS_ELSEWHERE)
    found = Article(title=title, text=text, lang=lang)
    assert support(question, engine.concepts_for(question, Window()), [found], engine)[1] == ""


def test_the_counted_phrase_is_read_whole() -> None:
    """The nouns after 何人ずつの are one phrase (捕虜交換): a concept written as the whole
    compound is what is counted, so its translation must sit by the number."""
    question = "何人ずつの捕虜交換が行われた?"
    swap = Concept(("捕虜交換", "swap"), (None,), 1.0)
    across = counted_across(question, [swap], to_ja=False)
    assert across.search("A swap of 40 people took place on Friday.")
    assert not across.search("Officials said 40 ships waited outside the port.")
