"""Untrusted feed XML -> a safe, bounded document, decided by a parser (not a text scan).

libxml2 (through lxml) parses the document with entity substitution, DTD loading and
network access off, in recovery mode so that the sloppy XML real feeds serve still reads.
A document type declaration anywhere the parser finds one is refused (entities can only
be declared there). What feedparser then reads is lxml's own serialisation of the tree:
no DTD can reach it, at most ``MAX_ENTRIES`` entries, and no text node longer than
``MAX_NODE_CHARS`` (so a 4 MB title costs kilobytes later, not gigabytes).
"""

from __future__ import annotations

from lxml import etree

from bot.errors import FeedError

#: Entries kept per feed (feeds list the newest first); the rest are dropped unread.
MAX_ENTRIES = 500
#: Characters kept of any one text node before text reduction (titles and texts are
#: capped again after reduction, in ``bot.news.parse``).
MAX_NODE_CHARS = 256 * 1024
#: RSS items and Atom entries, in any namespace (RSS 1.0 and Atom have one).
_ENTRY_TAGS = ("{*}item", "{*}entry")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, attribute_defaults=False, recover=True,
                           huge_tree=False, remove_pis=True, collect_ids=False)


def local_name(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def safe_feed_xml(document: bytes, *, url: str) -> tuple[bytes, str | None]:
    """Parse ``document`` (UTF-8 XML) safely and return it re-serialised, bounded, with
    the first well-formedness error the parser recovered from (None if there was none).

    Raises:
        FeedError: an HTML page, a DTD, or nothing a parser can read as XML.
    """
    parser = _parser()
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        head = document[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise FeedError(url, "not a feed: this is an HTML page (look on it for the "
                            "RSS or Atom link)")
        raise FeedError(url, "not a readable RSS/Atom feed (not well-formed XML)")
    if local_name(root.tag) == "html":
        raise FeedError(url, "not a feed: this is an HTML page (look on it for the RSS or "
                        "Atom link)")
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise FeedError(url, "the feed declares a DTD or entities, which is refused for safety")
    bound_tree(root)
    errors = list(parser.error_log)
    problem = f"line {errors[0].line}: {errors[0].message}" if errors else None
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True)), problem


def bound_tree(root: etree._Element) -> None:
    """Drop entries past ``MAX_ENTRIES`` and cut text nodes to ``MAX_NODE_CHARS``."""
    entries = list(root.iter(*_ENTRY_TAGS))
    for element in entries[MAX_ENTRIES:]:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    del entries
    for element in root.iter(etree.Element):
        if element.text is not None and len(element.text) > MAX_NODE_CHARS:
            element.text = element.text[:MAX_NODE_CHARS]
        if element.tail is not None and len(element.tail) > MAX_NODE_CHARS:
            element.tail = element.tail[:MAX_NODE_CHARS]
