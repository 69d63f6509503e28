"""Chatty questions find the development they ask about (branch casual).

- A chat verb finds the newsroom's word through ``casual.tsv``: "show up" meets "arrived"
  (without it the forum's "show" ranked first), 突っぱねる ("brush off") meets 拒否.
- The w (ｗ, ｗｗｗ) of laughter after Japanese is no name: read as one, no report wrote it
  and the question was refused ``unknown-name``.
- A Japanese chat filler (結局, ホント, マジ, ガチ) or auxiliary (言ってた's てる) is no token: read
  as content, it ranks a report that happens to write 結局 (the forum's report here; on the
  real fresh set a report that wrote 結局 led four chatty questions).

The plain wording of each question is asked too. Invented talks in Vilnius, written for this
test, go through the real pipeline (RSS over loopback, ingest) and each question is asked the
way ``ceasefire-bot ask`` asks it, a week, a year and two years later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

ROUND = datetime(2025, 9, 2, 9, tzinfo=UTC)
FORUM = ROUND + timedelta(days=20)
LAST = FORUM + timedelta(hours=8)

REPORTS = (
    # A later forum in Vilnius: it writes 結局 and "show", and names Russia often.
    report("forum-ja", "ja", "Baruto Shimpo", "ヴィリニュスのフォーラム、ロシア巡り結局物別れ",
           "ヴィリニュスで開かれた安全保障フォーラムは22日、閉幕した。ロシアの脅威が議題となったが、"
           "結局、共同声明はまとまらなかった。ロシアへの対応をめぐり各国の意見は割れた。",
           FORUM),
    report("forum-en", "en", "Amber Courier", "Vilnius forum ends in a show of division",
           "A security forum in Vilnius ended on Tuesday in a show of division over Russia. "
           "Ministers could not agree on how to answer Russia, and the Vilnius meeting closed "
           "without a joint statement on Russia.",
           FORUM + timedelta(hours=3)),
    # The round asked about.
    report("round-ja", "ja", "Hokuou Shimbun", "欧州の60日停戦案、拒否される",
           "ロシア代表団は2日、ヴィリニュスでの協議で、欧州側が示した60日間の停戦案を拒否した。"
           "代表団は、前提条件のない交渉を求めた。",
           ROUND),
    report("round-en", "en", "Daugava Post", "Russian delegation arrives for Vilnius round",
           "A Russian delegation arrived in Vilnius on Tuesday for a round of talks with "
           "European envoys, led by a deputy foreign minister.",
           ROUND + timedelta(hours=2)),
    *other_talks(FORUM - timedelta(days=2)),
)

#: (question, language, what the answer must quote, the report cited first).
CASES: list[tuple[str, Lang, str, str]] = [
    # 結局 met the forum's report; 突っぱねる met no report.
    ("で、ヴィリニュスの件、結局ロシアは突っぱねたの？", "ja", "60日間", "round-ja"),
    ("ロシアはヴィリニュスで停戦案を拒否したのか", "ja", "60日間", "round-ja"),
    # ガチ ("for real") read as a name that no report writes: refused by event-names.
    ("ロシアってヴィリニュスでガチで停戦案を拒否したん？", "ja", "60日間", "round-ja"),
    # The w of laughter was read as a name no report writes: refused by unknown-name.
    ("ロシアってヴィリニュスで停戦案を拒否したんだっけｗ", "ja", "60日間", "round-ja"),
    ("ヴィリニュスでロシアが突っぱねた停戦案って何日間だっけｗｗｗ", "ja", "60日間", "round-ja"),
    # "show" met the forum's headline; "arrived" is how the round's report says it.
    ("lol so did the russians even show up in vilnius or nah", "en", "deputy foreign minister",
     "round-en"),
    ("did a russian delegation arrive in vilnius", "en", "deputy foreign minister",
     "round-en"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("chat-words-ja"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "lang", "fact", "first"), CASES)
async def test_a_chatty_question_finds_its_development(
        store: Path, shared_engine: Engine, question: str, lang: Lang, fact: str, first: str,
        after: timedelta) -> None:
    await quotes_first(store, shared_engine, question, lang, LAST + after, fact, first)


@pytest.mark.parametrize(("text", "words"), [
    ("トランプさん結局プーチンにキレてるってこと?", ["トランプ", "プーチン", "キレ"]),
    ("ぶっちゃけウクライナ軍ってキツいの?", ["ウクライナ", "軍", "キツ", "い"]),
    ("ロシアは折れるつもりなの？", ["ロシア", "折れる"]),
    ("プーチンってガチで怒ってる？", ["プーチン", "怒る"]),
    ("プーチン怒ってるってマジｗｗ", ["プーチン", "怒る"]),
    # Not a w that begins a word ("G7のwebサイト").
    ("G7のwebサイト", ["g", "7", "web", "サイト"]),
    ("what'd putin say about this drone thing", ["putin", "drone"]),
    # An auxiliary that carries meaning stays (使い始める: "began to use").
    ("遺体の確認に使い始めたデータ", ["遺体", "確認", "使う", "始める", "データ"]),
])
def test_chat_fillers_are_no_tokens(shared_engine: Engine, text: str,
                                     words: list[str]) -> None:
    assert shared_engine.analyzer.tokens(text) == words
