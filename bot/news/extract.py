"""Optional full text: when an entry carries only a teaser, read the article page.

The page is fetched with the same limits as feeds (timeout, size cap, redirects, SSRF guard
for user-added feeds), because trafilatura has no timeout of its own and must never fetch.
Extraction is CPU-bound and runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

from bot.errors import FeedError
from bot.news.fetch import FetchLimits, HostSlots, fetch_feed
from bot.news.parse import ParsedEntry, ParsedFeed, decode_document

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)

#: Entries with less text than this are teasers.
TEASER_CHARS = 400
#: At most this many pages per feed and poll.
MAX_PAGES = 10


def extract_text(html: bytes, *, content_type: str | None = None) -> str | None:
    """Main text of an article page, or None."""
    import trafilatura

    text = trafilatura.extract(decode_document(html, content_type), include_comments=False,
                               include_tables=False, favor_precision=True)
    return text.strip() if text else None


async def fetch_full_texts(http: aiohttp.ClientSession, parsed: ParsedFeed, *,
                           limits: FetchLimits, guard_hosts: tuple[str, ...] | None,
                           slots: HostSlots | None = None) -> ParsedFeed:
    """Replace teaser texts with the article's extracted text where that works."""
    teasers = [e for e in parsed.entries if len(e.text) < TEASER_CHARS][:MAX_PAGES]
    if not teasers:
        return parsed

    async def one(entry: ParsedEntry) -> ParsedEntry:
        try:
            page = await fetch_feed(http, entry.url, limits=limits, guard_hosts=guard_hosts,
                                    slots=slots, accept="text/html, */*;q=0.5")
        except FeedError as exc:
            log.info("full text of %s not fetched: %s", entry.url, exc)
            return entry
        text = await asyncio.to_thread(extract_text, page.body, content_type=page.content_type)
        if not text or len(text) <= len(entry.text):
            return entry
        return dataclasses.replace(entry, text=text, fingerprint=None)  # of the teaser

    replaced = {id(e): r for e, r in zip(teasers, await asyncio.gather(*map(one, teasers)),
                                         strict=True)}
    return dataclasses.replace(parsed, entries=[replaced.get(id(e), e) for e in parsed.entries])
