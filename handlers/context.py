"""Conversation context: which story a question in a thread or DM is about."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import Lang, Request
from bot.store.models import AnswerLog, Delivery, Subscription
from bot.text.sentences import detect_lang
from bot.text.topic import expression_terms
from config.settings import Settings

FOLLOWUP_WINDOW = timedelta(minutes=30)


async def thread_story(session: AsyncSession, req: Request) -> int | None:
    """The story whose update thread ``req`` was asked in, if any."""
    if not req.thread_id:
        return None
    return await session.scalar(
        select(Delivery.story_id)
        .where(Delivery.platform == req.platform, Delivery.story_id.is_not(None),
               or_(Delivery.thread_id == req.thread_id, Delivery.message_id == req.thread_id))
        .limit(1))


async def previous_answer(session: AsyncSession, req: Request,
                          now: datetime) -> AnswerLog | None:
    """The last answer in the same thread (or DM) within the follow-up window."""
    query = (select(AnswerLog)
             .where(AnswerLog.platform == req.platform, AnswerLog.channel_id == req.channel_id,
                    AnswerLog.created_at >= now - FOLLOWUP_WINDOW)
             .order_by(AnswerLog.created_at.desc(), AnswerLog.id.desc()).limit(1))
    if req.thread_id:
        query = query.where(AnswerLog.thread_id == req.thread_id)
    elif req.session_id is not None:
        # A conversation that ends (the console session): its own answers only.
        query = query.where(AnswerLog.session_id == req.session_id)
    elif not req.is_dm:
        return None
    return await session.scalar(query)


async def channel_lang(session: AsyncSession, req: Request, settings: Settings) -> Lang:
    """The request's language, else the channel subscription's, else the default."""
    if req.lang:
        return req.lang
    lang = await session.scalar(select(Subscription.lang).where(
        Subscription.platform == req.platform, Subscription.channel_id == req.channel_id))
    chosen = lang or settings.language
    return "ja" if chosen == "ja" else "en"


async def context_subscription(session: AsyncSession, req: Request) -> Subscription | None:
    """The subscription of the channel the asker is looking at (``context_channel_id``)."""
    if not req.context_channel_id:
        return None
    return await session.scalar(select(Subscription).where(
        Subscription.platform == req.platform,
        Subscription.channel_id == req.context_channel_id))


def with_context_terms(question: str, keywords: str | None) -> str:
    """The question as searched: with the context subscription's keywords it does not
    already name, so the answer leans to that channel's topic."""
    extra = [t for t in expression_terms(keywords or "") if t.lower() not in question.lower()]
    return " ".join([question, *extra])


def question_lang(req: Request) -> Lang:
    if req.lang:
        return req.lang
    return "ja" if detect_lang(req.arg("question") or req.text) == "ja" else "en"


async def owns_thread(session: AsyncSession, *, platform: str, channel_id: str,
                      thread_id: str) -> bool:
    """The thread is one the bot started by posting (an update or its replies)."""
    found = await session.scalar(
        select(Delivery.id)
        .where(Delivery.platform == platform, Delivery.status == "sent",
               or_(Delivery.thread_id == thread_id, Delivery.message_id == thread_id))
        .where(Delivery.channel_id == channel_id)
        .limit(1))
    return found is not None
