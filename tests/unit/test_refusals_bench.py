"""``bench/refusals.py``, the audit of the refusal checks: on a tiny made-up store, a check
that alone refuses an answerable question is counted as its cost (and whether the answer
without it leads with the right report), one that alone refuses an unanswerable question as
its gain; every check the gate reads is audited; held-out sets are never read."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.realset import RealSet, Report
from bench.refusals import CHECKS, RELAXERS, WRITTEN_FROM, audit_store, check_allowed, checks_off
from bot.answer.evaluation import Question

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime(2025, 9, 3, 9, 0, tzinfo=UTC)


def _report(guid: str, title: str, text: str) -> Report:
    return Report(guid=guid, url=f"https://news.example.org/{guid}", outlet="Harbour Wire",
                  lang="en", published=DAY, title=title, text=text, development="f90",
                  update=None)


REPORTS = (
    _report("hw-1", "Ukraine and Russia envoys hold follow-up round in Valletta",
            "Ukrainian and Russian envoys sat down in Valletta on Wednesday for their follow-up "
            "round on a ceasefire for the Black Sea ports. At the follow-up round in "
            "Valletta the envoys settled on a hotline between the two navies, a Maltese "
            "official said. The envoys talked for several hours behind closed doors. "
            "Ukraine's envoy Oleh Marchuk called the talks businesslike."),
    _report("hw-2", "Malta offers to host further talks on ending the war",
            "Malta's foreign minister said on Wednesday the island would host further talks "
            "between Ukraine and Russia on ending the war. No date has been set."),
)


def _question(qid: str, text: str, kind: str, support: tuple[str, ...]) -> Question:
    return Question(qid, "en", text, kind, None, support, (), None, development="f90",
                    split="fresh")


QUESTIONS = [
    # Answerable: "settled on" tells the outcome, in words the pending-outcome check
    # does not read as done.
    _question("a1", "What did the envoys agree at their follow-up round in Valletta?",
              "answerable", ("hw-1",)),
    # Unanswerable: no report gives the round's length.
    _question("u1", "How many hours did the follow-up round in Valletta last?",
              "unanswerable", ()),
]


async def test_a_check_alone_refusing_is_its_cost_or_its_gain(tmp_path: Path) -> None:
    realset = RealSet(REPORTS, tuple(QUESTIONS), {"f90": "fresh"})
    tallies, base = await audit_store(realset, {"tiny": QUESTIONS},
                                      ("pending-outcome", "figure-not-given", "act-denied"))
    assert base["tiny"]["answerable_refused"] == 1
    assert base["tiny"]["unanswerable_refused"] == 1
    assert tallies["pending-outcome"]["tiny"].cost == ["a1"]
    assert tallies["pending-outcome"]["tiny"].cost_right == ["a1"]
    assert tallies["pending-outcome"]["tiny"].gain == []
    assert tallies["figure-not-given"]["tiny"].gain == ["u1"]
    assert tallies["figure-not-given"]["tiny"].cost == []
    assert not tallies["act-denied"]["tiny"].cost and not tallies["act-denied"]["tiny"].gain


def test_every_check_the_gate_reads_is_audited() -> None:
    named = set()
    for path in (ROOT / "bot" / "answer").glob("*.py"):
        named |= set(re.findall(r'gate_on\(\s*"([a-z-]+)"', path.read_text(encoding="utf-8")))
    # A relaxer only lets a question pass: off, it refuses more, never less.
    assert named - set(RELAXERS) <= set(CHECKS)
    assert set(WRITTEN_FROM) == set(CHECKS)


@pytest.mark.parametrize("name", ["probe2", "test", "f148-f154", "f145-f150"])
def test_held_out_sets_are_never_read(name: str) -> None:
    with pytest.raises(SystemExit):
        check_allowed(name)


def test_the_switch_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", "event-names")
    with checks_off("act-apart"):
        from os import environ
        assert environ["CEASEFIRE_GATE_OFF"] == "act-apart"
    assert environ["CEASEFIRE_GATE_OFF"] == "event-names"
