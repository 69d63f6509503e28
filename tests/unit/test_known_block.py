""""What we know" and the coverage line, built from stored articles (no store needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.brief.coverage import coverage_line
from bot.brief.known import known_block
from bot.platforms.discord.render import render as discord_render
from bot.platforms.slack.render import render as slack_render
from bot.platforms.text import render_part
from bot.store.models import Article, Story

T0 = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)
TOKYO = ZoneInfo("Asia/Tokyo")


def report(source: str, text: str, *, hours: float = 0, lang: str = "en",
           title: str = "Talks on the plan") -> Article:
    return Article(source=source, lang=lang, title=title, text=text,
                   published_at=T0 + timedelta(hours=hours), url=f"https://x.example/{source}")


def story(*articles: Article, revision: int = 1) -> Story:
    ordered = sorted(articles, key=lambda a: a.published_at)
    return Story(id=7, headline="Talks", revision=revision, first_at=ordered[0].published_at,
                 latest_at=ordered[-1].published_at, articles=ordered)


def test_coverage_counts_outlets_once_and_a_wire_copy_once_per_outlet() -> None:
    wire = "Negotiators met in Geneva on Sunday."
    articles = [report("Wire A", wire), report("Wire A", "A second report.", hours=1),
                report("Paper B", wire), report("NHK", "ジュネーブで協議。", lang="ja"),
                report("NHK", "In English too.")]
    assert coverage_line(articles, "en") == "3 outlets · ja 1 / en 3"
    assert coverage_line(articles, "ja") == "3媒体 · 日本語1 / 英語3"
    assert coverage_line(articles[:1], "en") == "1 outlet · ja 0 / en 1"
    assert coverage_line([], "en") == ""


def test_agreeing_outlets_share_a_value_and_disagreeing_ones_stand_side_by_side() -> None:
    s = story(
        report("Wire A", "Kyiv received a 28-point plan.", hours=0),
        report("Wire A", "Kyiv is now weighing a 19-point plan.", hours=5),
        report("Paper B", "Officials discussed the 28-point plan.", hours=3),
        report("Paper C", "Kyiv is weighing a 19-point plan and 1,000 prisoners.", hours=4),
        revision=3)
    block = known_block(s, lang="en")
    assert block.revision == 3 and block.story_id == 7
    plan = next(f for f in block.facts if f.label == "the plan")
    # Each outlet's newest value counts: Wire A moved to 19, Paper B still says 28.
    assert [(v.value, v.outlets) for v in plan.values] == [
        ("19 points", ("Wire A", "Paper C")), ("28 points", ("Paper B",))]
    text = render_part(block, TOKYO)
    assert "• the plan: 19 points (Wire A, Paper C) ↔ 28 points (Paper B)" in text
    assert "• prisoners exchanged: 1,000 — Paper C" in text
    assert "• latest report: Kyiv is now weighing a 19-point plan. — Wire A" in text
    assert text.startswith("📌 What we know (as of 2025-11-20 20:00 JST)")
    assert "📰 3 outlets · ja 0 / en 3" in text


def test_the_block_states_what_was_out_at_a_time() -> None:
    s = story(report("Wire A", "Kyiv received a 28-point plan."),
              report("Paper B", "Kyiv is weighing a 19-point plan.", hours=4))
    early = known_block(s, lang="en", now=T0 + timedelta(hours=1))
    assert render_part(early, TOKYO).count("↔") == 0
    assert "the plan: 28 points — Wire A" in render_part(early, TOKYO)


def test_japanese_block_labels_and_units() -> None:
    s = story(report("共同", "28項目の和平案が示された。", lang="ja"),
              report("Wire A", "Kyiv is weighing a 19-point plan.", hours=2))
    text = render_part(known_block(s, lang="ja"), TOKYO)
    assert text.startswith("📌 現時点で分かっていること（2025-11-20 17:00 JST 時点）")
    assert "和平案: 19項目 (Wire A) ↔ 28項目 (共同)" in text
    assert "最新の報道: 28項目の和平案が示された。 — 共同" in text


def test_hostile_feed_text_in_the_block_stays_inert() -> None:
    s = story(report("@everyone <!channel>", "<!here> @everyone agreed a 20-point plan."))
    block = known_block(s, lang="en")
    [discord] = discord_render(block, zone=TOKYO)
    payload = discord.payload()
    shown = payload["embeds"][0]["description"]
    assert "@everyone" not in shown and "<!here>" not in shown
    [slack] = slack_render(block, zone=TOKYO)
    section = slack.blocks[0]["text"]["text"]
    assert "<!channel>" not in section and "&lt;!channel&gt;" in section
    assert "<!here>" not in slack.text


def test_the_next_date_each_outlet_names_and_disagreement_side_by_side() -> None:
    s = story(
        report("Wire A", "The working group will meet on 27 November, officials said."),
        report("Paper B", "Talks are set for November 28, 2025 in Geneva, after the 19 November "
                          "round.", hours=2),
        report("共同", "作業部会は11月27日に開かれる。", lang="ja", hours=3),
        report("Paper C", "The 20 November call was short.", hours=4))
    text = render_part(known_block(s, lang="en"), TOKYO)
    # Days before the report's own date are not "next"; Paper C names none ahead.
    assert ("• next date named: 2025-11-27 (共同, Wire A) ↔ 2025-11-28 (Paper B)" in text)
    assert "Paper C)" not in text.split("latest report")[0]
