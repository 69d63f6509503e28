"""Story grouping against labelled developments: pairwise precision, recall and F1.

    python bench/stories.py [--split dev|test|all] [-v]
    python bench/stories.py --fresh f01-f06 [-v]   # spent fresh developments

With ``--fresh``, every report (the labelled set's and every fresh development's) is
ingested, as ``bench/quality.py --fresh`` does, and the fresh developments from FIRST to LAST
are scored; -v lists their stories, naming any dev report grouped with them.

Two corpora, each ingested through the bot's own pipeline:

- the real coverage set (tests/data/realnews, the chosen split's developments), served and
  ingested by ``bench/realset.py`` exactly as ``bench/quality.py`` does (plain RSS 2.0 per
  outlet over loopback; an updated report first as published, then with its update);
- the bundled demo feeds (13 developments; truth from bot/demo/feeds/README.md).

Two reports form a true pair when they report the same development, a found pair when the
bot put them in the same story. Tune on ``dev`` only; ``test`` is measured once at the end.
Prints a table (and with -v each story), then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.realset import (  # noqa: E402
    RealSet,
    build_store,
    fresh_range,
    in_fresh_range,
    load_realset,
    with_fresh,
)
from bot.app import BotApp  # noqa: E402
from bot.store.db import open_store  # noqa: E402
from bot.store.models import Article  # noqa: E402
from config.settings import load_settings  # noqa: E402
from tests.scenario.test_cli_news import development as demo_development  # noqa: E402


async def stories_of_real(realset: RealSet, split: str, tmp: Path) -> dict[str, int]:
    """Ingest the split's reports over loopback RSS; returns story id by report URL."""
    subset = RealSet(realset.reports_of(split), (), realset.splits)
    db = await build_store(subset, tmp)
    async with open_store(f"sqlite:///{db}") as (_engine, sessions), sessions() as session:
        rows = (await session.execute(select(Article.url, Article.story_id))).tuples().all()
    return {url: story or -1 for url, story in rows}


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


async def fresh_main(developments: str, verbose: bool) -> dict[str, object]:
    realset = with_fresh(load_realset(), developments=developments)
    span = fresh_range(developments)
    assert span is not None  # with_fresh has refused any other name
    scored = [r for r in realset.reports
              if realset.splits.get(r.development) == "fresh"
              and in_fresh_range(r.development, span)]
    with tempfile.TemporaryDirectory() as tmp:
        found = await stories_of_real(realset, "all", Path(tmp)) if scored else {}
    truth = {r.url: r.development for r in scored}
    figures: dict[str, object] = {"fresh": pairwise(truth, found)}
    if verbose:
        # Dev reports grouped with a scored one are named; test-split reports only counted.
        dev = {r.url: r.development for r in realset.reports
               if realset.splits.get(r.development) == "dev"}
        labels = {r.url: f"{r.lang} {r.published:%m-%d} {r.outlet}: {r.title}"
                  for r in realset.reports if r.url in truth or r.url in dev}
        stories = {found[u] for u in truth if u in found}
        shown = {u: d for u, d in {**dev, **truth}.items() if found.get(u) in stories}
        others: dict[int, int] = defaultdict(int)
        for r in realset.reports:
            if r.url not in shown and found.get(r.url) in stories:
                others[found[r.url]] += 1
        print(f"fresh {developments}:")
        show(shown, {u: found[u] for u in shown}, labels)
        for story, n in sorted(others.items()):
            print(f"  story {story} also holds {n} other report(s)")
    f = pairwise(truth, found)
    print(f"{'corpus':24}{'reports':>8}{'devs':>6}{'stories':>8}{'P':>7}{'R':>7}{'F1':>7}")
    print(f"{'fresh ' + developments:24}{f['reports']:>8}{f['developments']:>6}"
          f"{f['stories']:>8}{f['precision']:>7.3f}{f['recall']:>7.3f}{f['f1']:>7.3f}")
    print(json.dumps({"bench": "stories", "fresh": developments, **figures}))
    return figures


async def main(split: str, verbose: bool) -> dict[str, object]:
    realset = load_realset()
    reports = realset.reports_of(split)
    with tempfile.TemporaryDirectory() as tmp:
        real = await stories_of_real(realset, split, Path(tmp)) if reports else {}
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
    ap.add_argument("--fresh", nargs="?", const="f01-f147", default=None, metavar="FIRST-LAST",
                    help="score the spent fresh developments from FIRST to LAST instead")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.fresh:
        asyncio.run(fresh_main(args.fresh, args.verbose))
    else:
        asyncio.run(main(args.split, args.verbose))
