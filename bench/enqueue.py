"""Benchmark: enqueueing one fan-out's outbox rows into SQLite, as ``outbox.enqueue`` does
it (one cached INSERT run as executemany) against the baseline of one multi-row VALUES
statement per 500 rows (how it was done before, compiled afresh for every size).

Both run on the event loop while the store's writer lock is held, so their CPU time is
time answers wait. Reports the loop thread's CPU and the wall time per round (median),
and ends with one line of JSON.

    .venv/bin/python bench/enqueue.py [--channels 300] [--parts 5] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.delivery.outbox import Outgoing, enqueue
from bot.model import Notice, dump_part
from bot.store.db import SessionFactory, open_store, sqlite_url
from bot.store.models import Delivery

CHUNK = 500


async def multi_values(session: AsyncSession, items: list[Outgoing], now: datetime) -> int:
    """The baseline: a multi-row VALUES INSERT per chunk (a new statement per size)."""
    values = [{"key": o.key, "parent_key": o.parent_key, "link_key": o.link_key,
               "subscription_id": o.subscription_id, "platform": o.platform,
               "channel_id": o.channel_id, "story_id": o.story_id, "part": o.index,
               "payload": dump_part(o.part), "status": "pending", "attempts": 0,
               "next_attempt_at": now, "created_at": now} for o in items]
    added = 0
    for start in range(0, len(values), CHUNK):
        result = await session.execute(sqlite_insert(Delivery).values(
            values[start:start + CHUNK]).on_conflict_do_nothing(index_elements=["key"]))
        added += int(getattr(result, "rowcount", 0) or 0)
    return added


Enqueue = Callable[[AsyncSession, list[Outgoing], datetime], Awaitable[int]]


async def one_round(sessions: SessionFactory, how: Enqueue, *, tag: str, channels: int,
                    parts: int) -> tuple[float, float, int]:
    now = datetime.now(UTC)
    notices = [Notice(f"Update {i}: " + "talks resume next week. " * 20) for i in range(parts)]
    items = [Outgoing(key=f"{tag}:C{c}:p{i}", platform="loopback", channel_id=f"C{c}",
                      part=notices[i], index=i) for c in range(channels) for i in range(parts)]
    wall, cpu = time.perf_counter(), time.thread_time()
    async with sessions() as session, session.begin():
        added = await how(session, items, now)
    return time.perf_counter() - wall, time.thread_time() - cpu, added


async def run(*, channels: int, parts: int, rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        async with open_store(sqlite_url(Path(tmp) / "enqueue.db")) as (_engine, sessions):
            timings: dict[str, list[tuple[float, float, int]]] = {"baseline": [], "enqueue": []}
            for n in range(rounds):  # interleaved, so both see the same machine load
                timings["baseline"].append(await one_round(
                    sessions, multi_values, tag=f"b{n}", channels=channels, parts=parts))
                timings["enqueue"].append(await one_round(
                    sessions, enqueue, tag=f"e{n}", channels=channels, parts=parts))
                # Idempotent: the same keys again add nothing, and are counted as such.
                again = await one_round(sessions, enqueue, tag=f"e{n}", channels=channels,
                                        parts=parts)
                assert again[2] == 0, again
    rows = channels * parts
    out: dict[str, object] = {"bench": "enqueue", "rows": rows, "rounds": rounds}
    cpu: dict[str, float] = {}
    for name, runs in timings.items():
        assert all(added == rows for _w, _c, added in runs), (name, runs)
        cpu[name] = statistics.median(c for _w, c, _a in runs)
        out[f"{name}_cpu_s"] = round(cpu[name], 4)
        out[f"{name}_wall_s"] = round(statistics.median(w for w, _c, _a in runs), 4)
    out["cpu_ratio"] = round(cpu["baseline"] / max(1e-6, cpu["enqueue"]), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--parts", type=int, default=5, help="rows per channel")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = asyncio.run(run(channels=args.channels, parts=args.parts, rounds=args.rounds))
    print(f"{'':<10}{'loop CPU s':>12}{'wall s':>10}  ({result['rows']} rows, median of "
          f"{result['rounds']})")
    for name in ("baseline", "enqueue"):
        print(f"{name:<10}{result[f'{name}_cpu_s']:>12}{result[f'{name}_wall_s']:>10}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
