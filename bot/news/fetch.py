"""Fetch feed bytes over HTTP(S) with aiohttp, or read bundled demo and local files.

The size cap is enforced while streaming, so a hostile server cannot make us buffer more
than ``max_bytes``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiohttp

from bot.errors import FeedError

DEMO_SCHEME = "demo:"


@dataclass(frozen=True)
class FetchLimits:
    timeout_seconds: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "ceasefire-bot/0.1"


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


def is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://"))


async def fetch_feed(
    http: aiohttp.ClientSession,
    url: str,
    *,
    limits: FetchLimits,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """Fetch one feed.

    Raises:
        FeedError: with the URL, the HTTP status if any and a plain-words message.
    """
    if url.startswith(DEMO_SCHEME):
        return Fetched(url, 200, await asyncio.to_thread(read_demo_feed, url))
    if not is_remote(url):
        return Fetched(url, 200, await asyncio.to_thread(read_local_file, url, limits.max_bytes))
    headers = {"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = aiohttp.ClientTimeout(total=limits.timeout_seconds)
    try:
        async with http.get(url, headers=headers, timeout=timeout,
                            max_redirects=limits.max_redirects) as resp:
            if resp.status == 304:
                return Fetched(url, 304, b"", etag=etag, last_modified=last_modified)
            if resp.status >= 400:
                raise FeedError(url, f"the server answered HTTP {resp.status}",
                                status=resp.status, retry_after=_retry_after(resp))
            body = await read_capped(resp, limits.max_bytes, url)
            return Fetched(
                str(resp.url), resp.status, body, resp.headers.get("Content-Type"),
                resp.headers.get("ETag"), resp.headers.get("Last-Modified"),
            )
    except aiohttp.TooManyRedirects:
        raise FeedError(url, f"too many redirects (more than {limits.max_redirects})") from None
    except TimeoutError:
        raise FeedError(url, f"no complete answer within {limits.timeout_seconds:g} s") from None
    except aiohttp.ClientError as exc:
        raise FeedError(url, f"could not connect ({type(exc).__name__})") from None


async def read_capped(resp: aiohttp.ClientResponse, max_bytes: int, url: str) -> bytes:
    declared = resp.content_length
    if declared is not None and declared > max_bytes:
        raise FeedError(url, f"the feed is larger than the {max_bytes // 1024} KB limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(url, f"the feed is larger than the {max_bytes // 1024} KB limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(resp: aiohttp.ClientResponse) -> float | None:
    value = resp.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None


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
    path = Path(url.removeprefix("file://")).expanduser()
    try:
        if path.stat().st_size > max_bytes:
            raise FeedError(url, f"the file is larger than the {max_bytes // 1024} KB limit")
        return path.read_bytes()
    except FileNotFoundError:
        raise FeedError(url, "no such file") from None
    except IsADirectoryError:
        raise FeedError(url, "that is a folder, not a feed file") from None
    except PermissionError:
        raise FeedError(url, "the file cannot be read (permission denied)") from None
