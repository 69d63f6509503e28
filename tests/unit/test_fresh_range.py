"""A fresh range is read by number: batch P's f100-f102 come after f99 (issue 12).

Names compared as text put "f100" before "f99", so ``--fresh f99-f102`` asked nothing and
the default range left f100 on out; the benches now share one reading of a range."""

from __future__ import annotations

import pytest

from bench.realset import ALL_FRESH, fresh_range, in_fresh_range, load_realset, with_fresh


def test_a_range_is_read_by_number() -> None:
    assert fresh_range("f99-f102") == (99, 102)
    assert fresh_range("f07") == (7, 7)
    assert fresh_range("probe2") is None and fresh_range("test") is None
    assert in_fresh_range("f100", (99, 102)) and not in_fresh_range("f100", (1, 99))
    assert not in_fresh_range("d05", (1, 999))


def test_three_digit_developments_are_asked() -> None:
    labelled = load_realset()
    asked = {q.development for q in with_fresh(labelled, developments="f99-f102").questions}
    assert asked == {"f99", "f100", "f101", "f102"}
    every = {q.development for q in with_fresh(labelled, developments=ALL_FRESH).questions}
    assert {"f01", "f99", "f100", "f102"} <= every
    assert "f100" not in {q.development
                          for q in with_fresh(labelled, developments="f01-f99").questions}


def test_a_name_that_is_no_range_is_refused() -> None:
    with pytest.raises(ValueError):
        with_fresh(load_realset(), developments="latest")
