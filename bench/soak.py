"""Soak: a real `ceasefire-bot run` used the way a busy community would, for minutes.

The loopback chat platform with Discord's limits (50 requests/s, 5 messages / 5 s per
channel or thread) and no idempotency (a message sent twice shows twice); four feeds on
127.0.0.1 (two ja, two en) each growing by one report every ``--every`` seconds (new
developments, follow-ups, wire copies); ``--channels`` channels subscribed in chat
(realtime; a sixth of them also a daily digest, due during the run); questions typed at
``--rate`` per second in random channels; SQLite; the health port on. Retention is short
(``--retention-minutes``) so the leader's prune runs during the soak.

Per minute: bot RSS, event-loop lag (the bot's own ``ceasefire_event_loop_lag_seconds``),
answer latency p50/p95/p99 (typed -> reply accepted by the platform), outbox depth, 429s,
outbox rows in the store. At the end: replies lost / doubled (every command gets exactly
one reply, keyed by its event id), posts lost / doubled (every delivery key ever seen in
the store, against what the platform shows), RSS growth after the first ``--warmup``
minutes (baseline: RSS at that point; slope of a least-squares fit, per hour), and the
store's delivery rows against the retention bound. Ends with one line of JSON.

    .venv/bin/python bench/soak.py --minutes 20 --channels 300 --rate 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import memwatch
from tests.fakes.chat_fake import ChatFake
from tests.scenario.scale.bots import free_port

PLACES = [("Riyadh", "リヤド"), ("Istanbul", "イスタンブール"), ("Geneva", "ジュネーブ"),
          ("Doha", "ドーハ"), ("Vienna", "ウィーン"), ("Ankara", "アンカラ"),
          ("Jeddah", "ジッダ"), ("Minsk", "ミンスク"), ("Helsinki", "ヘルシンキ"),
          ("Oslo", "オスロ"), ("Baku", "バクー"), ("Astana", "アスタナ")]
QUESTIONS = ["What was agreed?", "When do the talks resume?", "Who is mediating the talks?",
             "What is still unresolved?", "How many prisoners were exchanged?",
             "停戦協議で何が合意された?", "次の協議はいつ?", "Why does the truce matter?"]
WORDS = [f"{a}{b}{c}" for a in "tmvdklrspg" for b in ("a", "e", "i", "o", "u")
         for c in ("k", "n", "re", "st", "ry", "de")]


@dataclass
class Development:
    n: int
    place: tuple[str, str]
    figure: int
    reports: int = 0


@dataclass
class Feeds:
    """Four growing feeds. Each report is a new development (``new_share``), a follow-up
    of a recent one (new facts), or a wire copy of another outlet's report."""

    rng: random.Random
    new_share: float
    items: dict[int, list[tuple[str, str, str, datetime]]] = field(default_factory=dict)
    developments: list[Development] = field(default_factory=list)
    count: int = 0
    #: When a report is published (``bench/archive_memory.py`` steps its own clock).
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def lang(self, feed: int) -> str:
        return "ja" if feed % 2 else "en"

    def add(self, feed: int) -> None:
        now = self.now()
        self.count += 1
        rng = self.rng
        ja = self.lang(feed) == "ja"
        recent = self.developments[-3:]
        kind = ("new" if not recent or rng.random() < self.new_share
                else "copy" if rng.random() < 0.35 and self._last_text(feed) else "follow")
        if kind == "new":
            dev = Development(len(self.developments) + 1, rng.choice(PLACES),
                              rng.randrange(100, 5000))
            self.developments.append(dev)
        else:
            dev = rng.choice(recent)
        dev.reports += 1
        link = f"https://feed{feed}.example/{self.count}"
        if kind == "copy":
            title, _, body, _ = self._last_text(feed)
            body += "<p>(Wire)</p>"
        else:
            title, body = self._report(dev, ja)
        self.items.setdefault(feed, []).append((title, link, body, now))
        del self.items[feed][:-40]  # a feed shows its latest 40 entries

    def _last_text(self, feed: int) -> tuple[str, str, str, datetime] | None:
        other = (feed + 2) % 4  # the other feed of the same language
        return self.items[other][-1] if self.items.get(other) else None

    def _report(self, dev: Development, ja: bool) -> tuple[str, str]:
        en, jp = dev.place
        filler = " ".join(self.rng.choice(WORDS) for _ in range(60))
        round_no = 2 + dev.n % 7
        if ja:
            title = f"ウクライナ停戦協議、{jp}で捕虜{dev.figure}人の交換で合意"
            body = (f"<p>ロシアとウクライナの代表団は{jp}で停戦に向けた第{round_no}回協議を"
                    f"行った。</p><p>双方は捕虜を{dev.figure}人ずつ交換することで合意した。"
                    f"続報{dev.reports}: エネルギー施設への攻撃停止も議題となった。</p>"
                    f"<p>{filler}</p>")
        else:
            title = (f"Ukraine ceasefire talks in {en}: {dev.figure} prisoners to be "
                     "exchanged")
            body = (f"<p>Delegations from Ukraine and Russia met in {en} for round "
                    f"{round_no} of ceasefire negotiations.</p><p>They agreed to exchange "
                    f"{dev.figure} prisoners each, officials said.</p><p>Update "
                    f"{dev.reports}: a 30-day truce on energy strikes was also discussed, "
                    f"and talks resume next week.</p><p>{filler}</p>")
        return title, body

    def rss(self, feed: int) -> bytes:
        parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
                 f"<title>Soak wire {feed}</title><language>{self.lang(feed)}</language>"]
        for title, link, body, when in reversed(self.items.get(feed, [])):
            parts.append(f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                         f"<description><![CDATA[{body}]]></description>"
                         f"<pubDate>{format_datetime(when)}</pubDate></item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode()


async def serve_feeds(feeds: Feeds) -> tuple[web.AppRunner, int]:
    async def handle(request: web.Request) -> web.Response:
        return web.Response(body=feeds.rss(int(request.match_info["n"])),
                            content_type="application/rss+xml")

    app = web.Application()
    app.add_routes([web.get("/feed/{n}.xml", handle)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


def config_text(*, chat: str, feeds_port: int, db: Path, every: float,
                retention_minutes: float) -> str:
    feeds = "".join(
        f'[[feeds]]\nurl = "http://127.0.0.1:{feeds_port}/feed/{i}.xml"\n'
        f'lang = "{"ja" if i % 2 else "en"}"\ninterval_minutes = {every / 60:.4f}\n'
        for i in range(4))
    return (f'demo = false\nlanguage = "en"\ntimezone = "UTC"\n'
            f'database_url = "sqlite:///{db}"\n'
            f'[news]\npoll_interval_minutes = 60\n'
            f'[fetch]\nallow_hosts = ["127.0.0.1"]\n'
            f'[delivery]\nretention_days = {retention_minutes / 1440:.6f}\n'
            f'prune_minutes = {prune_minutes(retention_minutes):.3f}\n'
            f'[loopback]\nurl = "{chat}"\n{feeds}')


def prune_minutes(retention_minutes: float) -> float:
    """How often the leader prunes in the soak: four times per retention window."""
    return max(0.1, retention_minutes / 4)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used (user + system): its work, whatever the host's load
    (a loaded host stretches latencies, not this)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_parts_mb(pid: int) -> tuple[float, float]:
    """Resident MB of the main malloc heap (``[heap]``) and of anonymous mappings (Python's
    object arenas, other malloc arenas, large arrays): which of them grows tells the
    allocator's main heap from the rest."""
    heap = anon = 0
    name = ""
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                first = line.split(maxsplit=6)
                if "-" in first[0] and not first[0].endswith(":"):
                    name = first[5].strip() if len(first) > 5 else ""
                elif first[0] == "Rss:":
                    if name == "[heap]":
                        heap += int(first[1])
                    elif not name:
                        anon += int(first[1])
    except OSError:
        pass
    return heap / 1024, anon / 1024


async def fetch_metrics(http: aiohttp.ClientSession, port: int) -> dict[str, float]:
    async with http.get(f"http://127.0.0.1:{port}/metrics",
                        timeout=aiohttp.ClientTimeout(total=10)) as resp:
        body = await resp.text()
    out: dict[str, float] = {}
    for m in re.finditer(r'^(\w+)(\{le="([^"]+)"\})? ([0-9.e+-]+|NaN)$', body, re.MULTILINE):
        name = m[1] + (f"@{m[3]}" if m[3] else "")
        with contextlib.suppress(ValueError):
            out[name] = float(m[4])
    return out


def lag_quantile(now: dict[str, float], before: dict[str, float], q: float, *,
                 histogram: str = "ceasefire_event_loop_lag_seconds") -> float:
    """Upper bound of quantile ``q`` of a histogram between two scrapes (bucket bounds):
    by default the loop lag; ``ceasefire_answer_latency_seconds`` for the handler's part."""
    prefix = f"{histogram}_bucket@"
    bounds = sorted((float(k[len(prefix):]) if k[len(prefix):] != "+Inf" else float("inf"), k)
                    for k in now if k.startswith(prefix))
    total = now.get(f"{prefix}+Inf", 0) - before.get(f"{prefix}+Inf", 0)
    if total <= 0:
        return 0.0
    for bound, key in bounds:
        if now[key] - before.get(key, 0) >= q * total:
            return bound
    return float("inf")


def quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per hour."""
    if len(points) < 3:
        return 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return 0.0 if var == 0 else sum((x - mx) * (y - my) for x, y in points) / var * 3600


def store_rows(db: Path, *, older_than: timedelta
               ) -> tuple[dict[str, str], int, int, int, int]:
    """Delivery key -> status, answer-log rows, finished rows created before
    ``older_than`` ago (what retention must have removed), bytes in use, file bytes."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    cutoff = (datetime.now(UTC) - older_than).strftime("%Y-%m-%d %H:%M:%S")
    try:
        keys = dict(conn.execute("SELECT key, status FROM deliveries").fetchall())
        answers = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
        stale = conn.execute(
            "SELECT count(*) FROM deliveries WHERE status IN ('sent', 'failed', 'cancelled')"
            " AND created_at < ?", (cutoff,)).fetchone()[0]
        pages, free, size = (conn.execute(f"PRAGMA {p}").fetchone()[0]
                             for p in ("page_count", "freelist_count", "page_size"))
    finally:
        conn.close()
    files = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return keys, int(answers), int(stale), (pages - free) * size, files


async def run_soak(*, minutes: float, channels: int, rate: float, every: float = 20.0,
                   daily_share: float = 1 / 6, retention_minutes: float = 3.0,
                   warmup: float = 5.0, new_share: float = 0.12, seed: int = 19,
                   workdir: Path | None = None, echo: bool = True,
                   heap_profile: float | None = None, heap_frames: int = 1,
                   heap_peaks: float = 0.0, probe: float | None = 20.0,
                   types: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    say = print if echo else (lambda *a, **k: None)
    with tempfile.TemporaryDirectory() as tmp:
        work = workdir or Path(tmp)
        db = work / "soak.db"
        feeds = Feeds(rng, new_share)
        for feed in range(4):
            feeds.add(feed)
        feed_runner, feeds_port = await serve_feeds(feeds)
        fake = ChatFake(profile="discord", idempotent=False)
        await fake.start()
        config = work / "soak.toml"
        config.write_text(config_text(chat=fake.url, feeds_port=feeds_port, db=db,
                                      every=every, retention_minutes=retention_minutes))
        port = free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CEASEFIRE_BOT", "DISCORD_", "SLACK_"))}
        env.update(CEASEFIRE_BOT_CONFIG=str(config), CEASEFIRE_BOT_DATA_DIR=str(work),
                   CEASEFIRE_BOT__HEALTH__PORT=str(port), PYTHONUNBUFFERED="1")
        log_path = work / "bot.log"
        command = [sys.executable, "-m", "bot.cli", "run"]
        if heap_profile:
            # Baseline after the warm-up, then the top growing sites every `heap_profile` s.
            command = [sys.executable, str(Path(__file__).with_name("heapwatch.py")),
                       "--out", str(work / "heap.txt"), "--every", str(heap_profile),
                       "--baseline", str(min(warmup * 60, minutes * 60 / 4)),
                       "--frames", str(heap_frames),
                       "--peaks", str(heap_peaks), "--", "run"]
        elif probe:
            # Who holds the native memory, sampled inside the bot (bench/memwatch.py).
            command = [sys.executable, str(Path(__file__).with_name("memwatch.py")),
                       "--out", str(work / "mem.jsonl"), "--every", str(probe),
                       "--types", str(types), "--", "run"]
        proc = await asyncio.create_subprocess_exec(
            *command, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=log_path.open("wb"))
        http = aiohttp.ClientSession()
        commands: dict[str, float] = {}  # event id -> when typed (epoch, as the fake's ts)
        kinds: dict[str, str] = {}
        seen: dict[str, str] = {}  # every delivery key the store ever showed
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + (240 if heap_profile else 60)  # tracemalloc: slow
            while True:
                assert proc.returncode is None, log_path.read_text()[-3000:]
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    if "ceasefire_leader" in await fetch_metrics(http, port):
                        break
                assert loop.time() < deadline, "bot did not start"
                await asyncio.sleep(0.2)
            start = time.monotonic()
            started_at = datetime.now(UTC)
            started_epoch = time.time()
            load_start = os.getloadavg()

            def type_command(channel: str, text: str, kind: str) -> None:
                event = fake.type_command(channel, text, user=f"U{rng.randrange(50)}")
                commands[event] = time.time()
                kinds[event] = kind

            names = [f"C{i:04d}" for i in range(channels)]
            daily = set(names[:max(1, int(channels * daily_share))])
            # Digests fall due a little into the run (half early, half in the middle).
            early = (started_at + timedelta(minutes=min(1.0, minutes / 3) + 1)).strftime("%H:%M")
            mid = (started_at + timedelta(minutes=max(2.0, minutes / 2) + 1)).strftime("%H:%M")
            for i, name in enumerate(names):
                lang = "ja" if i % 3 == 0 else "en"
                if name in daily:
                    text = f"subscribe both {early if i % 2 else mid} {lang}"
                else:
                    text = f"subscribe realtime {lang}"
                type_command(name, text, "subscribe")
            rows: list[dict[str, Any]] = []
            # Finished rows older than retention plus one prune interval must be gone.
            overdue = timedelta(minutes=retention_minutes + prune_minutes(retention_minutes)
                                + 0.5)
            samples: list[tuple[float, float]] = []
            grow = asyncio.create_task(_grow(feeds, every))
            ask = asyncio.create_task(_ask(rng, names, rate, type_command))
            tries = 30 if heap_profile else 6  # tracemalloc: the subscribe burst is slow
            for attempt in range(tries):  # a bot dumping a heap snapshot may miss a scrape
                try:
                    before = await fetch_metrics(http, port)
                    break
                except (aiohttp.ClientError, TimeoutError):
                    if attempt == tries - 1:
                        raise
            first_metrics = before
            last_429 = 0
            cpu_before = cpu_seconds(proc.pid)
            answered: set[str] = set()
            end = start + minutes * 60
            minute = 0
            next_sample = start
            while time.monotonic() < end:
                await asyncio.sleep(max(0.0, min(next_sample + 10, end) - time.monotonic()))
                next_sample = time.monotonic()
                samples.append((next_sample - start, rss_mb(proc.pid)))
                assert proc.returncode is None, log_path.read_text()[-3000:]
                if next_sample - start < (minute + 1) * 60 and next_sample < end:
                    continue
                minute += 1
                keys, answers, stale, used, files = await asyncio.to_thread(
                    store_rows, db, older_than=overdue)
                seen.update(keys)
                try:
                    now_metrics = await fetch_metrics(http, port)
                except (aiohttp.ClientError, TimeoutError):
                    now_metrics = before  # the bot did not answer in time: no new figures
                latencies = _new_latencies(fake, commands, answered)
                cpu_now = cpu_seconds(proc.pid)
                rows.append({
                    "minute": minute, "rss_mb": round(samples[-1][1], 1),
                    "cpu_s": round(cpu_now - cpu_before, 1),
                    "heap_anon_mb": [round(x, 1) for x in rss_parts_mb(proc.pid)],
                    "lag_p99": lag_quantile(now_metrics, before, 0.99),
                    "handler_p99": lag_quantile(now_metrics, before, 0.99,
                                                histogram="ceasefire_answer_latency_seconds"),
                    "answers": len(latencies),
                    "p50": quantile(latencies, 0.5), "p95": quantile(latencies, 0.95),
                    "p99": quantile(latencies, 0.99),
                    "max": max(latencies, default=0.0),
                    "depth": int(now_metrics.get("ceasefire_outbox_depth", 0)),
                    "r429": fake.stats["rate_limited"] - last_429,
                    "posted": fake.stats["accepted"],
                    "rows": len(keys), "stale": stale, "answer_rows": answers,
                    "db_mb": round(files / 2**20, 1),
                    "used_mb": round(used / 2**20, 1), "_latencies": latencies})
                last_429 = fake.stats["rate_limited"]
                cpu_before = cpu_now
                before = now_metrics
                r = rows[-1]
                say(f"min {minute:>3}  cpu {r['cpu_s']:>4.1f} s  rss {r['rss_mb']:>6.1f} MB "
                    "(heap/anon "
                    f"{r['heap_anon_mb'][0]:.1f}/{r['heap_anon_mb'][1]:.1f})  lag p99 <= "
                    f"{r['lag_p99'] * 1000:>5.0f} ms  answers {r['answers']:>4} "
                    f"p50/p95/p99/max {r['p50']:.2f}/{r['p95']:.2f}/{r['p99']:.2f}/"
                    f"{r['max']:.2f} s (handler p99 <= {r['handler_p99']:.2f} s)  "
                    f"depth {r['depth']:>5}  429s {r['r429']:>3}  "
                    f"posted {r['posted']:>6}  rows {r['rows']:>6} (overdue {r['stale']})  "
                    f"db {r['db_mb']} MB",
                    flush=True)
            grow.cancel()
            ask.cancel()
            # Drain: everything typed answered, everything queued sent.
            drain_until = time.monotonic() + 120
            while time.monotonic() < drain_until:
                try:
                    depth = (await fetch_metrics(http, port)).get("ceasefire_outbox_depth", 0)
                except (aiohttp.ClientError, TimeoutError):
                    await asyncio.sleep(1)  # busy catching up: ask again
                    continue
                replied = {m["key"] for m in fake.messages if (m["key"] or "").startswith(
                    "reply:")}
                if depth == 0 and all(f"reply:{e}" in replied for e in commands):
                    break
                await asyncio.sleep(1)
            keys, answers, stale, used, files = await asyncio.to_thread(
                store_rows, db, older_than=overdue)
            seen.update(keys)
            final_metrics = before
            for _ in range(6):  # a bot still busy may miss one scrape's timeout
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    final_metrics = await fetch_metrics(http, port)
                    break
            tail = _new_latencies(fake, commands, answered)
            stop_started = time.monotonic()
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 60)
            stop_seconds = time.monotonic() - stop_started
            load_end = os.getloadavg()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await http.close()
            await fake.stop()
            await feed_runner.cleanup()
        log_text = log_path.read_text(errors="replace")
        probed = work / "mem.jsonl"
        memory = memwatch.fit(memwatch.load(probed), after=min(warmup * 60, minutes * 60 / 4),
                              t0=started_epoch) if probe and probed.exists() else {}
        heap = work / "heap.txt"
        snaps = sorted(work.glob("heap-*.snap"))
        if heap_profile and len(snaps) >= 2:
            compared = await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).with_name("heapwatch.py")), "--out",
                str(heap), "--compare", str(snaps[0]), str(snaps[-1]),
                stdout=asyncio.subprocess.PIPE)
            growth = (await compared.communicate())[0].decode()
            if heap_frames >= 8:  # deep enough to charge each site to a line of ours
                compared = await asyncio.create_subprocess_exec(
                    sys.executable, str(Path(__file__).with_name("heapwatch.py")), "--out",
                    str(heap), "--ours", "--compare", str(snaps[0]), str(snaps[-1]),
                    stdout=asyncio.subprocess.PIPE)
                growth += (await compared.communicate())[0].decode()
            say(f"heap profile ({heap}):\n{heap.read_text()}{growth}")
        if types and (work / "mem.types").exists():
            say("object types that grew after the warm-up (count now, growth):")
            for name, n, grew in memwatch.growth_of_types(
                    work / "mem.types", after=min(warmup * 60, minutes * 60 / 4)):
                say(f"  {grew:+9d} {n:9d}  {name}")
    return _report(minutes=minutes, channels=channels, rate=rate, rows=rows, samples=samples,
                   warmup=warmup, fake=fake, commands=commands, kinds=kinds, seen=seen,
                   tail=tail, first=first_metrics, final=final_metrics, keys=keys,
                   answers=answers, stale=stale, used=used,
                   stop_seconds=stop_seconds, log_text=log_text, feeds=feeds,
                   load=(load_start, load_end), overdue=overdue, memory=memory)


