"""Shared helpers for answer and briefing tests: a demo store built once per session."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bench.realset import RealSet, Report, build_store
from bot.answer.engine import Engine
from bot.answer.extractive import Scope, answer_question
from bot.app import BotApp
from bot.model import Answer, Lang
from bot.store.db import open_store
from bot.store.models import Article
from config.settings import Settings, load_settings


@dataclass
class FixedClock:
    at: datetime = datetime(2025, 9, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def demo_settings(tmp: Path, **extra: object) -> Settings:
    return load_settings(None, env={}, overrides={
        "database_url": f"sqlite:///{tmp / 'demo.db'}", "data_dir": str(tmp), "demo": True,
        **extra})


def build_demo_store(tmp: Path) -> Path:
    """Ingest the bundled demo feeds into ``tmp/demo.db`` once."""

    async def run() -> None:
        async with BotApp(demo_settings(tmp), clock=FixedClock()) as app:
            await app.poll()

    asyncio.run(run())
    return tmp / "demo.db"


#: A week, a year and two years after the reports: an answer must not depend on the clock.
CLOCKS = (timedelta(days=7), timedelta(days=365), timedelta(days=730))


def made_up_report(guid: str, lang: str, outlet: str, title: str, text: str,
                   published: datetime) -> Report:
    """A report written for a test (our own words), to be served as RSS and ingested."""
    return Report(guid, f"https://example.org/{guid}", outlet, lang, published, title, text,
                  "x", None)


def other_talks(before: datetime) -> tuple[Report, ...]:
    """Reports on other talks in both languages, a few days before ``before``: a test's
    names then pick out its own reports, as in a real store, instead of being in most."""
    rows = [("en", "Envoys meet in Geneva on a ceasefire",
             "Envoys of Russia and Ukraine met in Geneva on Friday to discuss a ceasefire."),
            ("en", "Prisoner exchange completed",
             "Russia and Ukraine each freed 300 prisoners of war on Thursday."),
            ("ja", "ジュネーブで停戦協議",
             "ロシアとウクライナの代表が予定どおりジュネーブで停戦について協議した。"),
            ("ja", "捕虜交換が完了", "ロシアとウクライナはそれぞれ300人の捕虜を解放した。")]
    return tuple(made_up_report(f"other-{n}", lang, f"Outlet {n}", title, text,
                                before - timedelta(days=n + 3))
                 for n, (lang, title, text) in enumerate(rows))


def story_of(store: Path) -> dict[str, int]:
    """Story id by report guid in ``store`` (a ``made_up_store``)."""
    with sqlite3.connect(store) as db:
        return dict(db.execute("select guid, story_id from articles"))


def assert_one_story_of_its_own(store: Path, reports: Sequence[Report]) -> None:
    """``reports`` form one story in ``store``, which no report of ``other_talks`` joins."""
    stories = story_of(store)
    mine = {stories[r.guid] for r in reports}
    assert len(mine) == 1, stories
    assert not {stories[guid] for guid in stories if guid.startswith("other-")} & mine, stories


def made_up_store(reports: Sequence[Report], folder: Path) -> Path:
    """``reports`` served as RSS from 127.0.0.1 and ingested by the bot's pipeline into a
    store in ``folder``; returns its path."""
    return asyncio.run(build_store(RealSet(tuple(reports), (), {"x": "dev"}), folder))


async def ask_store(store: Path, shared_engine: Engine, question: str, lang: Lang,
                    now: datetime) -> Answer:
    """``question`` answered from ``store`` as ``ceasefire-bot ask`` answers it."""
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    async with open_store(f"sqlite:///{store}") as (_e, sessions), sessions() as session:
        return await answer_question(session, question, lang=lang, now=now, engine=engine,
                                     zone=ZoneInfo("Asia/Tokyo"))


async def first_cited(store: Path, shared_engine: Engine, question: str, lang: Lang,
                      now: datetime) -> str:
    """The guid of the report an answer from ``store`` cites first, as [1] (the answer
    must not be "no source")."""
    answer = await ask_store(store, shared_engine, question, lang, now)
    assert answer.answerable, answer.text
    first = min(answer.citations, key=lambda c: c.n)
    async with open_store(f"sqlite:///{store}") as (_e, sessions), sessions() as session:
        guid = await session.scalar(select(Article.guid).where(Article.url == first.url))
    assert guid is not None
    return guid


async def quotes_first(store: Path, shared_engine: Engine, question: str, lang: Lang,
                       now: datetime, fact: str, first: str) -> None:
    """``question`` is answered with ``fact`` quoted, from the report ``first`` cited as [1]."""
    answer = await ask_store(store, shared_engine, question, lang, now)
    assert answer.answerable and fact in answer.text, answer.text
    assert await first_cited(store, shared_engine, question, lang, now) == first


async def ask_follow_up(store: Path, shared_engine: Engine, first: str, follow: str,
                        lang: Lang, now: datetime, zone: str = "Asia/Tokyo"
                        ) -> tuple[Answer, str]:
    """``follow`` asked after ``first`` in one thread (scoped to the first answer, as a
    thread's follow-up is), and the guid of the report it cites as [1] ("" when refused)."""
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    tz = ZoneInfo(zone)
    async with open_store(f"sqlite:///{store}") as (_e, sessions), sessions() as session:
        before = await answer_question(session, first, lang=lang, now=now, engine=engine,
                                       zone=tz)
        assert before.answerable, before.text
        answer = await answer_question(session, follow, lang=lang, now=now, engine=engine,
                                       zone=tz, scope=Scope(before.story_id,
                                                            before.article_ids))
        if not answer.answerable:
            return answer, ""
        lead = min(answer.citations, key=lambda c: c.n)
        guid = await session.scalar(select(Article.guid).where(Article.url == lead.url))
    return answer, guid or ""


async def refusal_of(store: Path, shared_engine: Engine, question: str, lang: Lang,
                     now: datetime) -> str | None:
    """Which check refused ``question`` asked of ``store`` (None: it was answered)."""
    answer = await ask_store(store, shared_engine, question, lang, now)
    return None if answer.answerable else answer.refusal


def answers_or_refuses(answer: Answer, fact: str, check: str) -> None:
    """``answer`` quotes ``fact`` (``check`` empty), or the check named ``check`` refused
    it."""
    if check:
        assert not answer.answerable and answer.refusal == check, answer.text
    else:
        assert answer.answerable and fact in answer.text, (answer.refusal, answer.text)


#: Fragments of what people type in chat (hyphenated compounds, apostrophes, dates, both
#: scripts, mentions, invisible and accented characters), joined at random by the tests
#: that ask anything a user might send.
CHAT_PIECES = (
    "and", "when", "did", "the", "it", "happen", "last", "week", "talks", "swap", "istanbul",
    "Abu", "Dhabi", "thousand-for-thousand", "mar-a-lago", "o'brien", "x-y-z", "?", "??",
    "-", "--", "'", "’", "5", "May", "16th", "2019", "プーチン", "ゼレンスキー", "・", "停戦",
    "それ", "先週", "は", "?", "@everyone", "<!channel>", "é", "\u200b", "🙂")
