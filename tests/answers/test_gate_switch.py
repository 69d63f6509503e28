"""The measuring aid ``CEASEFIRE_GATE_OFF`` (docs/quality.md, stop 34): naming a check lets the
question it refuses pass that check, and only the check named (a "how many" of a thing no
report names then meets the figure check); unset, every check refuses as usual.

Each case is a question one check refuses (the gate's own examples of the other test
files), asked with the switch unset, naming another check, and naming its check."""

from __future__ import annotations

import pytest

from bot.answer.engine import Engine
from bot.answer.index import DocMeta
from bot.answer.support import support
from bot.store.models import Article

OSLO = ("The Oslo energy forum opened on Wednesday with Norway's foreign minister Jonas Lund "
        "in the chair. In Moscow, Putin said a deal on energy sites could open the way to a "
        "wider ceasefire.")

#: check: (question, the reports found, other reports in the store).
CASES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "event-names": ("Who met in Jeddah?", ("Envoys met in Riyadh on Tuesday.",),
                    ("Envoys met in Jeddah on Tuesday.",)),
    "speaker-silent": ("What did Zelensky say in Jeddah?",
                       ("Trump told Zelensky in Jeddah that talks would go on.",),
                       ("Zelensky said in Riyadh that talks would go on.",)),
    "unknown-speaker": ("What did Obama say in Jeddah?",
                        ("Zelensky said in Jeddah that talks would go on.",), ()),
    "event-called-off": ("What did Trump and Putin agree at the Budapest summit?",
                         ("Budapest summit called off. Trump and Putin had agreed to meet in "
                          "Budapest.",),
                         ()),
    "pair-apart": ("What did Meloni and Putin discuss in Rome?",
                   ("Giorgia Meloni hosted talks in Rome on Monday. Later, Vladimir Putin "
                    "spoke about the talks in Rome.",),
                   ("Meloni spoke to Zelensky.", "Putin spoke to Trump.")),
    "pair-unjoined": ("What did Meloni and Putin agree in Rome?",
                      ("Giorgia Meloni spoke to reporters in Rome on Monday, hours before "
                       "Vladimir Putin flew home from Minsk.",),
                      ("Meloni spoke to Zelensky.", "Putin spoke to Trump.")),
    "pair-not-there": ("What did Meloni and Putin agree in Rome?",
                       ("Meloni and Putin agreed in Minsk on Monday. Rome hosted a forum on "
                        "Tuesday.",),
                       ("Meloni spoke to Zelensky.", "Putin spoke to Trump.")),
    "act-denied": ("What did Trump and Zelensky sign in Reykjavik?",
                   ("Trump and Zelensky met in Reykjavik on Friday. "
                    "No deal was signed in Reykjavik.",), ()),
    "act-apart": ("What did Putin tell the delegations when he opened the Oslo forum?",
                  (OSLO,), ()),
    "pending-outcome": ("What did the envoys agree at their follow-up round in Tromso?",
                        ("The envoys discussed a hotline in Tromso. A follow-up round in "
                         "Tromso is due next month.",), ()),
    "put-off-pending": ("When will the postponed Tromso round take place?",
                        ("The Tromso round was postponed on Monday. The delegations will "
                         "meet for the Tromso round on March 3.",), ()),
    "figure-unknown-noun": ("How many journalists attended the Riyadh talks?",
                            ("Some 12 delegates attended the Riyadh talks.",), ()),
    "figure-not-given": ("How many delegates attended the Riyadh talks?",
                         ("The delegates attended the Riyadh talks on 3 May.",),
                         ("Some 12 delegates attended the Riyadh talks.",)),
    "plan-not-given": ("Will the delegations meet again in Istanbul?",
                       ("The delegations met in Istanbul.",),
                       ("The delegations will meet again in Istanbul.",)),
}
#: What refuses once the check is off (each case passes every other check): the count of a
#: thing no report names falls through to the figure check; a pair no sentence names
#: together is not joined either.
AFTER = {"figure-unknown-noun": "figure-not-given", "pair-apart": "pair-unjoined"}
#: The speaker's event check: the speaker is in no report of the event.
SPEAKER_EVENT = ("What did Zelensky say in Jeddah?",
                 ("Zelensky said in Riyadh that talks would go on.",),
                 ("Trump told Zelensky in Jeddah that talks would go on.",))


def refusal(case: tuple[str, tuple[str, ...], tuple[str, ...]], shared_engine: Engine) -> str:
    question, found, others = case
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    texts = [*found, *others, *(f"Delegations met again, round {n}." for n in range(6))]
    engine.index.add([(DocMeta(n, 0.0, n, "en"), engine.text_tokens(t))
                      for n, t in enumerate(texts, 1)])
    reports = [Article(title="Talks", text=t, lang="en") for t in found]
    return support(question, engine.concepts(question), reports, engine)[1]


@pytest.mark.parametrize(("check", "case"), [*CASES.items(), ("event-names", SPEAKER_EVENT)])
def test_the_switch_lets_only_the_named_check_pass(
        check: str, case: tuple[str, tuple[str, ...], tuple[str, ...]], shared_engine: Engine,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CEASEFIRE_GATE_OFF", raising=False)
    assert refusal(case, shared_engine) == check
    other = next(name for name in CASES if name != check)
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", f"{other},outside-coverage")
    assert refusal(case, shared_engine) == check
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", f"unknown-subject,{check}")
    assert refusal(case, shared_engine) == AFTER.get(check, "")
