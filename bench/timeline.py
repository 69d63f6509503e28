"""Timeline picture cost: 100 developments with 10,000 reports between them, drawn to PNG,
then served again from the picture cache — against a baseline in the same run: an empty
picture of the same size and font through the same Agg backend (the floor any PNG pays).

Targets (issue 17): a render ≤ 1 s, a cached re-render ≤ 10 ms. Prints a table, then one
JSON line.
"""

from __future__ import annotations

import asyncio
import io
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.store.models import Article, Story
from bot.timeline.cache import TimelinePictures
from bot.timeline.data import timeline_data
from bot.timeline.picture import DPI, HEIGHT, WIDTH, _font_family, render_png

DEVELOPMENTS, REPORTS = 100, 10_000
RENDERS, HITS = 5, 200
ZONE = ZoneInfo("Asia/Tokyo")
TITLES = ("Trump and Putin hold a phone call on Ukraine", "Talks in Istanbul end quickly",
          "Summit at the White House", "Minerals deal signed", "Prisoner swap of 1,000 each",
          "Easter truce declared", "米ロ首脳が電話会談", "イスタンブールで直接協議")


def stories() -> list[Story]:
    """100 developments over ten months, 100 reports each, in memory (no database)."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    per = REPORTS // DEVELOPMENTS
    for i in range(DEVELOPMENTS):
        first = start + timedelta(days=3 * i)
        story = Story(id=i + 1, headline=TITLES[i % len(TITLES)], first_at=first,
                      latest_at=first + timedelta(days=2), revision=1)
        story.articles = [
            Article(id=i * per + j, title=f"{TITLES[(i + j) % len(TITLES)]} ({j})",
                    text="Delegations met. A further round is expected.",
                    source=f"Outlet {j % 12}", lang="ja" if j % 3 == 0 else "en",
                    url=f"https://bench.example/{i}/{j}", guid=f"{i}/{j}",
                    published_at=first + timedelta(hours=j * 0.45))
            for j in range(per)]
        out.append(story)
    return out


def empty_png() -> bytes:
    with mpl.rc_context({"font.family": _font_family()}):
        fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        FigureCanvasAgg(fig)
        fig.add_subplot()
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def timed(fn: object, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return samples


async def main() -> None:
    data_samples = []
    built = stories()
    for _ in range(RENDERS):
        start = time.perf_counter()
        data = timeline_data(built, lang="en", zone=ZONE)
        data_samples.append(time.perf_counter() - start)
    assert len(data.points) == DEVELOPMENTS and sum(n for _d, n in data.daily) == REPORTS
    empty_png()
    render_png(data)  # warm-up: fonts loaded once per process
    baseline = timed(empty_png, RENDERS)
    render = timed(lambda: render_png(data), RENDERS)
    with tempfile.TemporaryDirectory() as tmp:
        pictures = TimelinePictures(Path(tmp))
        first = time.perf_counter()
        await pictures.fetch(data)
        cold = time.perf_counter() - first
        hits = []
        for _ in range(HITS):
            start = time.perf_counter()
            await pictures.fetch(data)
            hits.append(time.perf_counter() - start)
        pictures.close()
    rows = [("empty picture, same size (baseline)", baseline),
            ("timeline picture, 100 dev / 10k reports", render),
            ("cached re-render (key + stored PNG)", hits),
            ("picture data from 10k reports", data_samples)]
    print(f"{'step':42} {'median ms':>10} {'max ms':>8}")
    for name, samples in rows:
        print(f"{name:42} {statistics.median(samples) * 1000:10.2f} "
              f"{max(samples) * 1000:8.2f}")
    render_ms = statistics.median(render) * 1000
    base_ms = statistics.median(baseline) * 1000
    hit_ms = statistics.median(hits) * 1000
    print(f"first fetch (draw + store) {cold * 1000:.1f} ms; render / baseline "
          f"{render_ms / base_ms:.2f}x; cached / render {hit_ms / render_ms:.4f}x")
    print(json.dumps({
        "bench": "timeline", "developments": DEVELOPMENTS, "reports": REPORTS,
        "baseline_empty_png_ms": round(base_ms, 2), "render_ms": round(render_ms, 2),
        "render_vs_baseline": round(render_ms / base_ms, 3),
        "cached_ms": round(hit_ms, 3), "cached_vs_render": round(hit_ms / render_ms, 5),
        "data_ms": round(statistics.median(data_samples) * 1000, 2),
        "render_within_1s": render_ms <= 1000, "cached_within_10ms": hit_ms <= 10}))


if __name__ == "__main__":
    asyncio.run(main())
