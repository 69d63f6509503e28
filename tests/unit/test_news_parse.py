"""Parsing: every feed format, Japanese encodings, unsafe documents, links and dates."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime

import pytest

from bot.errors import FeedError
from bot.news.normalize import canonical_url, split_outlet, unwrap_link
from bot.news.parse import parse_feed

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

RDF = """<?xml version="1.0" encoding="{enc}"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://cnn.example/"><title>CNN風</title><link>https://cnn.example/</link>
<description>x</description><dc:language>ja</dc:language></channel>
<item rdf:about="https://cnn.example/a1"><title>ウクライナ停戦協議が再開</title>
<link>https://cnn.example/a1</link><description>ロシアとウクライナの協議。</description>
<dc:date>2025-03-12T07:50:00+09:00</dc:date></item>
</rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><id>tag:x,2025:1</id><title type="html">Talks &lt;b&gt;resume&lt;/b&gt;</title>
<link href="javascript:alert(1)"/><updated>2025-03-12T00:00:00Z</updated></entry>
<entry><id>tag:x,2025:2</id><title>Ceasefire holds</title>
<link href="https://atom.example/2"/>
<content type="html">&lt;p&gt;First.&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;
&lt;p&gt;Second &amp;amp; last.&lt;/p&gt;&lt;style&gt;p {color: red}&lt;/style&gt;
&lt;a href="javascript:steal()"&gt;&lt;/a&gt;&lt;a href="/relative"&gt;&lt;/a&gt;
&lt;a href="https://publisher.example/a"&gt;&lt;/a&gt;</content>
</entry></feed>"""


def test_rdf_in_japanese_encodings_and_bom() -> None:
    for enc in ("utf-8", "shift_jis", "euc-jp"):
        body = RDF.format(enc=enc).encode(enc)
        feed = parse_feed(body, url="x", fetched_at=NOW)
        assert feed.title == "CNN風" and feed.lang == "ja"
        entry = feed.entries[0]
        assert entry.title == "ウクライナ停戦協議が再開" and not entry.date_estimated
        assert entry.published == datetime(2025, 3, 11, 22, 50, tzinfo=UTC)
    bom = codecs.BOM_UTF8 + RDF.format(enc="utf-8").encode()
    assert parse_feed(bom, url="x", fetched_at=NOW).entries[0].title == "ウクライナ停戦協議が再開"
    # Declared UTF-8 but actually Shift_JIS, and a header that lies too.
    lying = RDF.format(enc="utf-8").encode("shift_jis")
    feed = parse_feed(lying, url="x", fetched_at=NOW, content_type="text/xml; charset=latin-1")
    assert feed.entries[0].title == "ウクライナ停戦協議が再開"


def test_atom_drops_javascript_links_and_cleans_html() -> None:
    feed = parse_feed(ATOM.encode(), url="x", fetched_at=NOW)
    assert [e.url for e in feed.entries] == ["https://atom.example/2"]
    entry = feed.entries[0]
    assert entry.text == "First.\nSecond & last." and "evil" not in entry.text
    # Only absolute http(s) links survive, from the entry and from its HTML.
    assert entry.links == ("https://atom.example/2", "https://publisher.example/a")
    assert entry.date_estimated and entry.published == NOW


def test_json_feed_1_1() -> None:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON Wire",
           "language": "en-US", "authors": [{"name": "JSON Wire Staff"}],
           "items": [
               {"id": "1", "url": "https://json.example/1", "title": "Truce talks",
                "content_html": "<p>Kyiv &amp; Moscow</p>",
                "date_published": "2025-03-11T19:40:00Z"},
               {"id": "2", "url": "javascript:alert(1)", "title": "bad"},
               {"id": "3", "url": "https://json.example/3", "content_text": "No title here"},
           ]}
    feed = parse_feed(json.dumps(doc).encode(), url="x", fetched_at=NOW)
    assert feed.title == "JSON Wire" and feed.lang == "en"
    assert [e.url for e in feed.entries] == ["https://json.example/1", "https://json.example/3"]
    first = feed.entries[0]
    assert first.text == "Kyiv & Moscow" and first.outlet == "JSON Wire Staff"
    assert first.published == datetime(2025, 3, 11, 19, 40, tzinfo=UTC)
    assert feed.entries[1].title == "No title here" and feed.entries[1].date_estimated
    with pytest.raises(FeedError, match="not a JSON Feed"):
        parse_feed(b'{"version": "2"}', url="x", fetched_at=NOW)


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><rss/>',
    b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c --><?pi x?><!DOCTYPE rss SYSTEM "x.dtd"><rss/>',
    # Hidden after a second byte-order mark and a long comment (issue 13).
    "\ufeff\ufeff<!--{}-->\n<!DOCTYPE r [<!ENTITY a \"bbbb\"><!ENTITY b \"&a;&a;&a;\">]>"
    "<rss><channel><title>&b;</title><item><title>ceasefire &b;</title>"
    "<link>https://x.example/1</link></item></channel></rss>".format("c" * 100_000).encode(),
    '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r><rss/>'.encode("utf-16"),
])
def test_documents_with_a_dtd_are_refused(body: bytes) -> None:
    with pytest.raises(FeedError, match="refused for safety"):
        parse_feed(body, url="x", fetched_at=NOW)


def test_google_news_links_are_unwrapped_and_outlets_split() -> None:
    wrapped = "https://news.google.com/rss/articles/CBMiabc?oc=5"
    assert unwrap_link(wrapped, ["https://news.google.com/x",
                                 "https://www.bbc.com/news/articles/c1"]) == (
        "https://www.bbc.com/news/articles/c1")
    assert unwrap_link("https://news.google.com/news/url?sa=t&url=https://kyiv.example/a"
                       ) == "https://kyiv.example/a"
    assert unwrap_link(wrapped) == wrapped
    assert split_outlet("Talks resume in Riyadh - Reuters", "Reuters") == (
        "Talks resume in Riyadh", "Reuters")
    assert split_outlet("Kyiv - a city at war", "Reuters") == ("Kyiv - a city at war", "Reuters")
    assert canonical_url("HTTPS://Example.com:443/a?utm_source=x&id=3&fbclid=y#frag") == (
        "https://example.com/a?id=3")


def test_html_pages_are_not_feeds_and_bare_ampersands_survive_recovery() -> None:
    with pytest.raises(FeedError, match="not a feed: this is an HTML page"):
        parse_feed(b"<!DOCTYPE html><html><body><p>Ukraine ceasefire</p></body></html>",
                   url="x", fetched_at=NOW)
    parsed = parse_feed(b"<rss version='2.0'><channel><title>AT&T wire</title><item><title>"
                        b"Ukraine & Russia ceasefire</title><link>https://x.example/1</link>"
                        b"</item></channel></rss>", url="x", fetched_at=NOW)
    assert parsed.title == "AT&T wire"
    assert parsed.entries[0].title == "Ukraine & Russia ceasefire"
