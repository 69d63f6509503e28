"""Benchmark: one update (a post + 4 thread replies) fanned out to many channels on a
loopback chat fake that enforces platform rate limits.

Reports total time as a ratio to the minimum the limits allow (target <= 1.2x), 429s
received (target 0) and lost or duplicated messages (must be 0). The baseline is computed
in the same run from the fake's limits. ``--scale`` makes both the fake's and the client's
limits that many times faster (same shape, shorter wall time).

    .venv/bin/python bench/fanout.py [--profile discord|slack] [--channels 1000] [--scale 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import SystemClock
from bot.delivery import outbox
from bot.delivery.sender import Sender
from bot.model import QAReply, Sentence, UpdatePost
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import open_store, sqlite_url

ROOT = Path(__file__).resolve().parents[1]
REPLIES = 4


def minimum_seconds(limits: dict[str, Any], channels: int) -> float:
    """The least time the fake's limits allow for the whole fan-out (first request at 0)."""
    total = channels * (1 + REPLIES)
    bound = 0.0
    if limits["global_calls"]:
        bound = max(bound, (total - 1) // limits["global_calls"] * limits["global_period"])
    if limits["channel_calls"]:
        worst = REPLIES if limits["thread_is_channel"] else 1 + REPLIES
        bound = max(bound, (worst - 1) // limits["channel_calls"] * limits["channel_period"])
    return bound


@asynccontextmanager
async def fake_process(profile: str, scale: float) -> AsyncIterator[str]:
    """The chat fake in its own process, so its CPU is not counted against the sender."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.chat_fake", "--profile", profile,
        "--scale", str(scale), "--no-idempotency", cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        yield (await proc.stdout.readline()).decode().strip()
    finally:
        proc.terminate()
        await proc.wait()


def rows(channels: int, now: datetime) -> list[outbox.Outgoing]:
    post = UpdatePost(1, "Talks resume in Istanbul", ("Delegations met.",), ("Wire",), now,
                      "en")
    out = []
    for c in range(channels):
        channel = f"C{c:05d}"
        root = f"bench:{channel}:p0"
        out.append(outbox.Outgoing(key=root, platform="loopback", channel_id=channel,
                                   part=post))
        out += [outbox.Outgoing(
            key=f"bench:{channel}:p{i}", platform="loopback", channel_id=channel,
            part=QAReply(f"Question {i}?", (Sentence(f"Answer {i}.", (1,)),), "en"),
            index=i, parent_key=root) for i in range(1, REPLIES + 1)]
    return out


async def run(profile: str, channels: int, scale: float, db_url: str | None) -> dict[str, object]:
    async with fake_process(profile, scale) as fake_url, aiohttp.ClientSession() as http:
        async with http.get(f"{fake_url}/api/info") as resp:
            limits = (await resp.json())["limits"]
        with tempfile.TemporaryDirectory() as tmp:
            url = db_url or sqlite_url(Path(tmp) / "bench.db")
            async with open_store(url) as (_engine, sessions):
                adapter = LoopbackAdapter(fake_url, zone=UTC)
                await adapter.start()
                clock = SystemClock()
                async with sessions() as session, session.begin():
                    await outbox.enqueue(session, rows(channels, clock.now()), clock.now())
                sender = Sender(sessions, {"loopback": adapter}, clock)
                started = time.perf_counter()
                await sender.drain(within=3600)
                elapsed = time.perf_counter() - started
                async with http.get(f"{fake_url}/_admin/messages") as resp:
                    messages = (await resp.json())["messages"]
                async with http.get(f"{fake_url}/_admin/stats") as resp:
                    stats = await resp.json()
                stamps = [m["ts"] for m in messages]
                span = max(stamps) - min(stamps) if stamps else 0.0
                async with sessions() as session:
                    left = await outbox.depth(session)
                await adapter.stop()
    keys = Counter((m["channel"], m["key"]) for m in messages)
    expected = {(f"C{c:05d}", f"bench:C{c:05d}:p{i}")
                for c in range(channels) for i in range(REPLIES + 1)}
    roots = {m["channel"]: m["id"] for m in messages if m["key"].endswith(":p0")}
    misthreaded = sum(1 for m in messages
                      if not m["key"].endswith(":p0") and m["thread"] != roots.get(m["channel"]))
    minimum = minimum_seconds(limits, channels)
    return {
        "profile": profile, "channels": channels, "scale": scale,
        "messages": len(messages), "expected": len(expected),
        "seconds": round(elapsed, 2), "span_seconds": round(span, 2),
        "minimum_seconds": round(minimum, 2),
        "ratio": round(elapsed / minimum, 3) if minimum else None,
        "rate_limited_429": stats.get("rate_limited", 0),
        "lost": len(expected - set(keys)), "duplicated": sum(n - 1 for n in keys.values()),
        "misthreaded": misthreaded, "outbox_left": left,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["discord", "slack", "none"], action="append")
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    results = [asyncio.run(run(p, args.channels, args.scale, args.db))
               for p in (args.profile or ["discord"])]
    print(f"{'profile':8} {'channels':>8} {'scale':>5} {'msgs':>6} {'time s':>8} "
          f"{'min s':>7} {'ratio':>6} {'429s':>5} {'lost':>5} {'dup':>4} {'misthr':>6}")
    for r in results:
        print(f"{r['profile']:8} {r['channels']:>8} {r['scale']:>5} {r['messages']:>6} "
              f"{r['seconds']:>8} {r['minimum_seconds']:>7} {r['ratio']!s:>6} "
              f"{r['rate_limited_429']:>5} {r['lost']:>5} {r['duplicated']:>4} "
              f"{r['misthreaded']:>6}")
    print(json.dumps({"bench": "fanout", "results": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
