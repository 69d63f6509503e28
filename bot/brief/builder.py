"""Build a Briefing for a story from its stored articles (extractive: every sentence is
quoted from a cited article)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.brief.labels import QUESTIONS
from bot.model import QA, Briefing, Lang, Sentence, SourceCard, TimelineEntry
from bot.store.models import Article, Story
from bot.text.sentences import normalise, split_sentences

#: Cue words that make a sentence a candidate answer to each commentary question.
CUES: dict[str, tuple[str, ...]] = {
    "why": ("first", "matter", "because", "signal", "significan", "important", "since 2022",
            "初めて", "重要", "意味", "注目", "背景"),
    "agreed": ("agreed", "agreement", "accepted", "deal", "signed", "announced",
               "合意", "受け入れ", "署名", "決定", "発表"),
    "open": ("reject", "refus", "unresolved", "remain", "still", "dispute", "condition",
             "not yet", "no ceasefire", "拒否", "課題", "残", "条件", "対立", "至らず", "見通せ"),
    "next": ("next", "will ", "expected", "plan", "to meet", "further", "following",
             "今後", "予定", "見通し", "次回", "方針", "続け"),
}
MAX_CARDS = 5


async def load_story(session: AsyncSession, story_id: int) -> Story | None:
    return await session.scalar(
        select(Story).where(Story.id == story_id).options(selectinload(Story.articles)))


async def build_briefing(session: AsyncSession, story: Story, *, lang: Lang,
                         said: Sequence[str] = ()) -> Briefing:
    """Build the briefing of ``story`` for a channel in ``lang``.

    Args:
        said: key points this channel already saw for the story; they are not repeated.
    """
    articles = order_sources(list(story.articles), lang)
    cards = tuple(source_card(n, a) for n, a in enumerate(articles[:MAX_CARDS], start=1))
    numbered = list(zip(range(1, len(cards) + 1), articles[:MAX_CARDS], strict=False))
    earlier = await earlier_entries(session, story, lang)
    headline = articles[0].title if articles else story.headline
    return Briefing(
        story_id=story.id,
        headline=headline,
        key_points=key_points(numbered, said),
        qa=commentary(numbered, lang),
        sources=cards,
        earlier=earlier,
        outlets=tuple(dict.fromkeys(a.source for a in articles)),
        published=story.latest_at,
        lang=lang,
    )


def order_sources(articles: list[Article], lang: str) -> list[Article]:
    """Channel-language sources first, then the newest first within each language."""
    return sorted(articles, key=lambda a: (a.lang != lang, -a.published_at.timestamp()))


def source_card(n: int, article: Article) -> SourceCard:
    bullets = tuple(split_sentences(article.text)[:3]) or (article.title,)
    return SourceCard(n, article.source, article.title, article.url, bullets,
                      article.published_at, "ja" if article.lang == "ja" else "en")


def key_points(numbered: Sequence[tuple[int, Article]], said: Sequence[str]) -> tuple[str, ...]:
    seen = {normalise(s) for s in said}
    points: list[str] = []
    for _n, article in numbered:
        for sentence in split_sentences(article.text)[:2]:
            if normalise(sentence) not in seen and not _near(sentence, points):
                points.append(sentence)
                seen.add(normalise(sentence))
                break
        if len(points) == 3:
            break
    return tuple(points)


def _near(sentence: str, others: Sequence[str]) -> bool:
    from bot.news.stories import similarity

    return any(similarity(sentence, o) > 0.6 for o in others)


def commentary(numbered: Sequence[tuple[int, Article]], lang: str) -> tuple[QA, ...]:
    """Answer each commentary question with cited source sentences; skip unanswered ones."""
    used: set[str] = set()
    out: list[QA] = []
    for key, cues in CUES.items():
        picked: list[Sentence] = []
        for n, article in numbered:
            for sentence in split_sentences(article.text):
                norm = normalise(sentence)
                if norm in used or not any(cue in norm for cue in cues):
                    continue
                picked.append(Sentence(sentence, (n,), article.published_at))
                used.add(norm)
                break
            if len(picked) == 2:
                break
        if picked:
            out.append(QA(QUESTIONS[key][lang], tuple(picked)))
    return tuple(out)


async def earlier_entries(session: AsyncSession, story: Story, lang: str,
                          limit: int = 4) -> tuple[TimelineEntry, ...]:
    rows = (await session.scalars(
        select(Story).where(Story.first_at < story.first_at)
        .order_by(Story.first_at.desc()).limit(limit)
        .options(selectinload(Story.articles))
    )).all()
    return tuple(TimelineEntry(s.first_at, story_line(s, lang), s.id) for s in reversed(rows))


def story_line(story: Story, lang: str) -> str:
    """One line for a timeline: the title of the story's report in ``lang`` if any."""
    for article in sorted(story.articles, key=lambda a: a.published_at):
        if article.lang == lang:
            return article.title
    return story.headline
