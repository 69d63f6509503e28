"""The answer quotes the sentence that carries the asked fact, not only the sentences that
share most of the question's words (issue 12: "asked facts present").

The right report was cited first, yet its quoted sentences missed what was asked:

- "How many prisoners were swapped on the truce day?": every sentence holding a date or a
  clock time counted as giving a figure, so the truce's dates crowded out the one sentence
  that counts the people ("… 212 soldiers came home"). A date, a year, a clock time and a
  length written as one word ("36-hour") are not how many; "hundreds of" is, and "how
  often" asks how many times. "A day after" or "two weeks before" is not how long.
- "What reason did … give?": a sentence giving a reason ("on humanitarian grounds",
  "because", "ため", "理由") now counts as the kind of answer asked.
- "What phrase did … use?" / "何と表現した": a sentence quoting words does.
- "Who did … meet?": a sentence counted as naming someone new whenever it held any name the
  question lacks, a place beside the people the question names ("ドイツの…首相"); now
  the new name must be the person found ("…常任議長"), titles after a short prefix
  included ("参謀総長").
- "Which city did the … leader …?" asks where, not who.
- A report quoted after the first gives one sentence: it is chosen for what the earlier
  quoted sentences did not say (their names count less), and "which regions" asks where.
- "Did they agree on anything?" / "What was the outcome of …?": a sentence saying there is
  "no deal" or "no agreement" tells what is still open; "the outcome of" asks how talks
  ended as "did they agree" does.

Reports written for this test (our own words, invented events), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

TRUCE = datetime(2025, 11, 8, 12, tzinfo=UTC)
VALLETTA = datetime(2025, 11, 20, 12, tzinfo=UTC)
VIENNA = datetime(2025, 12, 2, 12, tzinfo=UTC)
HELSINKI = datetime(2025, 12, 6, 12, tzinfo=UTC)
OSLO = datetime(2025, 12, 12, 12, tzinfo=UTC)
CORRIDOR = datetime(2025, 12, 16, 12, tzinfo=UTC)
BERGEN = datetime(2025, 12, 18, 12, tzinfo=UTC)
DANUBE = datetime(2025, 12, 22, 12, tzinfo=UTC)
ICELAND = datetime(2025, 12, 27, 12, tzinfo=UTC)
STUBB = datetime(2025, 12, 30, 12, tzinfo=UTC)

REPORTS = (
    report("truce-en", "en", "Harbour Wire", "Moscow declares a harbour truce around Odesa",
           "Moscow declared a 36-hour harbour truce around Odesa from 14:00 on November 8, "
           "the Kremlin said on Saturday.\n\n"
           "The Kremlin said the harbour truce would end at midnight on November 9.\n\n"
           "Kyiv said it would hold fire around Odesa on November 8 if Russian ships stayed "
           "in port.\n\n"
           "Shelling was heard near the Odesa harbour on November 9, hours into the truce.\n\n"
           "Qatar had urged both sides to free 500 prisoners of war each before the truce "
           "around Odesa.\n\n"
           "On the same day 212 soldiers came home in a swap brokered by Qatar.\n\n"
           "Moscow said the pause was ordered on humanitarian grounds.",
           TRUCE),
    report("valletta-en", "en", "Island Post", "Envoys meet in Valletta on a peace plan",
           "Envoys of Ukraine and the United States met in Valletta on Thursday to discuss "
           "a peace plan.\n\n"
           "Mediator Halvorsen said the Valletta talks on the plan had been useful and would "
           "go on.\n\n"
           "Halvorsen said the talks had reached a stage where the plan needed work on "
           "wording.\n\n"
           "Halvorsen told the envoys in Valletta the talks would resume on Friday.\n\n"
           "Halvorsen called it \"a fragile hour\".",
           VALLETTA),
    report("vienna-ja", "ja", "Kyokai Shimbun", "ウィーンでゼレンスキー氏とメルツ首相が会談",
           "ウクライナのゼレンスキー大統領は2日、ウィーンでドイツのメルツ首相と会談した。\n\n"
           "ゼレンスキー氏は、ウクライナには安全の保証が欠かせないと訴えた。\n\n"
           "メルツ首相は会談で、ドイツがウクライナを支え続けると述べた。\n\n"
           "ゼレンスキー大統領はこのあと、欧州の首脳らとも会談した。\n\n"
           "相手には欧州理事会のコスタ常任議長らが含まれる。",
           VIENNA),
    report("helsinki-ja", "ja", "Kyokai Shimbun", "ヘルシンキで実務者協議",
           "ヘルシンキでの協議に先立ち、ウクライナ代表団はフィンランド政府と話し合った。\n\n"
           "ウクライナ代表団はヘルシンキで欧州側とも協議した。\n\n"
           "ウクライナ代表団はヘルシンキの協議で安全の保証を求めた。\n\n"
           "ウクライナ代表団はヘルシンキでの協議を終えてキーウに戻った。\n\n"
           "代表団を率いたのはウメロフ書記だった。",
           HELSINKI),
    report("oslo-en", "en", "Fjord Daily", "Oslo summit of Russian and Ukrainian envoys ends",
           "Russian and Ukrainian envoys met in Oslo on Friday for a summit hosted by "
           "Norway.\n\n"
           "The Oslo summit opened with a long session on prisoners and on the front "
           "line.\n\n"
           "Norway's foreign minister said the envoys in Oslo had talked for nine hours.\n\n"
           "The envoys left Oslo on Saturday morning.\n\n"
           "The host told reporters there was no deal on a ceasefire.",
           OSLO),
    report("corridor-en", "en", "Grain Wire", "Grain corridor truce in the Black Sea ends",
           "A grain corridor truce in the Black Sea ended on Sunday after a week.\n\n"
           "The grain corridor truce had let ships leave Izmail and Reni.\n\n"
           "Kyiv and Moscow both said the grain corridor truce had helped farmers.\n\n"
           "Insurers said the grain corridor would need a new truce to stay open.\n\n"
           "Each side said the other had broken the truce hundreds of times.\n\n"
           "Turkey offered to host talks on a new corridor.",
           CORRIDOR),
    report("bergen-en", "en", "Fjord Daily", "Eide hosts Bergen talks",
           "Norway's foreign minister Eide hosted the Bergen talks between Russian and "
           "Ukrainian envoys on Friday.\n\n"
           "Eide said the Bergen talks were about prisoners and would end with a "
           "statement.\n\n"
           "The envoys met Eide in Bergen at a hotel by the harbour on Friday.\n\n"
           "Eide told the envoys in Bergen that the talks mattered.\n\n"
           "The envoys did not speak to reporters.",
           BERGEN),
    report("bergen-2-en", "en", "Coast Times", "Talks in Bergen",
           "Eide opened the meeting of Russian and Ukrainian envoys in Bergen.\n\n"
           "The talks did not end and will go on into next week, a Norwegian official "
           "said.",
           BERGEN + timedelta(hours=30)),
    report("danube-en", "en", "River Post", "Danube truce breaks down",
           "A Danube truce between Russian and Ukrainian forces broke down on Sunday, "
           "officials said.\n\n"
           "The Danube truce had been agreed by both sides a week earlier.\n\n"
           "Officials of both sides blamed each other for the end of the Danube truce.\n\n"
           "Both sides said the Danube truce could be agreed again.\n\n"
           "Guns kept firing in the Kherson and Mykolaiv regions.",
           DANUBE),
    report("iceland-en", "en", "North Atlantic News",
           "Iceland offers to host Russian and Ukrainian envoys for ceasefire talks",
           "Icelandic leader Kristrun Frostadottir spoke with Volodymyr Zelensky and Keir "
           "Starmer on Monday.\n\n"
           "Frostadottir told Emmanuel Macron that the envoys were welcome.\n\n"
           "Frostadottir later met Mark Rutte to discuss the envoys.\n\n"
           "Donald Tusk and Friedrich Merz backed the Icelandic offer.\n\n"
           "The envoys were invited to Akureyri for the next round of ceasefire talks.\n\n"
           "Frostadottir said the offer stood.",
           ICELAND),
    report("stubb-en", "en", "Helsinki Courier",
           "Stubb and Putin discuss a ceasefire in Ukraine by phone",
           "Finnish President Stubb held a phone call with Vladimir Putin on Tuesday about "
           "a ceasefire in Ukraine.\n\n"
           "Stubb's call with Putin came a day after Finland freed two Russian sailors.\n\n"
           "Stubb's call with Putin came two weeks after Stubb visited Kyiv.\n\n"
           "Putin's call with Stubb came a day before ceasefire talks in Geneva.\n\n"
           "Stubb told Putin during the call that a ceasefire was needed.\n\n"
           "The phone call lasted 40 minutes, officials said.",
           STUBB),
    *other_talks(TRUCE),
)

#: Question → (language, the fact the answer must quote, the report cited first).
ASKED: dict[str, tuple[Lang, str, str]] = {
    "How many prisoners of war were swapped on the day of the harbour truce around Odesa?":
        ("en", "212 soldiers", "truce-en"),
    "Why did Moscow declare the harbour truce around Odesa?":
        ("en", "humanitarian grounds", "truce-en"),
    "What phrase did Halvorsen use for the stage the Valletta talks had reached?":
        ("en", "a fragile hour", "valletta-en"),
    "ウィーンでゼレンスキー大統領がメルツ首相との会談の後に会ったのは誰?":
        ("ja", "コスタ常任議長", "vienna-ja"),
    "ヘルシンキでウクライナ代表団を率いた人物は?": ("ja", "ウメロフ書記", "helsinki-ja"),
    "What was the outcome of the Oslo summit of Russian and Ukrainian envoys?":
        ("en", "no deal", "oslo-en"),
    "Did the Russian and Ukrainian envoys agree on anything at the Oslo summit?":
        ("en", "no deal", "oslo-en"),
    "How often was the grain corridor truce in the Black Sea broken?":
        ("en", "hundreds of times", "corridor-en"),
    "Did Eide's Bergen talks end on Friday?": ("en", "will go on into next week", "bergen-en"),
    "Which regions were still shelled after the Danube truce broke down?":
        ("en", "Kherson and Mykolaiv", "danube-en"),
    "Which city did the Icelandic leader invite the envoys to?":
        ("en", "Akureyri", "iceland-en"),
    "How long was the phone call between Stubb and Putin, according to Finnish officials?":
        ("en", "40 minutes", "stubb-en"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("asked-fact"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ASKED.items()))
async def test_the_answer_quotes_the_sentence_carrying_the_asked_fact(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str, str],
        after: timedelta) -> None:
    lang, fact, first = expected
    published = next(r.published for r in REPORTS if r.guid == first)
    await quotes_first(store, shared_engine, question, lang, published + after, fact, first)
