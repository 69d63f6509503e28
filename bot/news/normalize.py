"""Canonical article URLs, so the same report reached by different links is stored once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.text.inert import strip_controls

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src", "cmpid", "ocid")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, and no invisible
    characters (a bidi override would make the stored link read as another)."""
    parts = urlsplit(strip_controls(url).strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    host = (parts.hostname or "").lower()
    if parts.port and not (parts.scheme == "http" and parts.port == 80) and not (
            parts.scheme == "https" and parts.port == 443):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


_AGGREGATORS = ("news.google.com", "news.yahoo.co.jp", "www.bing.com")
_TITLE_OUTLET = re.compile(r"^(?P<title>.+?)\s+[-–—|]\s+(?P<outlet>[^-–—|]{2,60})$")


def is_aggregator(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in _AGGREGATORS


def unwrap_link(link: str, candidates: Sequence[str] = ()) -> str:
    """The publisher's link for an aggregator entry, when the entry holds it.

    Google News links either carry it in a ``url=`` parameter, or the entry's description
    links to it; otherwise the aggregator link is kept (it still opens the article).
    """
    if not is_aggregator(link):
        return link
    for key, value in parse_qsl(urlsplit(link).query):
        if key == "url" and value.startswith(("http://", "https://")) and not is_aggregator(
                value):
            return value
    for other in candidates:
        if other.startswith(("http://", "https://")) and not is_aggregator(other):
            return other
    return link


def split_outlet(title: str, outlet: str | None) -> tuple[str, str | None]:
    """Aggregator titles read "Headline - Outlet": keep the headline, return the outlet."""
    match = _TITLE_OUTLET.match(title)
    if match and (outlet is None or match.group("outlet").strip() == outlet.strip()):
        return match.group("title").strip(), match.group("outlet").strip()
    return title, outlet
