"""When a report counts as giving a figure about the question (issue 18: support gate
mutants): a sentence with a figure that matches at least FIGURE_MATCH of the question's
weight, the bound itself included; with nothing to weigh, any report will do.
"""

from __future__ import annotations

from bot.answer.engine import Concept, Engine, Hit
from bot.answer.extractive import MAX_ARTICLES, MIN_COVERAGE, SECONDARY, _pick
from bot.answer.index import DocMeta
from bot.answer.support import (
    FIGURE_MATCH,
    asks_figure,
    counted_figure,
    event_names,
    gives_figure,
    supported,
)
from bot.store.models import Article


def concept(engine: Engine, word: str, weight: float) -> Concept:
    """A name of the given weight (names weigh their idf in full)."""
    return Concept(tuple(engine.text_tokens(word)), (None,), weight, name=True)


def report(text: str) -> Article:
    return Article(title="Talks", text=text, lang="en")


def test_a_question_with_nothing_to_weigh_is_supported_by_any_report(
        shared_engine: Engine) -> None:
    assert gives_figure(report("Delegations met again."), [], shared_engine)
    assert gives_figure(report("Twelve delegates met."), [], shared_engine)


def test_a_light_question_still_needs_a_figure_about_it(shared_engine: Engine) -> None:
    riyadh = [concept(shared_engine, "Riyadh", 0.9)]
    assert not gives_figure(report("Delegations met in Riyadh."), riyadh, shared_engine)
    assert gives_figure(report("Twelve delegates met in Riyadh."), riyadh, shared_engine)


def test_a_figure_matching_exactly_the_share_asked_is_about_the_question(
        shared_engine: Engine) -> None:
    assert FIGURE_MATCH == 0.35
    asked = [concept(shared_engine, "Riyadh", 7.0), concept(shared_engine, "Lavrov", 13.0)]
    # Riyadh alone is 7 / 20 = 0.35 of the question.
    assert gives_figure(report("Twelve delegates met in Riyadh."), asked, shared_engine)
    assert not gives_figure(report("Twelve delegates met in Jeddah."), asked, shared_engine)


# The coverage floor's pick (issue 18: `_pick` mutants): which hits join the best one.

def hit(n: int, score: float, coverage: float) -> Hit:
    return Hit(article_id=n, score=score, coverage=coverage, published=0.0, story_id=n)


def test_supporting_reports_need_half_the_best_score_and_most_of_the_coverage_floor() -> None:
    floor = MIN_COVERAGE * SECONDARY
    hits = [hit(1, 10.0, 0.9), hit(2, 4.0, 0.9), hit(3, 5.0, floor), hit(4, 9.0, floor / 2),
            hit(5, 4.9, 0.9)]
    assert [h.article_id for h in _pick(hits, MIN_COVERAGE)] == [1, 3]


def test_the_pick_is_judged_against_the_first_hit_and_keeps_at_most_five() -> None:
    assert _pick([hit(1, 10.0, 0.9)], MIN_COVERAGE) == [hit(1, 10.0, 0.9)]
    many = [hit(n, 10.0 - n * 0.1, 0.9) for n in range(7)]
    assert _pick(many, MIN_COVERAGE) == many[:MAX_ARTICLES + 2]


# Which questions ask for a figure, and what figure answers them (issue 18: support gate
# mutants of `asks_figure` and `counted_figure`).

def test_how_many_questions_ask_for_a_figure_in_any_case_and_in_japanese() -> None:
    assert asks_figure("HOW MANY ships were seized?")
    assert asks_figure("How long did the talks last?")
    assert asks_figure("捕虜は何人解放されたか")
    assert not asks_figure("Who met in Riyadh?")


def test_a_counted_figure_is_a_number_close_before_the_thing_counted() -> None:
    ships = counted_figure("How many Ships were seized?")
    assert ships is not None
    assert ships.search("Officials said 1 ship was held.")
    assert ships.search("Two ships were seized overnight.")
    assert not ships.search("The ships were seized; 40 crew were freed.")
    prisoners = counted_figure("how many prisoners were exchanged?")
    assert prisoners is not None and prisoners.search("Both sides exchanged 390 prisoners each.")
    assert counted_figure("Who met in Riyadh?") is None


