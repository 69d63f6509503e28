"""The grammars of typed commands: typed text -> the command's arguments. Kept apart from
the handlers (and light to import) because every text platform's registry reads them."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import UserFacingError
from config.settings import parse_hhmm


def subscribe_args(text: str) -> dict[str, str]:
    """``[realtime|daily HH:MM|both HH:MM] [ja|en] [tz=Area/City] [keywords...]`` as the
    command's arguments (mode, time, lang, timezone, keywords); values are checked by
    ``subscribe_options``. A later mode word wins; a daily time once given is kept."""
    words = text.split()
    realtime, daily, time = True, False, None
    values: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        low = word.lower()
        if low in ("realtime", "daily", "both"):
            realtime = low != "daily"
            if low != "realtime":
                daily = True
                if i + 1 < len(words) and ":" in words[i + 1]:
                    time = words[i + 1]
                    i += 1
                if time is not None:
                    check_time(time)
        elif low in ("ja", "en"):
            values["lang"] = low
        elif low.startswith("tz="):
            values["timezone"] = word[3:]
            check_zone(word[3:])
        else:
            rest.append(word)
        i += 1
    if daily:
        values["mode"] = "both" if realtime else "daily"
    if time is not None:
        values["time"] = time
    if rest:
        values["keywords"] = " ".join(rest)
    return values


def check_time(value: str) -> None:
    try:
        parse_hhmm(value)
    except ValueError:
        raise UserFacingError(
            f"`{value}` is not a time: write it as HH:MM, e.g. `daily 08:00`.") from None


def check_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserFacingError(
            f"`{value}` is not a time zone: use a name like `tz=Asia/Tokyo`.") from None


def sources_args(text: str) -> Mapping[str, str]:
    """``add URL`` / ``remove URL|ID`` as arguments; any other first word is an action too,
    so that the handler can say it is unknown rather than list the feeds as if asked."""
    words = text.split(maxsplit=1)
    if not words:
        return {}
    action = words[0].lower() if words[0].lower() in ("add", "remove") else words[0]
    return {"action": action, "feed": words[1] if len(words) > 1 else ""}


def feedback_args(text: str) -> dict[str, str]:
    """``<answer id> up|down``, as platform buttons send it."""
    answer, _, vote = text.strip().partition(" ")
    return {"answer": answer, "vote": vote.strip()}
