"""What time a question asks about: "latest", "yesterday", "in May 2025", "5月16日", "mid-March".

Finding and reading the time words is left to maintained parsers: dateparser's
``search_dates`` for English, ja-timex (TIMEX3 values) for Japanese. What this module adds is
where the time lands on the calendar:

- an explicit year is honoured;
- a date without a year is the latest such date **the store covers** (not the latest before
  today: a question about "16 May" means the same a week or two years after the reports);
- a day number alone ("12日に") is the latest day so numbered that the store covers;
- a time a span starts at ("1月以降", "since January", "after 12 May") opens a window
  with no end;
- a relative time ("last month", "先週の金曜日") counts back from the asker's now; the day
  before or after an event ("前日", "翌日") is not a time before now and names no window.

Windows are a little wider than the calendar days because reports of a day's events are
often dated the next morning in another time zone. A window ranks reports and checks answers;
it is not a filter that can empty the candidate set (see ``bot.answer.extractive``).
"""

from __future__ import annotations

import calendar
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from bot.text.sentences import normalise

log = logging.getLogger(__name__)

LATEST = ("latest", "newest", "most recent", "recent", "最新", "直近", "最近")
#: "This time", 今回: the newest of the occasions the question's words fit equally well
#: (another Witkoff–Putin meeting, another round), not a time window of its own.
THIS_TIME = re.compile(r"\bthis time\b|今回", re.IGNORECASE)

SLACK = timedelta(hours=12)
#: Later reports of a day's events (updates, next-morning editions) still count.
LATE_SLACK = timedelta(hours=36)
_MONTHS = ("january|february|march|april|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")
#: "may" is also a verb: a month only next to a number or a time preposition. (Reading
#: "the May call" too was measured and not kept: docs/quality.md, stop 35.)
_MONTH_WORD = re.compile(rf"\b(?:{_MONTHS})\b|\bmay\b(?=\s*\d)|(?<=\d\s)may\b"
                         r"|\b(?:in|since|during|of|early|mid|late)[\s-]+may\b")
#: Words that open a window at the time they name ("since May", "after 12 May"; not
#: "after the June 2 talks", which names the talks' day).
_SINCE_EN = re.compile(r"\bsince\s+(?:the\s+)?$")
_AFTER_EN = re.compile(r"after\s+(?!the\b)")
#: A day of the month on its own before a particle ("12日に", "13日、"): ja-timex reads it
#: as XXXX-XX-12; "30日間" (a span) is a DURATION.
_BARE_DAY_JA = re.compile(r"(\d{1,2})日(?=[にのはもから、,])")
_RELATIVE_EN = re.compile(r"\b(?:yesterday|today|tonight|ago|last|this|past|previous)\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b|(?:19|20)\d\d年")
#: A year on its own ("2027", "in 2027" as the parser finds it).
_BARE_YEAR = re.compile(r"(?:(?:in|during)\s+)?((?:19|20)\d\d)")
#: Part of a month ("mid-March", "3月中旬"): the parsers read the month, we narrow it.
_PART_EN = re.compile(r"\b(early|mid|late|end of|beginning of|start of)[\s-]+"
                      rf"(?=(?:{_MONTHS}|may)\b)")
_PART_JA = re.compile(r"(\d{1,2})月(上旬|初め|初旬|中旬|下旬|末)")
_PARTS = {"early": (1, 10), "beginning of": (1, 10), "start of": (1, 10), "上旬": (1, 10),
          "初め": (1, 10), "初旬": (1, 10), "mid": (11, 20), "中旬": (11, 20),
          "late": (21, 31), "end of": (21, 31), "下旬": (21, 31), "末": (21, 31)}
_TIMEX_DATE = re.compile(r"^(\d{4}|XXXX)-(\d\d|XX)(?:-(\d\d|XX))?$")
_TIMEX_WEEKDAY = re.compile(r"^XXXX-WXX-(\d)$")
_TIMEX_SPAN = re.compile(r"^P(\d+)([DWMY])$")


