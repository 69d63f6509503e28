"""Redirects followed by hand, hop by hop (issue 18: the mutants of ``fetch._follow``).

A loopback feed server answers; the session is the guarded one (its resolver is a fixed
table: ``feeds.test`` is allow-listed and resolves to 127.0.0.1, ``evil.test`` resolves
there too but is not allow-listed). Checked: which statuses are redirects, relative
locations, the redirect limit to the hop, loops, what every hop sends, what the result
carries, that every hop passes the guard (private addresses, other schemes, names), that
one deadline covers the whole chain, and that a hop holds its host's slot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.errors import FeedError
from bot.news.fetch import Fetched, FetchLimits, HostSlots, fetch_feed
from bot.news.guard import StaticResolver, guarded_connector
from tests.feedserver import FeedServer, Handler, redirect, start_feed_server

ALLOWED = ("feeds.test",)
BODY = b"<rss version='2.0'><channel><title>ok</title></channel></rss>"


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    fs = await start_feed_server()
    fs.route("/feed.rss", feed())
    yield fs
    await fs.server.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    resolver = StaticResolver({"feeds.test": "127.0.0.1", "evil.test": "127.0.0.1"})
    connector = guarded_connector(resolver=resolver, allow_hosts=ALLOWED, limit=4)
    async with aiohttp.ClientSession(connector=connector) as session:
        yield session


def feed() -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(body=BODY, headers={
            "Content-Type": "application/rss+xml; charset=utf-8", "ETag": '"v7"',
            "Last-Modified": "Tue, 10 Mar 2026 12:00:00 GMT"})
    return handle


def answer(status: int, headers: dict[str, str]) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers=headers, body=b"not the feed")
    return handle


def at(server: FeedServer, path: str) -> str:
    return server.url(path, host="feeds.test")


async def get(http: aiohttp.ClientSession, url: str, *, redirects: int = 5,
              deadline: float = 5.0, guard: tuple[str, ...] | None = ALLOWED,
              **kwargs: object) -> Fetched:
    limits = FetchLimits(timeout_seconds=deadline, max_redirects=redirects)
    return await fetch_feed(http, url, limits=limits, guard_hosts=guard, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
async def test_every_redirect_status_is_followed_and_the_result_is_the_last_hop(
        server: FeedServer, http: aiohttp.ClientSession, code: int) -> None:
    server.route("/old.rss", redirect(at(server, "/feed.rss"), code))
    fetched = await get(http, at(server, "/old.rss"))
    assert fetched == Fetched(at(server, "/feed.rss"), 200, BODY,
                              "application/rss+xml; charset=utf-8", '"v7"',
                              "Tue, 10 Mar 2026 12:00:00 GMT")
    assert server.hits["/feed.rss"] == 1


@pytest.mark.parametrize(("code", "headers"), [
    (300, {"Location": "/feed.rss"}), (304, {"Location": "/feed.rss"}),
    (200, {"Location": "/feed.rss"}), (302, {}), (301, {}),
])
async def test_other_answers_with_or_without_a_location_are_not_followed(
        server: FeedServer, http: aiohttp.ClientSession, code: int,
        headers: dict[str, str]) -> None:
    server.route("/odd.rss", answer(code, headers))
    fetched = await get(http, at(server, "/odd.rss"))
    assert fetched.status == code and fetched.url == at(server, "/odd.rss")
    assert server.hits["/feed.rss"] == 0


@pytest.mark.parametrize("location", ["/feed.rss", "feed.rss", "../feed.rss", "./feed.rss",
                                      "//feeds.test:{port}/feed.rss"])
async def test_relative_locations_are_resolved_against_the_hop(
        server: FeedServer, http: aiohttp.ClientSession, location: str) -> None:
    server.route("/dir/old.rss", redirect(location.format(port=server.server.port)))
    server.route("/dir/feed.rss", feed())
    fetched = await get(http, at(server, "/dir/old.rss"))
    assert fetched.status == 200 and fetched.body == BODY
    assert fetched.url.startswith(at(server, "/"))


def chain(server: FeedServer, hops: int) -> str:
    """``/c{hops}`` redirects to ``/c{hops-1}`` ... ``/c1`` to the feed."""
    for n in range(1, hops + 1):
        target = "/feed.rss" if n == 1 else f"/c{n - 1}"
        server.route(f"/c{n}", redirect(at(server, target)))
    return at(server, f"/c{hops}" if hops else "/feed.rss")


@pytest.mark.parametrize("limit", [0, 1, 3])
async def test_exactly_max_redirects_are_followed(
        server: FeedServer, http: aiohttp.ClientSession, limit: int) -> None:
    fetched = await get(http, chain(server, limit), redirects=limit)
    assert fetched.body == BODY and fetched.url == at(server, "/feed.rss")
    server.hits.clear()
    start = chain(server, limit + 1)
    with pytest.raises(FeedError, match=rf"^too many redirects \(more than {limit}\)$") as err:
        await get(http, start, redirects=limit)
    assert err.value.url == start
    assert server.hits["/feed.rss"] == 0 and sum(server.hits.values()) == limit + 1


async def test_loops_are_refused_wherever_they_close(
        server: FeedServer, http: aiohttp.ClientSession) -> None:
    server.route("/self.rss", redirect(at(server, "/self.rss"), 301))
    with pytest.raises(FeedError, match=r"^the feed redirects in a loop$") as err:
        await get(http, at(server, "/self.rss"))
    assert (err.value.status, err.value.url) == (301, at(server, "/self.rss"))
    assert server.hits["/self.rss"] == 1
    # a -> b -> c -> b: the loop does not include the first address.
    server.route("/a", redirect(at(server, "/b"), 307))
    server.route("/b", redirect(at(server, "/c"), 307))
    server.route("/c", redirect(at(server, "/b"), 308))
    with pytest.raises(FeedError, match="in a loop") as err:
        await get(http, at(server, "/a"), redirects=10)
    assert (err.value.status, err.value.url) == (308, at(server, "/a"))
    assert [server.hits[p] for p in ("/a", "/b", "/c")] == [1, 1, 1]


async def test_every_hop_sends_the_same_headers_and_a_304_keeps_the_validators(
        server: FeedServer, http: aiohttp.ClientSession) -> None:
    server.route("/old.rss", redirect(at(server, "/cached.rss")))
    server.route("/cached.rss", answer(304, {}))
    limits = FetchLimits(user_agent="probe/9")
    fetched = await fetch_feed(http, at(server, "/old.rss"), limits=limits, etag='"v6"',
                               last_modified="Mon, 09 Mar 2026 08:00:00 GMT",
                               guard_hosts=ALLOWED, accept="application/rss+xml")
    assert fetched == Fetched(at(server, "/cached.rss"), 304, b"", None, '"v6"',
                              "Mon, 09 Mar 2026 08:00:00 GMT")
    assert fetched.not_modified
    for path in ("/old.rss", "/cached.rss"):
        (sent,) = server.headers[path]
        assert sent["User-Agent"] == "probe/9" and sent["Accept"] == "application/rss+xml"
        assert sent["If-None-Match"] == '"v6"'
        assert sent["If-Modified-Since"] == "Mon, 09 Mar 2026 08:00:00 GMT"


@pytest.mark.parametrize(("code", "retry_after"), [(400, None), (404, None), (429, 30.0),
                                                   (503, 2.5)])
async def test_an_error_after_a_redirect_names_the_first_address_and_the_status(
        server: FeedServer, http: aiohttp.ClientSession, code: int,
        retry_after: float | None) -> None:
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    server.route("/bad.rss", answer(code, headers))
    server.route("/old.rss", redirect(at(server, "/bad.rss")))
    with pytest.raises(FeedError, match=f"^the server answered HTTP {code}$") as err:
        await get(http, at(server, "/old.rss"))
    assert (err.value.url, err.value.status, err.value.retry_after) == (
        at(server, "/old.rss"), code, retry_after)


async def test_a_body_over_the_cap_after_a_redirect_names_the_first_address(
        server: FeedServer, http: aiohttp.ClientSession) -> None:
    server.route("/old.rss", redirect(at(server, "/feed.rss")))
    fetched = await fetch_feed(http, at(server, "/old.rss"),
                               limits=FetchLimits(max_bytes=len(BODY)), guard_hosts=ALLOWED)
    assert fetched.body == BODY
    with pytest.raises(FeedError, match="larger than the 0 KB limit") as err:
        await fetch_feed(http, at(server, "/old.rss"), limits=FetchLimits(max_bytes=10),
                         guard_hosts=ALLOWED)
    assert err.value.url == at(server, "/old.rss")


async def test_a_399_is_an_answer_not_an_error(server: FeedServer,
                                               http: aiohttp.ClientSession) -> None:
    server.route("/odd.rss", answer(399, {}))
    assert (await get(http, at(server, "/odd.rss"))).status == 399


@pytest.mark.parametrize(("target", "reason"), [
    ("http://127.0.0.1:{port}/feed.rss", "127.0.0.1 is a private or local address"),
    ("http://[::ffff:127.0.0.1]:{port}/feed.rss", "127.0.0.1 is a private or local"),
    ("http://2130706433:{port}/feed.rss", "127.0.0.1 is a private or local"),
    ("http://localhost:{port}/feed.rss", "localhost is a private or local"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a private"),
    ("file:///etc/passwd", "only http:// and https://"),
    ("ftp://feeds.test/feed.rss", "only http:// and https://"),
])
async def test_every_hop_passes_the_guard(server: FeedServer, http: aiohttp.ClientSession,
                                          target: str, reason: str) -> None:
    hop = target.format(port=server.server.port)
    server.route("/old.rss", redirect(hop))
    with pytest.raises(FeedError, match=reason) as err:
        await get(http, at(server, "/old.rss"))
    assert err.value.url == hop  # the error names the hop refused
    assert server.hits["/old.rss"] == 1 and server.hits["/feed.rss"] == 0


async def test_a_hop_to_a_name_that_is_not_allow_listed_never_connects_privately(
        server: FeedServer, http: aiohttp.ClientSession) -> None:
    server.route("/old.rss", redirect(server.url("/feed.rss", host="evil.test")))
    with pytest.raises(FeedError, match="could not connect"):
        await get(http, at(server, "/old.rss"))
    assert server.hits["/old.rss"] == 1 and server.hits["/feed.rss"] == 0


async def test_a_trusted_url_is_not_guarded(server: FeedServer,
                                            http: aiohttp.ClientSession) -> None:
    """An operator's own feed (no allow-list given) may live on a private address."""
    server.route("/old.rss", redirect(server.url("/feed.rss")))
    fetched = await get(http, server.url("/old.rss"), guard=None)
    assert fetched.body == BODY and fetched.url == server.url("/feed.rss")


