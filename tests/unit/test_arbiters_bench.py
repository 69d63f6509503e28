"""``bench/arbiters.py``: each arbiter picks the lead from what ours cited and what BM25 or
the encoder says, and the tally counts the right-first answers it makes and those it loses,
against ours' own first citation, per group (a confirm batch is f49-f72)."""

from __future__ import annotations

from bench.arbiters import (
    Case,
    bm25_top_by_ratio,
    bm25_top_if_cited,
    dense_best_cited,
    dense_story,
    fused,
    learned,
    tally,
)

STORY = {"a1": 1, "a2": 1, "b1": 2, "b2": 2}
LANG = dict.fromkeys(STORY, "en")


def _case(qid: str, cited: list[str], bm25: list[tuple[str, float]], right: str,
          dense: dict[str, float] | None = None) -> Case:
    return Case(qid, "en", frozenset({right}), cited, bm25, dense or {})


def test_bm25_leads_only_when_ours_cites_its_first() -> None:
    cited = _case("f01-q01", ["a1", "b1"], [("b1", 9.0), ("a1", 8.0)], "b1")
    uncited = _case("f01-q02", ["a1", "a2"], [("b1", 9.0), ("a1", 8.0)], "b1")
    assert bm25_top_if_cited(cited) == "b1"
    assert bm25_top_if_cited(uncited) == "a1"


def test_the_ratio_and_the_other_story_are_both_asked() -> None:
    case = _case("f01-q01", ["a1"], [("a2", 5.0), ("a1", 4.0)], "a2")
    assert bm25_top_by_ratio(1.2, STORY, other_story=False)(case) == "a2"
    assert bm25_top_by_ratio(1.5, STORY, other_story=False)(case) == "a1"
    # a2 is of ours' lead's story: the other-story arbiter keeps ours' lead.
    assert bm25_top_by_ratio(1.2, STORY, other_story=True)(case) == "a1"


def test_fusion_ties_go_to_ours_order() -> None:
    tie = _case("f01-q01", ["a1", "b1"], [("b1", 3.0), ("a1", 2.0)], "a1")
    assert fused(1)(tie) == "a1"
    agreed = _case("f01-q01", ["a1", "b1", "b2"], [("b1", 3.0), ("b2", 2.0)], "b1")
    assert fused(1)(agreed) == "b1"


def test_dense_moves_the_lead_past_a_margin_only() -> None:
    case = _case("f01-q01", ["a1", "b1"], [], "b1", {"a1": 0.80, "b1": 0.81})
    assert dense_best_cited(0.0)(case) == "b1"
    assert dense_best_cited(0.02)(case) == "a1"
    same_story = _case("f01-q01", ["a1", "a2"], [], "a2", {"a1": 0.80, "a2": 0.90})
    assert dense_story(0.0, STORY)(same_story) == "a1"
    assert dense_story(0.0, STORY)(case) == "b1"


def test_tally_counts_made_and_lost_per_group() -> None:
    made = _case("f03-q01", ["a1", "b1"], [("b1", 2.0)], "b1")
    lost = _case("f50-q01", ["a1", "b1"], [("b1", 2.0)], "a1")
    kept = _case("f75-q01", ["b1"], [("b1", 2.0)], "b1")
    out = tally([made, lost, kept], bm25_top_if_cited)
    assert (out["choose +"], out["choose -"], out["choose right"], out["choose n"]) == (1, 0, 1, 2)
    assert (out["confirm +"], out["confirm -"], out["confirm right"]) == (0, 1, 1)


def test_the_learned_arbiter_follows_the_signal_it_was_fitted_on() -> None:
    # In training the right report is always BM25's first, never ours' lead.
    train = [_case(f"f0{n}-q01", ["a1", "b1"], [("b1", 9.0), ("a1", 1.0)], "b1",
                   {"a1": 0.5, "b1": 0.5}) for n in range(1, 9)]
    pick = learned(train, STORY, LANG)
    unseen = _case("f60-q01", ["a2", "b2"], [("b2", 7.0), ("a2", 1.0)], "b2",
                   {"a2": 0.5, "b2": 0.5})
    assert pick(unseen) == "b2"
