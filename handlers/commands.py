"""The chat commands ask, latest and sources (declared in ``handlers.registry``)."""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answer.extractive import answer_question, scope_of
from bot.answer.llm import Source, rewrite_answer, rewrite_commentary
from bot.brief.builder import build_briefing, load_story
from bot.deps import Deps
from bot.errors import UserFacingError
from bot.model import Answer, Reply, Request, Result
from bot.news.scope import request_scope
from bot.store.models import (
    AnswerLog,
    Article,
    Feed,
    Feedback,
    FeedOwner,
    FollowUpClick,
    Story,
)
from handlers.context import (
    channel_lang,
    context_subscription,
    previous_answer,
    question_lang,
    thread_story,
    with_context_terms,
)
from handlers.feeds import add_feed, remove_feed
from handlers.followup_source import answer_follow_ups

#: Characters a question may have. A pasted article is not a question, and retrieval's
#: cost grows faster than its length: 16,000 characters took a minute, 40,000 several
#: minutes and 1.8 GB, while everyone else's questions waited.
MAX_QUESTION_CHARS = 1000


async def ask(req: Request, deps: Deps) -> Result:
    question = (req.arg("question") or "").strip()
    if not question:
        raise UserFacingError("Ask a question, e.g. `ask What was agreed in Jeddah?`")
    if len(question) > MAX_QUESTION_CHARS:
        raise UserFacingError(
            f"That question is {len(question):,} characters long; please ask it in at most "
            f"{MAX_QUESTION_CHARS:,}, e.g. `ask What was agreed in Jeddah?`")
    return await answer_for(req, deps, question)


async def answer_for(req: Request, deps: Deps, question: str, *,
                     story_id: int | None = None) -> Answer:
    """Answer ``question`` (scoped to ``story_id`` when given, else to the thread's story
    or the conversation's previous answer), log it, and suggest what to ask next."""
    lang = question_lang(dataclasses.replace(req, args=(("question", question),)))
    now = deps.clock.now()
    zone = ZoneInfo(req.timezone) if req.timezone else deps.settings.zone
    async with deps.sessions() as session, session.begin():
        if story_id is None:
            story_id = await thread_story(session, req)
        article_ids: list[int] = []
        if story_id is None:
            previous = await previous_answer(session, req, now)
            if previous is not None and previous.answerable:
                story_id = previous.story_id
                article_ids = list(previous.article_ids or [])
        searched = question
        context = await context_subscription(session, req)
        if context is not None:  # asked while looking at a subscribed channel
            lang = req.lang or ("ja" if context.lang == "ja" else "en")
            searched = with_context_terms(question, context.keywords)
        answer = await answer_question(session, searched, lang=lang, now=now,
                                       engine=deps.engine, zone=zone,
                                       scope=scope_of(story_id, article_ids))
        if searched != question:  # shown as asked, not as searched
            answer = dataclasses.replace(answer, question=question)
        sources = await llm_sources(session, answer) if deps.settings.llm.enabled else []
        log_row = AnswerLog(
            platform=req.platform, channel_id=req.channel_id, thread_id=req.thread_id,
            user_id=req.user_id, session_id=req.session_id, question=question,
            answerable=answer.answerable,
            article_ids=list(answer.article_ids), story_id=answer.story_id or story_id,
            created_at=now)
        if deps.later is not None:  # written after the reply: no wait for the writer
            await deps.later.insert(session, (req.platform, req.channel_id), log_row)
        else:  # the one write last: it holds the store's single writer lock until commit
            session.add(log_row)
            await session.flush()
        follow_ups = await answer_follow_ups(session, log_row)  # keys name the logged answer
    if sources:
        answer = await rewrite_answer(deps.http, deps.settings.llm, answer, sources)
    return dataclasses.replace(answer, answer_id=log_row.id, story_id=log_row.story_id,
                               follow_ups=follow_ups)


async def llm_sources(session: AsyncSession, answer: Answer) -> list[Source]:
    """The cited articles, numbered as in the answer, for the optional LLM backend."""
    rows = {a.url: a for a in (await session.scalars(
        select(Article).where(Article.id.in_(answer.article_ids)))).all()}
    return [Source(c.n, rows[c.url].title, rows[c.url].text)
            for c in answer.citations if c.url in rows]


async def latest(req: Request, deps: Deps) -> Result:
    async with deps.sessions() as session:
        lang = await channel_lang(session, req, deps.settings)
        story_id = await session.scalar(
            select(Story.id).order_by(Story.latest_at.desc()).limit(1))
        if story_id is None:
            return Reply("No reports yet: the feeds have not been read. Try again shortly."
                         if lang == "en" else "まだ記事がありません。しばらくお待ちください。")
        story = await load_story(session, story_id)
        assert story is not None
        briefing = await build_briefing(session, story, lang=lang)
        by_url = {a.url: a for a in story.articles}
        sources = [Source(c.n, c.title, by_url[c.url].text) for c in briefing.sources
                   if c.url in by_url] if deps.settings.llm.enabled else []
    if sources:
        briefing = await rewrite_commentary(deps.http, deps.settings.llm, briefing, sources)
    return briefing


async def sources(req: Request, deps: Deps) -> Result:
    action = req.arg("action")
    if action in ("add", "remove"):
        change = add_feed if action == "add" else remove_feed
        return await change(req, deps, req.arg("feed") or "")
    if action:
        raise UserFacingError(
            f"`sources` cannot `{action[:100]}`: `sources` lists the feeds, `sources add URL` "
            "follows one, `sources remove URL|ID` stops it.")
    async with deps.sessions() as session:
        # The operator's feeds, and the feeds this server, workspace or DM user added.
        mine = select(FeedOwner.feed_id).where(FeedOwner.scope == request_scope(req))
        feeds = (await session.scalars(select(Feed).where(
            Feed.user_added.is_(False) | Feed.id.in_(mine)).order_by(Feed.id))).all()
        votes = dict((await session.execute(
            select(Feedback.helpful, func.count()).group_by(Feedback.helpful))).tuples().all())
        clicks = await session.scalar(select(func.count()).select_from(FollowUpClick)) or 0
    if not feeds:
        return Reply("No feeds have been read yet.")
    zone = deps.settings.zone
    lines = ["📡 Feeds followed"]
    for feed in feeds:
        lines.append(feed_line(feed, zone))
    if votes or clicks:
        lines.append(f"Answer feedback: 👍 {votes.get(True, 0)} · 👎 {votes.get(False, 0)}"
                     f" · ➡ follow-up questions clicked: {clicks}")
    return Reply("\n".join(lines))


def feed_line(feed: Feed, zone: ZoneInfo) -> str:
    """One feed's health: state, items, last success, last error."""
    state = "⏸ paused" if feed.paused else ("⚠️ failing" if feed.consecutive_failures
                                            else "✅ ok")
    ok = (f"last success {feed.last_success_at.astimezone(zone):%Y-%m-%d %H:%M %Z}"
          if feed.last_success_at else "never read")
    error = ""
    if feed.last_error and feed.last_error_at:
        error = (f"; last error {feed.last_error_at.astimezone(zone):%Y-%m-%d %H:%M %Z}: "
                 f"{feed.last_error}")
    added = f" (#{feed.id}, added in chat)" if feed.user_added else ""
    return f"{state} {feed.name or feed.url}{added} — {feed.items} items, {ok}{error}"
