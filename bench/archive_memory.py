"""What the archive costs in memory: MB held per 1,000 stored reports.

Stories and articles are kept for good (the archive), and the bot keeps some state per
article in memory: the answer index's arrays and vocabulary, story features, near-duplicate
signatures. That part grows with every report by design; this bench measures it apart from
the delivery traffic that ``bench/soak.py`` adds. One process, a SQLite file store, the
soak's four growing feeds (``bench/soak.py:Feeds``, read as local files), one poll per report
and one question per four (so the answer index takes in the new reports). Every
``--every`` reports: a full garbage collection, then the bot's memory by holder
(``bench/memwatch.py``). The fit is MB per 1,000 reports, per holder.

    .venv/bin/python bench/archive_memory.py --reports 1000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import memwatch
from bench.soak import QUESTIONS, Feeds
from bot.app import BotApp
from bot.clock import SystemClock
from bot.memory import limit_malloc_arenas, trim_heap
from bot.model import Request
from config.settings import FeedSettings, load_settings

HOLDERS = ("pymalloc_live", "main_in_use", "arenas_in_use", "mmapped", "sqlite", "rss")


def slope_per_1000(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (reports, MiB), in MiB per 1,000 reports."""
    return memwatch.slope_per_hour(points) / 3600 * 1000


class FileFeeds:
    """The soak's four growing feeds as local files, ``reports`` of them dated 5 s apart
    and ending now (reports of one second can tie on their dates, which the pipeline's
    version check does not expect)."""

    def __init__(self, folder: Path, reports: int, *, seed: int = 19) -> None:
        first = datetime.now(UTC) - timedelta(seconds=5 * reports)
        self.feeds = Feeds(random.Random(seed), 0.12)
        self.feeds.now = lambda: first + timedelta(seconds=5 * self.feeds.count)
        self.paths = [folder / f"feed{i}.xml" for i in range(4)]

    async def poll_next(self, app: BotApp) -> int:
        """Add the next report to its feed and poll that feed; returns the feed's number."""
        feed = self.feeds.count % 4
        self.feeds.add(feed)
        self.paths[feed].write_bytes(self.feeds.rss(feed))
        await app.poll([FeedSettings(url=str(self.paths[feed]), lang=self.feeds.lang(feed))],
                       force=True)
        return feed


async def measure(reports: int, every: int, folder: Path, *, seed: int = 19
                  ) -> tuple[list[dict[str, Any]], float]:
    files = FileFeeds(folder, reports, seed=seed)
    rng = random.Random(seed)
    settings = load_settings(env={}, overrides={
        "database_url": f"sqlite:///{folder / 'archive.db'}", "data_dir": str(folder),
        "demo": False})
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    async with BotApp(settings, clock=SystemClock()) as app:
        for n in range(1, reports + 1):
            if await files.poll_next(app) == 3:
                await app.handle(Request(platform="console", command="ask",
                                         text=rng.choice(QUESTIONS), user_id="U1",
                                         channel_id="C1"))
            if n % every == 0:
                gc.collect()
                trim_heap()
                parts = memwatch.components(memwatch.probe())
                rows.append({"reports": n, **{k: round(parts.get(k, 0.0), 2)
                                              for k in HOLDERS}})
                print(f"{n:>6} reports  " + "  ".join(f"{k} {rows[-1][k]:7.1f}"
                                                      for k in HOLDERS), flush=True)
    return rows, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--skip", type=int, default=200,
                        help="reports before the fit starts (the first caches filling)")
    args = parser.parse_args()
    limit_malloc_arenas()  # as `ceasefire-bot run` does
    with tempfile.TemporaryDirectory() as tmp:
        rows, seconds = asyncio.run(measure(args.reports, args.every, Path(tmp)))
    late = [r for r in rows if r["reports"] > args.skip]
    fits = {k: round(slope_per_1000([(r["reports"], r[k]) for r in late]), 2)
            for k in HOLDERS}
    print(f"\n{'holder':<16}{'MiB per 1,000 reports (fit after ' + str(args.skip) + ')':>44}")
    for k, v in fits.items():
        print(f"{k:<16}{v:>44.2f}")
    print(json.dumps({"bench": "archive_memory", "reports": args.reports,
                      "fit_after_reports": args.skip, "seconds": round(seconds, 1),
                      "mib_per_1000_reports": fits, "samples": rows}))


if __name__ == "__main__":
    main()
