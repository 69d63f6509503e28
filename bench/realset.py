"""The labelled real-coverage set (tests/data/realnews): load it, serve it as plain RSS 2.0
from an aiohttp server on 127.0.0.1, and ingest it through the bot's own pipeline.

Updated reports arrive as a newsroom publishes them: the first version is served and
ingested, then the page is served again with its update and ingested again.
Shared by ``bench/quality.py``, ``bench/stories.py`` and the dev-split quality floor test.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

from bot.answer.evaluation import Question
from bot.app import BotApp
from config.settings import FeedSettings, load_settings

REALNEWS = Path(__file__).resolve().parent.parent / "tests" / "data" / "realnews"
#: Developments in neither split, written after stop 33 by writers who saw neither the code
#: nor the bot's answers: run once at the start of a round and once on its final code.
FRESH = REALNEWS.parent / "realnews_fresh"
Split = str  # "dev" | "test" | "fresh"


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


@dataclass(frozen=True)
class RealSet:
    reports: tuple[Report, ...]
    questions: tuple[Question, ...]
    #: development id -> "dev" | "test"
    splits: dict[str, Split]

    @property
    def last_report(self) -> datetime:
        return max(max(r.published, _update_time(r) or r.published) for r in self.reports)

    def questions_of(self, split: Split) -> list[Question]:
        return [q for q in self.questions if q.split == split]

    def reports_of(self, split: Split) -> tuple[Report, ...]:
        """Reports of the developments in ``split`` ("all": every report)."""
        return tuple(r for r in self.reports
                     if split == "all" or self.splits.get(r.development) == split)


def load_realset(folder: Path = REALNEWS, *, only: Path | None = None) -> RealSet:
    """Every development file and misc.json; questions carry their split (with
    ``only``: that file's questions instead, e.g. the probe set)."""
    split_path = folder / "SPLIT.json"
    split_doc = (json.loads(split_path.read_text(encoding="utf-8")) if split_path.exists()
                 else {"developments": {}})
    splits = {d: v["split"] for d, v in split_doc["developments"].items()}
    reports: list[Report] = []
    questions: list[Question] = []
    for path in [only] if only else sorted(folder.glob("*.json")):
        if path.name == "SPLIT.json":
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        dev = doc.get("development", path.stem)
        if "split" in doc:
            splits.setdefault(dev, doc["split"])
        for r in doc.get("reports", []):
            reports.append(Report(r["guid"], r["url"], r["outlet"], r["lang"],
                                  datetime.fromisoformat(r["published"]), r["title"], r["text"],
                                  dev, r.get("update")))
        for q in doc.get("questions", []):
            split = q.get("split") or splits.get(q.get("development") or dev, "dev")
            questions.append(Question(
                q["id"], q["lang"], q["question"], q["kind"], q.get("context"),
                tuple(q["support"]), tuple(q["facts"]),
                datetime.fromisoformat(q["asked_at"]) if q.get("asked_at") else None,
                development=q.get("development") or dev, split=split,
                unanswerable_kind=q.get("unanswerable_kind")))
    return RealSet(tuple(reports), tuple(questions), splits)


def fresh_range(name: str) -> tuple[int, int] | None:
    """``f07-f12`` as (7, 12), by number: f100 comes after f99, which a comparison of the
    names would put first. None for a name that is not a fresh range."""
    first, _, last = name.partition("-")
    end = last or first
    if not all(n[:1] == "f" and n[1:].isdigit() for n in (first, end)):
        return None
    return int(first[1:]), int(end[1:])


def in_fresh_range(development: str | None, span: tuple[int, int]) -> bool:
    """The development (``f100``) is a fresh one inside ``span``, by number."""
    number = fresh_range(development or "")
    return number is not None and span[0] <= number[0] <= span[1]


#: Every fresh development, for ``with_fresh``'s default.
ALL_FRESH = "f01-f999"


def with_fresh(realset: RealSet, folder: Path = FRESH, *,
               developments: str = ALL_FRESH) -> RealSet:
    """The questions of the fresh developments in ``developments`` ("f07-f12", both ends
    included) over a store of every report, every fresh development's and the labelled
    set's (the others stay as what a real store holds around them)."""
    span = fresh_range(developments)
    if span is None:
        raise ValueError(f"{developments!r} is not a range of fresh developments (f07-f12)")
    fresh = load_realset(folder)
    asked = tuple(q for q in fresh.questions if in_fresh_range(q.development, span))
    return RealSet(realset.reports + fresh.reports, asked, {**realset.splits, **fresh.splits})


def _update_time(report: Report) -> datetime | None:
    if not report.update:
        return None
    return datetime.fromisoformat(report.update["published"])


def feed_slug(outlet: str, lang: str) -> str:
    """The outlet's feed name: readable, and unique to the exact outlet name. The readable
    part alone collides ("WACOCA(ロイター)" and "WACOCA（ロイター）" are both "wacoca"), and
    the later outlet's feed then replaced the earlier's: its reports were never served."""
    base = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-")
    digest = hashlib.sha1(outlet.encode()).hexdigest()[:8]
    return f"{base}-{digest}-{lang}" if base else f"{digest}-{lang}"


def rss_for(outlet: str, lang: str, reports: Iterable[Report], *, updated: bool) -> bytes:
    """One outlet's reports as a plain RSS 2.0 document (paragraphs as <p>)."""
    items = []
    for r in reports:
        title, text, when = r.title, r.text, r.published
        if updated and r.update:
            title = r.update.get("title", title)
            text = r.update.get("text", text)
            when = datetime.fromisoformat(r.update["published"])
        body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n")
                       if p.strip())
        items.append(
            f"<item><title>{html.escape(title)}</title><link>{html.escape(r.url)}</link>"
            f'<guid isPermaLink="false">{html.escape(r.guid)}</guid>'
            f"<description><![CDATA[{body}]]></description>"
            f"<pubDate>{format_datetime(when.astimezone(UTC))}</pubDate></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(outlet)}</title><link>https://{feed_slug(outlet, lang)}/"
            f"</link><language>{lang}</language>{''.join(items)}</channel></rss>"
            ).encode()


