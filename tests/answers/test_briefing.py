"""Briefings as a channel sees them: key points, Q&A commentary, source cards, timeline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.brief.builder import build_briefing, load_story
from bot.model import Briefing, Lang
from bot.news.stories import similarity
from bot.platforms.text import render_result
from bot.store.db import SessionFactory
from bot.store.models import Article, Story
from bot.text.labels import QUESTIONS
from config.settings import load_settings

WHITE_HOUSE = "https://demo.ceasefire-bot.example/kyokai-shimbun/2025/08/19/white-house-europe-leaders.html"


async def brief(sessions: SessionFactory, guid: str, lang: Lang,
                said: tuple[str, ...] = ()) -> tuple[Briefing, dict[str, Article]]:
    async with sessions() as session:
        story_id = await session.scalar(select(Article.story_id).where(Article.guid == guid))
        story = await load_story(session, story_id)
        assert story is not None
        briefing = await build_briefing(session, story, lang=lang, said=said)
        return briefing, {a.url: a for a in story.articles}


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_commentary_quotes_cited_sources_with_labels_in_the_channel_language(
        sessions: SessionFactory, lang: Lang) -> None:
    briefing, articles = await brief(sessions, WHITE_HOUSE, lang)
    assert briefing.qa, "the story answers at least one commentary question"
    labels = {q[lang] for q in QUESTIONS.values()}
    cards = {c.n: c for c in briefing.sources}
    for qa in briefing.qa:
        assert qa.question in labels
        for sentence in qa.sentences:
            assert sentence.refs
            for n in sentence.refs:
                assert sentence.text in articles[cards[n].url].text
    # the channel's language first: key points and first card are in it
    assert articles[briefing.sources[0].url].lang == lang
    assert all(articles[c.url].lang == lang for c in briefing.sources[:1])
    assert len(briefing.key_points) == 3
    for i, a in enumerate(briefing.key_points):
        assert any(a in art.text for art in articles.values())
        for b in briefing.key_points[i + 1:]:
            assert similarity(a, b) < 0.5
    for card in briefing.sources:
        assert 2 <= len(card.bullets) <= 3
        assert all(b in articles[card.url].text for b in card.bullets)
    text = "\n".join(t for t, _ in render_result(briefing, load_settings(env={}).zone))
    assert ("さらに読む ⇒ 出典" if lang == "ja" else "Read more ⇒") in text
    assert ("これまでの経緯" if lang == "ja" else "Earlier in the talks") in text


async def test_a_later_briefing_of_the_story_says_something_new(
        sessions: SessionFactory) -> None:
    first, _ = await brief(sessions, WHITE_HOUSE, "ja")
    second, _ = await brief(sessions, WHITE_HOUSE, "ja", said=first.key_points)
    assert second.key_points
    for point in second.key_points:
        assert all(similarity(point, old) < 0.5 for old in first.key_points)


async def test_a_question_without_a_good_answer_is_left_out(
        sessions: SessionFactory) -> None:
    now = datetime(2025, 9, 2, tzinfo=UTC)
    async with sessions() as session, session.begin():
        story = Story(headline="Delegations meet in Doha", first_at=now, latest_at=now,
                      created_at=now)
        session.add(story)
        await session.flush()
        session.add(Article(guid="t", url="https://example.test/doha", title="Delegations meet",
                            text="Delegations met in Doha on 1 September. They agreed to "
                                 "exchange lists of prisoners.", source="Test Wire",
                            lang="en", published_at=now, fetched_at=now, story_id=story.id))
        story_id = story.id
    async with sessions() as session:
        loaded = await load_story(session, story_id)
        assert loaded is not None
        briefing = await build_briefing(session, loaded, lang="en")
    asked = [qa.question for qa in briefing.qa]
    assert "What happens next?" not in asked and "What is still unresolved?" not in asked
    assert all(qa.sentences for qa in briefing.qa)
    assert briefing.earlier and all(e.when < now for e in briefing.earlier)
