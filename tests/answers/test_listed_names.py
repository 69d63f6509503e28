"""A "which countries" question is answered by the sentence listing them.

"Which countries offered to host the talks", "which three members stayed out", どの国: the
answer names several, and the sentence giving it lists them ("Among them she named Malta,
Iceland, Chile and Ghana") in words the question does not share, while the report's other
sentences count them or restate the event in the question's words. On the spent fresh
developments such a list went unquoted behind four sentences restating the offer
(``bench/factslot.py``); a sentence listing three names or more, one of them new, now fills
the kind asked (``support.LIST_SLOT``).

The reports are written for this test (our own words, invented talks), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot ask``
asks them, a day, a week and a year after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import answer_type
from bot.model import Lang
from tests.answers.support import answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

OFFER = datetime(2025, 11, 18, 9, tzinfo=UTC)
#: A day, a week and a year after the reports.
AFTER = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

REPORTS = (
    report("hosts-en", "en", "Harbour Post", "Five countries offer to host Orlov-Petrenko talks",
           "Five countries have offered to host talks between Russia's envoy Orlov and "
           "Ukraine's envoy Petrenko, Ukraine's foreign minister Hanna Sirko said on Tuesday.\n\n"
           "Sirko said the offers to host the Orlov-Petrenko talks showed wide support.\n\n"
           "She said both envoys would choose together.\n\n"
           "Orlov said Russia would weigh them.\n\n"
           "Petrenko thanked them.\n\n"
           "Sirko named Malta, Iceland, Chile and Ghana.\n\n"
           "The talks could start in January.",
           OFFER),
    report("hosts-ja", "ja", "Kyokai Shimbun",
           "5カ国がオルロフ氏とペトレンコ氏の協議の開催に名乗り",
           "ウクライナのシルコ外相は18日、ロシアのオルロフ特使とウクライナのペトレンコ特使の"
           "協議の開催に5カ国が名乗りを上げたと述べた。\n\n"
           "シルコ外相は、オルロフ氏とペトレンコ氏の協議の開催の申し出は幅広い支持の表れだと語った。\n\n"
           "協議の開催地は両特使が一緒に選ぶという。\n\n"
           "オルロフ氏は、ペトレンコ氏との協議の開催の申し出をすべて検討すると述べた。\n\n"
           "ペトレンコ氏も協議の開催の申し出を歓迎した。\n\n"
           "名乗りを上げたのはマルタ、アイスランド、チリ、ガーナなど。\n\n"
           "協議は1月にも始まる可能性がある。",
           OFFER + timedelta(days=20)),
    *other_talks(OFFER),
)

#: Question -> (its language, a name its answer must quote).
ASKED: dict[str, tuple[Lang, str]] = {
    "Which countries have offered to host talks between Orlov and Petrenko?":
        ("en", "Iceland"),
    "オルロフ氏とペトレンコ氏の協議の開催に名乗りを上げたのはどの国?": ("ja", "アイスランド"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("listed-names"))


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize(("question", "expected"), list(ASKED.items()))
async def test_the_sentence_listing_the_names_is_quoted(store: Path, shared_engine: Engine,
                                                        question: str,
                                                        expected: tuple[Lang, str],
                                                        after: timedelta) -> None:
    lang, fact = expected
    published = max(r.published for r in REPORTS if r.lang == lang and r.guid.startswith("h"))
    answer = await ask_store(store, shared_engine, question, lang, published + after)
    answers_or_refuses(answer, fact, "")


def test_a_list_fills_the_slot_only_with_a_name_the_question_lacks() -> None:
    asked = "Apart from Malta, Iceland and Chile, which countries offered to host?"
    [listed] = [w for w in answer_type(asked, listed=True) if w.kind == "listed"]
    assert listed.filled_by("Among them she named Malta, Iceland, Chile and Ghana.")
    assert not listed.filled_by("Malta, Iceland and Chile offered first.")
    assert not listed.filled_by("Five countries offered to host the talks.")
    # Not a kind the lead rules read, nor asked by "who".
    assert all(w.kind != "listed" for w in answer_type(asked))
    assert all(w.kind != "listed" for w in answer_type("Who met Orlov?", listed=True))
