"""`since <time>` through the console platform on the demo data, at several "nows": a day,
a week and a year after the last report (2025-08-19)."""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from bot.app import BotApp
from bot.errors import UserFacingError
from bot.model import Reply, Request
from bot.platforms.console.adapter import ConsoleAdapter
from bot.since.when import parse_since
from bot.store.models import Article, Delivery, Story, Visit
from tests.answers.support import demo_settings
from tests.conftest import FakeClock

TOKYO = ZoneInfo("Asia/Tokyo")
DAY_AFTER = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
WEEK_AFTER = datetime(2025, 8, 26, 9, 0, tzinfo=UTC)
YEAR_AFTER = datetime(2026, 8, 19, 9, 0, tzinfo=UTC)

WHITE_HOUSE = "Zelensky and European leaders meet Trump at the White House"
ALASKA = "Trump–Putin summit in Alaska ends without a ceasefire deal"
ISTANBUL_3 = "Third round of Istanbul talks ends quickly with a new prisoner exchange deal"


async def console_says(app: BotApp, line: str) -> str:
    """Type one line at the console and return what it printed."""
    out = io.StringIO()
    console = ConsoleAdapter(zone=TOKYO, stdin=io.StringIO(), out=out)
    console.on_request = app.handle
    await console.handle_line(line)
    return out.getvalue()


def headlines(text: str) -> list[str]:
    """The development lines of a `since` reply, in the order shown."""
    return [line.split(" ", 1)[1] for line in text.splitlines()
            if line.startswith("**20") and "** " in line]


@pytest.mark.parametrize(("now", "line", "expected"), [
    (DAY_AFTER, "/since yesterday", [WHITE_HOUSE]),
    (WEEK_AFTER, "/since last week", [WHITE_HOUSE]),
    (WEEK_AFTER, "/since 8月15日", [WHITE_HOUSE, ALASKA]),
    (YEAR_AFTER, "/since 2025-07-01", [WHITE_HOUSE, ALASKA, ISTANBUL_3]),
])
async def test_since_lists_the_developments_newest_first_with_a_cited_key_sentence(
        demo_dir: Path, now: datetime, line: str, expected: list[str]) -> None:
    async with BotApp(demo_settings(demo_dir, language="en"), clock=FakeClock(now)) as app:
        out = await console_says(app, line)
    shown = headlines(out)
    assert len(shown) == len(expected)
    assert all(e in h for e, h in zip(expected, shown, strict=True))
    assert f"{len(expected)} development" in out
    # Each development: a quoted key sentence with its citation, and its coverage.
    assert out.count("💡 ") == len(expected)
    assert all(f"[{n}]" in out for n in range(1, len(expected) + 1))
    assert out.count("📰 ") == len(expected)
    assert "https://demo.ceasefire-bot.example/" in out
    assert "❓ What is still unresolved?" in out


async def test_nothing_new_a_year_later_names_the_latest_development(demo_dir: Path) -> None:
    async with BotApp(demo_settings(demo_dir, language="en"),
                      clock=FakeClock(YEAR_AFTER)) as app:
        out = await console_says(app, "/since yesterday")
    assert "Nothing new since 2026-08-18" in out
    assert "The latest development: 2025-08-19" in out and WHITE_HOUSE in out


@pytest.mark.parametrize("now", [DAY_AFTER, WEEK_AFTER, YEAR_AFTER])
async def test_changed_figures_against_what_was_known_before(demo_dir: Path,
                                                             now: datetime) -> None:
    async with BotApp(demo_settings(demo_dir, language="en"), clock=FakeClock(now)) as app:
        en = await console_says(app, "/since 2025-07-01")
    async with BotApp(demo_settings(demo_dir, language="ja"), clock=FakeClock(now)) as app:
        ja = await console_says(app, "/since 2025-07-01")
        # Since May: the first Istanbul round's 1,000 is itself new against March's 175.
        may = await console_says(app, "/since 2025-05-10")
    istanbul = en[en.index(ISTANBUL_3):]
    assert "📈 prisoners exchanged: 1,000 → 1,200" in istanbul
    assert "📈" not in en[:en.index(ISTANBUL_3)]  # the summits changed no figure
    assert "捕虜交換: 175 → 1,000人" in may
    assert "捕虜交換: 1,000 → 1,200人" in ja
    assert "📰 2 outlets · ja 1 / en 1" in istanbul
    assert "3 outlets · ja 1 / en 2" in en  # Alaska: one Japanese, two English outlets


