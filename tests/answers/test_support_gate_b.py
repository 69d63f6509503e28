"""The answerability gate's checks from `counted_across` on (issue 18: support gate mutants,
second half of bot/answer/support.py).

- a figure is about the question only if its own sentence matches enough of it; a report in
  the other language may name the event in the sentence just before, not two before or after;
- a figure counted in the other language is a number next to any of the thing's translations;
- the figures shown beside an answer are every one of the kind asked, as the report writes
  them, read the way the report's language writes them;
- "what did X say" finds X in either language, and a speaker no stored report names is
  unknown, one given in lower case ("the ministry") is no speaker at all.
"""

from __future__ import annotations

from bot.answer.engine import Concept, Engine
from bot.answer.index import DocMeta
from bot.answer.support import (
    answer_type,
    counted_across,
    figure_phrases,
    figures_about,
    gives_figure,
    speaker_of,
    speaks_in,
    support,
    unknown_speaker,
)
from bot.answer.when import Window
from bot.store.models import Article


def indexed(shared_engine: Engine, *texts: str) -> Engine:
    """An engine whose index holds ``texts`` as reports (what df and idf are read from)."""
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    engine.index.add([(DocMeta(n, 0.0, n, "en" if t.isascii() else "ja"),
                       engine.text_tokens(t)) for n, t in enumerate(texts, 1)])
    return engine


def name(engine: Engine, word: str, weight: float) -> Concept:
    return Concept(tuple(engine.text_tokens(word)), (None,), weight, name=True)


def report(text: str, lang: str = "en") -> Article:
    return Article(title="Talks", text=text, lang=lang)


# Which sentence a figure must be in (`_said_about`).

def test_a_figure_in_the_sentence_after_the_place_is_not_about_it(
        shared_engine: Engine) -> None:
    riyadh = [name(shared_engine, "Riyadh", 1.0)]
    assert not gives_figure(report("The talks were held in Riyadh. Twelve delegates met."),
                            riyadh, shared_engine)
    assert gives_figure(report("The talks ended. Twelve delegates met in Riyadh."), riyadh,
                        shared_engine)


def test_a_figure_naming_only_a_light_part_of_the_question_is_not_about_it(
        shared_engine: Engine) -> None:
    asked = [name(shared_engine, "Riyadh", 1.0), name(shared_engine, "Lavrov", 9.0)]
    assert not gives_figure(report("Twelve delegates met in Riyadh."), asked, shared_engine)
    assert gives_figure(report("Lavrov met twelve delegates."), asked, shared_engine)


CROSS_QUESTION = "イスタンブールでの協議で捕虜は何人交換された?"
CROSS = {
    "the sentence before names it": "The talks in Istanbul ended on Monday. "
                                    "Both sides swapped 390 POWs.",
    "two sentences before": "The talks in Istanbul ended on Monday. The day was cold. "
                            "Both sides swapped 390 POWs.",
    "the sentence after": "Both sides swapped 390 POWs. The talks in Istanbul ended on Monday.",
    "its own first words": "The day was cold. Istanbul saw 390 POWs swapped.",
}


def test_a_translated_count_may_lean_on_the_sentence_just_before_only(
        shared_engine: Engine) -> None:
    engine = indexed(shared_engine, *CROSS.values(), "Delegations met in Riyadh.",
                     "Talks were held in Jeddah.")
    concepts = engine.concepts(CROSS_QUESTION)

    def refused(text: str) -> str:
        return support(CROSS_QUESTION, concepts, [report(text)], engine)[1]

    assert refused(CROSS["the sentence before names it"]) == ""
    assert refused(CROSS["two sentences before"]) == "figure-not-given"
    assert refused(CROSS["the sentence after"]) == "figure-not-given"
    assert refused(CROSS["its own first words"]) == ""


# What a count in the other language must show (`counted_across`).

def test_a_count_in_japanese_may_use_any_translation_of_the_thing(
        shared_engine: Engine) -> None:
    prisoners = Concept(("prison", "捕虜", "囚人"), (None,), 1.0)
    across = counted_across("How many prisoners were freed?", [prisoners], to_ja=True)
    assert across.search("囚人120人が釈放された")
    assert across.search("捕虜120人が釈放された")
    assert not across.search("協議は5月3日に終わった")


def test_a_count_in_english_may_use_a_short_or_capitalised_translation(
        shared_engine: Engine) -> None:
    question = "捕虜は何人解放された?"
    across = counted_across(question, shared_engine.concepts(question), to_ja=False)
    assert across.search("Russia freed 84 POWs on Friday.")
    assert across.search("Prisoners, 84 in all, were freed.")
    assert not across.search("The talks began on 3 May.")