def slow_redirect(location: str, delay: float) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(delay)
        return web.Response(status=302, headers={"Location": location})
    return handle


async def test_one_deadline_covers_every_hop(server: FeedServer,
                                            http: aiohttp.ClientSession) -> None:
    """Three hops of 0.1 s each do not fit in 0.25 s, though each alone would."""
    server.route("/s1", slow_redirect(at(server, "/feed.rss"), 0.1))
    server.route("/s2", slow_redirect(at(server, "/s1"), 0.1))
    server.route("/s3", slow_redirect(at(server, "/s2"), 0.1))
    with pytest.raises(FeedError, match=r"^no complete answer within 0\.25 s$") as err:
        await get(http, at(server, "/s3"), deadline=0.25)
    assert err.value.url == at(server, "/s3") and server.hits["/feed.rss"] == 0
    assert (await get(http, at(server, "/s1"), deadline=0.25)).body == BODY


async def test_a_hop_holds_its_hosts_slot_while_it_runs(
        server: FeedServer, http: aiohttp.ClientSession) -> None:
    arrived, go = asyncio.Event(), asyncio.Event()

    async def gated(request: web.Request) -> web.StreamResponse:
        arrived.set()
        await go.wait()
        return web.Response(body=BODY)

    server.route("/gated.rss", gated)
    slots = HostSlots(1)
    url = at(server, "/gated.rss")
    task = asyncio.create_task(get(http, url, slots=slots))
    await asyncio.wait_for(arrived.wait(), 5)
    assert slots.get_slot(url).locked()  # taken for the request ...
    go.set()
    assert (await task).body == BODY
    assert not slots.get_slot(url).locked()  # ... and given back after it
