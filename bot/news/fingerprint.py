"""What dedup and story grouping need to know of an entry, computed where the feed is
parsed.

Shingling and hashing a report (near-duplicates) and scanning it for story features cost
more than parsing it. Done next to the parser, in worker processes for big polls, that
work uses every core and stays off the event loop; the store step, which must run in
order, only looks the results up.
"""

from __future__ import annotations

import dataclasses

from bot.news.dedup import signature
from bot.news.normalize import canonical_url, split_outlet, unwrap_link
from bot.news.parse import ParsedEntry, ParsedFeed
from bot.news.shapes import Fingerprint
from bot.news.stories import get_features
from bot.text.topic import Topic


def fingerprint(entry: ParsedEntry) -> Fingerprint:
    title, outlet = split_outlet(entry.title, entry.outlet)
    body = f"{title}\n{entry.text}"
    return Fingerprint(canonical_url(unwrap_link(entry.url, entry.links)), title, outlet,
                       signature(body, entry.lang).tobytes(),
                       tuple(get_features(body, entry.published).weights))


def entry_fingerprint(entry: ParsedEntry) -> Fingerprint:
    """The entry's fingerprint: the one computed with it, or computed now."""
    return entry.fingerprint if entry.fingerprint is not None else fingerprint(entry)


def fingerprint_feed(parsed: ParsedFeed, topic: Topic) -> ParsedFeed:
    """The feed with its on-topic entries fingerprinted (off-topic ones are not stored,
    so they are not worth hashing)."""
    return dataclasses.replace(parsed, entries=[
        dataclasses.replace(entry, fingerprint=entry_fingerprint(entry))
        if topic.matches(f"{entry.title}\n{entry.text}") else entry
        for entry in parsed.entries])
