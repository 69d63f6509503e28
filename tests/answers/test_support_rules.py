"""Issue 12: answerability rules that follow what a question asks, not how dev worded it.

Each case is a question and the report sentences that must (or must not) answer it:
- an ordinary word the reports use in another form ("reaction" / "reacted") or a short
  word ("per") does not make the question about something else; a thing asked for that no
  report names ("which hotel") does;
- a katakana loanword (トップ) is not a name that picks out an event;
- "how many X" counts X by any noun of its phrase, with or without an auxiliary after it;
  "how much did it cost" needs an amount of money.
These rules do not depend on the clock.
"""

from __future__ import annotations

from bot.answer.engine import Engine
from bot.answer.extractive import unknown_subject
from bot.answer.index import DocMeta
from bot.answer.noise import is_furniture
from bot.answer.support import (
    counted_across,
    counted_figure,
    event_names,
    figure_phrases,
    known_form,
)
from bot.answer.when import Window
from bot.store.models import Article


def indexed(shared_engine: Engine, *texts: str) -> Engine:
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    engine.index.add([(DocMeta(n, 0.0, n, "ja" if not t.isascii() else "en"),
                       engine.text_tokens(t)) for n, t in enumerate(texts, 1)])
    return engine


REPORTS = ("The White House reacted coolly to the truce, press secretary Leavitt said.",
           "The talks took place in Abu Dhabi; the venue's name was not given.",
           "Russia and Ukraine met again in Istanbul and swapped prisoners.",
           "Delegations from both sides agreed to meet again next month.")


def test_a_word_the_reports_use_in_another_form_is_known(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, *REPORTS)
    assert known_form("reaction", engine)
    assert not known_form("forecast", engine)
    assert not known_form("reac", engine)


def test_a_paraphrase_is_not_a_question_about_something_else(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, *REPORTS)
    asked = "What was the White House's reaction to the truce, per Leavitt?"
    assert not unknown_subject(engine, asked, Window())
    assert unknown_subject(engine, "What is the weather forecast for the weekend?", Window())


def test_a_thing_asked_for_that_no_report_names_refuses(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, *REPORTS)
    assert unknown_subject(
        engine, "What was the name of the hotel where the Abu Dhabi talks took place?",
        Window())
    assert unknown_subject(engine, "Which hotel hosted the Abu Dhabi talks?", Window())
    assert not unknown_subject(engine, "Which venue hosted the Abu Dhabi talks?", Window())


def test_a_katakana_loanword_does_not_pick_out_an_event(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "アブダビでウクライナ代表団のトップが協議に臨んだ。",
                     *(f"ロシアとウクライナが協議した。第{n}報。" for n in range(8)))
    names = [c.tokens[0] for c in event_names(
        engine.concepts("アブダビでウクライナ代表団のトップは誰だった?"), engine)]
    assert "アブダビ" in names
    assert "トップ" not in names


def test_how_many_counts_by_any_noun_of_the_counted_phrase() -> None:
    remains = counted_figure("How many soldiers' remains will Russia return after the talks?")
    assert remains is not None
    assert remains.search("Russia will return 6,000 bodies of fallen soldiers next week.")
    assert not remains.search("The talks lasted 90 minutes.")
    aides = counted_figure("How many aides listened in on the call?")
    assert aides is not None
    assert aides.search("Three aides listened in.") and aides.search("with 12 aides")
    assert not aides.search("The call lasted 90 minutes.")


def test_how_much_it_cost_needs_an_amount_of_money(shared_engine: Engine) -> None:
    cost = counted_figure("How much did the Alaska summit cost US taxpayers?")
    assert cost is not None
    assert cost.search("The summit cost $2.5 million.") and cost.search("費用は3億円だった。")
    assert not cost.search("The meeting lasted three hours and 12 aides attended.")
    across = counted_across("How much did the Alaska summit cost?", [], to_ja=True)
    assert not across.search("会談は約3時間続いた。")
    assert counted_figure("How much of Donetsk does Russia want?") is None


def test_a_japanese_count_is_of_the_thing_asked_not_any_count_nearby() -> None:
    delegation = counted_figure("アブダビの協議に出たロシア代表団は全部で何人だった?")
    assert delegation is not None
    assert delegation.search("ロシアの代表団は12人で構成された。")
    assert not delegation.search("協議には3カ国が参加し、捕虜157人の交換も話し合われた。")
    names = counted_figure("子どものリストには何人の名前があった?")
    assert names is not None and names.search("リストには339人の名前があった")
    assert not names.search("339人の子どもが帰還した")


def test_a_count_in_english_reports_is_of_the_japanese_thing_asked(
        shared_engine: Engine) -> None:
    question = "アブダビの協議に出たロシア代表団は全部で何人だった?"
    engine = indexed(shared_engine, "Russia sent a 12-member delegation to the talks.")
    across = counted_across(question, engine.concepts(question), to_ja=False)
    assert across.search("Russia sent a 12-member delegation to the talks.")
    assert not across.search("They began the first three-way talks in Abu Dhabi.")


# Page furniture told apart by its shape, not by an outlet's wording (lines invented here).
FURNITURE = ["What happened", "Who said what next", "Jane Q Reporter", "What did they agree?",
             "東西新聞 2025/4/1 09:30(最終更新 4/1 10:02)", "2025年5月2日 投稿 / 国際ニュース",
             "Daily digest – March 3, 2025", "(ベルリン 山田花子)", "（XYZニュース）",
             "〔写真説明〕会談に臨む代表団(2日)。", "【映像】協議会場の様子", "【速報】協議が終了",
             "関連キーワード:停戦 / 和平", "この記事をシェアする", "続きを読む", "タグ：和平／停戦",
             "政治｜経済｜国際ニュース一覧", "ポイント"]
NEWS = ["Talks resumed on Monday.", "会談は約2時間続いた。", "両国の直接交渉は3年ぶり。",
        "Putin met the envoy in Moscow on March 3, 2025, for five hours.",
        "（CNN）米国とウクライナの代表団が23日、協議した。", "Trump kept it short."]


def test_headings_stamps_labels_and_page_controls_are_furniture() -> None:
    assert [line for line in FURNITURE if not is_furniture(line, title="")] == []
    assert [line for line in NEWS if is_furniture(line, title="")] == []


def test_outlets_figures_of_the_kind_asked_are_told_apart(shared_engine: Engine) -> None:
    question = "How long did the Alaska talks last?"
    one = "The Alaska talks lasted nearly three hours, officials said."
    two = "Talks in Alaska went on for two-and-a-half hours."
    off = "Alaska joined the union in 1959, and 12 aides flew in."
    engine = indexed(shared_engine, one, two, off, "Delegations met in Riyadh.")
    concepts = engine.concepts(question)

    def phrases(text: str) -> set[str]:
        return figure_phrases(Article(title="Talks", text=text, lang="en"), question,
                              concepts)
    assert phrases(one) == {"three hours"}
    assert phrases(two) == {"two-and-a-half hours"}
    assert phrases(off) == set()
    ja = "アラスカでの会談は2時間45分に及んだ。"
    assert figure_phrases(Article(title="会談", text=ja, lang="ja"), question,
                          concepts) == {"2時間", "45分"}