async def _grow(feeds: Feeds, every: float) -> None:
    feed = 0
    while True:
        await asyncio.sleep(every / 4)  # the four feeds take turns: each grows every `every`
        feeds.add(feed)
        feed = (feed + 1) % 4


async def _ask(rng: random.Random, names: list[str], rate: float,
               type_command: Any) -> None:
    while True:
        await asyncio.sleep(rng.expovariate(rate))
        type_command(rng.choice(names), rng.choice(QUESTIONS), "question")


def _new_latencies(fake: ChatFake, commands: dict[str, float],
                   answered: set[str]) -> list[float]:
    """Latency of each reply that arrived since the last call (first part per command)."""
    out = []
    for m in fake.messages:
        key = m["key"] or ""
        if not key.startswith("reply:") or "#" in key:
            continue
        event = key[len("reply:"):]
        if event in answered or event not in commands:
            continue
        answered.add(event)
        out.append(max(0.0, m["ts"] - commands[event]))
    return out


def _by_kind(fake: ChatFake, commands: dict[str, float],
             kinds: dict[str, str]) -> dict[str, list[float]]:
    """p50 / p99 / worst (s) of the replies to ``subscribe`` and to questions typed in the
    first minute, and to questions typed after it: which of them set the first minute's
    tail."""
    first = min(commands.values(), default=0.0) + 60
    groups: dict[str, list[float]] = {}
    for m in fake.messages:
        key = m["key"] or ""
        event = key[len("reply:"):]
        if not key.startswith("reply:") or "#" in key or event not in commands:
            continue
        kind = kinds[event]
        if kind == "question":
            kind += "_minute_1" if commands[event] < first else "_after_minute_1"
        groups.setdefault(kind, []).append(max(0.0, m["ts"] - commands[event]))
    return {k: [round(quantile(v, 0.5), 3), round(quantile(v, 0.99), 3), round(max(v), 3)]
            for k, v in sorted(groups.items())}


