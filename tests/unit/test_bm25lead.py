"""``bench/bm25lead.py`` sorts each answerable question by which of ours and plain BM25
has a right report first, and says why only BM25 has: ours refused, led with another
report of the same development (citing BM25's report later, or not), or another
development's."""

from __future__ import annotations

from bench.bm25lead import four_way, tally, way

DEVELOPMENT = {"a1": "d1", "a2": "d1", "a3": "d1", "b1": "d2"}


def row(cited: list[str], support: list[str], *, kind: str = "plain",
        answered: bool = True) -> dict[str, object]:
    return {"kind": kind, "answered": answered, "cited": cited, "support": support,
            "facts_found": []}


def test_ways() -> None:
    assert [way(True, True), way(True, False), way(False, True), way(False, False)] == [
        "both", "only ours", "only bm25", "neither"]


def test_why_only_bm25_is_right() -> None:
    ours = {"cited": row(["a1", "a2"], ["a2"]), "uncited": row(["a1", "a3"], ["a2"]),
            "story": row(["b1", "a2"], ["a2"]), "refused": row([], ["a2"], answered=False),
            "mine": row(["a2"], ["a2"], kind="time"),
            "none": row(["b1"], ["a3"]), "unanswerable": row([], [], kind="unanswerable")}
    bm25 = {q: row(["a2", "a1"], []) for q in ours}
    rows = {r["id"]: r for r in four_way(ours, bm25, DEVELOPMENT)}
    assert "unanswerable" not in rows
    assert {q: (r["way"], r.get("why")) for q, r in rows.items()} == {
        "cited": ("only bm25", "same dev., cited"),
        "uncited": ("only bm25", "same dev., not cited"),
        "story": ("only bm25", "other dev."),
        "refused": ("only bm25", "ours refused"),
        "mine": ("both", None), "none": ("neither", None)}
    by_kind = tally(list(rows.values()), "kind")
    assert by_kind["plain"]["only bm25"] == 4 and by_kind["plain"]["neither"] == 1
    assert by_kind["time"] == {"both": 1}
