"""Benchmark: outbox delivery throughput of 1, 2 and 4 real `ceasefire-bot run` processes
sharing one PostgreSQL database, on the loopback chat fake.

Two parts, each with its baseline (1 process) in the same run:

* no rate limits (fake profile ``none``): messages/s, and the speed-up over 1 process;
* a global limit on the fake (``--limit`` requests/s, no per-channel limit) with the
  shared rate-limit budget on (``scale.budget``): messages/s against the limit (at most
  the limit whatever N is) and the 429s the fake had to answer (target 0); and, as the
  contrast, the most processes with local pacing only (each spends the whole budget).

Every run checks exactly-once (a fake without idempotency; no message twice, none lost).
Needs PostgreSQL (CEASEFIRE_BOT_TEST_PG) and, for ``--budget redis``, Redis.

    .venv/bin/python bench/scale.py [--messages 2000] [--channels 100] [--budget redis]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from tests.fakes import chat_fake
from tests.fakes.chat_fake import ChatFake, Profile
from tests.scenario.scale.bots import config_toml, start_bots
from tests.scenario.scale.conftest import PG_ADMIN, db_url
from tests.scenario.scale.test_processes import enqueue


async def one_run(processes: int, *, messages: int, channels: int, limited: bool,
                  budget: str, limit: int) -> dict[str, float]:
    admin = await asyncpg.connect(PG_ADMIN.replace("+asyncpg", ""))
    name = f"cfb_bench_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            chat_fake.PROFILES["global"] = Profile(limit, 1.0, None, 1.0, False)
            profile = "global" if limited else "none"
            async with ChatFake(profile=profile, idempotent=False) as fake:
                extra = (f'budget = "{budget}"\nbudget_namespace = "{name}"\n'
                         if limited else "")
                config = config_toml(work / "bot.toml", db=db_url(name), chat=fake.url,
                                     extra="")
                config.write_text(config.read_text().replace(
                    "idle_seconds = 0.2\n", f"idle_seconds = 0.2\n{extra}"))
                env = {k: v for k, v in os.environ.items()
                       if not k.startswith(("CEASEFIRE_BOT", "DISCORD_", "SLACK_"))}
                env.update(CEASEFIRE_BOT_CONFIG=str(config),
                           CEASEFIRE_BOT_DATA_DIR=str(work / "data"))
                bots = await start_bots(processes, env, work)
                try:
                    started = time.perf_counter()
                    await enqueue(db_url(name), messages, channels)
                    await fake.wait_for(lambda: len({m["key"] for m in fake.messages})
                                        >= messages, within=600)
                    elapsed = time.perf_counter() - started
                    sent = [await b.fetch_sent() for b in bots]
                finally:
                    for bot in bots:
                        await bot.stop()
                posted = Counter((m["channel"], m["key"]) for m in fake.messages)
                return {"processes": processes, "seconds": round(elapsed, 3),
                        "per_second": round(messages / elapsed, 1),
                        "duplicates": sum(n - 1 for n in posted.values()),
                        "lost": messages - len(posted),
                        "rate_limited": fake.stats["rate_limited"],
                        "min_share": round(min(sent) / max(1, sum(sent)), 3)}
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--budget", choices=["redis", "postgres"], default="redis")
    parser.add_argument("--limit", type=int, default=30, help="global requests/s")
    parser.add_argument("--processes", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    results: dict[str, list[dict[str, float]]] = {
        "unlimited": [], "shared_budget": [], "local_pacing": []}
    plan = [("unlimited", False, args.budget, n) for n in counts]
    plan += [("shared_budget", True, args.budget, n) for n in counts]
    plan += [("local_pacing", True, "local", max(counts))]
    for label, limited, budget, n in plan:
        results[label].append(await one_run(n, messages=args.messages, channels=args.channels,
                                            limited=limited, budget=budget, limit=args.limit))
    limit = float(args.limit)
    print(f"{args.messages} messages over {args.channels} channels; "
          f"shared budget: {args.budget}, fake limit {limit:.0f}/s global")
    print(f"{'part':<15}{'procs':>6}{'secs':>9}{'msg/s':>9}{'x base':>8}{'429s':>6}"
          f"{'dups':>6}{'lost':>6}{'min share':>11}")
    for label, runs in results.items():
        base = results[label if label != "local_pacing" else "shared_budget"][0]["per_second"]
        for r in runs:
            print(f"{label:<15}{r['processes']:>6}{r['seconds']:>9.2f}{r['per_second']:>9.1f}"
                  f"{r['per_second'] / base:>8.2f}{r['rate_limited']:>6}{r['duplicates']:>6}"
                  f"{r['lost']:>6}{r['min_share']:>11.2f}")
    ok = all(r["duplicates"] == 0 and r["lost"] == 0 for rs in results.values() for r in rs)
    print(json.dumps({"bench": "scale", "messages": args.messages, "channels": args.channels,
                      "budget": args.budget, "limit_per_second": limit, "exactly_once": ok,
                      **{label: {str(r["processes"]): {"per_second": r["per_second"],
                                                       "rate_limited": r["rate_limited"]}
                                 for r in runs} for label, runs in results.items()}}))


if __name__ == "__main__":
    asyncio.run(main())
