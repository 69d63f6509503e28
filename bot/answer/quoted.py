"""The words a question quotes, and which reports hold them.

A reader who asks "which Norwegian leader called it 'deeply unreasonable'?" or
"「困難な28項目」って何のこと?" remembers the report by its words: a report that holds them
verbatim is the one meant, even when another development's report shares more of the
question's other words. Only quotation marks count, never an apostrophe ("Trump's",
"the leaders' summit").
"""

from __future__ import annotations

import re

from bot.text.sentences import normalise

#: Quoted spans: 'single' or "double" (straight, not an apostrophe inside or after a word),
#: ‘curly’, “curly”, 「かぎ」 and 『二重かぎ』.
_QUOTED = re.compile(
    r"(?<![\w'’])'(?P<a>[^'\n]+?)'(?![\w'])"
    r'|"(?P<b>[^"\n]+?)"'
    r"|‘(?P<c>[^’\n]+?)’(?!\w)"
    r"|“(?P<d>[^”\n]+?)”"
    r"|「(?P<e>[^」\n]+?)」"
    r"|『(?P<f>[^』\n]+?)』")
#: The shortest quote that says which report is meant, by script: one quoted English word
#: ("what did he say he'd 'liberate'") or a short Japanese one (「ボール」) is a word of
#: many reports, often one the reader stresses, not words remembered from one report.
MIN_WORDS = 2
MIN_JAPANESE = 4


def quoted_phrases(question: str) -> tuple[str, ...]:
    """The question's quoted words, normalised for matching (NFKC, case folded)."""
    out: list[str] = []
    for match in _QUOTED.finditer(question):
        phrase = normalise(next(g for g in match.groups() if g)).strip(" .,!?、。")
        long_enough = (len(phrase.split()) >= MIN_WORDS if phrase.isascii()
                       else len(phrase) >= MIN_JAPANESE)
        if long_enough and phrase not in out:
            out.append(phrase)
    return tuple(out)


def holds_quote(phrases: tuple[str, ...], title: str, text: str) -> bool:
    """The report holds every quoted phrase verbatim (spaces and case aside)."""
    body = _squeezed(normalise(f"{title}\n{text}"))
    return bool(phrases) and all(_squeezed(p) in body for p in phrases)


def _squeezed(text: str) -> str:
    # Line breaks and double spaces in a page's text never separate quoted words.
    return re.sub(r"\s+", " ", text)
