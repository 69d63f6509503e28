"""What time `since <time>` means: "yesterday", "Monday", "11月20日", "2025-08-01",
"3 days ago", or "my last visit".

Parsed with dateparser against the injected clock, in the asker's time zone. A day, month
or year named without a time means its start ("since Monday" includes all of Monday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.errors import UserFacingError
from bot.text.sentences import normalise

LAST_VISIT = ("my last visit", "last visit", "last time", "i last looked", "i last asked",
              "前回", "この前", "最後に見て", "最後の訪問")
EXAMPLES = {
    "en": "`since yesterday`, `since Monday`, `since 20 November`, `since 2025-08-01`, "
          "`since 3 days ago`, `since my last visit`",
    "ja": "`since 昨日`, `since 月曜日`, `since 11月20日`, `since 2025-08-01`, "
          "`since 3日前`, `since 前回`",
}
#: Words that only frame the time ("since since Monday", "月曜日から").
_FRAME = re.compile(r"^(?:since|from)\s+|\s*(?:から|以降)$")
#: A time of day is meant ("2 hours ago"); otherwise a day starts at midnight.
_CLOCK_UNITS = re.compile(r"hour|minute|時間|分")
#: dateparser reads a year-less "11月20日" as 2011-08-20; said as "20 November" it is right.
_JA_MONTH_DAY = re.compile(r"(?<![年\d])(\d{1,2})月(\d{1,2})日")
#: "last 30 days" / "過去30日" mean "30 days ago".
_LAST_N = re.compile(r"^(?:the\s+)?(?:last|past)\s+(\d+)\s+(hour|day|week|month)s?$")
_JA_LAST_N = re.compile(r"^(?:過去|直近|ここ)(\d+)(時間|日|週間|か月|ヶ月)(?:間)?$")
_RELATIVE = re.compile(r"\bago\b|^(?:the\s+)?(?:last|past)\s+\d|前$|^(?:過去|直近|ここ)\d")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


@dataclass(frozen=True)
class Since:
    """The start of the period asked about; ``last_visit`` when it is the asker's own."""

    start: datetime | None = None
    last_visit: bool = False
    #: How much the words named: "day", "week", "month", "year" or "time" (dateparser's).
    period: str = "time"


def usage(lang: str) -> str:
    examples = EXAMPLES["ja" if lang == "ja" else "en"]
    if lang == "ja":
        return f"いつからの変化か指定してください。例: {examples}"
    return f"Say since when, e.g. {examples}"


def parse_since(text: str, *, now: datetime, zone: ZoneInfo, lang: str = "en") -> Since:
    """The time ``text`` names, not after ``now``.

    Raises:
        UserFacingError: the time is missing, unreadable or in the future, with examples.
    """
    phrase = normalise(text).strip()
    if not phrase:
        raise UserFacingError(usage(lang))
    if any(words in phrase for words in LAST_VISIT):
        return Since(last_visit=True)
    # Imported on first use: dateparser's language data takes a while to load.
    from dateparser.date import DateDataParser

    local_now = now.astimezone(zone)
    parser = DateDataParser(languages=["en", "ja"], settings={
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    })
    data = None
    for candidate in _candidates(phrase):
        data = parser.get_date_data(candidate)
        if data.date_obj is not None:
            break
    if data is None or data.date_obj is None:
        raise UserFacingError(_unreadable(text, lang))
    found = data.date_obj
    # "2 months ago" is a point in time (its day), not the month it falls in.
    period = "day" if _RELATIVE.search(phrase) else data.period or "time"
    if period in ("day", "week", "month", "year") and not _CLOCK_UNITS.search(phrase):
        found = datetime.combine(found.date(), time())
        if period == "month":
            found = found.replace(day=1)
        elif period == "year":
            found = found.replace(month=1, day=1)
    start = found.replace(tzinfo=zone)
    if start > now:
        raise UserFacingError(_future(text, lang))
    return Since(start=start, period=period)


def parse_range(text: str, *, now: datetime, zone: ZoneInfo,
                lang: str = "en") -> tuple[datetime | None, datetime | None]:
    """The ``[start, end)`` a `timeline` range names: a month or year is that whole month
    or year (`timeline 3月`), anything else runs from then until now (`last 30 days`).
    ``(None, None)`` for no range.

    Raises:
        UserFacingError: the range is unreadable or in the future, with examples.
    """
    if not text.strip():
        return None, None
    try:
        asked = parse_since(text, now=now, zone=zone, lang=lang)
    except UserFacingError:
        asked = Since()
    if asked.start is None:  # unreadable, or "my last visit", which is not a range
        raise UserFacingError(_unreadable_range(text, lang))
    start = asked.start
    if asked.period == "month":
        return start, start.replace(year=start.year + start.month // 12,
                                    month=start.month % 12 + 1)
    if asked.period == "year":
        return start, start.replace(year=start.year + 1)
    return start, None


def _candidates(phrase: str) -> list[str]:
    """The phrase, then without framing words, then with a Japanese month-day in English."""
    out = [phrase]
    bare = _FRAME.sub("", phrase).strip()
    if bare and bare != phrase:
        out.append(bare)
    english = _LAST_N.sub(r"\1 \2s ago", _JA_LAST_N.sub(r"\1\2前", bare))
    english = _JA_MONTH_DAY.sub(_month_day, english)
    if english != bare:
        out.insert(0, english)
    return out


def _month_day(match: re.Match[str]) -> str:
    month = int(match.group(1))
    return f"{match.group(2)} {_EN_MONTHS[month - 1]}" if 1 <= month <= 12 else match[0]


def _unreadable(text: str, lang: str) -> str:
    if lang == "ja":
        return f"「{text}」を日時として読めませんでした。{usage(lang)}"
    return f"I could not read `{text}` as a time. {usage(lang)}"


def _unreadable_range(text: str, lang: str) -> str:
    if lang == "ja":
        return (f"「{text}」を期間として読めませんでした。例: `timeline 3月`, "
                "`timeline 過去30日`, `timeline 2025`")
    return (f"I could not read `{text}` as a range. Try `timeline March`, "
            "`timeline last 30 days` or `timeline 2025`.")


def _future(text: str, lang: str) -> str:
    if lang == "ja":
        return f"「{text}」はまだ来ていません。{usage(lang)}"
    return f"`{text}` is still in the future. {usage(lang)}"
