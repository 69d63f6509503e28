"""What time a question asks about: "latest", "yesterday", "in March", "3月25日", a date.

Everything is relative to the injected clock's ``now`` in the asker's time zone. Windows are
a little wider than the calendar day because reports of a day's events are often dated the
next morning in another time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.text.sentences import normalise

MONTHS = {m: i for i, names in enumerate((
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"))) for m in names}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|" \
         r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
_EN_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b")
_EN_MONTH_DAY = re.compile(rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d{{3}})")
_EN_IN_MONTH = re.compile(rf"\b(?:in|during|since|of|last)\s+{_MONTH}\b")
_ISO = re.compile(r"\b(20\d\d)-(\d{1,2})-(\d{1,2})\b")
_JA_MONTH_DAY = re.compile(r"(?:(20\d\d)年)?(\d{1,2})月(\d{1,2})日")
_JA_MONTH = re.compile(r"(?:(20\d\d)年)?(\d{1,2})月(?!\d|.日)")
LATEST = ("latest", "newest", "most recent", "recent", "最新", "直近", "最近")
SLACK = timedelta(hours=12)
#: Later reports of a day's events (updates, next-morning editions) still count.
LATE_SLACK = timedelta(hours=36)


@dataclass(frozen=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None
    latest: bool = False
    #: The words that set it, for "no source" notes.
    phrase: str = ""

    def contains(self, when: datetime) -> bool:
        return ((self.start is None or when >= self.start)
                and (self.end is None or when < self.end))


def without_phrase(question: str, window: Window) -> str:
    """The question without the words that named its time (they are not search terms)."""
    q = normalise(question)
    return q.replace(window.phrase, " ") if window.phrase and window.start else q


def parse_window(question: str, *, now: datetime, zone: tzinfo) -> Window:
    """The time window a question asks about; unbounded when it names no time."""
    q = normalise(question)
    today = now.astimezone(zone).date()
    for match in (_ISO.search(q),):
        if match:
            day = _safe_date(int(match[1]), int(match[2]), int(match[3]))
            if day:
                return _days(day, 1, zone, match[0])
    match = _JA_MONTH_DAY.search(q)
    if match:
        day = _resolve(match[1], int(match[2]), int(match[3]), today)
        if day:
            return _days(day, 1, zone, match[0])
    for pattern, d_group, m_group in ((_EN_DAY_MONTH, 1, 2), (_EN_MONTH_DAY, 2, 1)):
        match = pattern.search(q)
        if match:
            day = _resolve(None, MONTHS[match[m_group]], int(match[d_group]), today)
            if day:
                return _days(day, 1, zone, match[0])
    if "yesterday" in q or "昨日" in q or "きのう" in q:
        return _days(today - timedelta(days=1), 1, zone, "yesterday")
    if "today" in q or "今日" in q or "本日" in q:
        return _days(today, 1, zone, "today")
    if "last week" in q or "先週" in q:
        return _days(today - timedelta(days=7), 7, zone, "last week")
    match = _JA_MONTH.search(q) or _EN_IN_MONTH.search(q)
    if match:
        if match.re is _JA_MONTH:
            year, month = match[1], int(match[2])
        else:
            year, month = None, MONTHS[match[1]]
        first = _resolve(year, month, 1, today)
        if first:
            nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return _days(first, (nxt - first).days, zone, match[0])
    if any(word in q for word in LATEST):
        return Window(latest=True, phrase="latest")
    return Window()


def _days(first: date, count: int, zone: tzinfo, phrase: str) -> Window:
    start = datetime.combine(first, time(), zone) - SLACK
    end = datetime.combine(first + timedelta(days=count), time(), zone) + LATE_SLACK
    return Window(start, end, phrase=phrase)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(year: str | None, month: int, day: int, today: date) -> date | None:
    """The date with that month and day, in the given year or the latest one not ahead."""
    if year:
        return _safe_date(int(year), month, day)
    found = _safe_date(today.year, month, day)
    if found and found > today:
        found = _safe_date(today.year - 1, month, day)
    return found
