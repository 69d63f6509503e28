"""Whether the reports found actually say what the question asks, or only share its words.

Scores alone cannot tell an unanswerable question from an answerable one: a question about a
meeting that never happened ("What did Lavrov tell Rubio in Geneva?") shares names and places
with real coverage. So the question's own constraints are checked against the reports:

- the names that pick out its event (people, places; not the two sides every report names)
  must all occur in one report, not spread over several;
- a "how many / how long" question needs a sentence that gives a figure *about* what was
  asked (the figure's sentence matches much of the question), not any figure nearby; a
  question about what will happen needs a sentence saying what is planned or expected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answer.engine import COMMON_SHARE, Concept, Engine
from bot.store.models import Article
from bot.text.sentences import split_sentences

_HOW_MANY = re.compile(r"how many|how much|how long|what share|what percentage|何人|何日|"
                       r"何時間|何分|何カ国|何か国|何件|何回|いくら|どのくらい|どれくらい|人数")
_FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
                     r"dozen|hundred|thousand|million|half)\b|[一二三四五六七八九十百千万]",
                     re.IGNORECASE)
#: The thing a "how many" question counts.
_COUNTED = re.compile(r"how many ([a-z][a-z-]+)")
#: "When will …", "Who will lead …": asks about what is yet to happen.
_FUTURE = re.compile(r"\bwill\b|\bgoing to\b|\bnext round\b|今後|次回|来月|来週")
_FUTURE_SAID = re.compile(r"\bwill\b|\bto be\b|\bexpected\b|\bscheduled\b|\bplan|\bset to\b"
                          r"|\bnext\b|予定|見通し|方針|次回|今後|へ$|する$", re.IGNORECASE)
_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
#: Share of the question's weight the sentence giving a figure must match.
FIGURE_MATCH = 0.35
#: "how many prisoners of war", "何人" / "何カ国": the thing counted, or its unit.
_COUNTED_EN = re.compile(r"how many ((?:[a-z][a-z'-]+ ){0,3}?[a-z][a-z'-]+)"
                         r"(?= (?:did|do|does|were|was|are|is|have|has|had|will|would|could)\b)")
_COUNTED_JA = re.compile(r"何(人|件|回(?!目)|カ国|か国|隻|機|発|社|基|分|時間|日間)")
_NUMBER = (r"(?:\d[\d,.]*|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozens?|"
           r"hundreds?|thousands?))")


def counted_figure(question: str) -> re.Pattern[str] | None:
    """For "how many X" / "何人", a figure followed closely by X (or the unit)."""
    counted = _COUNTED_EN.search(question.lower())
    if counted:
        last = re.escape(counted[1].split()[-1].rstrip("s")[:6])
        return re.compile(rf"{_NUMBER}[\s-]+(?:[\w-]+\s+){{0,3}}?{last}", re.IGNORECASE)
    unit = _COUNTED_JA.search(question)
    if unit:
        return re.compile(rf"[\d,０-９一二三四五六七八九十百千万数]+{re.escape(unit[1])}")
    return None


def event_names(concepts: Sequence[Concept], engine: Engine) -> list[Concept]:
    """The question's names that pick out one event (not the sides, not in most reports)."""
    n_docs = max(engine.index.n_docs, 1)
    sides = party_tokens(engine)
    return [c for c in concepts
            if c.name and c.df and c.df_max / n_docs <= COMMON_SHARE
            and not any(set(t.split("-")) <= sides for t in c.tokens)]


def party_tokens(engine: Engine) -> frozenset[str]:
    return engine.party_tokens


def supported(question: str, concepts: Sequence[Concept], articles: Sequence[Article],
              engine: Engine) -> bool:
    """The found reports support an answer to the question's own constraints."""
    names = event_names(concepts, engine)
    token_sets = [set(engine.text_tokens(f"{a.title}\n{a.text}")) for a in articles]
    if names and not any(all(toks.intersection(c.tokens) for c in names)
                         for toks in token_sets):
        return False
    asked = question.lower()
    if _HOW_MANY.search(asked):
        counted = _COUNTED.search(asked)
        if counted and not any(engine.index.token_id(t) is not None
                               for t in engine.analyzer.tokens(counted[1])):
            return False  # "how many journalists": no report counts (or names) them
        # The figure must count what was asked ("90 minutes" for "how many minutes").
        # A report in the other language writes the count its own way: any figure there.
        figure = counted_figure(question)
        ja = bool(_KANA.search(question))
        return any(_said_about(a, concepts, engine, figure if figure is not None
                               and (a.lang == "ja") == ja else _FIGURE)
                   for a in articles[:2])
    if _FUTURE.search(asked):
        return any(_said_about(a, concepts, engine, _FUTURE_SAID) for a in articles[:2])
    return True


def asks_figure(question: str) -> bool:
    """A "how many / how long" question (outlets may disagree on the figure)."""
    return bool(_HOW_MANY.search(question.lower()))


def gives_figure(article: Article, concepts: Sequence[Concept], engine: Engine) -> bool:
    """The report has a sentence giving a figure about the question."""
    return _said_about(article, concepts, engine, _FIGURE)


def _said_about(article: Article, concepts: Sequence[Concept], engine: Engine,
                kind: re.Pattern[str]) -> bool:
    """A sentence of the kind asked (a figure, a plan) that is about the question."""
    total = sum(c.weight for c in concepts)
    if total <= 0:
        return True
    for sentence in split_sentences(article.text):
        if not kind.search(sentence):
            continue
        toks = set(engine.text_tokens(sentence))
        matched = sum(c.weight for c in concepts if toks.intersection(c.tokens))
        if matched / total >= FIGURE_MATCH:
            return True
    return False