def test_a_two_letter_translation_does_not_mark_the_thing_counted() -> None:
    """"US" begins too many words ("used"): only the longer translations count."""
    troops = Concept(("米兵", "us", "troop"), (None,), 1.0)
    across = counted_across("米兵は何人死亡した?", [troops], to_ja=False)
    assert across.search("Two US troops died in the strike.")
    assert not across.search("Russia used 40 drones overnight.")


def test_which_round_it_is_counts_the_rounds_named_before_the_question_word(
        shared_engine: Engine) -> None:
    question = "停戦協議は今回で何回目?"
    across = counted_across(question, shared_engine.concepts(question), to_ja=False)
    assert across.search("They have held 3 rounds of talks.")
    assert not across.search("Russia freed 84 POWs on Friday.")


# The figures shown beside an answer (`figure_phrases`, `figures_about`).

def test_every_figure_of_the_kind_asked_is_collected_as_written(
        shared_engine: Engine) -> None:
    en, ja = "How many prisoners were freed?", "捕虜は何人解放された?"
    english = report("Russia freed 390 prisoners on 3 May. Ukraine freed 84 prisoners.")
    japanese = report("捕虜390人が5月3日に解放された。", lang="ja")
    engine = indexed(shared_engine, english.text, japanese.text)

    def phrases(question: str, article: Article) -> set[str]:
        return figure_phrases(article, question, engine.concepts(question))

    assert phrases(en, english) == {"390 prison", "84 prison"}
    assert phrases(en, japanese) == {"捕虜390"}
    assert phrases(ja, japanese) == {"捕虜390人"}


def test_the_numbers_beside_an_answer_are_every_figure_read_whole(
        shared_engine: Engine) -> None:
    children = [Concept(tuple(shared_engine.text_tokens("children list")), (None,), 1.0)]
    lists = report("Ukraine handed over a list of 339 children. "
                   "A second list named 1,200 children.")
    assert figures_about(lists, children) == {339, 1200}


def test_figures_come_from_every_sentence_and_none_from_a_question_without_substance(
        shared_engine: Engine) -> None:
    children = [Concept(tuple(shared_engine.text_tokens("children list")), (None,), 1.0)]
    lists = report("The talks ended on 5 May. Ukraine handed over a list of 339 children.")
    assert figures_about(lists, children) == {5, 339}
    assert figures_about(lists, []) == set()
    assert figure_phrases(lists, "How many children were on the list?", []) == set()


# What kind of answer is asked (`answer_type`).

def test_how_many_asks_for_a_number_and_for_the_count_of_the_thing(
        shared_engine: Engine) -> None:
    slots = answer_type("How many prisoners were freed?")
    assert [slot.kind for slot in slots] == ["number", "counted"]
    assert slots[-1].filled_by("Russia freed 390 prisoners.")
    assert not slots[-1].filled_by("The prisoners were freed on 3 May.")


# Who is asked to have spoken (`speaker_of`, `unknown_speaker`, `speaks_in`).

def test_the_speaker_of_a_japanese_question_is_found(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "ゼレンスキー大統領は、停戦を続けると述べた。")
    question = "ゼレンスキー氏は和平案について何と述べた?"
    speaker = speaker_of(question, engine.concepts_for(question, Window()), engine)
    assert "ゼレンスキー" in {t for c in speaker for t in c.tokens}


def test_a_speaker_in_lower_case_is_no_speaker(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "The ministry said the talks went well.")
    question = "What did the ministry say about the talks?"
    concepts = engine.concepts_for(question, Window())
    assert speaker_of(question, concepts, engine) == []
    assert not unknown_speaker(question, concepts, engine)


def test_a_speaker_no_report_names_is_unknown_one_the_index_knows_is_not(
        shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "Witkoff met Putin.")
    swift = "What did Taylor Swift say about the talks?"
    assert unknown_speaker(swift, engine.concepts_for(swift, Window()), engine)
    # Known to the index though no concept of the question carries it.
    assert not unknown_speaker("What did Witkoff say?", [], engine)


def test_a_speaker_written_two_ways_speaks_where_either_is_the_subject(
        shared_engine: Engine) -> None:
    zelensky = [Concept(tuple(t for t in shared_engine.text_tokens("Ask Zelensky")
                              if t != "ask"), (None,), 1.0, name=True, df=1)]
    assert speaks_in("Volodymyr Zelensky said that Trump called Zelenskyy twice.", zelensky,
                     shared_engine)
