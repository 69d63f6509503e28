"""Story grouping against labelled developments: pairwise precision, recall and F1.

    python bench/stories.py [--split dev|test|all] [-v]

Two corpora, each ingested through the bot's own pipeline:

- the real coverage set (tests/data/realnews, the chosen split's developments), served as
  plain RSS 2.0, one feed per outlet and language, from the tests' loopback feed server;
  an updated report is served first as first published, then again with its update;
- the bundled demo feeds (13 developments; truth from bot/demo/feeds/README.md).

Two reports form a true pair when they report the same development, a found pair when the
bot put them in the same story. Tune on ``dev`` only; ``test`` is measured once at the end.
Prints a table (and with -v each story), then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bot.app import BotApp  # noqa: E402
from bot.store.models import Article  # noqa: E402
from config.settings import FeedSettings, load_settings  # noqa: E402
from tests.feedserver import start_feed_server  # noqa: E402
from tests.scenario.test_cli_news import development as demo_development  # noqa: E402

REALNEWS = ROOT / "tests" / "data" / "realnews"


@dataclass(frozen=True)
class Report:
    guid: str
    url: str
    outlet: str
    lang: str
    published: datetime
    title: str
    text: str
    development: str
    update: dict[str, str] | None

    def version(self, *, updated: bool) -> tuple[str, str, datetime]:
        if updated and self.update:
            return (self.update.get("title", self.title), self.update.get("text", self.text),
                    datetime.fromisoformat(self.update["published"]))
        return self.title, self.text, self.published


def load_reports(split: str) -> list[Report]:
    """Reports of the developments in ``split`` ("all": every development)."""
    splits = json.loads((REALNEWS / "SPLIT.json").read_text("utf-8"))["developments"]
    out: list[Report] = []
    for dev, info in sorted(splits.items()):
        path = REALNEWS / f"{dev}.json"
        if (split != "all" and info["split"] != split) or not path.exists():
            continue
        for r in json.loads(path.read_text("utf-8"))["reports"]:
            out.append(Report(r["guid"], r["url"], r["outlet"], r["lang"],
                              datetime.fromisoformat(r["published"]), r["title"], r["text"],
                              dev, r.get("update")))
    return out


def rss(outlet: str, lang: str, reports: Sequence[Report], *, updated: bool) -> bytes:
    items = []
    for r in reports:
        title, text, when = r.version(updated=updated)
        body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
        items.append(f"<item><title>{html.escape(title)}</title><link>{html.escape(r.url)}"
                     f'</link><guid isPermaLink="false">{html.escape(r.guid)}</guid>'
                     f"<description><![CDATA[{body}]]></description>"
                     f"<pubDate>{format_datetime(when.astimezone(UTC))}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>'
            f"{html.escape(outlet)}</title><language>{lang}</language>{''.join(items)}"
            "</channel></rss>").encode()


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


async def stories_of_real(reports: Sequence[Report], tmp: Path) -> dict[str, int]:
    """Ingest ``reports`` over loopback RSS; returns story id by report URL."""
    by_feed: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for r in reports:
        by_feed[(r.outlet, r.lang)].append(r)
    last = max(r.version(updated=True)[2] for r in reports)
    server = await start_feed_server()
    try:
        feeds = [FeedSettings(url=server.url(f"/f{n}.xml"), name=k[0], lang=k[1])
                 for n, k in enumerate(by_feed)]
        settings = load_settings(None, env={}, overrides={
            "database_url": f"sqlite:///{tmp / 'real.db'}", "data_dir": str(tmp),
            "demo": False, "feeds": [f.model_dump() for f in feeds]})
        async with BotApp(settings, clock=FixedClock(last + timedelta(hours=1))) as app:
            for updated in (False, True):
                for n, (key, rows) in enumerate(by_feed.items()):
                    server.static(f"/f{n}.xml", rss(*key, rows, updated=updated))
                report = await app.poll(feeds, force=True)
                if report.errors:
                    raise RuntimeError(f"ingest failed: {report.errors}")
            return await story_by_url(app)
    finally:
        await server.server.close()


async def stories_of_demo(tmp: Path) -> dict[str, int]:
    settings = load_settings(None, env={}, overrides={
        "database_url": f"sqlite:///{tmp / 'demo.db'}", "data_dir": str(tmp), "demo": True})
    async with BotApp(settings) as app:
        await app.poll()
        return await story_by_url(app)


async def story_by_url(app: BotApp) -> dict[str, int]:
    async with app.deps.sessions() as session:
        rows = (await session.execute(select(Article.url, Article.story_id))).tuples().all()
    return {url: story or -1 for url, story in rows}


def pairwise(truth: dict[str, str], found: dict[str, int]) -> dict[str, float]:
    """Pairwise precision/recall/F1 over the reports both sides know."""
    urls = sorted(set(truth) & set(found))
    same_true = same_found = both = 0
    for a, b in itertools.combinations(urls, 2):
        t, f = truth[a] == truth[b], found[a] == found[b]
        same_true += t
        same_found += f
        both += t and f
    p = both / same_found if same_found else 1.0
    r = both / same_true if same_true else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"reports": len(urls), "developments": len({truth[u] for u in urls}),
            "stories": len({found[u] for u in urls}), "precision": round(p, 3),
            "recall": round(r, 3), "f1": round(f1, 3)}


def show(truth: dict[str, str], found: dict[str, int], label: dict[str, str]) -> None:
    groups: dict[int, list[str]] = defaultdict(list)
    for url, story in found.items():
        if url in truth:
            groups[story].append(url)
    for story, urls in sorted(groups.items(), key=lambda g: min(truth[u] for u in g[1])):
        devs = sorted({truth[u] for u in urls})
        mark = "" if len(devs) == 1 else "   <- mixes developments"
        print(f"  story {story}: {', '.join(devs)}{mark}")
        for u in sorted(urls, key=lambda u: truth[u]):
            print(f"      {truth[u]}  {label.get(u, u)[:90]}")


async def main(split: str, verbose: bool) -> dict[str, object]:
    reports = load_reports(split)
    with tempfile.TemporaryDirectory() as tmp:
        real = await stories_of_real(reports, Path(tmp)) if reports else {}
        (Path(tmp) / "demo").mkdir()
        demo = await stories_of_demo(Path(tmp) / "demo")
    real_truth = {r.url: r.development for r in reports}
    demo_truth = {u: demo_development(u) for u in demo}
    figures = {"real": pairwise(real_truth, real), "demo": pairwise(demo_truth, demo)}
    if verbose:
        labels = {r.url: f"{r.lang} {r.published:%m-%d} {r.outlet}: {r.title}" for r in reports}
        print(f"real coverage ({split}):")
        show(real_truth, real, labels)
        print("demo feeds:")
        show(demo_truth, demo, {u: re.sub(r"^https://[^/]+/", "", u) for u in demo})
    print(f"{'corpus':24}{'reports':>8}{'devs':>6}{'stories':>8}{'P':>7}{'R':>7}{'F1':>7}")
    for name, f in (("real coverage " + split, figures["real"]), ("demo feeds", figures["demo"])):
        print(f"{name:24}{f['reports']:>8}{f['developments']:>6}{f['stories']:>8}"
              f"{f['precision']:>7.3f}{f['recall']:>7.3f}{f['f1']:>7.3f}")
    print("target: F1 >= 0.90")
    print(json.dumps({"bench": "stories", "split": split, **figures}))
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    asyncio.run(main(args.split, args.verbose))
