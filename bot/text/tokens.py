"""Tokens for matching: English words and Japanese character bigrams.

Bigrams need no dictionary and cope with unsegmented Japanese; a morphological analyser
can replace them behind the same function.
"""

from __future__ import annotations

import re

from bot.text.sentences import fold_accents, normalise

_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]+")

EN_STOP = frozenset(
    "a an and are as at be been but by did do does for from had has have he her his how i in "
    "into is it its of on or she so that the their them they this to was were what when where "
    "which who why will with would you your about after before over than then there these "
    "those we our us can could should may might any all more most other some such no not "
    "only own same too very just also said says say".split()
)


def tokens(text: str) -> list[str]:
    """Matching tokens of ``text`` (normalised; English stop words dropped)."""
    norm = normalise(text)
    out = [w.strip("'-") for w in _WORD.findall(fold_accents(norm))]
    out = [w for w in out if w and w not in EN_STOP]
    for run in _CJK_RUN.findall(norm):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out
