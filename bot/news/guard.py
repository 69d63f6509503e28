"""SSRF guard: one URL check and one connector for every connection made for a feed.

Three layers, because each alone has a gap:

* :func:`check_url` decides on the host *as the HTTP client will use it*: yarl's IDNA /
  UTS-46 mapping (full-width and enclosed digits become ASCII), the trailing dot, and the
  IPv4 spellings ``getaddrinfo`` accepts (``127.1``, ``2130706433``, ``0177.0.0.1``,
  ``0x7f.1``), IPv4-mapped, 6to4 and NAT64 IPv6. It runs on the first URL and each hop.
* :class:`GuardedResolver` hands aiohttp only the public addresses of a name (a name with
  public and private addresses connects to a public one, never the private one).
* :func:`guarded_connector` refuses to open a socket to a non-public address at all, so
  the address actually connected to is checked, whatever the URL or the resolver said.

``fetch.allow_hosts`` lets named hosts (a self-hosted feed) reach private addresses: the
fetcher marks such a hop with :func:`permit`, and only then the connector lets it through.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import re
import socket
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.errors import FeedError

ALLOWED_SCHEMES = ("http", "https")
#: Names that are loopback by definition (RFC 6761), whatever a resolver says.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPAT = ipaddress.ip_network("::/96")
#: Not globally reachable, whatever this Python's ``ipaddress`` tables say (they changed
#: between versions): IETF protocol assignments, and IPv6 site-local (deprecated by RFC 3879
#: but still routed inside some networks). The rest is ``is_global``'s job.
_NEVER_PUBLIC = (ipaddress.ip_network("192.0.0.0/24"), ipaddress.ip_network("fec0::/10"))

#: Set while a hop to an allow-listed host connects (see :func:`permit`).
_PRIVATE_OK: contextvars.ContextVar[bool] = contextvars.ContextVar("private_ok", default=False)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_ip(ip: Address) -> bool:
    """True for a globally routable unicast address. Everything ``ipaddress`` does not
    call global is refused (private, loopback, link-local, 100.64.0.0/10 shared space,
    benchmarking, documentation, multicast, reserved, unspecified, site-local), and so is an IPv6
    address embedding a non-public IPv4 one."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None or (ip in _IPV4_COMPAT and int(ip) > 1):
            return False
        inner = embedded_ipv4(ip)
        if inner is not None:
            return is_public_ip(inner)
    if any(ip in net for net in _NEVER_PUBLIC):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_public_address(address: str) -> bool:
    """:func:`is_public_ip` for a textual address (False when it is not one)."""
    try:
        return is_public_ip(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return False


def parse_ipv4_like(host: str) -> ipaddress.IPv4Address | None:
    """The address ``inet_aton`` (and so ``getaddrinfo``) reads from a numeric host:
    one to four decimal, octal (leading 0) or hex (0x) parts, the last filling the
    remaining bytes. None when the host is a name.

    Raises:
        ValueError: the host is numeric but no valid address (a URL parser refuses it).
    """
    labels = host.split(".")
    if not all(_NUMERIC_LABEL.match(label) for label in labels) or len(labels) > 4:
        if labels and _NUMERIC_LABEL.match(labels[-1]):
            raise ValueError(host)  # pragma: no mutate - callers word the error themselves
        return None
    values = [int(label, 16) if label.startswith("0x") else
              int(label, 8) if len(label) > 1 and label.startswith("0") else int(label)
              for label in (lbl if lbl != "0x" else "0x0" for lbl in labels)]
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        raise ValueError(host)  # pragma: no mutate - callers word the error themselves
    number = last
    for i, value in enumerate(head):
        number |= value << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def normalise_host(url: str) -> tuple[str, Address | None]:
    """The host the HTTP client will connect to, and its address when it is one.

    Raises:
        FeedError: no host, or a host the client could not use.
    """
    try:
        raw = URL(url).raw_host
    except (ValueError, UnicodeError):
        raise FeedError(url, "the address has an invalid host name") from None
    host = (raw or "").lower().rstrip(".")
    if not host:
        raise FeedError(url, "the address has no host name")
    ip: Address | None
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        try:
            ip = parse_ipv4_like(host)
        except ValueError:
            raise FeedError(url, f"{host} is not a valid address") from None
    if isinstance(ip, ipaddress.IPv6Address):
        ip = embedded_ipv4(ip) or ip
    return host, ip


def host_allowed(host: str, allow_hosts: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h.lower().rstrip(".") for h in allow_hosts)


def check_url(url: str, *, allow_hosts: Iterable[str]) -> str:
    """Refuse a URL a feed must not reach, before anything is resolved.

    Returns:
        The normalised host (allow-listed or not).

    Raises:
        FeedError: not http(s), no usable host, a loopback name, or an address (however
            spelled) that is not public.
    """
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        raise FeedError(url, "the address is not a valid URL") from None
    if scheme not in ALLOWED_SCHEMES:
        raise FeedError(url, "only http:// and https:// feeds can be added")
    host, ip = normalise_host(url)
    if host_allowed(host, allow_hosts):
        return host
    if ip is not None and not is_public_ip(ip):
        raise FeedError(url, f"refused: {ip} is a private or local address")
    if ip is None and (host in _LOCAL_NAMES or host.endswith(".localhost")):
        raise FeedError(url, f"refused: {host} is a private or local address")
    return host


@contextlib.contextmanager
def permit(allowed: bool) -> Iterator[None]:
    """Within this block, the guarded connector may connect to private addresses
    (``allowed``: the hop's host is in ``fetch.allow_hosts``)."""
    token = _PRIVATE_OK.set(allowed)
    try:
        yield
    finally:
        _PRIVATE_OK.reset(token)


def guarded_socket(addr_info: tuple[Any, ...]) -> socket.socket:
    """Socket factory of the guarded connector: the last check, on the very address a
    connection is about to be made to.

    Raises:
        OSError: the address is not public and the hop is not allow-listed.
    """
    family, type_, proto, _canon, sockaddr = addr_info
    if not _PRIVATE_OK.get() and not is_public_address(str(sockaddr[0])):
        raise OSError(f"refused: {sockaddr[0]} is a private or local address")
    return socket.socket(family=family, type=type_, proto=proto)


def guarded_connector(*, resolver: AbstractResolver, allow_hosts: Iterable[str],
                      limit: int) -> aiohttp.TCPConnector:
    """The connector of every session that fetches on behalf of a feed's content."""
    return aiohttp.TCPConnector(
        limit=limit, resolver=GuardedResolver(resolver, allow_hosts=allow_hosts),
        ttl_dns_cache=300, socket_factory=guarded_socket)


class GuardedResolver(AbstractResolver):
    """Wraps a resolver and drops non-public addresses (unless the host is allow-listed).

    Args:
        inner: the real resolver (tests inject a fake one so no real DNS is used).
        allow_hosts: host names that may resolve anywhere (self-hosted feeds, tests).
    """

    def __init__(self, inner: AbstractResolver, *, allow_hosts: Iterable[str] = ()) -> None:
        self.inner = inner
        self.allow_hosts = tuple(allow_hosts)

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        if host_allowed(host, self.allow_hosts):
            return results
        public = [r for r in results if is_public_address(str(r["host"]))]
        if not public:
            raise OSError(f"refused: {host} resolves to a private or local address")
        return public

    async def close(self) -> None:
        await self.inner.close()


class StaticResolver(AbstractResolver):
    """Answers from a fixed table; for tests and benchmarks (no real DNS). A host may
    have several addresses, given as a list."""

    def __init__(self, table: dict[str, str | list[str]]) -> None:
        self.table = {k: [v] if isinstance(v, str) else list(v) for k, v in table.items()}

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        addresses = self.table.get(host)
        if not addresses:
            raise OSError(f"unknown host {host}")
        results: list[Any] = []
        for address in addresses:
            fam = socket.AF_INET6 if ":" in address else socket.AF_INET
            results.append({"hostname": host, "host": address, "port": port, "family": fam,
                            "proto": 0, "flags": socket.AI_NUMERICHOST})
        return results

    async def close(self) -> None:
        return None
