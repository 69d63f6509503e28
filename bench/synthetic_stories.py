"""Synthetic articles grouped into stories the way the bot groups real ones, for
``bench/answer.py``.

Each synthetic development copies one story of the bundled demo store: as many reports, in
the same languages (most demo stories have reports in both ja and en). Its reports share a
made-up place and figure, are published within ``NEAR`` of each other, and draw
``STORY_SENTENCES`` of their five sentences from that demo story's sentences in their
language (reports of one development say much the same), the rest from any demo report in
their language. Every article carries its development's story id, and each development is
one ``stories`` row, so the answer code's other-language paths run as on a real store.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench.demo_store import demo_app
from bot.news.stories import NEAR
from bot.store.models import Article
from bot.text.sentences import split_sentences

START = datetime(2023, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 9, 1, tzinfo=UTC)
SOURCES = ("Harbor Wire", "Meridian Daily", "Kyokai Shimbun", "Nami News")
#: Of a report's five demo sentences, how many come from its development's demo story.
STORY_SENTENCES = 3
SENTENCES = 5
#: Made-up places: each names about 20 articles at 100k, as before stories.
PLACES = 5000


@dataclass(frozen=True)
class Template:
    """One demo story: the language of each of its reports, its sentences per language."""

    langs: tuple[str, ...]
    sentences: dict[str, list[str]]


@dataclass(frozen=True)
class Demo:
    """The demo store's sentences per language (``pool``) and its stories."""

    pool: dict[str, list[str]]
    stories: tuple[Template, ...]


async def demo_corpus() -> Demo:
    with tempfile.TemporaryDirectory() as tmp:
        async with demo_app(Path(tmp)) as app, app.deps.sessions() as session:
            rows = (await session.scalars(select(Article).order_by(Article.id))).all()
            pool: dict[str, list[str]] = {"ja": [], "en": []}
            grouped: dict[int, list[tuple[str, list[str]]]] = {}
            for a in rows:
                lang = "ja" if a.lang == "ja" else "en"
                sentences = split_sentences(a.text)
                pool[lang] += sentences
                # An article the demo left without a story is a development of its own.
                grouped.setdefault(a.story_id or -a.id, []).append((lang, sentences))
    stories = []
    for reports in grouped.values():
        by_lang: dict[str, list[str]] = {}
        for lang, sentences in reports:
            by_lang.setdefault(lang, []).extend(sentences)
        stories.append(Template(tuple(lang for lang, _ in reports), by_lang))
    return Demo(pool, tuple(stories))


def developments(start: int, n: int, demo: Demo, rng: random.Random, *,
                 span_from: datetime = START, span_to: datetime = NOW
                 ) -> Iterator[tuple[dict[str, object], list[dict[str, object]]]]:
    """Articles ``start`` .. ``start + n - 1`` as (story row, its articles) per development;
    a story's id is its first article's number plus one (unique across calls). The last
    development is cut at ``n`` articles."""
    span = int((span_to - span_from - NEAR).total_seconds())
    i = start
    while i < start + n:
        template = rng.choice(demo.stories)
        place = f"Zone{rng.randrange(PLACES)}"
        figure = rng.randrange(10, 99999)
        began = span_from + timedelta(seconds=rng.randrange(span))
        story_id = i + 1
        articles: list[dict[str, object]] = []
        dates: list[datetime] = []
        for lang in template.langs[:start + n - i]:
            own = rng.sample(template.sentences[lang],
                             min(STORY_SENTENCES, len(template.sentences[lang])))
            rest = [s for s in demo.pool[lang] if s not in own]
            picked = own + rng.sample(rest, SENTENCES - len(own))
            extra = (f"{place}では{figure}人が避難した。" if lang == "ja"
                     else f"Officials in {place} said {figure} people were moved.")
            when = began + timedelta(seconds=rng.randrange(int(NEAR.total_seconds())))
            dates.append(when)
            articles.append({
                "guid": f"syn-{i}", "url": f"https://synthetic.test/{i}",
                "title": picked[0][:60], "text": " ".join([*picked, extra]),
                "source": SOURCES[i % 4], "lang": lang, "published_at": when,
                "fetched_at": when, "update_count": 0, "date_estimated": False,
                "story_id": story_id})
            i += 1
        yield ({"id": story_id, "headline": articles[0]["title"], "first_at": min(dates),
                "latest_at": max(dates), "revision": 1, "newsworthy": False,
                "created_at": min(dates)}, articles)
