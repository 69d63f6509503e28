"""Parse feed bytes into plain entries: feedparser for RSS/RDF/Atom, ``json`` for JSON Feed.

feedparser is given a BytesIO (a bytes or str argument may be treated as a path or URL and
opened). We pick the character encoding ourselves (BOM, XML declaration, strict UTF-8,
HTTP charset, then the Japanese legacy encodings), because a server that labels a
Shift_JIS feed as ISO-8859-1 would otherwise give mojibake. A document type declaration is
refused before any XML parser sees it: entities (billion laughs, external entities) can
only be declared there.
"""

from __future__ import annotations

import codecs
import html
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import feedparser

from bot.errors import FeedError
from bot.text.inert import strip_controls
from bot.text.sentences import detect_lang

if TYPE_CHECKING:
    from bot.news.fingerprint import Fingerprint

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_XML_DECL_ANY = re.compile(r"^\s*<\?xml[^>]*\?>")
_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_FALLBACKS = ("cp932", "euc_jp")
_JSON_FEED = "https://jsonfeed.org/version/"
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
    #: Other links the entry holds (aggregator entries: the publisher's link may be here).
    links: tuple[str, ...] = ()
    #: The outlet when the entry names one (aggregators, syndication).
    outlet: str | None = None
    #: Dedup and story features, computed beside the parser for on-topic entries (None:
    #: off topic, or the text changed since, as when the full text was fetched).
    fingerprint: Fingerprint | None = None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    lang: str | None
    entries: list[ParsedEntry]


def decode_document(body: bytes, content_type: str | None = None) -> str:
    """Decode feed bytes to text, trying the likely encodings strictly in order."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    head = body[:200].decode("ascii", errors="replace")
    candidates: list[str] = []
    declared = _XML_DECL.match(head)
    if declared:
        candidates.append(declared.group(1))
    candidates.append("utf-8")
    header = _CHARSET.search(content_type or "")
    label = header.group(1) if header else None
    # A single-byte label never fails to decode, so it is tried after the Japanese ones:
    # servers often send a default ISO-8859-1 label for Shift_JIS feeds.
    weak = label is not None and label.lower().replace("_", "-").startswith(
        ("iso-8859", "latin", "windows-125", "cp125", "us-ascii", "ascii"))
    if label and not weak:
        candidates.append(label)
    candidates.extend(_FALLBACKS)
    if label and weak:
        candidates.append(label)
    for name in candidates:
        try:
            encoding = codecs.lookup(name).name
            if encoding in ("shift_jis", "cp932", "ms932"):
                encoding = "cp932"  # the superset Japanese sites actually use
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def refuse_dtd(text: str, url: str) -> None:
    """Refuse a document whose prolog holds a DOCTYPE (where entities would be declared).

    Raises:
        FeedError: the document declares a DTD.
    """
    pos = 0
    while True:
        skipped = _PROLOG_SKIP.match(text, pos)
        if not skipped or skipped.end() == pos:
            break
        pos = skipped.end()
    if text.startswith("<!", pos) and text[pos:pos + 9].upper() == "<!DOCTYPE":
        raise FeedError(url, "the feed declares a DTD or entities, which is refused for safety")
    if "<!ENTITY" in text[:65536]:
        raise FeedError(url, "the feed declares a DTD or entities, which is refused for safety")


def parse_feed(body: bytes, *, url: str, fetched_at: datetime,
               default_lang: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document (CPU-bound: call it off the event loop).

    Raises:
        FeedError: the document is not a feed, or is unsafe to parse.
    """
    text = decode_document(body, content_type)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return parse_json_feed(stripped, url=url, fetched_at=fetched_at,
                               default_lang=default_lang)
    refuse_dtd(text, url)
    # Hand feedparser UTF-8 with a matching declaration: the decision is already made.
    # Its HTML sanitiser and URI resolver are off: entry HTML is reduced to plain text here
    # (scripts and styles dropped, only absolute http(s) links kept), never shown as HTML,
    # and those two passes cost half of feedparser's time. Entry links are still resolved.
    utf8 = _XML_DECL_ANY.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    parsed: Any = feedparser.parse(
        io.BytesIO(utf8.encode("utf-8")), sanitize_html=False, resolve_relative_uris=False,
        response_headers={"content-type": "application/xml; charset=utf-8"})
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
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


def parse_json_feed(text: str, *, url: str, fetched_at: datetime,
                    default_lang: str | None = None) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (feedparser does not read it).

    Raises:
        FeedError: not JSON, or not a JSON Feed.
    """
    try:
        doc = json.loads(text)
    except ValueError:
        raise FeedError(url, "not a readable feed (invalid JSON)") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(_JSON_FEED):
        raise FeedError(url, "not a readable feed (JSON, but not a JSON Feed)")
    feed_lang = _lang_code(doc.get("language")) or default_lang
    raw_items = doc.get("items")
    items: list[Any] = raw_items if isinstance(raw_items, list) else []
    entries: list[ParsedEntry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "").strip()
        title = html_to_text(str(item.get("title") or ""))
        body = str(item.get("content_html") or "") or html.escape(
            str(item.get("content_text") or item.get("summary") or ""))
        text_ = html_to_text(body)
        if not title:
            title = text_[:80]
        if not title or not safe_link(link):
            continue
        published, estimated = _iso_date(item.get("date_published") or item.get(
            "date_modified"), fetched_at)
        lang = _lang_code(item.get("language")) or feed_lang or detect_lang(f"{title} {text_}")
        authors = item.get("authors") or doc.get("authors") or []
        entries.append(ParsedEntry(
            guid=str(item.get("id") or link), url=link, title=title, text=text_,
            published=published, date_estimated=estimated, lang=lang,
            links=_hrefs(body), outlet=_first_name(authors)))
    return ParsedFeed(html_to_text(str(doc.get("title") or "")) or url, feed_lang, entries)


def _iso_date(value: Any, fetched_at: datetime) -> tuple[datetime, bool]:
    try:
        when = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return fetched_at, True
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)), False


def _first_name(authors: Any) -> str | None:
    if isinstance(authors, list):
        for author in authors:
            if isinstance(author, dict) and author.get("name"):
                return str(author["name"])
    return None


_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _hrefs(html_text: str) -> tuple[str, ...]:
    return tuple(h for h in _HREF.findall(html_text)[:20] if safe_link(h))


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
    links = tuple(str(x.get("href")) for x in raw.get("links", []) if safe_link(
        str(x.get("href") or ""))) + _hrefs(body)
    source = raw.get("source") or {}
    outlet = html_to_text(str(source.get("title") or "")) or None
    return ParsedEntry(
        guid=str(raw.get("id") or link), url=link, title=title, text=text,
        published=published, date_estimated=estimated, lang=lang, links=links, outlet=outlet,
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
    low = link.strip().lower()
    return low.startswith(("http://", "https://")) and not any(c in link for c in "\r\n\t ")


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
    """Reduce entry HTML to clean text: tags dropped, entities decoded, spaces folded,
    invisible and bidi characters removed (before storing: see ``bot.text.inert``)."""
    if "<" not in html and "&" not in html:
        return strip_controls(re.sub(r"[ \t\r\f\v]+", " ", html)).strip()
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = strip_controls("".join(extractor.parts))  # after entities: &#8203; is one too
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