def test_a_japanese_counted_figure_is_a_number_with_its_unit() -> None:
    people = counted_figure("捕虜は何人解放されたか")
    assert people is not None
    assert people.search("捕虜390人が解放された")
    assert not people.search("捕虜が解放された")


# Whether the found reports support a "how many" or "what next" question (issue 18:
# support gate mutants of `supported`).

def indexed(shared_engine: Engine, *texts: str) -> Engine:
    """An engine whose index knows the words of ``texts`` (what "how many X" looks up)."""
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    engine.index.add([(DocMeta(n, 0.0, n, "en"), engine.text_tokens(t))
                      for n, t in enumerate(texts, 1)])
    return engine


def test_a_how_many_answer_needs_the_count_of_what_was_asked(shared_engine: Engine) -> None:
    dated = report("The prisoners were freed on 3 May.")
    counted = report("Both sides freed 390 prisoners.")
    engine = indexed(shared_engine, dated.text, counted.text)
    asked = [concept(engine, "prisoners", 1.0)]
    question = "How many prisoners were freed?"
    assert not supported(question, asked, [dated], engine)
    assert supported(question, asked, [counted], engine)
    assert supported(question, asked, [dated, counted], engine)
    assert not supported(question, asked, [dated, dated, counted], engine)


def test_a_report_in_the_other_language_may_give_the_count_its_own_way(
        shared_engine: Engine) -> None:
    dated_ja = Article(title="捕虜", text="捕虜は5月3日に解放された。", lang="ja")
    dated_en = report("The prisoners were freed on 3 May.")
    engine = indexed(shared_engine, dated_en.text, dated_ja.text)
    ja_asked = [concept(engine, "捕虜", 1.0)]
    en_asked = [concept(engine, "prisoners", 1.0)]
    assert not supported("捕虜は何人解放されたか", ja_asked, [dated_ja], engine)
    assert supported("捕虜は何人解放されたか", en_asked, [dated_en], engine)
    assert supported("How many prisoners were freed?", ja_asked, [dated_ja], engine)


def test_a_what_next_answer_needs_a_report_of_plans_among_the_first_two(
        shared_engine: Engine) -> None:
    past = report("The delegations met in Istanbul.")
    plan = report("The delegations will meet again in Istanbul next week.")
    # Issue 12: "when will" needs a plan that says when, not only that it will happen.
    undated = report("The delegations will meet again in Istanbul.")
    engine = indexed(shared_engine, past.text, plan.text)
    asked = [concept(engine, "Istanbul", 1.0)]
    question = "When will the delegations meet in Istanbul?"
    assert supported(question, asked, [past, plan], engine)
    assert not supported(question, asked, [past, past, plan], engine)
    assert not supported(question, asked, [past, undated], engine)


# Which of the question's names pick out one event (issue 18: `event_names` mutants).

def named(token: str, df: int) -> Concept:
    return Concept((token,), (None,), 1.0, name=True, df=df, df_max=df)


def test_a_name_in_most_reports_or_made_of_the_sides_picks_out_no_event(
        shared_engine: Engine) -> None:
    five = indexed(shared_engine, *(f"Report {n} from Riyadh." for n in range(5)))
    assert event_names([named("riyadh", 4)], five) == [named("riyadh", 4)]
    assert event_names([named("riyadh", 5)], five) == []
    one = indexed(shared_engine, "Report from Riyadh.")
    assert event_names([named("riyadh", 1)], one) == []
    first, second = sorted(one.party_tokens)[:2]
    assert event_names([named(f"{first}-{second}", 1)], five) == []



def test_a_count_may_be_given_in_another_form_of_the_counted_word() -> None:
    """"How many deportations" is answered by "300 children were deported": the words
    share a stem, not their seventh letter."""
    deportations = counted_figure("How many deportations were recorded last year?")
    assert deportations is not None
    assert deportations.search("Officials said 300 children were deported last year.")
    assert not deportations.search("The deportation report came out; 3 officials spoke.")
