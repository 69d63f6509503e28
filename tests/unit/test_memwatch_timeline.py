"""bench/memwatch.py --timeline: a holder's value at every sample, to tell a step from a
slope (issue 19: one-off peaks look like growth in a short fit)."""

from __future__ import annotations

from bench.memwatch import MIB, timeline


def _sample(t: float, rss_mib: float, sqlite_mib: float | None) -> dict[str, object]:
    return {"t": t, "rss": int(rss_mib * MIB), "rss_anon": 0,
            "sqlite": None if sqlite_mib is None else [int(sqlite_mib * MIB), 0, 0]}


def test_each_sample_is_one_line_with_the_named_holders_and_gaps_marked() -> None:
    samples = [_sample(1000.0, 100.0, 2.0), _sample(1020.0, 108.5, None),
               _sample(1040.0, 108.0, 3.25)]
    lines = timeline(samples, ["rss", "sqlite"])
    assert lines[0].split() == ["s", "rss", "sqlite"]
    assert [line.split() for line in lines[1:]] == [
        ["0", "100.0", "2.0"], ["20", "108.5", "-"], ["40", "108.0", "3.2"]]


def test_no_samples_no_lines() -> None:
    assert timeline([], ["rss"]) == []