async def test_since_my_last_visit_remembers_each_user_per_conversation(
        demo_dir: Path) -> None:
    clock = FakeClock(datetime(2025, 8, 10, tzinfo=UTC))
    async with BotApp(demo_settings(demo_dir, language="en"), clock=clock) as app:
        first = await console_says(app, "/since my last visit")
        assert "no earlier visit of yours here" in first and "`since yesterday`" in first
        clock.current = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
        out = await console_says(app, "/since my last visit")
        assert headlines(out)[1] == ALASKA and WHITE_HOUSE in headlines(out)[0]
        assert "Since 2025-08-10 09:00 JST" in out
        clock.current = datetime(2025, 8, 27, tzinfo=UTC)
        again = await console_says(app, "/since my last visit")
        assert "Nothing new since 2025-08-20 18:00 JST" in again
        # Another user, and the same user elsewhere, have no visit yet.
        other = await app.handle(Request(platform="console", command="since",
                                         text="my last visit", user_id="someone-else",
                                         channel_id="console", lang="en"))
        elsewhere = await app.handle(Request(platform="console", command="since",
                                             text="my last visit", user_id="console-user",
                                             channel_id="D-other", is_dm=True, lang="en"))
        await app.settle()  # visits are recorded beside the reply
        async with app.deps.sessions() as session:
            visits = (await session.scalars(select(Visit))).all()
    assert isinstance(other, Reply) and "no earlier visit" in other.text
    assert isinstance(elsewhere, Reply) and "no earlier visit" in elsewhere.text
    assert {(v.user_id, v.channel_id) for v in visits} == {
        ("console-user", "console"), ("someone-else", "console"),
        ("console-user", "D-other")}


async def test_a_post_to_a_dm_counts_as_a_visit(demo_dir: Path) -> None:
    clock = FakeClock(datetime(2025, 8, 20, 9, 0, tzinfo=UTC))
    async with BotApp(demo_settings(demo_dir, language="en"), clock=clock) as app:
        async with app.deps.sessions() as session, session.begin():
            posted = datetime(2025, 8, 17, tzinfo=UTC)
            session.add(Delivery(key="dm-post", platform="console", channel_id="D1",
                                 payload="{}", status="sent", next_attempt_at=posted,
                                 created_at=posted, sent_at=posted))
        reply = await app.handle(Request(platform="console", command="since",
                                         text="my last visit", user_id="u1",
                                         channel_id="D1", is_dm=True, kind="dm", lang="en"))
    assert isinstance(reply, Reply)
    assert "Since 2025-08-17 09:00 JST: 1 development" in reply.text
    assert WHITE_HOUSE in reply.text and ALASKA not in reply.text


@pytest.mark.parametrize("line, expected", [
    ("/since", "Say since when, e.g. `since yesterday`"),
    ("/since whenever it was", "I could not read `whenever it was` as a time"),
    ("/since tomorrow", "`tomorrow` is still in the future"),
])
async def test_a_time_the_bot_cannot_read_gets_examples(demo_dir: Path, line: str,
                                                        expected: str) -> None:
    async with BotApp(demo_settings(demo_dir, language="en"),
                      clock=FakeClock(WEEK_AFTER)) as app:
        out = await console_says(app, line)
    assert expected in out and "`since my last visit`" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(("now", "text", "expected"), [
    (DAY_AFTER, "Monday", datetime(2025, 8, 18, tzinfo=TOKYO)),
    (WEEK_AFTER, "Monday", datetime(2025, 8, 25, tzinfo=TOKYO)),
    (YEAR_AFTER, "月曜日", datetime(2026, 8, 17, tzinfo=TOKYO)),
    (DAY_AFTER, "11月20日", datetime(2024, 11, 20, tzinfo=TOKYO)),
    (YEAR_AFTER, "11月20日", datetime(2025, 11, 20, tzinfo=TOKYO)),
    (WEEK_AFTER, "last 30 days", datetime(2025, 7, 27, tzinfo=TOKYO)),
    (YEAR_AFTER, "2時間前", datetime(2026, 8, 19, 16, 0, tzinfo=TOKYO)),
])
def test_times_are_read_against_the_injected_clock(now: datetime, text: str,
                                                   expected: datetime) -> None:
    assert parse_since(text, now=now, zone=TOKYO).start == expected


