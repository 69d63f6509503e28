"""Parse feed bytes with feedparser into plain entries.

feedparser is given a BytesIO (a bytes or str argument may be treated as a path or URL and
opened), and documents with a DTD or entity declarations are refused first.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from bot.errors import FeedError
from bot.text.sentences import detect_lang

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_BLOCK_TAGS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote", "tr"}


@dataclass(frozen=True)
class ParsedEntry:
    guid: str
    url: str
    title: str
    text: str
    published: datetime
    date_estimated: bool
    lang: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    lang: str | None
    entries: list[ParsedEntry]


def parse_feed(body: bytes, *, url: str, fetched_at: datetime,
               default_lang: str | None = None) -> ParsedFeed:
    """Parse a feed document (CPU-bound: call it off the event loop).

    Raises:
        FeedError: the document is not a feed, or is unsafe to parse.
    """
    if _DOCTYPE.search(body[:4096]):
        raise FeedError(url, "the feed declares a DTD or entities, which is refused for safety")
    parsed: Any = feedparser.parse(io.BytesIO(body), sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(url, f"not a readable RSS/Atom feed ({type(reason).__name__})"
                        if reason else "not a readable RSS/Atom feed")
    feed_lang = _lang_code(parsed.feed.get("language")) or default_lang
    entries = [e for e in (_entry(raw, url, fetched_at, feed_lang) for raw in parsed.entries) if e]
    problem = parsed.get("bozo_exception")
    if not entries and parsed.get("bozo") and not isinstance(
            problem, feedparser.CharacterEncodingOverride):
        where = getattr(problem, "getLineNumber", lambda: None)()
        at = f" at line {where}" if where else ""
        raise FeedError(url, f"the feed is not well-formed XML{at}: {problem}")
    return ParsedFeed(html_to_text(parsed.feed.get("title", "")) or url, feed_lang, entries)


def _entry(raw: Any, feed_url: str, fetched_at: datetime,
           feed_lang: str | None) -> ParsedEntry | None:
    link = str(raw.get("link") or "").strip()
    title = html_to_text(raw.get("title", ""))
    if not title or not safe_link(link):
        return None
    body = ""
    if raw.get("content"):
        body = max((c.get("value", "") for c in raw.content), key=len)
    body = body or raw.get("summary", "") or raw.get("description", "")
    text = html_to_text(body)
    published, estimated = _published(raw, fetched_at)
    lang = _lang_code(raw.get("language")) or feed_lang or detect_lang(f"{title} {text}")
    return ParsedEntry(
        guid=str(raw.get("id") or link), url=link, title=title, text=text,
        published=published, date_estimated=estimated, lang=lang,
    )


def _published(raw: Any, fetched_at: datetime) -> tuple[datetime, bool]:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            year, month, day, hour, minute, second = value[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC), False
    return fetched_at, True


def _lang_code(value: Any) -> str | None:
    code = str(value or "").lower()[:2]
    return code if code in ("ja", "en") else None


def safe_link(link: str) -> bool:
    """Only http(s) links are shown to readers (feedparser lets ``javascript:`` through)."""
    return link.startswith(("http://", "https://"))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Reduce entry HTML to clean text: tags dropped, entities decoded, spaces folded."""
    if "<" not in html and "&" not in html:
        return re.sub(r"[ \t\r\f\v]+", " ", html).strip()
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "".join(extractor.parts)
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