def _report(*, minutes: float, channels: int, rate: float, rows: list[dict[str, Any]],
            samples: list[tuple[float, float]], warmup: float, fake: ChatFake,
            commands: dict[str, float], kinds: dict[str, str], seen: dict[str, str],
            tail: list[float], first: dict[str, float], final: dict[str, float],
            keys: dict[str, str], answers: int, stale: int, used: int,
            stop_seconds: float, log_text: str, feeds: Feeds,
            load: tuple[tuple[float, ...], tuple[float, ...]] = ((), ()),
            overdue: timedelta = timedelta(0),
            memory: dict[str, dict[str, float]] | None = None) -> dict[str, Any]:
    replies = Counter(m["key"] for m in fake.messages if (m["key"] or "").startswith("reply:"))
    posts = Counter(m["key"] for m in fake.messages
                    if m["key"] and not m["key"].startswith("reply:"))
    firsts = {k for k in replies if "#" not in k}
    replies_lost = sum(1 for e in commands if f"reply:{e}" not in firsts)
    questions_lost = sum(1 for e in commands if f"reply:{e}" not in firsts
                         and kinds[e] == "question")
    expected = {k for k, status in seen.items() if not k.startswith("reply:")}
    never_sent = {k for k in expected if k not in posts}
    latencies = [x for r in rows for x in r["_latencies"]] + tail
    # After the first minute (the burst of subscriptions): the steady state.
    steady = [x for r in rows[1:] for x in r["_latencies"]] + tail
    base_at = min(warmup * 60, minutes * 60 / 4)
    after = [(t, mb) for t, mb in samples if t >= base_at]
    base_rss = after[0][1] if after else (samples[-1][1] if samples else 0.0)
    max_rows = max((r["rows"] for r in rows), default=0)
    late_rows = max((r["rows"] for r in rows[len(rows) // 2:]), default=0)
    result = {
        "bench": "soak", "minutes": minutes, "channels": channels, "rate": rate,
        "commands": len(commands), "questions": sum(1 for k in kinds.values()
                                                    if k == "question"),
        "replies_lost": replies_lost, "questions_lost": questions_lost,
        "replies_doubled": sum(n - 1 for n in replies.values() if n > 1),
        "posts": len(posts), "posts_lost": len(never_sent),
        "posts_doubled": sum(n - 1 for n in posts.values() if n > 1),
        "reports": feeds.count, "developments": len(feeds.developments),
        "answer_p50": round(quantile(latencies, 0.5), 3),
        "answer_p95": round(quantile(latencies, 0.95), 3),
        "answer_p99": round(quantile(latencies, 0.99), 3),
        "answer_max": round(max(latencies, default=0.0), 3),
        "answer_p99_after_minute_1": round(quantile(steady, 0.99), 3),
        "answer_max_after_minute_1": round(max(steady, default=0.0), 3),
        "answer_by_kind": _by_kind(fake, commands, kinds),
        "handler_p99_le": lag_quantile(final, first, 0.99,
                                       histogram="ceasefire_answer_latency_seconds"),
        "loop_lag_p99_le": lag_quantile(final, first, 0.99),
        "loop_lag_max_le": lag_quantile(final, first, 1.0),
        "rate_limited_429": fake.stats["rate_limited"],
        "rss_first_mb": round(samples[0][1], 1) if samples else 0.0,
        "rss_baseline_mb": round(base_rss, 1), "rss_baseline_at_s": round(base_at),
        "rss_end_mb": round(samples[-1][1], 1) if samples else 0.0,
        # [heap] and anonymous RSS (MB) at each minute (see rss_parts_mb).
        "heap_anon_mb_per_minute": [r["heap_anon_mb"] for r in rows],
        # The bot's CPU seconds (user + system) in each minute.
        "cpu_s_per_minute": [r["cpu_s"] for r in rows],
        "rss_growth_mb_per_hour": round(slope_per_hour(after), 2),
        # The same fit from later starts (minute -> MB/h): whether the growth is warm-up
        # (caches filling to their bounds) that flattens, or goes on.
        "rss_growth_mb_per_hour_from_minute": {
            m: round(slope_per_hour([(t, mb) for t, mb in samples if t >= m * 60]), 2)
            for m in (3, 5, 10, 15, 20, 30) if minutes - m >= 5},
        # The same per message the platform accepted (posts and replies; minute samples
        # from the baseline on): a loaded host that sends less also grows less per hour.
        "rss_growth_mb_per_1000_messages": round(slope_per_hour(
            [(r["posted"], r["rss_mb"]) for r in rows if r["minute"] * 60 >= base_at])
            / 3.6, 2),
        # Who holds the memory (bench/memwatch.py, sampled in the bot): per component, MiB
        # at the baseline and at the end, and the fitted growth from the baseline in MiB/h.
        "memory_components": memory or {},
        "store_rows_end": len(keys), "store_rows_max": max_rows,
        "store_rows_max_second_half": late_rows, "store_rows_overdue_end": stale,
        "answer_rows_end": answers,
        # The retention bound: no finished row older than retention + one prune interval
        # (+30 s) is left. Only a run longer than that window can show it (else None).
        "retention_window_minutes": round(overdue.total_seconds() / 60, 2),
        "retention_bound_met": (stale == 0 and int(final.get("ceasefire_pruned_rows_total", 0))
                                > 0) if minutes * 60 > overdue.total_seconds() else None,
        "store_used_mb_end": round(used / 2**20, 2),
        "pruned": int(final.get("ceasefire_pruned_rows_total", 0)),
        "sigterm_seconds": round(stop_seconds, 2),
        # The host's 1/5/15-minute load averages as the run started and as it ended.
        "load_avg_start": [round(x, 2) for x in load[0]],
        "load_avg_end": [round(x, 2) for x in load[1]],
        "log_errors": len(re.findall(r" (ERROR|CRITICAL) ", log_text)),
        "log_error_lines": [line[:300] for line in log_text.splitlines()
                            if " ERROR " in line or " CRITICAL " in line][:3],
    }
    return result


def print_report(rows: dict[str, Any]) -> None:
    r = rows
    print()
    print(f"{'figure':<40}{'value':>14}")
    for label, key in [("commands typed (subscribe + questions)", "commands"),
                       ("replies lost", "replies_lost"), ("replies doubled", "replies_doubled"),
                       ("posts (distinct keys)", "posts"), ("posts lost", "posts_lost"),
                       ("posts doubled", "posts_doubled"), ("answer p50 s", "answer_p50"),
                       ("answer p95 s", "answer_p95"), ("answer p99 s", "answer_p99"),
                       ("answer worst s", "answer_max"),
                       ("answer p99 after minute 1 s", "answer_p99_after_minute_1"),
                       ("answer worst after minute 1 s", "answer_max_after_minute_1"),
                       ("handler p99 <= s (in the bot)", "handler_p99_le"),
                       ("loop lag p99 <= s", "loop_lag_p99_le"),
                       ("loop lag worst <= s", "loop_lag_max_le"),
                       ("429s from the platform", "rate_limited_429"),
                       ("RSS baseline MB", "rss_baseline_mb"), ("RSS end MB", "rss_end_mb"),
                       ("RSS growth after baseline MB/h (fit)", "rss_growth_mb_per_hour"),
                       ("the same, MB per 1,000 messages", "rss_growth_mb_per_1000_messages"),
                       ("outbox rows at end", "store_rows_end"),
                       ("outbox rows, most (2nd half)", "store_rows_max_second_half"),
                       ("rows past retention left (end)", "store_rows_overdue_end"),
                       ("back under the retention bound", "retention_bound_met"),
                       ("rows pruned", "pruned"), ("SIGTERM to exit s", "sigterm_seconds"),
                       ("errors in the bot log", "log_errors")]:
        print(f"{label:<40}{r[key]!s:>14}")
    for label, key in [("load average at start (1/5/15 min)", "load_avg_start"),
                       ("load average at end (1/5/15 min)", "load_avg_end")]:
        print(f"{label:<40}{' / '.join(str(x) for x in r[key]):>20}")
    if r.get("memory_components"):
        print(f"\n{'memory held by (in the bot)':<28}{'baseline MiB':>14}{'end MiB':>10}"
              f"{'fit MiB/h':>12}")
        for name, f in r["memory_components"].items():
            print(f"{name:<28}{f['from_mib']:>14.1f}{f['to_mib']:>10.1f}"
                  f"{f['mib_per_hour']:>+12.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--rate", type=float, default=3.0, help="questions per second")
    parser.add_argument("--every", type=float, default=20.0,
                        help="seconds between two reports of one feed")
    parser.add_argument("--retention-minutes", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="minutes before the RSS baseline")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the store, config and bot log here")
    parser.add_argument("--heap-profile", type=float, default=None, metavar="SECONDS",
                        help="run the bot under tracemalloc (bench/heapwatch.py): every "
                        "SECONDS after the warm-up, the top growing allocation sites go "
                        "to heap.txt in --workdir (slower: not for latency figures)")
    parser.add_argument("--heap-frames", type=int, default=1,
                        help="with --heap-profile: frames kept per allocation (who holds it)")
    parser.add_argument("--heap-peaks", type=float, default=0.0, metavar="MB",
                        help="with --heap-profile: also dump a snapshot whenever the traced "
                        "heap stands MB over its floor (what is alive at a short peak; "
                        "compare with heapwatch.py --ours --compare heap-peak-base.snap "
                        "heap-peak-NNN.snap)")
    parser.add_argument("--types", type=int, default=0, metavar="N",
                        help="with --probe: every N-th probe sample also counts live "
                        "objects by type; the types that grew are printed at the end")
    parser.add_argument("--probe", type=float, default=20.0, metavar="SECONDS",
                        help="sample who holds the bot's memory every SECONDS "
                        "(bench/memwatch.py; 0: off)")
    args = parser.parse_args()
    result = asyncio.run(run_soak(minutes=args.minutes, channels=args.channels,
                                  rate=args.rate, every=args.every,
                                  retention_minutes=args.retention_minutes,
                                  warmup=args.warmup, workdir=args.workdir,
                                  heap_profile=args.heap_profile,
                                  heap_frames=args.heap_frames, heap_peaks=args.heap_peaks,
                                  probe=args.probe or None,
                                  types=args.types))
    print_report(result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
