"""Build a Briefing for a story from its stored articles (extractive: every sentence is
quoted from a cited article)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.coverage import coverage_line
from bot.brief.followups import keyed, suggest
from bot.brief.known import known_block
from bot.brief.recent import load_recent_reports
from bot.model import QA, Briefing, FollowUp, Lang, Sentence, SourceCard, TimelineEntry
from bot.news.stories import similarity
from bot.store.models import Article, Story
from bot.text.intents import CUES, cue_hits
from bot.text.labels import QUESTIONS
from bot.text.sentences import normalise, split_sentences

MAX_CARDS = 5
#: Token overlap above which two sentences say the same thing.
NEAR = 0.5


async def load_story(session: AsyncSession, story_id: int) -> Story | None:
    """The story with its window of reports (``bot/brief/recent.py``)."""
    story = await session.scalar(select(Story).where(Story.id == story_id))
    if story is not None:
        await load_recent_reports(session, [story])
    return story


async def build_briefing(session: AsyncSession, story: Story, *, lang: Lang,
                         said: Sequence[str] = ()) -> Briefing:
    """Build the briefing of ``story`` for a channel in ``lang``.

    Args:
        said: key points this channel already saw for the story; they are not repeated.
    """
    earlier = await earlier_entries(session, story, lang)
    # The rest is pure CPU (sentence splitting, similarity between sentences; 42 ms for
    # the soak's story of 48 reports, more as a story grows): in a worker thread, so
    # replies and sends go on meanwhile (a fan-out builds one per language and history).
    return await asyncio.to_thread(compose_briefing, story, lang=lang, said=said,
                                   earlier=earlier)


def compose_briefing(story: Story, *, lang: Lang, said: Sequence[str],
                     earlier: tuple[TimelineEntry, ...]) -> Briefing:
    """The briefing of ``story`` (its articles loaded) from what was read for it: pure,
    so it may run off the event loop."""
    articles = order_sources(list(story.articles), lang)
    cards = tuple(source_card(n, a) for n, a in enumerate(articles[:MAX_CARDS], start=1))
    numbered = list(zip(range(1, len(cards) + 1), articles[:MAX_CARDS], strict=False))
    headline = articles[0].title if articles else story.headline
    points = key_points(numbered, said, lang)
    return Briefing(
        story_id=story.id,
        headline=headline,
        key_points=points,
        qa=commentary(numbered, lang, avoid=points),
        sources=cards,
        earlier=earlier,
        outlets=tuple(dict.fromkeys(a.source for a in articles)),
        published=story.latest_at,
        lang=lang,
        coverage=coverage_line(story.articles, lang),
        known=known_block(story, lang=lang) if story.articles else None,
        follow_ups=story_follow_ups(story, lang),
    )


def story_follow_ups(story: Story, lang: Lang) -> tuple[FollowUp, ...]:
    """The next questions under the story's update post (keys name the story)."""
    return keyed(suggest(list(story.articles), lang), "s", story.id)


def order_sources(articles: list[Article], lang: str) -> list[Article]:
    """Channel-language sources first, then the newest first within each language."""
    return sorted(articles, key=lambda a: (a.lang != lang, -a.published_at.timestamp()))


def source_card(n: int, article: Article) -> SourceCard:
    """2–3 bullets: the report's first sentences, quoted as written."""
    bullets = tuple(split_sentences(article.text)[:3]) or (article.title,)
    return SourceCard(n, article.source, article.title, article.url, bullets,
                      article.published_at, "ja" if article.lang == "ja" else "en")


def key_points(numbered: Sequence[tuple[int, Article]], said: Sequence[str],
               lang: str = "en") -> tuple[str, ...]:
    """Three points, distinct from each other and from what the channel was already told.

    Lead sentences of the channel-language reports come first; reports in the other language
    fill in only when the channel's own do not have three new points.
    """
    candidates: list[str] = []
    for same in (True, False):
        group = [a for _n, a in numbered if (a.lang == lang) == same]
        candidates += [s for a in group for s in split_sentences(a.text)[:2]]
        candidates += [s for a in group for s in split_sentences(a.text)[2:]]
    points: list[str] = []
    for sentence in candidates:
        if _near(sentence, said) or _near(sentence, points):
            continue
        points.append(sentence)
        if len(points) == 3:
            break
    return tuple(points)


def _near(sentence: str, others: Sequence[str]) -> bool:
    norm = normalise(sentence)
    return any(norm == normalise(o) or similarity(sentence, o) > NEAR for o in others)


def commentary(numbered: Sequence[tuple[int, Article]], lang: str,
               avoid: Sequence[str] = ()) -> tuple[QA, ...]:
    """Answer each commentary question with cited source sentences; skip unanswered ones.

    A sentence answers a question when it carries that question's cue words; none is used
    twice, nor one already given as a key point. Channel-language reports are preferred.
    """
    used: list[str] = list(avoid)
    out: list[QA] = []
    ordered = sorted(numbered, key=lambda pair: pair[1].lang != lang)
    for key in CUES:
        ranked: list[tuple[int, int, int, str, datetime]] = []
        for rank, (n, article) in enumerate(ordered):
            for sentence in split_sentences(article.text):
                hits = cue_hits(key, sentence)
                if hits:
                    ranked.append((-hits, rank, n, sentence, article.published_at))
        ranked.sort(key=lambda r: (ordered[r[1]][1].lang != lang, r[0], r[1]))
        picked: list[Sentence] = []
        sources: set[int] = set()
        for _h, _rank, n, sentence, published in ranked:
            if n in sources or _near(sentence, used):
                continue
            picked.append(Sentence(sentence, (n,), published))
            sources.add(n)
            used.append(sentence)
            if len(picked) == 2:
                break
        if picked:
            out.append(QA(QUESTIONS[key][lang], tuple(picked)))
    return tuple(out)


async def earlier_entries(session: AsyncSession, story: Story, lang: str,
                          limit: int = 4) -> tuple[TimelineEntry, ...]:
    rows = (await session.scalars(
        select(Story).where(Story.first_at < story.first_at)
        .order_by(Story.first_at.desc()).limit(limit))).all()
    await load_recent_reports(session, rows)
    return tuple(TimelineEntry(s.first_at, story_line(s, lang), s.id) for s in reversed(rows))


def story_line(story: Story, lang: str) -> str:
    """One line for a timeline: the title of the story's report in ``lang`` if any."""
    for article in sorted(story.articles, key=lambda a: a.published_at):
        if article.lang == lang:
            return article.title
    return story.headline
