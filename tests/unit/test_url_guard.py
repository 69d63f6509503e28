"""The SSRF guard searched, not only replayed (issue 13, items 2 and 6; issue 18's two
guard gaps): generated spellings of non-public addresses are refused before anything is
resolved, and a real listening socket on 127.0.0.1 sees no connection from any of them;
the connector refuses private addresses whatever the URL check said; a name with public
and private addresses resolves to the public ones only."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterator

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import FeedError
from bot.news.fetch import FetchLimits, fetch_feed
from bot.news.guard import (
    GuardedResolver,
    StaticResolver,
    check_url,
    guarded_connector,
    guarded_socket,
    is_public_address,
    permit,
)

NON_PUBLIC_V4 = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                 "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8", "198.18.0.0/15",
                 "192.0.0.0/24", "224.0.0.0/4", "240.0.0.0/4"]
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
ENCLOSED = str.maketrans("0123456789", "⓪①②③④⑤⑥⑦⑧⑨")


@st.composite
def non_public_v4(draw: st.DrawFn) -> ipaddress.IPv4Address:
    net = ipaddress.ip_network(draw(st.sampled_from(NON_PUBLIC_V4)))
    offset = draw(st.integers(0, net.num_addresses - 1))
    return ipaddress.IPv4Address(int(net.network_address) + offset)


def _part(value: int, style: str) -> str:
    if style == "hex":
        return hex(value)
    if style == "octal":
        return "0" + oct(value)[2:]
    return str(value)


@st.composite
def spelled(draw: st.DrawFn, ip: ipaddress.IPv4Address) -> str:
    """One of the ways a URL host can name ``ip`` that the client (yarl, getaddrinfo)
    reads as that address."""
    a, b, c, d = ip.packed
    n = int(ip)
    style = st.sampled_from(["dec", "hex", "octal"])
    form = draw(st.sampled_from(["dotted", "int", "three", "two", "mapped", "mapped-hex",
                                 "sixtofour", "nat64", "full-width", "enclosed"]))
    if form == "dotted":
        host = ".".join(_part(x, draw(style)) for x in (a, b, c, d))
    elif form == "int":
        host = _part(n, draw(style))
    elif form == "three":
        host = ".".join([_part(a, draw(style)), _part(b, draw(style)),
                         _part(n & 0xFFFF, draw(style))])
    elif form == "two":
        host = ".".join([_part(a, draw(style)), _part(n & 0xFFFFFF, draw(style))])
    elif form == "mapped":
        host = f"[::ffff:{ip}]"
    elif form == "mapped-hex":
        host = f"[::ffff:{n >> 16:x}:{n & 0xFFFF:x}]"
    elif form == "sixtofour":
        host = f"[2002:{n >> 16:x}:{n & 0xFFFF:x}::1]"
    elif form == "nat64":
        host = f"[64:ff9b::{ip}]"
    elif form == "full-width":
        host = str(ip).translate(FULL_WIDTH)
    else:
        host = str(ip).translate(ENCLOSED)
    if not host.startswith("[") and draw(st.booleans()):
        host += "."  # a trailing dot names the same host
    return host


@st.composite
def spelled_non_public(draw: st.DrawFn) -> str:
    return draw(spelled(draw(non_public_v4())))


@settings(max_examples=100, deadline=None)
@given(host=spelled_non_public(), port=st.sampled_from(["", ":80", ":8080"]))
def test_no_spelling_of_a_non_public_address_passes_the_check(host: str, port: str) -> None:
    with pytest.raises(FeedError, match=r"private or local|not a valid address"):
        check_url(f"http://{host}{port}/feed", allow_hosts=("feeds.test",))


@st.composite
def spelled_loopback(draw: st.DrawFn) -> str:
    return draw(spelled(ipaddress.IPv4Address(draw(st.sampled_from(
        ["127.0.0.1", "127.0.0.1", "127.1.2.3"])))))


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """A real server socket on 127.0.0.1: it must never see a connection."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    yield sock
    sock.close()


