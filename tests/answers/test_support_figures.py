"""When a report counts as giving a figure about the question (issue 18: support gate
mutants): a sentence with a figure that matches at least FIGURE_MATCH of the question's
weight, the bound itself included; with nothing to weigh, any report will do.
"""

from __future__ import annotations

from bot.answer.engine import Concept, Engine, Hit
from bot.answer.extractive import MAX_ARTICLES, MIN_COVERAGE, SECONDARY, _pick
from bot.answer.support import FIGURE_MATCH, gives_figure
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
