"""Memory of one briefing build as a story grows: every report loaded vs the window.

A fan-out, a digest or a welcome builds a story's briefing; several run at once. What one
build allocates (the traced peak, tracemalloc) sets how high the process's memory goes at
such moments, and the allocators keep that high-water mark. This bench grows one story the
way ``bench/soak.py`` does (its four feeds; the pipeline groups them into one story), and at
each ``--sizes`` step builds the story's welcome briefing twice, each with a fresh cache:

* baseline: the story loaded with every report (``selectinload(Story.articles)``, as all
  read paths did before ``bot/brief/recent.py``);
* window: ``load_story`` (the newest reports plus each outlet's, feed's and language's
  marker reports).

    .venv/bin/python bench/story_memory.py [--sizes 50,100,200,400]

Prints a table, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bench.archive_memory import FileFeeds
from bot.app import BotApp
from bot.brief.builder import load_story
from bot.brief.cache import BriefingCache
from bot.clock import SystemClock
from bot.store.models import Article, Story
from config.settings import load_settings

Loader = Callable[[AsyncSession, int], Awaitable[Story | None]]


async def load_whole(session: AsyncSession, story_id: int) -> Story | None:
    """The baseline: the story with every report."""
    return await session.scalar(
        select(Story).where(Story.id == story_id).options(selectinload(Story.articles)))


async def traced_build(app: BotApp, story_id: int, loader: Loader) -> tuple[float, float, int]:
    """(traced peak MB, seconds, reports loaded) of loading the story and building its
    briefing in a fresh session and cache."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    async with app.deps.sessions() as session:
        story = await loader(session, story_id)
        assert story is not None
        await BriefingCache().fetch(session, story, lang="en")
        loaded = len(story.articles)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 1e6, seconds, loaded


async def measure(sizes: list[int], folder: Path) -> list[dict[str, float]]:
    files = FileFeeds(folder, max(sizes))
    settings = load_settings(env={}, overrides={
        "database_url": f"sqlite:///{folder / 'story.db'}", "data_dir": str(folder),
        "demo": False})
    rows: list[dict[str, float]] = []
    async with BotApp(settings, clock=SystemClock()) as app:
        for n in range(1, max(sizes) + 1):
            await files.poll_next(app)
            if n not in sizes:
                continue
            async with app.deps.sessions() as session:
                story_id, reports = (await session.execute(
                    select(Article.story_id, func.count()).group_by(Article.story_id)
                    .order_by(func.count().desc()).limit(1))).one()
            for loader in (load_whole, load_story):  # warm: caches filled by a first build
                await traced_build(app, story_id, loader)
            whole = await traced_build(app, story_id, load_whole)
            window = await traced_build(app, story_id, load_story)
            rows.append({"reports": reports, "whole_peak_mb": round(whole[0], 2),
                         "window_peak_mb": round(window[0], 2),
                         "whole_ms": round(whole[1] * 1000, 1),
                         "window_ms": round(window[1] * 1000, 1),
                         "window_reports": window[2]})
            print(f"{reports:>8}{whole[0]:>12.2f}{window[0]:>12.2f}{window[2]:>10}"
                  f"{whole[1] * 1000:>11.1f}{window[1] * 1000:>11.1f}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="50,100,200,400",
                        help="reports stored (all feeds) at which to measure")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    print(f"{'story':>8}{'peak MB':>12}{'peak MB':>12}{'loaded':>10}{'ms':>11}{'ms':>11}")
    print(f"{'reports':>8}{'all':>12}{'window':>12}{'window':>10}{'all':>11}{'window':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(measure(sizes, Path(tmp)))
    last = rows[-1]
    print(json.dumps({"bench": "story_memory", "rows": rows,
                      "largest_story": last["reports"],
                      "peak_ratio_at_largest": round(last["window_peak_mb"]
                                                     / last["whole_peak_mb"], 3),
                      "time_ratio_at_largest": round(last["window_ms"] / last["whole_ms"], 3)}))


if __name__ == "__main__":
    main()