@dataclass
class _Clock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@asynccontextmanager
async def served() -> AsyncIterator[tuple[dict[str, bytes], str]]:
    """An aiohttp server on 127.0.0.1 serving ``/feeds/<slug>.xml`` from a mutable dict."""
    bodies: dict[str, bytes] = {}

    async def handle(request: web.Request) -> web.Response:
        body = bodies.get(request.match_info["slug"])
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feeds/{slug}.xml", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield bodies, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def build_store(realset: RealSet, folder: Path) -> Path:
    """Ingest the set into ``folder/real.db`` via RSS over loopback; returns the db path."""
    by_feed: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for r in realset.reports:
        by_feed[(r.outlet, r.lang)].append(r)
    slugs = {feed_slug(o, lang) for (o, lang) in by_feed}
    if len(slugs) != len(by_feed):
        raise ValueError("two outlets share a feed URL: one would hide the other's reports")
    clock = _Clock(realset.last_report + timedelta(hours=1))
    async with served() as (bodies, base):
        feeds = [FeedSettings(url=f"{base}/feeds/{feed_slug(o, lang)}.xml", name=o, lang=lang)
                 for (o, lang) in by_feed]
        settings = load_settings(None, env={}, overrides={
            "database_url": f"sqlite:///{folder / 'real.db'}", "data_dir": str(folder),
            "demo": False, "feeds": [f.model_dump() for f in feeds]})
        async with BotApp(settings, clock=clock) as app:
            for updated in (False, True):
                for (outlet, lang), rows in by_feed.items():
                    bodies[feed_slug(outlet, lang)] = rss_for(outlet, lang, rows,
                                                             updated=updated)
                report = await app.poll(feeds, force=True)
                if report.errors:
                    raise RuntimeError(f"ingest failed: {report.errors}")
    return folder / "real.db"