@dataclass(frozen=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None
    latest: bool = False
    #: The words that set it, for "no source" notes.
    phrase: str = ""
    #: The first and last calendar days it names ("May 9"; "5月" is 1–31 May), which a
    #: report may state in its text.
    first_day: date | None = None
    last_day: date | None = None
    #: The words that set it stay search terms: a day number alone ("13日") may mean
    #: another month's day than the latest, which the reports' own "13日" then finds.
    searched: bool = False

    @property
    def day(self) -> date | None:
        """The one day it names, if it names one day."""
        return self.first_day if self.first_day == self.last_day else None

    def contains(self, when: datetime) -> bool:
        return ((self.start is None or when >= self.start)
                and (self.end is None or when < self.end))


@dataclass(frozen=True)
class Named:
    """A time as the question names it, before a year is chosen for it."""

    first: date
    days: int
    #: The year was given or follows from the asker's now ("last month").
    anchored: bool
    phrase: str
    #: "since May", "1月以降": from ``first`` on, with no end.
    onward: bool = False
    #: A day number alone ("12日に"): the latest such day of a month, not of a year.
    monthless: bool = False


def says_this_time(question: str) -> bool:
    """``question`` asks about "this time" (``THIS_TIME``)."""
    return THIS_TIME.search(question) is not None


def without_phrase(question: str, window: Window) -> str:
    """The question without the words that named its time (they are not search terms)."""
    q = normalise(question)
    return (q.replace(window.phrase, " ") if window.phrase and window.start
            and not window.searched else q)


def parse_window(question: str, *, now: datetime, zone: tzinfo,
                 covered_until: datetime | None = None) -> Window:
    """The time window a question asks about; unbounded when it names no time.

    Args:
        now: the asker's now (relative times count back from it).
        covered_until: the newest stored report: a date without a year is the latest such
            date up to it (defaults to ``now``).
    """
    q = normalise(question)
    today = now.astimezone(zone).date()
    named = named_time(q, today) or english_weekday(question, today)
    if named is not None:
        first = named.first
        until = (covered_until or now).astimezone(zone).date()
        if named.monthless:
            first = latest_day_numbered(first.day, until)
        elif not named.anchored:
            first = latest_covered(first, until)
        start = datetime.combine(first, time(), zone) - SLACK
        if named.onward:
            return Window(start, None, phrase=named.phrase, first_day=first)
        after = datetime.combine(first + timedelta(days=named.days), time(), zone)
        return Window(start, after + LATE_SLACK, phrase=named.phrase, first_day=first,
                      last_day=first + timedelta(days=named.days - 1),
                      searched=named.monthless)
    if any(word in q for word in LATEST):
        return Window(latest=True, phrase="latest")
    return Window()


def latest_day_numbered(day: int, until: date) -> date:
    """The latest day numbered ``day`` (of any month) that does not pass ``until``."""
    month = until.year * 12 + until.month - 1
    for back in range(12):
        moved = _safe((month - back) // 12, (month - back) % 12 + 1, day)
        if moved is not None and moved <= until:
            return moved
    return until


def latest_covered(first: date, until: date) -> date:
    """The same month and day in the latest year that does not pass ``until``."""
    for year in range(until.year, until.year - 4, -1):
        moved = _replace_year(first, year)
        if moved is not None and moved <= until:
            return moved
    return _replace_year(first, until.year - 1) or first


#: Questions that take both parsers through their slow first calls.
_WARM_UP = ("What happened on 18 March 2025, in mid-April and last week?",
            "先週の金曜日と3月18日、先月に何があった?")


def warm_up() -> None:
    """Load the date parsers once, at start-up, off the event loop.

    Their first calls read language data and compile hundreds of patterns (dateparser's
    search alone: about 1 s), and those costs landed on the first questions naming a time
    after every restart (``bench/answer.py``: `ask` p95 at 100,000 articles)."""
    for question in _WARM_UP:
        named_time(normalise(question), date(2025, 6, 1))


#: One reading at a time: the parsers' first calls fill shared caches, and the warm-up may
#: run in a thread while serving (``bot.cli.WARM_UP_AFTER``) as a question is read.
_READING = threading.Lock()


def named_time(q: str, today: date) -> Named | None:
    """The first time the (normalised) question names, read by the parser for its script."""
    with _READING:
        if _in_japanese(q):
            return _japanese(q, today)
        return _english(q, today)


def _in_japanese(text: str) -> bool:
    """The text holds kana or kanji: the Japanese parser reads it."""
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


#: A day of the week on its own ("on Thursday", "Tuesday's call"): the English parser reads
#: it only after "last" or beside a date, so it is read here, as ja-timex reads "木曜日"
#: (``_japanese``). Not after a capitalised word inside the question: "Easter Sunday",
#: "Good Friday" name a feast, not the latest such weekday.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_EN = re.compile(rf"\b({'|'.join(_WEEKDAYS)})\b", re.IGNORECASE)


def english_weekday(question: str, today: date) -> Named | None:
    """A weekday an English question names alone: the latest such day before today."""
    if _in_japanese(question):
        return None
    for found in _WEEKDAY_EN.finditer(question):
        before = question[:found.start()].split()
        if len(before) > 1 and before[-1][:1].isupper() \
                and not before[-1].endswith(("'s", "’s")):
            continue  # "Easter Sunday": a feast's name ("Trump's Sunday call" is a day)
        day = _latest_weekday(today, _WEEKDAYS.index(found[1].title()))
        return Named(day, 1, True, found[0].lower())
    return None


def _latest_weekday(today: date, weekday: int) -> date:
    """The latest day before ``today`` that falls on ``weekday`` (0: Monday)."""
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


#: "the last decade" runs up to now: it gets no window, as "the past ten years" (which the
#: parser does not read) gets none, instead of the single year ten years back the parser
#: makes of it.
_DECADE = re.compile(r"\bdecades?\b")


def _english(q: str, today: date) -> Named | None:
    part = _PART_EN.search(q)
    text = _PART_EN.sub("", q) if part else q
    if not (_MONTH_WORD.search(text) or _RELATIVE_EN.search(text) or re.search(r"\d", text)):
        return None
    from dateparser.search import search_dates

    base = datetime.combine(today, time(12))
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
                "RETURN_AS_TIMEZONE_AWARE": False}
    found = search_dates(text, languages=["en"], settings=settings) or []
    for phrase, when in found:
        words = phrase.strip()
        relative = bool(_RELATIVE_EN.search(words))
        if not (_MONTH_WORD.search(words) or relative or _has_date_digits(words)
                or _in_year(words, text)) or _DECADE.search(words):
            continue
        period = _parser().get_date_data(words).period or "day"
        first, days = _span(when.date(), period)
        if part and period == "month":
            first, days = _month_part(first, _PARTS[part[1]])
            words = f"{part[1]} {words.strip()}"
        anchored = relative or bool(_YEAR.search(words))
        return Named(first, days, anchored, phrase.strip(), onward=_onward(text, phrase))
    return None


def _onward(text: str, phrase: str) -> bool:
    """The time is where a span starts: "since May", "after 12 May" (the parser keeps
    "after" in its phrase, not "since"); "after the June 2 talks" names the talks' day."""
    at, words = text.find(phrase), phrase.strip()
    if at < 0:
        return False
    before = text[:at]
    return bool(_SINCE_EN.search(before) or _AFTER_EN.match(words)
                or (before.endswith(("after ", "after\t")) and not words.startswith("the ")))


def _in_year(words: str, text: str) -> bool:
    """A year the question names as its time: after "in" or "during" ("in 2027"), not
    naming a thing ("the 2018 world cup", "2022 talks")."""
    year = _BARE_YEAR.fullmatch(words)
    return bool(year and re.search(rf"\b(?:in|during)\s+{year[1]}\b", text))


def _has_date_digits(words: str) -> bool:
    # A bare number ("30-day", "1,000") is not a date; "2025-03-11" and "16 May" are.
    return bool(re.search(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", words))


@lru_cache(maxsize=1)
def _parser() -> Any:
    from dateparser.date import DateDataParser
    return DateDataParser(languages=["en"], settings={"PREFER_DATES_FROM": "past"})


#: A Japanese year alone is the question's time as an English one after "in" is
#: (``_in_year``): "2014年の国境" (the 2014 borders) names a thing, "2015年から" (since 2015)
#: starts a span up to now.
YEAR_AS_NAME_JA = True
_SINCE_JA = ("から", "以降", "以来")


def _japanese(q: str, today: date) -> Named | None:
    from ja_timex import TimexParser

    found = TimexParser(reference=datetime.combine(today, time(12))).parse(q)
    back: tuple[int, str] | None = None  # ("先週" = one week back) for a weekday after it
    back_at = 0  # where that "先週" starts: "先週の土曜日" is the phrase, not "土曜日" alone
    year: int | None = None  # "去年の5月", "今年3月"
    for timex in found:
        if timex.type == "DURATION" and timex.text[:1] in ("前", "翌"):
            continue  # "前日", "翌日": the day before or after an event, not before now
        if timex.type == "DURATION" and timex.mod in ("BEFORE", "NOW", "AFTER"):
            span = _TIMEX_SPAN.match(timex.value)
            if not span:
                continue
            n = int(span[1]) * (-1 if timex.mod == "AFTER" else 1)
            unit = span[2]
            if unit == "Y":
                year = today.year - n
                continue
            back, back_at = (n, unit), timex.span[0]
            nxt = _next_date(found, timex)
            if unit == "W" and nxt is not None and _TIMEX_WEEKDAY.match(nxt.value):
                continue
            first, days = _relative(today, n, unit)
            return Named(first, days, True, timex.text)
        if timex.type != "DATE":
            continue
        weekday = _TIMEX_WEEKDAY.match(timex.value)
        if weekday:
            weeks = back[0] if back and back[1] == "W" else 0
            monday = today - timedelta(days=today.weekday() + 7 * weeks)
            day = monday + timedelta(days=int(weekday[1]) - 1)
            if day >= today and not weeks:
                day -= timedelta(days=7)
            return Named(day, 1, True, q[back_at:timex.span[1]] if weeks else timex.text)
        parts = _TIMEX_DATE.match(timex.value)
        if parts and (parts[1], parts[2]) == ("XXXX", "XX") and year is None \
                and _BARE_DAY_JA.match(q, timex.span[0]) and _safe(2000, 1, int(parts[3])):
            return Named(date(2000, 1, int(parts[3])), 1, False, timex.text, monthless=True)
        if not parts or parts[2] == "XX":
            if parts and parts[1] != "XXXX":
                after = q[timex.span[1]:]
                if YEAR_AS_NAME_JA and after.startswith("の"):
                    continue  # "2014年の国境": a year naming a thing, as "the 2018 world cup"
                return Named(date(int(parts[1]), 1, 1), 365, True, timex.text,
                             onward=YEAR_AS_NAME_JA and after.startswith(_SINCE_JA))
            continue
        given = int(parts[1]) if parts[1] != "XXXX" else year
        month = int(parts[2])
        start = _safe(given or today.year, month, 1)
        if start is None:
            continue
        onward = timex.mod == "ON_OR_AFTER"  # "1月以降", "5月以来"
        if parts[3] and parts[3] != "XX":
            exact = _safe(start.year, month, int(parts[3]))
            if exact is not None:
                return Named(exact, 1, given is not None, timex.text, onward=onward)
            continue
        first = start
        days = calendar.monthrange(first.year, month)[1]
        piece = _PART_JA.search(q)
        if piece and int(piece[1]) == month:
            first, days = _month_part(first, _PARTS[piece[2]])
            return Named(first, days, given is not None, piece[0])
        return Named(first, days, given is not None, timex.text, onward=onward)
    return None


def _next_date(found: Sequence[Any], timex: Any) -> Any | None:
    at = list(found).index(timex)
    return next((t for t in found[at + 1:] if t.type == "DATE"), None)


def _relative(today: date, n: int, unit: str) -> tuple[date, int]:
    if unit == "D":
        return today - timedelta(days=n), 1
    if unit == "W":
        monday = today - timedelta(days=today.weekday() + 7 * n)
        return monday, 7
    month_index = today.year * 12 + today.month - 1 - n
    first = date(month_index // 12, month_index % 12 + 1, 1)
    return first, calendar.monthrange(first.year, first.month)[1]


def _span(day: date, period: str) -> tuple[date, int]:
    if period == "month":
        return day.replace(day=1), calendar.monthrange(day.year, day.month)[1]
    if period == "year":
        return date(day.year, 1, 1), 365 + calendar.isleap(day.year)
    if period == "week":
        return day - timedelta(days=day.weekday()), 7
    return day, 1


def _month_part(first: date, bounds: tuple[int, int]) -> tuple[date, int]:
    last = min(bounds[1], calendar.monthrange(first.year, first.month)[1])
    return first.replace(day=bounds[0]), last - bounds[0] + 1


def _replace_year(day: date, year: int) -> date | None:
    return _safe(year, day.month, day.day)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


#: A yearless date a report states ("May 8", "5月8日") is in the latest year that puts it
#: at most this far after the report: reports announce days ahead and recall days past.
AHEAD = timedelta(days=90)
_MONTH_NAMES = ("january february march april may june july august september october "
                "november december").split()
#: Full month names only: reading "Nov. 27" too lost a hit@1 (docs/quality.md, stop 32).
_MONTH_EN = rf"({'|'.join(_MONTH_NAMES)})"
_DASH = r"\s*[-–—ー〜~～]\s*"
_STATED_JA = re.compile(rf"(?<!\d)(\d{{1,2}})月(?:(\d{{1,2}})(?:{_DASH}(\d{{1,2}}))?日"
                        r"|(上旬|初め|初旬|中旬|下旬|末))")
_STATED_EN_DAY = re.compile(rf"\b{_MONTH_EN}\s+(\d{{1,2}})(?:st|nd|rd|th)?"
                            rf"(?:{_DASH}(\d{{1,2}}))?\b"
                            rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?(?:{_DASH}(\d{{1,2}}))?\s+"
                            rf"{_MONTH_EN}\b", re.IGNORECASE)
_STATED_EN_PART = re.compile(r"\b(early|mid|late|end of|beginning of|start of)[\s-]+"
                             rf"{_MONTH_EN}\b", re.IGNORECASE)


def states_time_in(text: str, published: datetime, first: date, last: date) -> bool:
    """Whether a report (``text``, published at ``published``) states a day or a part of a
    month ("5月8-10日", "mid-February") that lies within ``first``–``last``: a report
    announcing a truce or a parade is about that time though published before it. (A
    month alone, "in May", is not read: it put a report of another time among the first
    three, docs/quality.md, stop 32.)"""
    return any(first <= start and end <= last
               for start, end in _stated_spans(text, published.date()))


def _stated_spans(text: str, published: date) -> list[tuple[date, date]]:
    """The yearless times a report states, as calendar spans (first, last day)."""
    spans: list[tuple[int, int, int]] = []  # month, first day, last day
    for m in _STATED_JA.finditer(text):
        month = int(m[1])
        if m[2]:
            spans.append((month, int(m[2]), int(m[3] or m[2])))
        else:
            spans.append((month, *_PARTS[m[4]]))
    for m in _STATED_EN_DAY.finditer(text):
        name, day, to = (m[1], m[2], m[3]) if m[1] else (m[6], m[4], m[5])
        spans.append((_month_number(name), int(day), int(to or day)))
    for m in _STATED_EN_PART.finditer(text):
        spans.append((_month_number(m[2]), *_PARTS[m[1].lower()]))
    return [span for month, a, b in spans if 1 <= month <= 12
            if (span := _placed(published, month, a, b)) is not None]


def _month_number(name: str) -> int:
    return _MONTH_NAMES.index(name.lower()) + 1


def _placed(published: date, month: int, first: int, last: int) -> tuple[date, date] | None:
    """Days ``first``–``last`` of ``month`` in the latest year at most ``AHEAD`` after
    ``published``."""
    for year in (published.year + 1, published.year, published.year - 1):
        days = calendar.monthrange(year, month)[1]
        start, end = _safe(year, month, first), _safe(year, month, min(last, days))
        if start is not None and end is not None and start <= end \
                and start - published <= AHEAD:
            return start, end
    return None