def connections(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


async def fetch_guarded(url: str) -> FeedError | None:
    connector = guarded_connector(resolver=StaticResolver({}), allow_hosts=(), limit=4)
    async with aiohttp.ClientSession(connector=connector) as http:
        try:
            await fetch_feed(http, url, limits=FetchLimits(timeout_seconds=2.0),
                             guard_hosts=())
        except FeedError as exc:
            return exc
    return None


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=spelled_loopback())
def test_a_spelled_loopback_address_is_never_connected_to(
        listener: socket.socket, host: str) -> None:
    port = listener.getsockname()[1]
    error = asyncio.run(fetch_guarded(f"http://{host}:{port}/feed.rss"))
    assert error is not None
    assert connections(listener) == 0, host


async def test_the_connector_refuses_private_addresses_the_url_check_never_saw(
        listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    connector = guarded_connector(resolver=StaticResolver({"inside.test": "127.0.0.1"}),
                                  allow_hosts=("inside.test",), limit=4)
    # A bounded wait: were the guard gone, the listener would accept and never answer.
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=5)) as http:
        # Straight to the session: no URL check, an IP literal (no resolver either).
        with pytest.raises(aiohttp.ClientConnectorError) as literal:
            await http.get(f"http://127.0.0.1:{port}/")
        # An allow-listed name resolves to loopback, but only a permitted hop connects.
        with pytest.raises(aiohttp.ClientConnectorError) as named:
            await http.get(f"http://inside.test:{port}/")
    for refused in (literal, named):
        assert "127.0.0.1 is a private or local address" in str(refused.value.os_error)
    assert connections(listener) == 0
    with pytest.raises(OSError, match="private or local"):
        guarded_socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("100.64.0.1", 80)))
    with permit(True):
        guarded_socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 80))).close()


@pytest.mark.parametrize("address", ["100.64.0.1", "100.127.255.254", "198.18.0.1",
                                     "192.0.0.8", "2001:db8::1", "64:ff9b::a00:1",
                                     "2002:c0a8:101::1", "::ffff:100.64.0.1", "::10.0.0.1"])
def test_addresses_neither_private_nor_global_are_refused(address: str) -> None:
    assert not is_public_address(address)
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FeedError, match="private or local"):
        check_url(f"http://{host}/rss", allow_hosts=())


async def test_a_name_with_public_and_private_addresses_resolves_to_the_public_only() -> None:
    inner = StaticResolver({"mixed.test": ["10.0.0.5", "93.184.216.34", "127.0.0.1",
                                           "2606:4700::1111", "fd00::1"],
                            "shared.test": ["100.64.3.4"]})
    guarded = GuardedResolver(inner, allow_hosts=())
    answers = await guarded.resolve("mixed.test", 80)
    assert [a["host"] for a in answers] == ["93.184.216.34", "2606:4700::1111"]
    with pytest.raises(OSError, match="private or local"):
        await guarded.resolve("shared.test", 80)
    assert len(await GuardedResolver(inner, allow_hosts=("mixed.test",)).resolve(
        "mixed.test", 80)) == 5


@pytest.mark.parametrize("url", ["http://localhost/x", "http://localhost./x",
                                 "http://api.localhost/x", "http://LOCALHOST:8080/x",
                                 "http://127.1/x", "http://2130706433/x",
                                 "http://0177.0.0.1/x", "http://0x7f.1/x",
                                 "http://１２７.０.０.１/x", "http://①②⑦.⓪.⓪.①/x"])
def test_reproductions_from_the_issue_are_refused_when_added(url: str) -> None:
    with pytest.raises(FeedError, match="private or local"):
        check_url(url, allow_hosts=())


@pytest.mark.parametrize("url", ["https://example.com/rss", "https://bücher.example/rss",
                                 "http://93.184.216.34/feed", "https://feeds.test:8443/x",
                                 "https://[2606:4700::1111]/rss"])
def test_public_and_allow_listed_hosts_pass(url: str) -> None:
    check_url(url, allow_hosts=("feeds.test",))


@pytest.mark.parametrize("url", ["http://1.2.3.999/x", "http://foo.123/x", "http://[zz]/x"])
def test_numeric_hosts_that_are_no_address_are_refused(url: str) -> None:
    with pytest.raises(FeedError):
        check_url(url, allow_hosts=())
