"""Stories on names no list knows, through real polls of a loopback server: one story per
development across English and Japanese outlets, and developments days apart kept apart.

Every person and place here is made up, so neither the gazetteer nor the glossary knows
them; reports carry no figures, so only the names (and time) can tell the stories apart.
The ingest clock runs a day, a week and a year after the reports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.models import Article
from config.settings import FeedSettings
from tests.feedserver import FeedServer, rss, start_feed_server
from tests.newsfix import FakeClock, news_settings, running_app

DAY = datetime(2025, 11, 4, 9, 0, tzinfo=UTC)
NOWS = [DAY + timedelta(days=d) for d in (1, 7, 365)]
#: Two developments of the same day: the Tavrinsk meeting and the Ostrahavn corridor.
TAVRINSK_EN = ("Ukrainian envoys meet Bramwell in Tavrinsk",
               "Envoys Kastor Bramwell and Taras Dorovenko met in Tavrinsk on Tuesday and "
               "agreed to halt strikes around Solvinka while the ceasefire talks continue. "
               "Russia and Ukraine both sent observers.")
TAVRINSK_JA = ("ブラムウェル特使、タブリンスクでウクライナ側と会談",
               "ブラムウェル特使とウクライナのドロベンコ交渉官は火曜日、タブリンスクで会談し、"
               "停戦協議が続く間はソルビンカ周辺への攻撃を停止することで合意した。"
               "ロシアとウクライナの双方が監視要員を送った。")
OSTRAHAVN_EN = ("Quintaro opens grain corridor talks in Ostrahavn",
                "Mediator Ilse Quintaro hosted Russian and Ukrainian delegations in Ostrahavn "
                "on Tuesday; they agreed to open a grain corridor through Mykolsk as part of "
                "the ceasefire talks.")
OSTRAHAVN_JA = ("キンタロ仲介役、オストラハーブンで穀物回廊協議",
                "キンタロ仲介役は火曜日、オストラハーブンでロシアとウクライナの代表団を迎え、"
                "停戦協議の一環としてミコルスクを通る穀物回廊を開くことで合意した。")
#: The same envoys four days later, elsewhere: another development.
SECOND_ROUND_EN = ("Bramwell and Dorovenko meet again in Ostrahavn",
                   "Envoys Kastor Bramwell and Taras Dorovenko met again on Saturday, this "
                   "time in Ostrahavn, and signed a memorandum on the return of civilians "
                   "as the ceasefire talks with Russia go on.")
SECOND_ROUND_JA = ("ブラムウェル特使とドロベンコ交渉官、オストラハーブンで再会談",
                   "ブラムウェル特使とウクライナのドロベンコ交渉官は土曜日、オストラハーブンで"
                   "再び会談し、ロシアとの停戦協議が続く中、民間人の帰還に関する覚書に署名した。")


@pytest.fixture
async def served() -> AsyncIterator[FeedServer]:
    fs = await start_feed_server()
    yield fs
    await fs.server.close()


def items(*reports: tuple[tuple[str, str], str, datetime]) -> list[dict[str, str]]:
    return [{"title": title, "link": link, "guid": link, "description": f"<p>{body}</p>",
             "date": when.isoformat()} for (title, body), link, when in reports]


async def stories_by_link(served: FeedServer, tmp_path: Path, now: datetime,
                          docs: dict[str, tuple[str, list[dict[str, str]]]]) -> list[set[str]]:
    """Poll every feed once at ``now``; the stories as sets of links."""
    urls = [served.static(f"/{name}.rss", rss(entries, lang=lang))
            for name, (lang, entries) in docs.items()]
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        report = await app.poll([FeedSettings(url=u) for u in urls], force=True)
        assert not report.errors
        async with app.deps.sessions() as session:
            rows = (await session.execute(select(Article.url, Article.story_id))).all()
    groups: dict[int, set[str]] = defaultdict(set)
    for url, story in rows:
        groups[story].add(url)
    return sorted(groups.values(), key=sorted)


@pytest.mark.parametrize("now", NOWS, ids=["day", "week", "year"])
async def test_unseen_names_make_one_story_per_development_across_languages(
        served: FeedServer, tmp_path: Path, now: datetime) -> None:
    h = timedelta(hours=1)
    stories = await stories_by_link(served, tmp_path, now, {
        "wire": ("en", items((TAVRINSK_EN, "https://wire.example/tavrinsk", DAY),
                             (OSTRAHAVN_EN, "https://wire.example/ostrahavn", DAY + h))),
        "shimbun": ("ja", items((TAVRINSK_JA, "https://shimbun.example/tavrinsk", DAY + 3 * h),
                                (OSTRAHAVN_JA, "https://shimbun.example/ostrahavn",
                                 DAY + 2 * h))),
    })
    assert stories == [
        {"https://shimbun.example/ostrahavn", "https://wire.example/ostrahavn"},
        {"https://shimbun.example/tavrinsk", "https://wire.example/tavrinsk"},
    ]


@pytest.mark.parametrize("now", NOWS, ids=["day", "week", "year"])
async def test_the_same_envoys_four_days_later_are_another_story(
        served: FeedServer, tmp_path: Path, now: datetime) -> None:
    later = DAY + timedelta(days=4)
    stories = await stories_by_link(served, tmp_path, now + timedelta(days=4), {
        "wire": ("en", items((TAVRINSK_EN, "https://wire.example/tavrinsk", DAY),
                             (SECOND_ROUND_EN, "https://wire.example/round2", later))),
        "nami": ("ja", items((TAVRINSK_JA, "https://nami.example/tavrinsk",
                              DAY + timedelta(hours=5)),
                             (SECOND_ROUND_JA, "https://nami.example/round2",
                              later + timedelta(hours=2)))),
    })
    assert stories == [
        {"https://nami.example/round2", "https://wire.example/round2"},
        {"https://nami.example/tavrinsk", "https://wire.example/tavrinsk"},
    ]
