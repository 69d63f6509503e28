"""Suggested next questions under an answer or an update post, and the keys that name them.

The suggestions come from the commentary headings (why does it matter, what was agreed,
what is still unresolved, what happens next) and from the story itself (a person or
place its reports name, the next day they name). A heading is suggested only when a
report of the story has a sentence that answers it (cheap to know: the same cue words
the commentary uses), and never the one the answer just answered.

Names come from the bilingual glossary (our own data), dates are written by us: no feed
text ever becomes a label. A click carries only a key (``a12.1.3f9c0d``: an answer or a
story id, the suggestion's index, and a short digest of its question), and the server
derives the suggestions again from the store; the digest tells a stale key from a
forged one.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Literal

from bot.brief.known import next_named_day
from bot.model import FollowUp, Lang
from bot.store.models import Article
from bot.text.intents import CUES, intent_of
from bot.text.labels import QUESTIONS
from bot.text.sentences import normalise

#: Button labels: Slack allows 75 characters, Discord 80.
LABEL_MAX = 75
MAX_SUGGESTIONS = 3
#: Headings in the order a reader most often wants them next.
HEADINGS = ("next", "open", "agreed", "why")
GLOSSARY = Path(__file__).resolve().parents[1] / "text" / "data" / "glossary_ja_en.tsv"
#: Names too general to be worth a question of their own (the parties, the big capitals).
GENERAL = frozenset({"Ukraine", "Russia", "US", "Europe", "Britain", "France", "Germany",
                     "Italy", "Finland", "Turkey", "Saudi", "Washington", "Moscow", "Kyiv"})
_KATAKANA = re.compile(r"^[ァ-ヶー・]{3,}$")
_KEY = re.compile(r"^([as])([0-9]{1,19})\.([0-9])\.([0-9a-f]{6})$")

Kind = Literal["a", "s"]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
TEMPLATES: dict[str, dict[str, str]] = {
    "name": {"en": "What is the latest on {name}?", "ja": "{name}をめぐる最新の動きは?"},
    "date": {"en": "What is planned for {day} {month}?", "ja": "{m}月{day}日の予定は?"},
}


@dataclass(frozen=True)
class Name:
    """A person or place of the talks, as each language writes it."""

    en: str
    ja: str


@dataclass(frozen=True)
class Key:
    """What a follow-up key names: ``kind`` ``a`` (an answer) or ``s`` (a story)."""

    kind: Kind
    ref: int
    index: int
    digest: str


@cache
def names() -> tuple[Name, ...]:
    """The glossary's people and places (katakana on one side, a capitalised name on the
    other), without the very general ones."""
    out: list[Name] = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ja, _, en = line.partition("\t")
        first = en.split("|")[0].strip()
        if _KATAKANA.match(ja.strip()) and first[:1].isupper() and first not in GENERAL:
            out.append(Name(first, ja.strip()))
    return tuple(out)


def digest(question: str) -> str:
    return hashlib.sha256(question.encode()).hexdigest()[:6]


def make_key(kind: Kind, ref: int, index: int, question: str) -> str:
    return f"{kind}{ref}.{index}.{digest(question)}"


def parse_key(raw: str) -> Key | None:
    """The key's parts, or None for anything that is not a well-formed key."""
    match = _KEY.match(raw.strip())
    if match is None:
        return None
    kind, ref, index, dig = match.groups()
    return Key("a" if kind == "a" else "s", int(ref), int(index), dig)


def keyed(follow_ups: Sequence[FollowUp], kind: Kind, ref: int) -> tuple[FollowUp, ...]:
    """The suggestions with their keys, once the answer or story has its store id."""
    return tuple(replace(f, key=make_key(kind, ref, i, f.question))
                 for i, f in enumerate(follow_ups))


def pick(follow_ups: Sequence[FollowUp], key: Key) -> FollowUp | None:
    """The suggestion ``key`` names: at its index when the digest matches there, else the
    one with that digest (the list moved on); None when none has it."""
    if key.index < len(follow_ups) and digest(follow_ups[key.index].question) == key.digest:
        return follow_ups[key.index]
    return next((f for f in follow_ups if digest(f.question) == key.digest), None)


def suggest(articles: Sequence[Article], lang: Lang, *, asked: str = "",
            now: datetime | None = None) -> tuple[FollowUp, ...]:
    """Up to three next questions about ``articles`` (a story, or an answer's sources).

    Args:
        asked: the question just answered: its heading and its names are not suggested.
        now: a named day before ``now`` is not suggested (None: every day ahead of the
            reports).
    """
    if not articles:
        return ()
    texts = [f"{a.title}\n{a.text}" for a in articles]
    # The commentary's cue words, looked for in the reports' text normalised once.
    body = normalise("\n".join(a.text for a in articles))
    done = intent_of(asked) if asked else None
    headings = [QUESTIONS[k][lang] for k in HEADINGS
                if k != done and any(cue in body for cue in CUES[k])]
    story = [q for q in (_date_question(articles, lang, now), _name_question(texts, lang, asked))
             if q is not None]
    chosen = headings[:2] + story[:1]
    chosen += [q for q in headings[2:] + story[1:] if q not in chosen]
    asked_norm = normalise(asked)
    picked = [q for q in chosen if normalise(q) != asked_norm][:MAX_SUGGESTIONS]
    return tuple(FollowUp(short_label(q), q) for q in picked)


def short_label(question: str) -> str:
    return question if len(question) <= LABEL_MAX else question[:LABEL_MAX - 1] + "…"


def _date_question(articles: Sequence[Article], lang: Lang,
                   now: datetime | None) -> str | None:
    day = next_named_day(articles)
    if day is None or (now is not None and day < now.date()):
        return None
    return TEMPLATES["date"][lang].format(day=day.day, month=MONTHS[day.month - 1],
                                          m=day.month)


@cache
def _name_pattern() -> re.Pattern[str]:
    """Every name in either language, longest first, in one pattern (one scan a text)."""
    spellings = sorted({w for n in names() for w in (n.en, n.ja)}, key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w)
                               for w in spellings))


@cache
def _by_spelling() -> dict[str, Name]:
    return {w: n for n in names() for w in (n.en, n.ja)}


def _name_question(texts: Sequence[str], lang: Lang, asked: str) -> str | None:
    """The name the reports mention most (the glossary's order breaks ties), unless the
    question already names it."""
    by_spelling = _by_spelling()
    skip = {by_spelling[w] for w in _name_pattern().findall(asked)}
    counts: Counter[Name] = Counter()
    for text in texts:
        counts.update(by_spelling[w] for w in _name_pattern().findall(text))
    order = {n: i for i, n in enumerate(names())}
    best = sorted((n for n in counts if n not in skip), key=lambda n: (-counts[n], order[n]))
    if not best:
        return None
    top = best[0]
    return TEMPLATES["name"][lang].format(name=top.ja if lang == "ja" else top.en)
