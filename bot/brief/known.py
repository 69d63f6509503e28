""""What we know" about a story: each headline fact's current state and the reports that
say it, built from the story's stored articles (extractive: values are read from report
text, never made up).

A fact's current state is, per outlet, the value its newest report states; outlets that
agree are shown together, and outlets that disagree side by side (newest first), so a
reader sees the conflict rather than one side of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime

from bot.brief.coverage import coverage_line
from bot.model import KnownBlock, KnownFact, KnownValue, Lang
from bot.store.models import Article, Story
from bot.text.figures import BY_KEY, QUANTITIES, Reading, read_figures
from bot.text.labels import label
from bot.text.sentences import normalise, split_sentences

#: Values shown per fact; more disagreeing outlets than this are left out (oldest first).
MAX_VALUES = 3


def known_block(story: Story, *, lang: Lang, now: datetime | None = None) -> KnownBlock:
    """The block for ``story`` as its reports up to ``now`` (default: all) state it."""
    articles = [a for a in story.articles if now is None or a.published_at <= now]
    # Each report's figures read once, not once per quantity (a briefing build's hot spot).
    readings = [(a, read_figures(f"{a.title}\n{a.text}", a.published_at)) for a in articles]
    facts = [fact for quantity in QUANTITIES
             if (fact := figure_fact(articles, quantity.key, lang, readings)) is not None]
    upcoming = upcoming_fact(articles, lang)
    if upcoming is not None:
        facts.append(upcoming)
    latest = latest_fact(articles, lang)
    if latest is not None:
        facts.append(latest)
    as_of = max((a.published_at for a in articles), default=story.latest_at)
    return KnownBlock(story.id, tuple(facts), story.revision, as_of, lang,
                      coverage=coverage_line(articles, lang))


def figure_fact(articles: Sequence[Article], key: str, lang: str,
                readings: Sequence[tuple[Article, Sequence[Reading]]] | None = None
                ) -> KnownFact | None:
    """Figure ``key`` as each outlet's newest report states it, grouped by value.

    ``readings``: each article's ``read_figures``, when the caller read them already."""
    if readings is None:
        readings = [(a, read_figures(f"{a.title}\n{a.text}", a.published_at))
                    for a in articles]
    newest: dict[str, tuple[datetime, int]] = {}
    for article, found in readings:
        for reading in found:
            if reading.key != key:
                continue
            outlet = article.source
            if outlet not in newest or reading.when >= newest[outlet][0]:
                newest[outlet] = (reading.when, reading.value)
    if not newest:
        return None
    by_value: dict[int, list[tuple[datetime, str]]] = {}
    for outlet, (when, value) in newest.items():
        by_value.setdefault(value, []).append((when, outlet))
    quantity = BY_KEY[key]
    unit = quantity.unit.get(lang, quantity.unit["en"])
    values = [KnownValue(f"{value:,}{unit}",
                         tuple(o for _w, o in sorted(said, reverse=True)),
                         max(w for w, _o in said))
              for value, said in by_value.items()]
    values.sort(key=lambda v: v.published, reverse=True)
    return KnownFact(quantity.labels.get(lang, quantity.labels["en"]),
                     tuple(values[:MAX_VALUES]))


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = "|".join(_MONTHS)
_EN_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) ({_MONTH})\b", re.IGNORECASE)
_EN_MONTH_DAY = re.compile(rf"\b({_MONTH}) (\d{{1,2}})\b", re.IGNORECASE)
_JA_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")


def named_dates(text: str, year: int) -> Iterator[date]:
    """Calendar days a report names ("27 August", "August 27", "8月27日"), in ``year``."""
    norm = normalise(text)
    found = [(int(d), _MONTHS.index(m.lower()) + 1) for d, m in _EN_DAY_MONTH.findall(norm)]
    found += [(int(d), _MONTHS.index(m.lower()) + 1) for m, d in _EN_MONTH_DAY.findall(norm)]
    found += [(int(d), int(m)) for m, d in _JA_MONTH_DAY.findall(norm)]
    for day, month in found:
        try:
            yield date(year, month, day)
        except ValueError:
            continue


def next_named_day(articles: Sequence[Article]) -> date | None:
    """The next day the newest report naming one after its own date names (None: none)."""
    for article in sorted(articles, key=lambda a: a.published_at, reverse=True):
        day = article.published_at.date()
        ahead = [d for d in named_dates(f"{article.title}\n{article.text}", day.year) if d > day]
        if ahead:
            return min(ahead)
    return None


def upcoming_fact(articles: Sequence[Article], lang: str) -> KnownFact | None:
    """The next day each outlet's newest report names after its own date (a meeting set, a
    deadline), grouped like figures: outlets naming different days stand side by side."""
    newest: dict[str, tuple[datetime, date]] = {}
    for article in articles:
        day = article.published_at.date()
        ahead = [d for d in named_dates(f"{article.title}\n{article.text}", day.year) if d > day]
        if not ahead:
            continue
        outlet = article.source
        if outlet not in newest or article.published_at >= newest[outlet][0]:
            newest[outlet] = (article.published_at, min(ahead))
    if not newest:
        return None
    by_day: dict[date, list[tuple[datetime, str]]] = {}
    for outlet, (when, day) in newest.items():
        by_day.setdefault(day, []).append((when, outlet))
    values = [KnownValue(day.isoformat(), tuple(o for _w, o in sorted(said, reverse=True)),
                         max(w for w, _o in said))
              for day, said in by_day.items()]
    values.sort(key=lambda v: v.published, reverse=True)
    return KnownFact(label("next_date", lang), tuple(values[:MAX_VALUES]))


def latest_fact(articles: Sequence[Article], lang: str) -> KnownFact | None:
    """The newest report's lead sentence (in the channel's language when there is one)."""
    if not articles:
        return None
    newest = max(articles, key=lambda a: (a.lang == lang, a.published_at))
    sentences = split_sentences(newest.text)
    lead = sentences[0] if sentences else newest.title
    return KnownFact(label("latest_report", lang),
                     (KnownValue(lead, (newest.source,), newest.published_at),))
