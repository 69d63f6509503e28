"""Fetch feed bytes over HTTP(S) with aiohttp, or read bundled demo and local files.

The size cap is enforced while streaming, so a hostile server cannot make us buffer more
than ``max_bytes``; one deadline covers a whole fetch, redirects included. Local feeds
must be regular files (a device or a FIFO would never end) and get the same byte cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from bot.errors import FeedError

if TYPE_CHECKING:
    import aiohttp

# aiohttp and the SSRF guard (which needs it) are imported by the HTTP branch only: a poll
# of the bundled demo feeds or of local files never loads them (stop 42).

DEMO_SCHEME = "demo:"
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchLimits:
    timeout_seconds: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "ceasefire-bot/0.1"
    per_host: int = 2


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    body: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostSlots:
    """Per-host concurrency for one poll (built per poll, so no module-level state)."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._slots: dict[str, asyncio.Semaphore] = {}

    def get_slot(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(self.per_host)
        return slot


def is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://"))


async def fetch_feed(
    http: aiohttp.ClientSession,
    url: str,
    *,
    limits: FetchLimits,
    etag: str | None = None,
    last_modified: str | None = None,
    guard_hosts: tuple[str, ...] | None = None,
    slots: HostSlots | None = None,
    accept: str = FEED_ACCEPT,
) -> Fetched:
    """Fetch one feed (or page), following at most ``limits.max_redirects`` redirects.

    Args:
        guard_hosts: None for trusted (operator) URLs; for user-added feeds, the allow-list,
            and every hop is checked by the SSRF guard.

    Raises:
        FeedError: with the URL, the HTTP status if any and a plain-words message.
    """
    if url.startswith(DEMO_SCHEME) and guard_hosts is None:
        return Fetched(url, 200, await asyncio.to_thread(read_demo_feed, url))
    if not is_remote(url):
        if guard_hosts is not None:
            raise FeedError(url, "only http:// and https:// feeds can be added")
        return Fetched(url, 200, await asyncio.to_thread(read_local_file, url, limits.max_bytes))
    import aiohttp

    headers = {"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate",
               "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        return await _follow(http, url, headers=headers, limits=limits,
                             guard_hosts=guard_hosts, slots=slots)
    except TimeoutError:
        raise FeedError(url, f"no complete answer within {limits.timeout_seconds:g} s") from None
    except aiohttp.ClientConnectorError as exc:
        raise FeedError(url, f"could not connect ({connect_reason(exc)})") from None
    except aiohttp.ClientError as exc:
        raise FeedError(url, f"could not connect ({type(exc).__name__})") from None


async def _follow(http: aiohttp.ClientSession, url: str, *, headers: dict[str, str],
                  limits: FetchLimits, guard_hosts: tuple[str, ...] | None,
                  slots: HostSlots | None) -> Fetched:
    """Redirects are followed by hand so that every hop passes the SSRF guard.

    One deadline covers every request and body of the fetch, redirects included (slow
    hops share it); the wait for a host slot is not counted: a slow feed must not make the
    feeds queued behind it on the same host time out."""
    from bot.news.guard import check_url, host_allowed, permit

    current = url
    seen = {url}
    remaining = limits.timeout_seconds
    for _hop in range(limits.max_redirects + 1):
        allowed = True
        if guard_hosts is not None:  # the guard names a refused hop in its own words
            allowed = host_allowed(check_url(current, allow_hosts=guard_hosts), guard_hosts)
        _check_address(current, feed=url)
        async with contextlib.AsyncExitStack() as stack:
            if slots is not None:
                await stack.enter_async_context(slots.get_slot(current))
            started = time.monotonic()
            await stack.enter_async_context(asyncio.timeout(remaining))
            stack.enter_context(permit(allowed))
            resp = await stack.enter_async_context(
                http.get(current, headers=headers, allow_redirects=False))
            if resp.status in _REDIRECTS and "Location" in resp.headers:
                nxt = urljoin(current, resp.headers["Location"])
                if nxt in seen:
                    raise FeedError(url, "the feed redirects in a loop", status=resp.status)
                seen.add(nxt)
                current = nxt
                remaining -= time.monotonic() - started
                if remaining <= 0:
                    raise TimeoutError
                continue
            if resp.status == 304:
                return Fetched(current, 304, b"", etag=headers.get("If-None-Match"),
                               last_modified=headers.get("If-Modified-Since"))
            if resp.status >= 400:
                raise FeedError(url, f"the server answered HTTP {resp.status}",
                                status=resp.status, retry_after=retry_after_seconds(resp))
            body = await read_capped(resp, limits.max_bytes, url)
            return Fetched(
                str(resp.url), resp.status, body, resp.headers.get("Content-Type"),
                resp.headers.get("ETag"), resp.headers.get("Last-Modified"),
            )
    raise FeedError(url, f"too many redirects (more than {limits.max_redirects})")


def connect_reason(exc: aiohttp.ClientConnectorError) -> str:
    """Why a connection failed, in words an operator can act on (not the class name)."""
    import aiohttp

    if "refused:" in str(exc.os_error):  # the SSRF guard's own words
        return str(exc.os_error)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"the host name {exc.host} was not found"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"the TLS certificate of {exc.host} was refused"
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        return "the TLS handshake failed: is it really an https:// address?"
    if isinstance(exc.os_error, ConnectionRefusedError):
        return f"connection to {exc.host}:{exc.port} refused: is the server running?"
    return exc.os_error.strerror or type(exc).__name__


def _check_address(address: str, *, feed: str) -> None:
    """An address the HTTP stack can use; a typo such as ``http://[::1`` (or a redirect to
    one) is the feed's error, not a crash of the whole poll.

    Raises:
        FeedError: the address does not parse or names no host.
    """
    what = "not a valid address" if address == feed else (
        f"redirected to an invalid address {address[:200]}")
    try:
        host = urlsplit(address).hostname
    except ValueError as exc:
        raise FeedError(feed, f"{what} ({exc})") from None
    if not host:
        raise FeedError(feed, f"{what} (no host name)")


async def read_capped(resp: aiohttp.ClientResponse, max_bytes: int, url: str) -> bytes:
    """Read the (decompressed) body, giving up as soon as it passes ``max_bytes``."""
    declared = resp.content_length
    if declared is not None and declared > max_bytes and not resp.headers.get(
            "Content-Encoding"):
        raise FeedError(url, f"the feed is larger than the {max_bytes // 1024} KB limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(url, f"the feed is larger than the {max_bytes // 1024} KB limit")
        chunks.append(chunk)
    return b"".join(chunks)


def retry_after_seconds(resp: aiohttp.ClientResponse) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date (relative to the server's
    own Date header, so our clock does not matter)."""
    value = (resp.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        base = parsedate_to_datetime(resp.headers.get("Date", "")) if resp.headers.get(
            "Date") else None
    except (TypeError, ValueError):
        return None
    if base is None:
        return None
    return max(0.0, (when - base).total_seconds())


def read_demo_feed(url: str) -> bytes:
    name = url.removeprefix(DEMO_SCHEME)
    if "/" in name or "\\" in name or name.startswith("."):
        raise FeedError(url, "not a bundled demo feed name")
    resource = resources.files("bot.demo") / "feeds" / name
    try:
        return resource.read_bytes()
    except FileNotFoundError:
        raise FeedError(url, "no such bundled demo feed") from None


def read_local_file(url: str, max_bytes: int) -> bytes:
    """A local feed file: a regular file only (``/dev/zero`` or a FIFO would never end),
    read up to ``max_bytes``.

    Raises:
        FeedError: an unsupported scheme, no such file, not a regular file, too big.
    """
    scheme = urlsplit(url).scheme.lower()
    if len(scheme) > 1 and scheme != "file":  # one letter: a Windows drive
        raise FeedError(url, f"unsupported scheme {scheme!r} (use http://, https:// or a "
                        "local file path)")
    path = Path(url.removeprefix("file://")).expanduser()
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FeedError(url, "no such file") from None
    except IsADirectoryError:
        raise FeedError(url, "that is a folder, not a feed file") from None
    except PermissionError:
        raise FeedError(url, "the file cannot be read (permission denied)") from None
    except OSError as exc:
        raise FeedError(url, f"the file cannot be read ({exc.strerror})") from None
    # Checked on the descriptor before wrapping it: ``fdopen`` itself refuses a folder
    # (which Linux opens read-only without complaint), with an error naming no file.
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FeedError(url, "that is a folder, not a feed file")
        raise FeedError(url, "not a regular file (a device, FIFO or socket is refused)")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > max_bytes:
            raise FeedError(url, f"the file is larger than the {max_bytes // 1024} KB limit")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FeedError(url, f"the file is larger than the {max_bytes // 1024} KB limit")
    return data