def test_a_japanese_asker_gets_japanese_examples() -> None:
    with pytest.raises(UserFacingError, match="例: `since 昨日`"):
        parse_since("いつか", now=DAY_AFTER, zone=TOKYO, lang="ja")


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_long_period_keeps_every_citation_and_counts_what_it_leaves_out(
        demo_dir: Path, lang: str) -> None:
    async with BotApp(demo_settings(demo_dir, language=lang),
                      clock=FakeClock(YEAR_AFTER)) as app:
        out = await console_says(app, "/since 2025-01-01")
    text = out.split("\n", 2)[2]  # after the echoed command and the channel header
    assert len(text) <= 2800
    assert "14 developments" in text or "14件" in text
    shown = len(headlines(text))
    assert 1 < shown < 14
    assert f"(+{14 - shown} earlier not shown)" in text or f"(ほか{14 - shown}件は省略)" in text
    cited = {int(n) for n in re.findall(r"\[(\d+)\](?! )", text)}
    listed = [int(n) for n in re.findall(r"^\[(\d+)\] ", text, flags=re.M)]
    assert listed == list(range(1, len(listed) + 1)) and cited == set(listed)


async def test_while_a_story_is_still_being_reported_only_what_is_out_counts(
        demo_dir: Path) -> None:
    """At 2025-08-16 06:00 UTC only the first Alaska report is out (two more come later)."""
    async with BotApp(demo_settings(demo_dir, language="en"),
                      clock=FakeClock(datetime(2025, 8, 16, 6, 0, tzinfo=UTC))) as app:
        out = await console_says(app, "/since 8月15日")
    assert headlines(out) == [ALASKA]
    assert "📰 1 outlet · ja 0 / en 1" in out
    assert "Meridian Daily" not in out and WHITE_HOUSE not in out


@pytest.mark.parametrize("now", [DAY_AFTER, WEEK_AFTER, YEAR_AFTER])
async def test_figures_are_compared_with_what_the_channel_was_last_shown(
        demo_dir: Path, now: datetime) -> None:
    """The channel was last posted to on 1 May (before the Istanbul rounds): `since July`
    compares the prisoner figure with May's 175, not with the 1,000 that stood on 1 July."""
    async with BotApp(demo_settings(demo_dir, language="en"), clock=FakeClock(now)) as app:
        async with app.deps.sessions() as session, session.begin():
            posted = datetime(2025, 5, 1, tzinfo=UTC)
            session.add(Delivery(key="sub:1:story:1:p0", platform="console",
                                 channel_id="console", payload="{}", status="sent",
                                 next_attempt_at=posted, created_at=posted, sent_at=posted))
        out = await console_says(app, "/since 2025-07-01")
        # Asked again: the visit just recorded is after July, so July's figures count.
        again = await console_says(app, "/since 2025-07-01")
    istanbul = out[out.index(ISTANBUL_3):]
    assert "📈 prisoners exchanged: 175 → 1,200" in istanbul
    assert "📈 Figures compared with what was last shown here (2025-05-01 09:00 JST)." in out
    assert "📈 prisoners exchanged: 1,000 → 1,200" in again[again.index(ISTANBUL_3):]
    assert "last shown here" not in again


async def test_a_japanese_channel_is_told_in_japanese_what_the_figures_are_compared_with(
        demo_dir: Path) -> None:
    async with BotApp(demo_settings(demo_dir, language="ja"),
                      clock=FakeClock(WEEK_AFTER)) as app:
        async with app.deps.sessions() as session, session.begin():
            posted = datetime(2025, 5, 1, tzinfo=UTC)
            session.add(Delivery(key="sub:1:story:1:p0", platform="console",
                                 channel_id="console", payload="{}", status="sent",
                                 next_attempt_at=posted, created_at=posted, sent_at=posted))
        out = await console_says(app, "/since 2025-07-01")
    assert "捕虜交換: 175 → 1,200人" in out
    assert "数字は前回ここで見た時点 (2025-05-01 09:00 JST) との比較です。" in out
    assert "媒体 · 日本語" in out


