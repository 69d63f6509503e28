"""A question that attributes what it asks to an outlet is answered from that outlet's
report first, in either language (``bot/answer/attribution.py``,
``bot/answer/extractive.py``: ``ATTRIBUTED_LEAD``).

In blind batch S, "What type of missile did the BBC say hit Sumy on April 13, 2025?" was
refused ``event-names``: only the BBC's Japanese report gives the type, the search ranked
three English reports of the strike above it, and none of those is the BBC's. The reader
named the outlet; its report is looked for among the search's best 100 and read first.
A name that is only a word of the question ("what did Trump tell Fox News") is no
attribution.

Reports written for this test (our own words, an invented strike and invented outlets
but for the BBC's name), served as RSS from 127.0.0.1 and ingested by the bot's pipeline;
asked as ``ceasefire-bot ask`` asks, at a week, a year and two years after the reports.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive, support
from bot.answer.attribution import attributed, names_outlet
from bot.answer.engine import Engine
from bot.store.models import Article
from tests.answers.support import CLOCKS, ask_store, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

STRIKE = datetime(2025, 4, 13, 8, tzinfo=UTC)
QUESTION = "What type of missile did the BBC say hit Velykyi Burluk on April 13, 2025?"

REPORTS = (
    report("burluk-en-1", "en", "Harbour Wire", "Missiles hit Velykyi Burluk",
           "Two Russian missiles hit the centre of Velykyi Burluk on Sunday morning, killing "
           "eleven people, Ukrainian officials said. Kyiv called the strike a blow to the "
           "ceasefire talks.", STRIKE + timedelta(hours=2)),
    report("burluk-en-2", "en", "Lakeside Times", "Velykyi Burluk strike kills eleven",
           "A Russian missile strike on Velykyi Burluk killed eleven people on Sunday. "
           "European leaders said the attack showed Moscow was not serious about a ceasefire.",
           STRIKE + timedelta(hours=3)),
    report("burluk-en-3", "en", "Northern Ledger", "Leaders condemn Velykyi Burluk strike",
           "Leaders in Europe condemned the missile strike on Velykyi Burluk on Sunday and "
           "urged Russia to accept the ceasefire proposal.", STRIKE + timedelta(hours=4)),
    # A report telling another outlet's account, and that outlet's report of other talks.
    report("oslo-quote", "en", "Fjord Wire", "Envoys to meet in Oslo, Bloomberg reports",
           "Envoys of Russia and Ukraine will meet in Oslo on 3 May to discuss a ceasefire, "
           "Bloomberg reported, citing people familiar with the plans.",
           STRIKE - timedelta(days=1)),
    report("oslo-bloomberg", "en", "Bloomberg", "Envoys meet in Oslo on prisoner lists",
           "Envoys of Russia and Ukraine met in Oslo on Tuesday and swapped prisoner lists "
           "for a ceasefire deal.", STRIKE + timedelta(days=2)),
    # Other news names the outlets in its text, as a real store's does.
    report("press-en", "en", "Outlet 9", "Reporters barred from Geneva venue",
           "Reporters of the BBC, the Lakeside Times and the Harbour Wire were kept outside "
           "the venue of the Geneva talks between Russia and Ukraine.",
           STRIKE - timedelta(days=2)),
    report("press-ja", "ja", "Outlet 10", "ジュネーブ協議、記者は会場の外に",
           "ロシアとウクライナのジュネーブ協議では、BBCなど各国の記者が会場の外で待った。",
           STRIKE - timedelta(days=2)),
    report("burluk-ja-bbc", "ja", "BBCニュース（北洋オンライン）",
           "ヴェリキー・ブルルクにミサイル、11人死亡",
           "ウクライナ北東部ヴェリキー・ブルルクの中心部に13日朝、ロシア軍の弾道ミサイル"
           "「イスカンデルM」2発が着弾し、11人が死亡した。地元当局が明らかにした。"
           "停戦協議への影響が懸念されている。", STRIKE + timedelta(hours=5)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(STRIKE), *REPORTS), tmp_path_factory.mktemp("attrib"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_named_outlets_report_answers_first_across_languages(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    now = STRIKE + timedelta(days=1) + after
    answer = await ask_store(store, shared_engine, QUESTION, "en", now)
    assert answer.answerable and "イスカンデル" in answer.text, (answer.refusal, answer.text)
    assert await first_cited(store, shared_engine, QUESTION, "en", now) == "burluk-ja-bbc"


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_people_is_no_outlet(store: Path, shared_engine: Engine,
                                     after: timedelta) -> None:
    """"According to Ukrainian officials cited by the BBC": the English reports write
    "Ukrainian officials", which is no account of an outlet's; the BBC's report leads."""
    question = ("What type of missile hit Velykyi Burluk on April 13, 2025, according to "
                "Ukrainian officials cited by the BBC?")
    assert attributed(question) == ["Ukrainian", "BBC"]
    assert await first_cited(store, shared_engine, question, "en",
                             STRIKE + timedelta(days=1) + after) == "burluk-ja-bbc"


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_switch_the_outlet_is_only_a_word(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractive, "ATTRIBUTED_LEAD", False)
    answer = await ask_store(store, shared_engine, QUESTION, "en",
                             STRIKE + timedelta(days=1) + after)
    assert "イスカンデル" not in answer.text


@pytest.mark.parametrize("short_names", [True, False])
def test_an_outlet_is_named_by_its_short_name(
        shared_engine: Engine, short_names: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """"TBS" names "TBS NEWS DIG (JNN)" (``support.OUTLET_SHORT_NAMES``), attributed or
    not: the ``event-names`` check then finds the name in the report's outlet."""
    monkeypatch.setattr(support, "OUTLET_SHORT_NAMES", short_names)
    support._outlet_parts.cache_clear()
    try:
        report_of = support._outlet_asked("What did TBSの取材班 film at the forum?", [],
                                          shared_engine)
        named = report_of(Article(source="TBS NEWS DIG (JNN)"))
    finally:
        support._outlet_parts.cache_clear()
    assert ("TBS NEWS DIG" in named) is short_names


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_named_outlets_report_leads_in_the_questions_language(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Unattributed, another report of the toll leads (the test after this one)."""
    now = STRIKE + timedelta(days=1) + after
    question = ("According to the Harbour Wire, how many people did the Velykyi Burluk "
                "missile strike kill?")
    assert await first_cited(store, shared_engine, question, "en", now) == "burluk-en-1"


@pytest.mark.parametrize("after", CLOCKS)
async def test_unattributed_another_report_of_the_toll_leads(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    question = "How many people did the Velykyi Burluk missile strike kill?"
    assert await first_cited(store, shared_engine, question, "en",
                             STRIKE + timedelta(days=1) + after) != "burluk-en-1"


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_report_telling_the_outlets_account_keeps_its_lead(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    """"Bloomberg reported" in a report's text is Bloomberg's account: Bloomberg's own
    report of another meeting in Oslo does not take the lead from it."""
    question = "According to Bloomberg, on what date will the envoys meet in Oslo?"
    assert await first_cited(store, shared_engine, question, "en",
                             STRIKE + timedelta(days=3) + after) == "oslo-quote"


def test_a_name_in_latin_letters_is_whole_beside_japanese() -> None:
    """"TBSの報道", "とAFPは伝えた": Japanese around an outlet's name is no part of it."""
    assert re.search(support._whole("tbs"), "tbsの報道によると")
    assert re.search(support._whole("afp"), "とafpは伝えた")
    assert not re.search(support._whole("ap"), "japanの記者")


@pytest.mark.parametrize(("question", "names"), [
    ("According to the Kyiv Independent, when did they meet?", ["Kyiv Independent"]),
    ("In Reuters' report on the forum, which state was named?", ["Reuters"]),
    ("According to AFP's Japanese-language report, how much?", ["AFP"]),
    ("Per Xinhua, how long were they there?", ["Xinhua"]),
    ("Reuters reported last Wednesday that he plans to go", ["Reuters"]),
    ("What did the BBC say hit the city?", ["BBC"]),
    ("When did it hit, according to officials cited by the BBC?", ["BBC"]),
    ("ロイターは何カ国の首脳が出席したと伝えた？", ["ロイター"]),
    ("読売新聞によると、船は何隻になった？", ["読売新聞"]),
    ("共同通信の報道では何時間だった？", ["共同通信"]),
    # Not attributions: an interview on a network, a source quoted by a ministry.
    ("In his Fox News interview, how much did he claim?", []),
    ("What did Dmitriev tell TASS on April 3?", []),
    ("According to President Zelensky, how many were freed?", []),
])
def test_what_counts_as_an_attribution(question: str, names: list[str]) -> None:
    assert attributed(question) == names


@pytest.mark.parametrize(("form", "source", "named"), [
    ("BBC", "BBCニュース（WEDGE Online）", True),
    ("BBC", "BBC News", True),
    ("Reuters", "Reuters (via CNA)", True),
    ("reuter", "Reuters (via CNA)", True),
    ("ロイター", "WACOCA（ロイター配信）", True),
    ("時事通信", "時事通信社", True),
    ("Kyiv Independent", "The Kyiv Independent", True),
    ("TASS", "TASS (via News-Pravda)", True),
    ("Moscow", "The Moscow Times", False),
    ("Kyiv", "Kyiv Post", False),
    ("AP", "Apex Daily", False),
    ("Lakeside Times", "Harbour Wire", False),
])
def test_which_outlets_a_name_names(form: str, source: str, named: bool) -> None:
    assert names_outlet([form], source) is named
