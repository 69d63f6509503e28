"""``met-apart`` (branch gate35b, docs/notes/gate35b.md): a question about people meeting
places its names at one event ("What did Zelensky tell Varga when they met in Tallinn?"),
and one sentence of the reports found must name them all; where the reports only name them
sentences apart (Varga met Putin in Tallinn; Zelensky spoke in Kyiv), the meeting never
happened as asked. Unit readings pin each branch (the names placed, the meeting words, the
leaders named a sentence before, the first three reports); the end-to-end cases ask
made-up reports served as RSS, at a week, a year and two years after them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import _placed_names, support
from bot.answer.when import Window
from bot.model import Lang
from bot.store.models import Article
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report
from tests.answers.test_support_rules import indexed

MET = ("US envoy Tomas Varga met Vladimir Putin in Tallinn on Tuesday for three hours of "
       "talks on a Black Sea ceasefire.")
ELSEWHERE = "Zelensky said in Kyiv that he expected a readout from Washington by Friday."
CATHEDRAL = ("Trump and Zelensky met on Saturday morning. The two men sat on plain chairs "
             "inside the Tallinn cathedral for a quarter of an hour.")
APART = ("Talks were held on Saturday morning. The two men sat on plain chairs inside the "
         "Tallinn cathedral for a quarter of an hour. Trump and Zelensky later flew home.")
#: Every name, but sentences apart.
SPREAD = "Varga flew to Tallinn on Monday. Putin spoke of grain with him by phone."
#: Reports on other things: the test's names are then rare, as in a real store.
FILLER = ("Russia and Ukraine swapped prisoners of war in Istanbul.",
          "Delegations agreed to meet again next month in Geneva.",
          "Grain prices rose after the Black Sea port strikes.",
          "The European Commission proposed new sanctions on oil.")


def _refusal(shared_engine: Engine, question: str, *texts: str) -> str:
    engine = indexed(shared_engine, MET, ELSEWHERE, CATHEDRAL, APART, SPREAD, *FILLER)
    found = [Article(title="Talks", text=t, lang="en") for t in texts]
    return support(question, engine.concepts_for(question, Window()), found, engine)[1]


@pytest.mark.parametrize(("question", "texts", "check"), [
    # Zelensky is in one sentence, Varga and Tallinn in another: never met there.
    ("What did Zelensky tell Varga when they met in Tallinn?", (f"{MET} {ELSEWHERE}",),
     "met-apart"),
    # Two names are enough.
    ("What did Zelensky tell Varga when they met?", (f"{MET} {ELSEWHERE}",), "met-apart"),
    # Putin, Varga and Tallinn in one sentence.
    ("What did Putin tell Varga when they met in Tallinn?", (f"{MET} {ELSEWHERE}",), ""),
    # No meeting asked about: the names need not stand together.
    ("What did Zelensky tell Varga about Tallinn?", (f"{MET} {ELSEWHERE}",), ""),
    # The leaders named just before "the two men" in the cathedral.
    ("What did Trump and Zelensky discuss when they met in the Tallinn cathedral?",
     (CATHEDRAL,), ""),
    # Named after it, not before: apart.
    ("What did Trump and Zelensky discuss when they met in the Tallinn cathedral?",
     (APART,), "met-apart"),
    # Only the first three reports found are read.
    ("What did Putin and Varga agree when they met in Tallinn?",
     (SPREAD, SPREAD, SPREAD, MET), "met-apart"),
    ("What did Putin and Varga agree when they met in Tallinn?",
     (SPREAD, SPREAD, MET), ""),
])
def test_a_meeting_names_its_people_in_one_sentence(
        shared_engine: Engine, question: str, texts: tuple[str, ...], check: str) -> None:
    refusal = _refusal(shared_engine, question, *texts)
    assert (refusal if refusal == "met-apart" else "") == check, refusal


@pytest.mark.parametrize(("question", "placed", "apart"), [
    # The speaker is placed too.
    ("What did Zelensky tell Varga when they met in Tallinn?", {"zelenski", "varga"}, set()),
    # An owner, the asked slot, a time clause and one set apart are not placed.
    ("What did Putin's envoy Varga say when he met them in Tallinn?", {"varga"}, {"putin"}),
    ("Which Tallinn official did Varga meet?", {"varga"}, {"tallinn"}),
    ("Which Estonian leader took part in the meeting with Varga in Tallinn?",
     {"varga", "tallinn"}, {"estonian"}),
    ("What did Varga sign after the Tallinn talks?", {"varga"}, {"tallinn"}),
    ("Apart from Varga, who met Putin in Tallinn?", {"putin", "tallinn"}, {"varga"}),
    ("ヴァルガ特使のほかに、タリンでプーチン大統領と会談したのはだれ?", {"プーチン"},
     {"ヴァルガ"}),
    # A side, a medium are no names placed at the event.
    ("What did Varga bring to Moscow when he met Putin?", {"varga", "putin"}, {"moscow"}),
    ("What did Varga tell Putin on Telegram when they met?", {"varga", "putin"}, {"telegram"}),
    # A Japanese place before の names its meeting: placed.
    ("タリンの協議にヴァルガ特使が加わったのはなぜ?", {"タリン", "ヴァルガ"}, set()),
])
def test_which_names_a_question_places(shared_engine: Engine, question: str,
                                       placed: set[str], apart: set[str]) -> None:
    engine = indexed(shared_engine, MET, ELSEWHERE, CATHEDRAL, *FILLER,
                     "ヴァルガ特使はタリンでプーチン大統領と会談した。", "タリンの協議は続いた。",
                     "Varga wrote on Telegram from Tallinn.",
                     "The Estonian president hosted the talks.")
    tokens = {t for c in _placed_names(question, engine.concepts_for(question, Window()),
                                       engine) for t in c.tokens}
    assert placed <= tokens and not apart & tokens, tokens


TALKS = datetime(2025, 10, 14, 9, tzinfo=UTC)
REPORTS = (
    report("tallinn-en", "en", "Baltic Ledger", "US envoy Varga meets Putin in Tallinn",
           f"{MET}\n\nThe Kremlin said the two men agreed to keep talking about grain "
           f"shipments.\n\n{ELSEWHERE}", TALKS),
    report("tallinn-ja", "ja", "Kyokai Shimbun", "ヴァルガ特使、タリンでプーチン氏と会談",
           "米国のヴァルガ特使は火曜日、エストニアのタリンでプーチン大統領と会談した。\n\n"
           "ゼレンスキー大統領はキーウで、金曜日までに米側から説明を受けたいと述べた。",
           TALKS + timedelta(hours=5)),
    *other_talks(TALKS),
)

#: Question → (language, a fact of the answer, the check that refuses it).
ASKED: dict[str, tuple[Lang, str, str]] = {
    "What did Zelensky tell Varga when they met in Tallinn?": ("en", "", "met-apart"),
    "ゼレンスキー大統領はタリンでヴァルガ特使と何を話し合った?": ("ja", "", "met-apart"),
    "What did Putin and Varga agree when they met in Tallinn?": ("en", "keep talking", ""),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("met-apart"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ASKED.items()))
async def test_a_meeting_that_never_happened_is_refused(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str, str],
        after: timedelta) -> None:
    lang, fact, check = expected
    answer = await ask_store(store, shared_engine, question, lang, TALKS + after)
    answers_or_refuses(answer, fact, check)


async def test_the_switch_lets_it_pass(store: Path, shared_engine: Engine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", "met-apart")
    answer = await ask_store(store, shared_engine,
                             "What did Zelensky tell Varga when they met in Tallinn?", "en",
                             TALKS + CLOCKS[0])
    assert answer.refusal != "met-apart", answer.text
