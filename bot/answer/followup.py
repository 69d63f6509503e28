"""Whether a question inherits a thread's or the previous answer's context."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.answer.engine import Concept, Engine
from bot.answer.support import event_names
from bot.answer.when import Window, parse_window

#: Words that open an elliptical question ("And who led…?", "それで次は?").
_LEAD_IN = re.compile(r"^\s*(?:and|so|then|also|but|what about|how about)\b"
                      r"|^\s*(?:それで|で、|じゃあ|では|ほかに|他に|あと|ところで)", re.IGNORECASE)


def is_followup(question: str, engine: Engine, concepts: Sequence[Concept],
                window: Window) -> bool:
    """Only an elliptical question inherits context: one that opens with "and …" / "それで",
    or names no event of its own (no distinguishing name, no date)."""
    if _LEAD_IN.search(question):
        return True
    if window.start is not None:
        return False
    return not event_names(concepts, engine, loanwords=True)


def inherits(question: str, engine: Engine, *, now: datetime, zone: tzinfo) -> bool:
    """``is_followup`` as ``answer_question`` decides it (the engine refreshed by the caller)."""
    _count, _first, last = engine.span()
    window = parse_window(question, now=now, zone=zone,
                          covered_until=min(last, now) if last else None)
    return is_followup(question, engine, engine.concepts_for(question, window), window)
