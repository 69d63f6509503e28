"""Answers as a reader gets them: cited, verbatim, dated, honest about missing sources."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.answer.engine import Engine
from bot.answer.extractive import Scope, answer_question
from bot.model import Answer, Lang
from bot.store.db import SessionFactory
from bot.store.models import Article

AFTER_ALL = datetime(2025, 9, 1, tzinfo=UTC)
TOKYO = ZoneInfo("Asia/Tokyo")
UPDATE = "tag:demo.ceasefire-bot.example,2025:harbor-wire/0319-update-prisoner-swap"


@pytest.fixture
def engine(shared_engine: Engine) -> Engine:
    """A fresh index per test, sharing the loaded analyser."""
    return Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary,
                  refresh_interval=0)


async def ask(sessions: SessionFactory, engine: Engine, question: str, *, lang: Lang = "en",
              now: datetime = AFTER_ALL, scope: Scope | None = None) -> Answer:
    async with sessions() as session:
        return await answer_question(session, question, lang=lang, now=now, engine=engine,
                                     zone=TOKYO, scope=scope)


async def articles_by_url(sessions: SessionFactory) -> dict[str, Article]:
    async with sessions() as session:
        return {a.url: a for a in (await session.scalars(select(Article))).all()}


@pytest.mark.parametrize("question,lang", [
    ("What did Ukraine agree to in Jeddah?", "en"),
    ("リヤドでの米ロ協議には誰が出席した?", "ja"),
    ("黒海での合意の発効について、ロシアはどの銀行への制裁解除を求めた?", "ja"),
    ("How many prisoners did Russia and Ukraine agree to exchange in the third Istanbul round?",
     "en"),
])
async def test_every_sentence_is_quoted_verbatim_from_the_article_it_cites(
        sessions: SessionFactory, engine: Engine, question: str, lang: Lang) -> None:
    answer = await ask(sessions, engine, question, lang=lang)
    assert answer.answerable and answer.sentences
    stored = await articles_by_url(sessions)
    by_n = {c.n: c for c in answer.citations}
    for sentence in answer.sentences:
        for n in sentence.refs:
            article = stored[by_n[n].url]
            assert sentence.text in article.text
            assert by_n[n].title == article.title and by_n[n].source == article.source
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers and markers <= set(by_n)


@pytest.mark.parametrize("question,lang", [
    ("What did the Gaza ceasefire agreement say about hostage releases?", "en"),
    ("インドとパキスタンの停戦はいつ合意された?", "ja"),
    ("What was agreed at the Russia–Ukraine talks held at the Vatican?", "en"),
])
async def test_a_question_the_store_cannot_support_gets_no_source_and_the_coverage(
        sessions: SessionFactory, engine: Engine, question: str, lang: Lang) -> None:
    answer = await ask(sessions, engine, question, lang=lang)
    assert not answer.answerable
    assert answer.citations == () and answer.sentences == ()
    assert ("No source found" if lang == "en" else "出典が見つかりません") in answer.text
    assert "2025-02-12" in answer.text and "2025-08-19" in answer.text


@pytest.mark.parametrize("question", [
    "Did Putin and Zelensky sign a treaty on nuclear submarines in Riyadh?",
    # One word no report uses is not enough to refuse (casual and cross-language questions
    # have one too), but here it is the very thing the question is about.
    "What did Witkoff tell Putin about football in Moscow?",
])
@pytest.mark.parametrize("now", [AFTER_ALL, AFTER_ALL + timedelta(days=7),
                                 AFTER_ALL + timedelta(days=365)])
async def test_the_right_people_and_places_alone_do_not_make_an_answer(
        sessions: SessionFactory, engine: Engine, question: str, now: datetime) -> None:
    """Every name in the question is in the store, but nothing says what it asks: reports
    that only share the names are not an answer."""
    answer = await ask(sessions, engine, question, now=now)
    assert not answer.answerable and answer.citations == ()
    assert "No source found" in answer.text


async def test_the_newer_report_leads_and_both_reports_are_dated(
        sessions: SessionFactory, engine: Engine) -> None:
    answer = await ask(sessions, engine, "Did the prisoner exchange announced after the 18 "
                       "March Trump–Putin call actually take place?")
    stored = await articles_by_url(sessions)
    first = next(c for c in answer.citations if c.n == 1)
    assert stored[first.url].guid == UPDATE
    assert answer.text.startswith("(2025-03-19)")
    assert "175" in answer.text
    dates = re.findall(r"\((\d{4}-\d\d-\d\d)\)", answer.text)
    assert len(set(dates)) >= 2 and dates == sorted(dates, reverse=True)


async def test_time_words_are_read_relative_to_the_clock(
        sessions: SessionFactory, engine: Engine) -> None:
    asked = datetime(2025, 8, 16, 13, 0, tzinfo=UTC)
    answer = await ask(sessions, engine, "What happened yesterday?", now=asked)
    assert answer.answerable and "Anchorage" in answer.text
    latest = await ask(sessions, engine, "What is the latest on the ceasefire talks?",
                       now=datetime(2025, 3, 20, 9, tzinfo=UTC))
    stored = await articles_by_url(sessions)
    assert all(stored[c.url].published_at <= datetime(2025, 3, 20, 9, tzinfo=UTC)
               for c in latest.citations)
    assert "175" in latest.text
    april = await ask(sessions, engine, "4月に停戦をめぐって何があった?", lang="ja")
    assert april.citations and all(stored[c.url].published_at.month in (4, 5)
                                   for c in april.citations)


async def test_nothing_published_after_now_is_used(
        sessions: SessionFactory, engine: Engine) -> None:
    before = await ask(sessions, engine, "Trump–Putin summit in Alaska",
                       now=datetime(2025, 8, 1, tzinfo=UTC))
    assert not before.answerable or "Alaska" not in before.text


async def test_a_japanese_question_is_answered_from_english_reports(
        sessions: SessionFactory, engine: Engine) -> None:
    answer = await ask(sessions, engine, "アラスカの首脳会談はどこの基地で開かれた?", lang="ja")
    assert "Elmendorf-Richardson" in answer.text
    reverse = await ask(sessions, engine,
                        "Which Finnish leader took part in the White House meeting on 18 August?")
    assert "ストゥブ" in reverse.text


async def test_a_follow_up_is_resolved_against_the_previous_answer_first(
        sessions: SessionFactory, engine: Engine) -> None:
    first = await ask(sessions, engine, "What did the US and Russia agree in Riyadh?")
    follow = await ask(sessions, engine, "Was Ukraine involved?",
                       scope=Scope(first.story_id, first.article_ids))
    stored = await articles_by_url(sessions)
    assert all("riyadh" in stored[c.url].guid for c in follow.citations)
    assert "not invited" in follow.text or "招かれず" in follow.text
    cold = await ask(sessions, engine, "Was Ukraine involved?")
    assert not any("riyadh" in stored[c.url].guid for c in cold.citations)


async def test_a_follow_up_naming_another_event_leaves_the_previous_story(
        sessions: SessionFactory, engine: Engine) -> None:
    """Asked right after an answer about the White House meeting, a question that names
    Jeddah is about Jeddah, not a follow-up to the meeting."""
    first = await ask(sessions, engine, "Who met at the White House on 18 August?")
    stored = await articles_by_url(sessions)
    assert first.answerable and not any("jeddah" in stored[c.url].url for c in first.citations)
    scope = Scope(first.story_id, first.article_ids)
    jeddah = await ask(sessions, engine, "What was agreed in Jeddah?", scope=scope)
    assert jeddah.answerable and jeddah.citations
    assert all("jeddah" in stored[c.url].url for c in jeddah.citations), jeddah.text
    # A follow-up that names nothing new stays with the previous story.
    follow = await ask(sessions, engine, "What was agreed?", scope=scope)
    assert follow.story_id == first.story_id


async def test_a_new_article_is_indexed_without_rebuilding_the_index(
        sessions: SessionFactory, engine: Engine) -> None:
    await ask(sessions, engine, "Jeddah")
    segments_before = list(engine.index.segments)
    async with sessions() as session, session.begin():
        session.add(Article(
            guid="t-1", url="https://example.test/new", title="Talks resume in Jeddah",
            text="Negotiators met again in Jeddah on 1 September. They discussed a Zorbland "
                 "corridor.", source="Test Wire", lang="en", published_at=AFTER_ALL,
            fetched_at=AFTER_ALL))
    answer = await ask(sessions, engine, "What was discussed about the Zorbland corridor?")
    assert answer.answerable and "Zorbland" in answer.text
    assert engine.index.segments[0] is segments_before[0]
    assert len(engine.index.segments) == len(segments_before) + 1


async def test_matching_is_nfkc_but_the_quote_keeps_the_source_characters(
        sessions: SessionFactory, engine: Engine) -> None:
    text = ("ロシアとウクライナは９月１日、ドーハで協議し、捕虜を１５００人ずつ交換することで"
            "合意した。ＮＡＴＯは歓迎した。")
    async with sessions() as session, session.begin():
        session.add(Article(guid="fw", url="https://example.test/fw", title="ドーハ協議で合意",
                            text=text, source="Test", lang="ja", published_at=AFTER_ALL,
                            fetched_at=AFTER_ALL))
    answer = await ask(sessions, engine, "ドーハでの協議で捕虜は何人ずつ交換される? 1500人?",
                       lang="ja")
    quoted = [s.text for s in answer.sentences]
    assert any("１５００人" in q for q in quoted)
    assert all(q in text for q in quoted if "１５００" in q)
    assert not any("1500人" in q for q in quoted)


async def test_an_updated_report_leads_with_its_update_date(
        sessions: SessionFactory, engine: Engine) -> None:
    await ask(sessions, engine, "Jeddah")
    later = datetime(2025, 8, 30, tzinfo=UTC)
    async with sessions() as session, session.begin():
        article = await session.scalar(select(Article).where(
            Article.guid.like("%harbor-wire/0311-jeddah-ceasefire")))
        assert article is not None
        article.previous_text = article.text
        article.text = ("Ukraine said on 11 March it was ready to accept a US proposal for an "
                        "immediate, interim 30-day ceasefire in Jeddah. Russia rejected the "
                        "Jeddah proposal on 29 August.")
        article.update_count = 1
        article.updated_at = later
        article.changed_at = datetime.now(UTC)  # when it was stored (the watermark's clock)
    segments = len(engine.index.segments)
    answer = await ask(sessions, engine, "Has Russia rejected the Jeddah proposal?")
    assert len(engine.index.segments) == segments + 1  # the update was re-indexed
    stored = await articles_by_url(sessions)
    first = next(c for c in answer.citations if c.n == 1)
    assert stored[first.url].guid.endswith("0311-jeddah-ceasefire")
    assert answer.text.startswith("(2025-08-30)") and "rejected" in answer.text
