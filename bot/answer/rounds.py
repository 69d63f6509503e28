"""Which round of a series a question names: "the second round", "round three", "3回目".

Talks held in rounds at one place (Istanbul in May, June and July) share every name, so
the words of a question about one round match the reports of all of them, and a later
round's report recalls the earlier ones. A report says which round it is about in its
headline or lead ("Second Istanbul round: …", "2回目の直接交渉"), so a question that names
a round ranks the reports whose lead names the same one first (``bot.answer.extractive``).
"""

from __future__ import annotations

import re

from bot.answer.engine import LEAD_SENTENCES
from bot.text.sentences import normalise, split_sentences

_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
          "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
          "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
#: A meeting noun that rounds are counted in.
_MEETING = r"(?:rounds?|sessions?|meetings?|talks|negotiations)"
_EN = re.compile(rf"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+"
                 rf"(?:[a-z'-]+\s+){{0,2}}?{_MEETING}\b"
                 r"|\bround\s+(one|two|three|four|five|[1-5])\b")
_JA = re.compile(r"第([1-5一二三四五])回|([1-5一二三四五])(?:回目|度目)")


#: Talks named as such ("the Istanbul talks", イスタンブールの協議).
_TALKS = re.compile(r"\b(?:talks|negotiations|meeting|session)\b|協議|交渉|会談|話し合い",
                    re.IGNORECASE)
#: One round without its number: "Monday's round", "the latest talks", "the last
#: meeting", 今回の交渉 (not the first; "how long did the talks last" is not one).
_UNNUMBERED = re.compile(r"\brounds?\b|\b(?:latest|previous|recent|next|upcoming|later)\b"
                         r"|\blast\s+(?:[\w'-]+\s+)?(?:talks|negotiations|meetings?|sessions?)\b"
                         r"|回目|度目|今回|前回|次回|最新|直近", re.IGNORECASE)


#: Kinds of talks that are counted in rounds of their own: the second three-way round is
#: not the second direct Russia–Ukraine round (「2回目の3カ国協議」 is not 「2回目の直接交渉」).
_KINDS = {
    "three-way": re.compile(r"\b(?:trilateral|three-way|three-party|tripartite)\b"
                            r"|\b(?:us|u\.s\.)-russia-ukraine|\bukraine-us-russia|\brussia-ukraine-us\b"
                            r"|\bus-ukraine-russia|\brussia-us-ukraine"
                            r"|[3三](?:カ国|か国|ヶ国|者)|米ロ・?ウクライナ|米露・?ウクライナ"),
    "direct": re.compile(r"\bdirect\s+(?:peace\s+)?(?:talks|negotiations|meeting)"
                         r"|直接(?:交渉|協議|会談|対話)"),
}


def kinds_in(text: str) -> frozenset[str]:
    """The kinds of talks (``_KINDS``) that ``text`` names."""
    return _named(_KINDS, text)


def _named(patterns: dict[str, re.Pattern[str]], text: str) -> frozenset[str]:
    """The keys of ``patterns`` whose pattern finds something in ``text``."""
    q = normalise(text)
    return frozenset(key for key, pattern in patterns.items() if pattern.search(q))


#: The kind of talks a report's lead naming none is about: a three-way round's report says
#: so ("trilateral", 3カ国), a direct round's often only says "the second round".
_UNNAMED_KIND = frozenset({"direct"})


def lead_kinds(title: str, text: str) -> frozenset[str]:
    """The kinds of talks the report's headline or lead names (``_UNNAMED_KIND`` if none)."""
    return kinds_in(_lead(title, text)) or _UNNAMED_KIND


def first_by_default(text: str) -> bool:
    """``text`` asks about talks without naming a round: the first, or the only ones
    (a question about a later round names it: "the second round", "in June")."""
    return (round_of(text) is None and _TALKS.search(text) is not None
            and _UNNUMBERED.search(text) is None)


def round_of(text: str) -> int | None:
    """The first round number ``text`` names, else None."""
    rounds = rounds_in(text)
    return rounds[0] if rounds else None


def rounds_in(text: str) -> list[int]:
    """Every round number ``text`` names, in order."""
    q = normalise(text)
    found = sorted([*_EN.finditer(q), *_JA.finditer(q)], key=lambda m: m.start())
    return [_number(next(g for g in m.groups() if g)) for m in found]


def lead_round(title: str, text: str) -> int | None:
    """The first round the report's headline or lead names (the one it is about)."""
    return round_of(_lead(title, text))


def _lead(title: str, text: str) -> str:
    return "\n".join([title, *split_sentences(text)[:LEAD_SENTENCES]])


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _WORDS[word]


#: A side of the talks named as taking part: "Russia's team", ロシア側 (by party).
_TEAM = r"(?:team|delegation|side|negotiators)"
_PARTIES = {
    "russia": re.compile(rf"\brussia(?:n|'s)\s+{_TEAM}|ロシア(?:側|代表団|の代表団)"),
    "ukraine": re.compile(rf"\b(?:ukraine's|ukrainian|kyiv's)\s+{_TEAM}"
                          r"|ウクライナ(?:側|代表団|の代表団)"),
    "us": re.compile(rf"\b(?:us|u\.s\.|american|america's|washington's)\s+{_TEAM}"
                     r"|(?:米国|アメリカ|米)(?:側|代表団|の代表団)"),
}


def parties_in(text: str) -> frozenset[str]:
    """The sides ``text`` names as taking part in talks (``_PARTIES``)."""
    return _named(_PARTIES, text)
