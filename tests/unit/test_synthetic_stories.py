"""The ask benchmark's synthetic store groups its articles into stories as the bot does
(``bench/synthetic_stories.py``): one story per development, its reports in the demo story's
languages sharing a place and a figure, published close together; and ``bench/answer.py``
stores it with every story id pointing at a story row."""

from __future__ import annotations

import random
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from bench.answer import fill, keep_story_ids, set_story_ids
from bench.synthetic_stories import STORY_SENTENCES, Demo, Template, developments
from bot.news.stories import NEAR
from bot.store.db import open_store
from bot.store.models import Article, Story

EN = [f"English sentence number {k} about the talks." for k in range(12)]
JA = [f"協議についての日本語の文{k}。" for k in range(12)]
DEMO = Demo({"en": EN, "ja": JA}, (
    Template(("en", "ja"), {"en": EN[:4], "ja": JA[:4]}),
    Template(("ja", "en", "en"), {"ja": JA[4:8], "en": EN[4:8]}),
    Template(("en",), {"en": EN[8:]}),
))
PLACE_FIGURE = re.compile(r"(Zone\d+)\D+?(\d+)")


def test_each_development_is_one_story_of_reports_sharing_a_place_and_a_figure() -> None:
    built = list(developments(0, 200, DEMO, random.Random(1)))
    articles = [a for _, arts in built for a in arts]
    assert len(articles) == 200
    assert len({a["guid"] for a in articles}) == 200
    assert len({story["id"] for story, _ in built}) == len(built)
    bilingual = 0
    for story, arts in built:
        assert {a["story_id"] for a in arts} == {story["id"]}
        template = next(t for t in DEMO.stories if all(
            str(a["text"]).startswith(tuple(t.sentences[str(a["lang"])]))
            for a in arts if str(a["lang"]) in t.sentences))
        assert tuple(a["lang"] for a in arts) == template.langs[:len(arts)]
        assert len({PLACE_FIGURE.search(str(a["text"])).groups()  # type: ignore[union-attr]
                    for a in arts}) == 1
        dates = [a["published_at"] for a in arts if isinstance(a["published_at"], datetime)]
        assert len(dates) == len(arts)
        assert story["first_at"] == min(dates) and story["latest_at"] == max(dates)
        assert story["latest_at"] - story["first_at"] <= NEAR  # type: ignore[operator]
        for a in arts:
            own = template.sentences[str(a["lang"])]
            assert sum(s in str(a["text"]) for s in own) >= STORY_SENTENCES
        bilingual += len({a["lang"] for a in arts}) == 2
    assert bilingual >= len(built) // 2


def test_a_later_batch_continues_with_new_story_ids() -> None:
    first = [s["id"] for s, _ in developments(0, 50, DEMO, random.Random(1))]
    later = [s["id"] for s, _ in developments(50, 50, DEMO, random.Random(2))]
    assert not set(first) & set(later)


async def test_the_store_holds_every_story_and_its_ids_can_be_cleared_and_restored(
        tmp_path: Path) -> None:
    async with open_store(f"sqlite:///{tmp_path / 'syn.db'}") as (_engine, sessions):
        await fill(sessions, 0, 300, DEMO, random.Random(3))
        await fill(sessions, 300, 20, DEMO, random.Random(4))
        async with sessions() as session:
            linked = (await session.execute(
                select(Article.id, Article.story_id).order_by(Article.id))).all()
            stories = set((await session.scalars(select(Story.id))).all())
        assert len(linked) == 320
        assert {s for _, s in linked} == stories
        await keep_story_ids(sessions)
        await set_story_ids(sessions, on=False)
        async with sessions() as session:
            assert await session.scalar(
                select(func.count()).where(Article.story_id.is_not(None))) == 0
        await set_story_ids(sessions, on=True)
        async with sessions() as session:
            assert (await session.execute(
                select(Article.id, Article.story_id).order_by(Article.id))).all() == linked