@pytest.mark.parametrize("now", [DAY_AFTER, WEEK_AFTER, YEAR_AFTER])
async def test_a_date_that_moved_since_the_channel_was_last_shown_is_named(
        demo_dir: Path, now: datetime) -> None:
    """The channel was posted to on 16 August, when Meridian named 18 August (the White House
    meeting); a later report on the same story names the 19th: `since` says it moved."""
    async with BotApp(demo_settings(demo_dir, language="en"), clock=FakeClock(now)) as app:
        async with app.deps.sessions() as session, session.begin():
            story = await session.scalar(select(Story).where(Story.headline == ALASKA))
            assert story is not None
            later = datetime(2025, 8, 17, 20, 0, tzinfo=UTC)
            session.add(Article(
                guid="moved", url="https://demo.ceasefire-bot.example/test/moved",
                title="White House meeting with Zelensky moves a day",
                text="The White House said the meeting with Zelensky will now be held on "
                     "19 August.", source="Test Wire", lang="en", published_at=later,
                fetched_at=later, story_id=story.id))
            story.latest_at = max(story.latest_at, later)
            posted = datetime(2025, 8, 16, 19, 0, tzinfo=UTC)
            session.add(Delivery(key="sub:1:story:1:p0", platform="console",
                                 channel_id="console", payload="{}", status="sent",
                                 next_attempt_at=posted, created_at=posted, sent_at=posted))
        out = await console_says(app, "/since 2025-08-18")
        # Asked from before the story began: no day was named before, so none moved.
        async with app.deps.sessions() as session, session.begin():
            await session.execute(delete(Delivery))
        whole = await console_says(app, "/since 2025-08-15")
    alaska = out[out.index(ALASKA):]
    assert "📈 next date named: 2025-08-18 → 2025-08-19" in alaska
    assert ALASKA in whole and "next date named" not in whole


async def test_a_visit_is_one_row_per_user_and_conversation_and_only_moves_forward(
        tmp_path: Path) -> None:
    """Recorded with one upsert per request (issue 19: one short write before each reply):
    a later visit replaces the time, an earlier one (a request that finished late) does
    not, and two users or two conversations never share a row."""
    from bot.since.visits import record_visit
    from bot.store.db import open_store

    req = Request(platform="loopback", command="ask", user_id="U1", channel_id="C1")
    times = [datetime(2025, 8, 20, 9, tzinfo=UTC), datetime(2025, 8, 19, tzinfo=UTC),
             datetime(2026, 8, 20, tzinfo=UTC)]
    seen = []
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as (_engine, sessions):
        for when in times:
            async with sessions() as session, session.begin():
                await record_visit(session, req, when)
            async with sessions() as session:
                seen.append(await session.scalar(select(Visit.seen_at)))
        async with sessions() as session, session.begin():
            await record_visit(session, Request(platform="loopback", command="ask",
                                                user_id="U2", channel_id="C1"), times[0])
            await record_visit(session, Request(platform="loopback", command="ask",
                                                user_id="U1", channel_id="C2"), times[0])
        async with sessions() as session:
            rows = (await session.scalars(select(Visit))).all()
    assert seen == [times[0], times[0], times[2]]
    assert sorted((v.user_id, v.channel_id) for v in rows) == [
        ("U1", "C1"), ("U1", "C2"), ("U2", "C1")]


async def test_a_reply_does_not_wait_for_its_visit_to_be_written(demo_dir: Path) -> None:
    clock = FakeClock(DAY_AFTER)
    async with BotApp(demo_settings(demo_dir, language="en"), clock=clock) as app:
        # Another connection holds SQLite's single writer, as a fan-out's insert would.
        holder = sqlite3.connect(demo_dir / "demo.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            reply = await asyncio.wait_for(app.handle(Request(
                platform="console", command="since", text="yesterday", user_id="u1",
                channel_id="C1", lang="en")), 10)
            assert isinstance(reply, Reply) and WHITE_HOUSE in reply.text
        finally:
            holder.execute("COMMIT")
            holder.close()
        await app.settle()  # the visit is written once the writer is free
        async with app.deps.sessions() as session:
            visits = (await session.scalars(select(Visit))).all()
    assert [(v.user_id, v.channel_id) for v in visits] == [("u1", "C1")]
