"""Issue 12 item 6: only an elliptical question inherits a thread's context.

A question naming its own event, place, person or date is answered from what it names: a
name counts whatever its case ("istanbul", as people type in chat), in Japanese through
MeCab's proper nouns and the glossary's names (復活祭 is Easter). A question that continues
("And …", "ok and …", "…, then?", "それで"), points back (それ, その, 代わりに, "before that";
"their" or "that" only when the question names no side before it) or has no subject of its
own (only a side and a verb, or no name and under three words) inherits; "で、" continues
only a question naming no event of its own. Each case is decided at a day and
at a year after the reports: the decision does not depend on the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer.engine import Engine
from bot.answer.followup import inherits
from bot.answer.index import DocMeta
from tests.answers.support import CHAT_PIECES

REPORTED = datetime(2025, 5, 20, tzinfo=UTC)
NOWS = [REPORTED + timedelta(days=1), REPORTED + timedelta(days=365)]

REPORTS = (
    "Russian and Ukrainian delegations held talks in Istanbul and agreed to swap 1,000 "
    "prisoners each.",
    "The talks in Istanbul lasted under two hours; Turkish officials chaired the meeting.",
    "Trump said his summit with Putin in Budapest was off and announced sanctions on "
    "Rosneft and Lukoil.",
    "Trump and Putin held talks at a base in Anchorage, Alaska, for about three hours.",
    "Putin declared an Easter truce of 30 hours; Zelensky said the shelling went on.",
    "Russia and Ukraine exchanged prisoners again after the talks.",
    "The Turks offered to host more talks between Russia and Ukraine.",
    "Delegations from Russia and Ukraine said the talks would go on.",
    "ロシアとウクライナの代表団がイスタンブールで協議し、捕虜交換で合意した。",
    "プーチン大統領は復活祭に合わせて30時間の停戦を宣言した。",
    "ロシアは戦勝記念日に合わせて3日間の停戦を表明した。",
    "ロシアとウクライナの協議は続くと双方が述べた。",
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    engine = Engine()
    engine.index.add([(DocMeta(n, REPORTED.timestamp(), n, "en" if t.isascii() else "ja"),
                       engine.doc_tokens("", t)) for n, t in enumerate(REPORTS, 1)])
    return engine


SELF_CONTAINED = (
    "did they get anywhere in istanbul??",
    "wait is trump still meeting putin in budapest or not",
    "What did Russia and Ukraine agree in Istanbul?",
    "What did Trump announce about Rosneft?",
    "How long did the Trump-Putin summit in anchorage last?",
    "What happened on May 16?",
    "How many prisoners did Russia swap with Ukraine in the exchange?",
    "イスタンブールでの協議では何が決まった?",
    "復活祭の停戦は何時間だった?",
    "ロシアが戦勝記念日に表明した停戦は何日間?",
    "プーチン大統領は停戦の条件として捕虜交換を求めた?",
    # A pronoun after the sides it stands for, "that" opening a clause: within the question.
    "Where are Trump and Putin planning to hold their next summit?",
    "What did Putin demand that Ukraine do before the truce?",
    # Two sides and what about; in Japanese, one side as the subject of the other.
    "did putin promise trump a truce?",
    "プーチン氏はトランプ氏に何を伝えたの?",
    # "で、" is "so,": a question opened so that names its own event does not continue.
    "で、イスタンブールの協議って結局何が決まったの?",
    # No side, but an action, its object and more of its own.
    "How many prisoners were exchanged at the Turkish border crossing?",
)

ELLIPTICAL = (
    "And who chaired the meeting?",
    "What did Moscow demand for taking part, then?",
    "How long did it last?",
    "Was Ukraine involved?",
    "How many prisoners were exchanged?",
    "What happens next?",
    "how did the talks go?",
    "それで、次はいつ会うの?",
    "それって議会の承認は必要なの?",
    "プーチン氏は出席したの?",
    "ゼレンスキー氏は代わりに何を提案した?",
    "今後は?",
    "ok and who chaired it?",
    "did putin talk to trump right before that?",
    "How far apart are the two sides?",
    "米国はその見返りに何をすると約束した?",
    "で、ロシアが次に狙ってるのはどこだって?",
    "で、プーチン氏はその前日に何を表明したの?",
    "And who else from Ukraine was there?",
)


@pytest.mark.parametrize("now", NOWS, ids=["a day after", "a year after"])
@pytest.mark.parametrize("question", SELF_CONTAINED)
def test_a_question_naming_its_own_subject_does_not_inherit(
        engine: Engine, question: str, now: datetime) -> None:
    assert not inherits(question, engine, now=now, zone=UTC)


@pytest.mark.parametrize("now", NOWS, ids=["a day after", "a year after"])
@pytest.mark.parametrize("question", ELLIPTICAL)
def test_an_elliptical_question_inherits(engine: Engine, question: str,
                                         now: datetime) -> None:
    assert inherits(question, engine, now=now, zone=UTC)


def test_a_lowercase_word_is_a_name_only_when_the_reports_write_it_as_one(
        engine: Engine) -> None:
    # "talks" sounds like "Turks" (a name one report uses), but the reports write "talks"
    # far more often than that name: it is an ordinary word, not the question's own event.
    now = NOWS[0]
    assert inherits("how did the talks go?", engine, now=now, zone=UTC)
    assert not inherits("how did the istanbul talks go?", engine, now=now, zone=UTC)
    assert not inherits("how did the Istanbul talks go?", engine, now=now, zone=UTC)


@pytest.mark.parametrize("now", NOWS, ids=["a day after", "a year after"])
def test_a_hyphenated_compound_is_decided_like_its_plain_words(
        engine: Engine, now: datetime) -> None:
    # "thousand-for-thousand" is several words: the question is decided as if it read
    # "thousand for thousand" (no name of its own), and deciding it does not raise.
    for question in ("when did the thousand-for-thousand swap happen?",
                     "when did the thousand for thousand swap happen?"):
        assert inherits(question, engine, now=now, zone=UTC)
    assert not inherits("when did the thousand-for-thousand swap in istanbul happen?",
                        engine, now=now, zone=UTC)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(CHAT_PIECES), max_size=12).map(" ".join)
       | st.lists(st.sampled_from(CHAT_PIECES), max_size=12).map("".join)
       | st.text(max_size=40))
def test_any_chat_text_is_decided_without_raising(engine: Engine, question: str) -> None:
    assert inherits(question, engine, now=NOWS[0], zone=UTC) in (True, False)
