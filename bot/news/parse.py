"""Parse feed bytes into plain entries: feedparser for RSS/RDF/Atom, ``json`` for JSON Feed.

feedparser is given a BytesIO (a bytes or str argument may be treated as a path or URL and
opened). We pick the character encoding ourselves (BOM, XML declaration, strict UTF-8,
HTTP charset, then the Japanese legacy encodings), because a server that labels a
Shift_JIS feed as ISO-8859-1 would otherwise give mojibake. XML is first read by lxml with
entities and network off (``bot.news.xmlsafe``): a document type declaration is refused
there, and feedparser only sees lxml's bounded re-serialisation. Titles and texts are
capped after text reduction.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from bot.errors import FeedError
from bot.news.shapes import Fingerprint
from bot.news.xmlsafe import MAX_ENTRIES, MAX_NODE_CHARS, safe_feed_xml
from bot.text.inert import strip_controls
from bot.text.sentences import detect_lang

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_XML_DECL_ANY = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_FALLBACKS = ("cp932", "euc_jp")
_JSON_FEED = "https://jsonfeed.org/version/"
_LEADING_JUNK = "\ufeff\u200b \t\r\n"
_BARE_AMP = re.compile(r"&(?!#?[A-Za-z0-9_.:-]+;)")
#: Field caps after text reduction, in characters.
TITLE_CHARS = 1024
TEXT_CHARS = 200 * 1024
OUTLET_CHARS = 200
#: The store's URL and guid columns.
MAX_URL_CHARS = 2048
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


def parse_feed(body: bytes, *, url: str, fetched_at: datetime,
               default_lang: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document (CPU-bound: call it off the event loop).

    Raises:
        FeedError: the document is not a feed, or is unsafe to parse.
    """
    # Stray byte-order marks before the document are not XML; a parser stops at them.
    text = decode_document(body, content_type).lstrip(_LEADING_JUNK)
    if text.startswith("{"):
        return parse_json_feed(text, url=url, fetched_at=fetched_at,
                               default_lang=default_lang)
    # The encoding is decided: lxml reads UTF-8 with a matching declaration, refuses a DTD
    # and bounds the document; feedparser only ever sees lxml's serialisation of it.
    utf8 = _XML_DECL_ANY.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    del text
    # A bare "&" (AT&T) is a common slip; escaped, it survives lxml's recovery as text.
    utf8 = _BARE_AMP.sub("&amp;", utf8)
    safe, recovered = safe_feed_xml(utf8.encode("utf-8"), url=url)
    del utf8
    # Imported here: a process that never parses a feed (`ask`, `brief`) skips it (~30 ms).
    import feedparser

    # Its HTML sanitiser and URI resolver are off: entry HTML is reduced to plain text here
    # (scripts and styles dropped, only absolute http(s) links kept), never shown as HTML,
    # and those two passes cost half of feedparser's time. Entry links are still resolved.
    parsed: Any = feedparser.parse(
        io.BytesIO(safe), sanitize_html=False, resolve_relative_uris=False,
        response_headers={"content-type": "application/xml; charset=utf-8"})
    del safe
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception")
        raise FeedError(url, f"not a readable RSS/Atom feed ({type(reason).__name__})"
                        if reason else "not a readable RSS/Atom feed")
    feed_lang = _lang_code(parsed.feed.get("language")) or default_lang
    entries = [e for e in (_entry(raw, url, fetched_at, feed_lang) for raw in parsed.entries) if e]
    if not entries and recovered:
        raise FeedError(url, f"not a readable RSS/Atom feed (not well-formed XML at {recovered})")
    problem = parsed.get("bozo_exception")
    if not entries and parsed.get("bozo") and not isinstance(
            problem, feedparser.CharacterEncodingOverride):
        where = getattr(problem, "getLineNumber", lambda: None)()
        at = f" at line {where}" if where else ""
        raise FeedError(url, f"the feed is not well-formed XML{at}: {problem}")
    return ParsedFeed(capped(html_to_text(parsed.feed.get("title", "")), TITLE_CHARS) or url,
                      feed_lang, entries)


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
    items: list[Any] = raw_items[:MAX_ENTRIES] if isinstance(raw_items, list) else []
    entries: list[ParsedEntry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "").strip()
        title = capped(html_to_text(str(item.get("title") or "")[:MAX_NODE_CHARS]),
                       TITLE_CHARS)
        body = str(item.get("content_html") or "")[:MAX_NODE_CHARS] or html.escape(
            str(item.get("content_text") or item.get("summary") or "")[:MAX_NODE_CHARS])
        text_ = capped(html_to_text(body), TEXT_CHARS)
        if not title:
            title = text_[:80]
        if not title or not safe_link(link):
            continue
        published, estimated = _iso_date(item.get("date_published") or item.get(
            "date_modified"), fetched_at)
        lang = _lang_code(item.get("language")) or feed_lang or detect_lang(f"{title} {text_}")
        authors = item.get("authors") or doc.get("authors") or []
        entries.append(ParsedEntry(
            guid=bounded_guid(str(item.get("id") or link)), url=link, title=title, text=text_,
            published=published, date_estimated=estimated, lang=lang,
            links=_hrefs(body), outlet=_first_name(authors)))
    return ParsedFeed(capped(html_to_text(str(doc.get("title") or "")[:MAX_NODE_CHARS]),
                             TITLE_CHARS) or url, feed_lang, entries)


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
    title = capped(html_to_text(raw.get("title", "")), TITLE_CHARS)
    if not title or not safe_link(link):
        return None
    body = ""
    if raw.get("content"):
        body = max((c.get("value", "") for c in raw.content), key=len)
    body = body or raw.get("summary", "") or raw.get("description", "")
    text = capped(html_to_text(body), TEXT_CHARS)
    published, estimated = _published(raw, fetched_at)
    lang = _lang_code(raw.get("language")) or feed_lang or detect_lang(f"{title} {text}")
    links = tuple(str(x.get("href")) for x in raw.get("links", []) if safe_link(
        str(x.get("href") or ""))) + _hrefs(body)
    source = raw.get("source") or {}
    outlet = capped(html_to_text(str(source.get("title") or "")), OUTLET_CHARS) or None
    return ParsedEntry(
        guid=bounded_guid(str(raw.get("id") or link)), url=link, title=title, text=text,
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
    """Only http(s) links are shown to readers (feedparser lets ``javascript:`` through),
    and only those that fit the store's URL column."""
    low = link.strip().lower()
    return (low.startswith(("http://", "https://")) and len(link) <= MAX_URL_CHARS
            and not any(c in link for c in "\r\n\t "))


def capped(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (after text reduction), marked with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def bounded_guid(guid: str) -> str:
    """A guid that fits the store's column: a long one is replaced by its digest."""
    if len(guid) <= MAX_URL_CHARS:
        return guid
    return "sha256:" + hashlib.sha256(guid.encode("utf-8", "replace")).hexdigest()


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
