"""Benchmark: a hostile corpus and good feeds in ONE ingest (issue 13; not a test).

The corpus, served on 127.0.0.1: a billion-laughs bomb, a DTD hidden after a second
byte-order mark and a long comment (entities that would expand its title to ~30 MB), a
4 MB title, a 4 MB description (two feeds), a chain of slow redirects (each hop well
within the fetch timeout, the chain not), 15,000 entries, and an HTML page. Good feeds
are served beside them.

Each ingest runs in a freshly started child process, so the server does not count
towards its memory; its peak is read from /proc (VmHWM), so Linux only. The baseline, in
the same run: the same ingest of the good feeds alone. Targets: peak RSS <= 400 MB, every
hostile feed refused or capped within its deadline (fetch timeout + 10 s to parse), every
good feed stored.

Prints a readable table, then one line of JSON with the figures.
Usage: python bench/hostile.py [--good 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import _hwm_mb, rss_doc, start_loopback, synthetic_item

#: Fetch timeout of the ingest (seconds); a slow hop takes ``HOP_SECONDS``.
TIMEOUT = 5.0
HOP_SECONDS = 1.5
HOPS = 6
PARSE_ALLOWANCE = 10.0
NOW = datetime.now(UTC)


def _item(title: str, link: str, body: str, when: datetime) -> str:
    return (f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
            f"<description><![CDATA[{body}]]></description>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>")


def _rss(items: str, *, head: str = "") -> bytes:
    return (f'{head}<rss version="2.0"><channel><title>Hostile</title>{items}'
            "</channel></rss>").encode()


def billion_laughs() -> bytes:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 10)]
    return _rss(_item("Ukraine ceasefire &l9;", "https://bomb.example/1", "&l9;", NOW),
                head=f'<?xml version="1.0"?><!DOCTYPE r [{"".join(levels)}]>')


def hidden_dtd() -> bytes:
    """A DTD after a second BOM and a long comment; its title entity would be ~30 MB."""
    dtd = ('<!DOCTYPE rss [<!ENTITY a "' + "A" * 3000 + '">'
           '<!ENTITY b "' + "&a;" * 100 + '"><!ENTITY c "' + "&b;" * 100 + '">]>')
    prolog = "\ufeff\ufeff<!--" + "x" * 4_500_000 + "-->" + dtd
    return prolog.encode("utf-8") + _rss(
        _item("Ukraine ceasefire &c;", "https://hidden.example/1", "&c;", NOW))


def giant(field: str) -> bytes:
    big = "Ukraine ceasefire talks went on. " * (4 * 1024 * 1024 // 33)
    title, body = (big, "Ceasefire talks.") if field == "title" else ("Ukraine ceasefire", big)
    return _rss(_item(title, f"https://giant-{field}.example/1", body, NOW))


def many_entries(count: int) -> bytes:
    rng = random.Random(5)
    items = []
    for n in range(count):
        title, _link, _body, _when = synthetic_item(rng, n, feed=900)
        items.append(_item(title, f"https://many.example/{n}", "", NOW - timedelta(minutes=n)))
    return _rss("".join(items))


HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Ceasefire news</title></head><body>"
             + b"<p>Ukraine ceasefire.</p>" * 20_000 + b"</body></html>")


def corpus(good: int) -> tuple[dict[str, bytes], dict[str, str]]:
    """Documents by path, and what each hostile one is expected to become."""
    rng = random.Random(3)
    docs = {f"/good{i}.xml": rss_doc([synthetic_item(rng, i * 20 + j, feed=i)
                                      for j in range(20)], feed=i) for i in range(good)}
    docs.update({"/bomb.xml": billion_laughs(), "/hidden.xml": hidden_dtd(),
                 "/title.xml": giant("title"), "/description.xml": giant("description"),
                 "/many.xml": many_entries(15_000), "/page.html": HTML_PAGE})
    expected = {"/bomb.xml": "refused", "/hidden.xml": "refused", "/title.xml": "capped",
                "/description.xml": "capped", "/many.xml": "capped", "/page.html": "refused",
                "/slow0": "refused"}
    return docs, expected


def _ingest_child(urls: list[str], folder: str, queue: Any) -> None:
    from sqlalchemy import func, select

    from bot.app import BotApp
    from bot.clock import SystemClock
    from bot.news.pipeline import FeedOutcome
    from bot.store.models import Article, Feed
    from config.settings import FeedSettings, load_settings

    settings = load_settings(env={}, overrides={
        "database_url": f"sqlite:///{Path(folder) / 'bench.db'}", "data_dir": folder,
        "fetch": {"timeout_seconds": TIMEOUT, "concurrency": 16, "per_host": 16,
                  "max_redirects": HOPS + 2}})
    done: dict[str, float] = {}

    async def run() -> dict[str, Any]:
        async with BotApp(settings, clock=SystemClock()) as app:
            t0 = time.perf_counter()

            def progress(outcome: FeedOutcome) -> None:
                done[outcome.url] = time.perf_counter() - t0

            report = await app.poll([FeedSettings(url=u) for u in urls], force=True,
                                    on_progress=progress)
            wall = time.perf_counter() - t0
            async with app.deps.sessions() as session:
                rows = (await session.execute(
                    select(Feed.url, func.count(Article.id), func.max(func.length(
                        Article.title)), func.max(func.length(Article.text)))
                    .join(Article, Article.feed_id == Feed.id, isouter=True)
                    .group_by(Feed.url))).tuples().all()
        stored = {url: {"articles": n, "max_title": t or 0, "max_text": x or 0}
                  for url, n, t, x in rows}
        outcomes = {o.url: {"error": o.error, "fetched": o.fetched, "new": o.new,
                            "seconds": round(done.get(o.url, wall), 2)}
                    for o in report.outcomes}
        return {"wall_s": wall, "outcomes": outcomes, "stored": stored}

    result = asyncio.run(run())
    result["peak_rss_mb"] = _hwm_mb()
    queue.put(result)


async def _serve_and_ingest(docs: dict[str, bytes], paths: list[str]) -> dict[str, Any]:
    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/slow"):
            n = int(path[5:])
            await asyncio.sleep(HOP_SECONDS)
            target = "/good0.xml" if n == HOPS - 1 else f"/slow{n + 1}"
            return web.Response(status=302, headers={"Location": target})
        kind = "text/html" if path.endswith(".html") else "application/rss+xml"
        return web.Response(body=docs[path], content_type=kind)

    runner, port = await start_loopback(handle)
    urls = [f"http://127.0.0.1:{port}{p}" for p in paths]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ctx = mp.get_context("spawn")
            queue: Any = ctx.Queue()
            child = ctx.Process(target=_ingest_child, args=(urls, tmp, queue))
            child.start()
            loop = asyncio.get_running_loop()
            result: dict[str, Any] = await loop.run_in_executor(None, queue.get)
            await loop.run_in_executor(None, child.join)
    finally:
        await runner.cleanup()
    result["base"] = f"http://127.0.0.1:{port}"
    return result


def _verdict(path: str, expected: str, outcome: dict[str, Any],
             stored: dict[str, Any]) -> tuple[str, bool]:
    within = outcome["seconds"] <= TIMEOUT + PARSE_ALLOWANCE
    if expected == "refused":
        return f"refused: {outcome['error']}", bool(outcome["error"]) and within
    caps = (stored.get("max_title", 0) <= 1024 and stored.get("max_text", 0) <= 200 * 1024
            and outcome["fetched"] <= 500)
    what = (f"capped: {outcome['fetched']} entries read, {stored.get('articles', 0)} stored, "
            f"longest title {stored.get('max_title', 0)}, text {stored.get('max_text', 0)}")
    return what, outcome["error"] is None and caps and within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--good", type=int, default=5)
    args = parser.parse_args()
    docs, expected = corpus(args.good)
    good = [p for p in docs if p.startswith("/good")]
    base = asyncio.run(_serve_and_ingest(docs, good))
    hostile = asyncio.run(_serve_and_ingest(docs, [*good, *expected]))
    rows: list[tuple[str, str, str]] = []
    all_ok = True
    for path, kind in expected.items():
        url = hostile["base"] + path
        outcome = hostile["outcomes"][url]
        what, ok = _verdict(path, kind, outcome, hostile["stored"].get(url, {}))
        all_ok = all_ok and ok
        rows.append((path, f"{outcome['seconds']:.1f} s", ("ok  " if ok else "FAIL") + what))
    good_stored = all(hostile["outcomes"][hostile["base"] + p]["error"] is None
                      and hostile["stored"].get(hostile["base"] + p, {}).get("articles", 0) > 0
                      for p in good)
    base_good = sum(v["articles"] for v in base["stored"].values())
    host_good = sum(hostile["stored"].get(hostile["base"] + p, {}).get("articles", 0)
                    for p in good)
    rows += [
        ("good feeds stored", f"{host_good}", f"baseline alone: {base_good} articles"),
        ("wall time", f"{hostile['wall_s']:.1f} s",
         f"baseline {base['wall_s']:.1f} s ({hostile['wall_s'] / base['wall_s']:.1f}x)"),
        ("peak RSS", f"{hostile['peak_rss_mb']:.0f} MB",
         f"baseline {base['peak_rss_mb']:.0f} MB "
         f"({hostile['peak_rss_mb'] / base['peak_rss_mb']:.2f}x); target <= 400 MB"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>8}  {note}")
    passed = all_ok and good_stored and host_good == base_good and \
        hostile["peak_rss_mb"] <= 400
    print(json.dumps({
        "bench": "hostile", "peak_rss_mb": round(hostile["peak_rss_mb"], 1),
        "baseline_peak_rss_mb": round(base["peak_rss_mb"], 1),
        "wall_s": round(hostile["wall_s"], 2), "baseline_wall_s": round(base["wall_s"], 2),
        "hostile_refused_or_capped_in_time": all_ok, "good_stored": good_stored,
        "good_articles": host_good, "baseline_good_articles": base_good, "pass": passed}))


if __name__ == "__main__":
    main()
