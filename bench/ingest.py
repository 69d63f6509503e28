"""Benchmark the news pipeline (not a test).

(a) items/s through parse -> topic filter -> dedup -> stories -> store (SQLite file) on a
    synthetic corpus of 50,000 items in 500 feed files, against the same files through
    feedparser alone (the baseline, in the same run); target: pipeline within 3x.
(b) one poll of 1,000 feeds on a loopback aiohttp server, half answering 304 Not Modified
    (after a seeding poll that stored their ETags): wall time (target <= 15 s on 2 cores)
    and peak RSS of the polling process (target <= 300 MB; its parse workers are shown
    apart). The poll runs in a freshly started child process so the server and part (a)
    do not count towards its memory; peaks are read from /proc (VmHWM), so Linux only.
    All feeds are on one loopback host, so per_host is raised to the overall
    concurrency (16) for this part.

Prints a readable table, then one line of JSON with the figures.
Usage: python bench/ingest.py [--items 50000] [--feeds 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import feedparser
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import BotApp
from bot.clock import SystemClock
from config.settings import FeedSettings, load_settings

PLACES_EN = ["Riyadh", "Jeddah", "Istanbul", "Geneva", "Alaska", "the Black Sea", "Minsk",
             "Doha", "Vienna", "Ankara"]
PLACES_JA = ["リヤド", "ジッダ", "イスタンブール", "ジュネーブ", "アラスカ", "黒海", "ミンスク",
             "ドーハ", "ウィーン", "アンカラ"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def synthetic_item(rng: random.Random, n: int, *, feed: int) -> tuple[str, str, str, datetime]:
    """One entry: title, link, HTML description, date. ~10% are syndicated copies."""
    dev = rng.randrange(2000)
    drng = random.Random(dev)
    when = START + timedelta(hours=dev * 4 + rng.random() * 6)
    figure = drng.randrange(100, 5000)
    ja = drng.random() >= 0.5
    if not ja:
        place = drng.choice(PLACES_EN)
        title = f"Ukraine ceasefire talks in {place}: {figure} prisoners to be exchanged"
        body = (f"<p>Delegations from Ukraine and Russia met in {place} on {when.day} "
                f"{when:%B} for ceasefire negotiations.</p><p>They agreed to exchange "
                f"{figure} prisoners each, officials said, and to meet again.</p><p>Report "
                f"{dev} notes that energy strikes and a 30-day truce were also discussed, "
                f"with round {drng.randrange(2, 9)} expected soon.</p>")
    else:
        place = drng.choice(PLACES_JA)
        title = f"ウクライナ停戦協議、{place}で捕虜{figure}人の交換で合意"
        body = (f"<p>ロシアとウクライナの代表団は{when.day}日、{place}で停戦に向けた協議を行った。"
                f"</p><p>双方は捕虜を{figure}人ずつ交換することで合意した。報告{dev}によると、"
                "エネルギー施設への攻撃停止も議題となった。</p>")
    if rng.random() < 0.1:  # a syndicated copy of the development's first report
        return title, f"https://copy{feed}.example/{dev}", body + _filler(drng, ja) + (
            "<p>(Wire)</p>"), when
    return title, f"https://feed{feed}.example/{n}", body + _filler(rng, ja), when


_EN_WORDS = [f"{a}{b}{c}" for a in ("t", "m", "v", "d", "k", "l", "r", "s", "p", "g")
             for b in ("a", "e", "i", "o", "u", "ai", "ou")
             for c in ("k", "m", "n", "re", "nt", "st", "ry", "de", "ble", "ng")]
_JA_CHARS = "交渉代表団合意協議攻撃停止捕虜施設政府首脳会談外相報道関係者発表声明安全保障"


def _filler(rng: random.Random, ja: bool) -> str:
    """Varied prose so that distinct reports are not near-duplicates of each other."""
    if ja:
        return "<p>" + "".join(rng.choice(_JA_CHARS) for _ in range(240)) + "。</p>"
    return "<p>" + " ".join(rng.choice(_EN_WORDS) for _ in range(150)) + ".</p>"


def rss_doc(items: list[tuple[str, str, str, datetime]], *, feed: int) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
             f"<title>Bench feed {feed}</title>"]
    for title, link, body, when in items:
        parts.append(f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                     f"<description><![CDATA[{body}]]></description>"
                     f"<pubDate>{format_datetime(when)}</pubDate></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def make_corpus(folder: Path, *, items: int, per_feed: int = 100) -> list[Path]:
    rng = random.Random(7)
    paths = []
    for feed in range(items // per_feed):
        path = folder / f"feed{feed}.xml"
        path.write_bytes(rss_doc([synthetic_item(rng, feed * per_feed + i, feed=feed)
                                  for i in range(per_feed)], feed=feed))
        paths.append(path)
    return paths


def settings_for(folder: Path, **fetch: Any) -> Any:
    return load_settings(env={}, overrides={
        "database_url": f"sqlite:///{folder / 'bench.db'}", "data_dir": str(folder),
        "fetch": fetch})


def part_a(items: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_corpus(folder, items=items)
        bodies = [p.read_bytes() for p in paths]
        t0 = time.perf_counter()
        parsed = sum(len(feedparser.parse(io.BytesIO(b)).entries) for b in bodies)
        baseline = time.perf_counter() - t0

        async def pipeline() -> Any:
            async with BotApp(settings_for(folder), clock=SystemClock()) as app:
                return await app.poll([FeedSettings(url=str(p)) for p in paths], force=True)

        t0 = time.perf_counter()
        report = asyncio.run(pipeline())
        whole = time.perf_counter() - t0
    return {"items": parsed, "feedparser_s": baseline, "pipeline_s": whole,
            "feedparser_items_per_s": parsed / baseline, "pipeline_items_per_s": parsed / whole,
            "ratio": whole / baseline, "new": report.new, "duplicates": report.duplicates,
            "stories": len(report.new_stories)}


def _hwm_mb(pid: int | str = "self") -> float:
    """Peak resident memory of one process image (VmHWM, reset by exec; unlike
    ru_maxrss, which keeps the pre-exec peak of the process that spawned it)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children() -> list[int]:
    me = str(os.getpid())
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            pids.append(int(stat.parent.name))
    return pids


