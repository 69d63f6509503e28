"""What the timeline picture shows, read from the store: one point per development and the
number of reports per day. A value: equal data draws the same picture, so its key names
the cached PNG (it changes with every story revision or new report)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.brief.builder import story_line
from bot.store.models import Story
from bot.text.sentences import split_sentences
from bot.timeline.kinds import kind_of


@dataclass(frozen=True)
class Point:
    when: datetime
    kind: str
    label: str
    reports: int
    story_id: int
    revision: int


@dataclass(frozen=True)
class TimelineData:
    lang: str
    zone: str
    points: tuple[Point, ...]
    #: (day in ``zone``, reports published that day), oldest first.
    daily: tuple[tuple[date, int], ...]
    #: The range asked for, as the user will read it ("" for everything).
    span: str = ""

    def key(self) -> str:
        """A name for the picture of exactly this data."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:24]


def timeline_data(stories: Sequence[Story], *, lang: str, zone: ZoneInfo,
                  start: datetime | None = None, end: datetime | None = None,
                  span: str = "") -> TimelineData:
    """The picture's data for ``stories`` (articles loaded), limited to ``[start, end)``."""

    def inside(when: datetime) -> bool:
        return (start is None or when >= start) and (end is None or when < end)

    points: list[Point] = []
    days: Counter[date] = Counter()
    for story in stories:
        reports = [a for a in story.articles if inside(a.published_at)]
        if not reports:
            continue
        days.update(a.published_at.astimezone(zone).date() for a in reports)
        first = min(story.articles, key=lambda a: a.published_at)
        lead = " ".join(split_sentences(first.text)[:2])
        points.append(Point(story.first_at, kind_of(f"{first.title}\n{lead}"),
                            story_line(story, lang), len(reports), story.id, story.revision))
    points.sort(key=lambda p: p.when)
    return TimelineData(lang, zone.key, tuple(points), tuple(sorted(days.items())), span)
