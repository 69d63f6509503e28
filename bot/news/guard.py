"""SSRF guard for feeds that users add through chat.

Two layers, because either alone has a gap: every URL (the first one and each redirect hop)
is checked before it is requested, and the aiohttp resolver of the guarded session refuses
to hand out a forbidden address, so the address actually connected to is checked too (a
host that resolves to a public address when checked and to 10.0.0.1 when connected is
still refused). IP-literal hosts never reach a resolver, which is why the per-hop check
covers them.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult

from bot.errors import FeedError

ALLOWED_SCHEMES = ("http", "https")


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local,
    multicast, reserved or unspecified)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def host_allowed(host: str, allow_hosts: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h.lower().rstrip(".") for h in allow_hosts)


def check_url(url: str, *, allow_hosts: Iterable[str]) -> None:
    """Refuse a URL a user-added feed must not reach, before anything is resolved.

    Raises:
        FeedError: not http(s), no host, or an IP literal that is not public.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FeedError(url, "only http:// and https:// feeds can be added")
    host = parts.hostname or ""
    if not host:
        raise FeedError(url, "the address has no host name")
    if host_allowed(host, allow_hosts):
        return
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return  # a name: the resolver checks what it resolves to
    if not is_public_address(host):
        raise FeedError(url, f"refused: {host} is a private or local address")


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
    """Answers from a fixed table; for tests and benchmarks (no real DNS)."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = dict(table)

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        address = self.table.get(host)
        if address is None:
            raise OSError(f"unknown host {host}")
        fam = socket.AF_INET6 if ":" in address else socket.AF_INET
        result: Any = {"hostname": host, "host": address, "port": port, "family": fam,
                       "proto": 0, "flags": socket.AI_NUMERICHOST}
        return [result]

    async def close(self) -> None:
        return None