def _watch_workers(peaks: dict[int, float], stop: threading.Event) -> None:
    """Sample the parse workers' peak memory while they live (Linux /proc)."""
    while not stop.wait(0.1):
        for pid in _children():
            peaks[pid] = max(peaks.get(pid, 0.0), _hwm_mb(pid))


def _poll_child(urls: list[str], folder: str, queue: Any) -> None:
    peaks: dict[int, float] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_workers, args=(peaks, stop), daemon=True)
    watcher.start()

    async def run() -> dict[str, float]:
        settings = settings_for(Path(folder), concurrency=16, per_host=16, timeout_seconds=20)
        specs = [FeedSettings(url=u) for u in urls]
        async with BotApp(settings, clock=SystemClock()) as app:
            await app.poll(specs, force=True)  # seeding poll: stores ETags and backlog
            t0 = time.perf_counter()
            report = await app.poll(specs, force=True)
            wall = time.perf_counter() - t0
        not_modified = sum(1 for o in report.outcomes if o.not_modified)
        return {"wall_s": wall, "not_modified": not_modified, "errors": len(report.errors),
                "fetched": report.fetched}

    result = asyncio.run(run())
    stop.set()
    watcher.join()
    result["peak_rss_mb"] = _hwm_mb()
    # Big polls parse in worker processes: the largest of them, reported separately.
    result["worker_peak_rss_mb"] = max(peaks.values(), default=0.0)
    queue.put(result)


async def start_loopback(handle: Any) -> tuple[web.AppRunner, int]:
    """Serve ``handle`` for every GET on 127.0.0.1 (an ephemeral port)."""
    app = web.Application()
    app.router.add_get("/{name}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


def part_b(feeds: int) -> dict[str, float]:
    rng = random.Random(11)
    docs = {f"/f{i}.xml": rss_doc([synthetic_item(rng, i * 20 + j, feed=i) for j in range(20)],
                                  feed=i) for i in range(feeds)}
    polls: dict[str, int] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        polls[path] = polls.get(path, 0) + 1
        number = int(path[2:-4])
        etag = f'"{path}"'
        # Even feeds keep their ETag (304 on the second poll); odd feeds change.
        if number % 2 == 0 and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        tag = etag if number % 2 == 0 else f'"{path}-{polls[path]}"'
        return web.Response(body=docs[path], headers={"ETag": tag},
                            content_type="application/rss+xml")

    async def serve_and_poll() -> dict[str, float]:
        runner, port = await start_loopback(handle)
        urls = [f"http://127.0.0.1:{port}{p}" for p in docs]
        with tempfile.TemporaryDirectory() as tmp:
            queue: Any = mp.get_context("spawn").Queue()
            child = mp.get_context("spawn").Process(target=_poll_child, args=(urls, tmp, queue))
            child.start()
            loop = asyncio.get_running_loop()
            result: dict[str, float] = await loop.run_in_executor(None, queue.get)
            await loop.run_in_executor(None, child.join)
        await runner.cleanup()
        return result

    return asyncio.run(serve_and_poll())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    args = parser.parse_args()
    b = part_b(args.feeds)
    a = part_a(args.items)
    rows = [
        ("(a) items", f"{a['items']:.0f}", ""),
        ("(a) feedparser alone", f"{a['feedparser_items_per_s']:.0f} items/s",
         f"{a['feedparser_s']:.1f} s"),
        ("(a) whole pipeline", f"{a['pipeline_items_per_s']:.0f} items/s",
         f"{a['pipeline_s']:.1f} s"),
        ("(a) pipeline / feedparser", f"{a['ratio']:.2f}x", "target <= 3x"),
        ("(a) stored / duplicates / stories",
         f"{a['new']:.0f} / {a['duplicates']:.0f} / {a['stories']:.0f}", ""),
        ("(b) poll of feeds", f"{args.feeds}", f"{b['not_modified']:.0f} answered 304"),
        ("(b) wall time", f"{b['wall_s']:.2f} s", "target <= 15 s"),
        ("(b) peak RSS", f"{b['peak_rss_mb']:.0f} MB", "target <= 300 MB"),
        ("(b) peak RSS of a parse worker", f"{b['worker_peak_rss_mb']:.0f} MB", ""),
        ("(b) errors", f"{b['errors']:.0f}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>18}  {note}")
    print(json.dumps({"bench": "ingest", "items": a["items"],
                      "feedparser_items_per_s": round(a["feedparser_items_per_s"], 1),
                      "pipeline_items_per_s": round(a["pipeline_items_per_s"], 1),
                      "ratio": round(a["ratio"], 3), "poll_feeds": args.feeds,
                      "poll_not_modified": b["not_modified"],
                      "poll_wall_s": round(b["wall_s"], 3),
                      "poll_peak_rss_mb": round(b["peak_rss_mb"], 1),
                      "poll_worker_peak_rss_mb": round(b["worker_peak_rss_mb"], 1),
                      "poll_errors": b["errors"]}))


if __name__ == "__main__":
    main()
