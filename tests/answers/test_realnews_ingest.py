"""The real-coverage set reaches the store whole (issue 12): each outlet has its own feed.

Two outlets whose names differ only in full-width parentheses ("WACOCA(ロイター)" and
"WACOCA（ロイター）") once shared one feed URL: the later outlet's feed replaced the
earlier's, so the earlier's report was never served, and polling the one URL twice counted
the other's report as a duplicate of itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench.realset import RealSet, Report, build_store, feed_slug, load_realset
from bot.store.db import open_store
from bot.store.models import Article

AT = datetime(2025, 4, 28, 15, tzinfo=UTC)


def test_every_outlet_of_the_real_set_has_its_own_feed() -> None:
    outlets = {(r.outlet, r.lang) for r in load_realset().reports}
    assert len({feed_slug(o, lang) for o, lang in outlets}) == len(outlets)


async def test_outlets_whose_names_differ_only_in_width_both_reach_the_store(
        tmp_path: Path) -> None:
    reports = (
        Report("early", "https://example.org/early", "WACOCA(ロイター)", "ja", AT,
               "ロシア大統領、5月の3日間の停戦を宣言",
               "プーチン大統領は28日、5月8日から10日まで停戦すると発表した。\n\n"
               "ウクライナにも参加を呼びかけた。", "x", None),
        Report("late", "https://example.org/late", "WACOCA（ロイター）", "ja",
               AT + timedelta(days=200), "米特使とプーチン氏の会談、トランプ氏が評価",
               "トランプ大統領は3日、米特使とプーチン大統領の会談はまずまずだったと述べた。\n\n"
               "和平協議の行方は分からないとも語った。", "x", None),
    )
    db = await build_store(RealSet(reports, (), {"x": "dev"}), tmp_path)
    async with open_store(f"sqlite:///{db}") as (_e, sessions), sessions() as session:
        stored = set((await session.scalars(select(Article.guid))).all())
    assert stored == {"early", "late"}
