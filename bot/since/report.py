"""The `since` reply: the developments after a time, newest first, each with one cited key
sentence, the figures that changed against what was known then, and its coverage; then
what is still unresolved, and the sources.

Extractive like every other reply: each sentence shown is quoted from a cited report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.brief.builder import story_line
from bot.brief.coverage import coverage_line
from bot.brief.known import next_named_day
from bot.brief.recent import load_recent_reports
from bot.store.models import Article, Story
from bot.text.figures import Change, changes, latest_values, read_figures
from bot.text.intents import cue_hits
from bot.text.labels import QUESTIONS, label
from bot.text.sentences import split_sentences

#: Developments listed; older ones are counted, not shown.
MAX_DEVELOPMENTS = 5
#: Longest reply: inside one Slack section (3,000) and two Discord messages.
MAX_CHARS = 2800
#: Earlier reports read for the figures known before the period.
BASELINE_REPORTS = 500
MAX_UNRESOLVED = 2


@dataclass
class Citations:
    """Reports cited so far, numbered in order of first use."""

    numbers: dict[int, int] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)

    def cite(self, article: Article) -> int:
        if article.id not in self.numbers:
            self.articles.append(article)
            self.numbers[article.id] = len(self.articles)
        return self.numbers[article.id]


@dataclass(frozen=True)
class Development:
    story: Story
    reports: tuple[Article, ...]
    key: Article
    sentence: str
    changed: tuple[Change, ...]
    #: Coverage of the whole story so far (reports up to now, not only the period's).
    coverage: str
    #: The next day the story's reports named, before and now, when it moved.
    moved: tuple[date, date] | None = None

    @property
    def when(self) -> datetime:
        return max(a.published_at for a in self.reports)


def _lead(article: Article) -> str:
    sentences = split_sentences(article.text)
    return sentences[0] if sentences else article.title


def _pick(reports: Sequence[Article], lang: str) -> Article:
    """The newest report in the channel's language, else the newest at all."""
    ordered = sorted(reports, key=lambda a: (a.lang == lang, a.published_at), reverse=True)
    return ordered[0]


async def fetch_developments(session: AsyncSession, *, start: datetime, now: datetime,
                             lang: str, baseline: datetime | None = None,
                             ) -> tuple[list[Development], int]:
    """Stories with reports in ``[start, now]``, newest first, and how many there were.

    Args:
        baseline: figures are compared with what reports published before it stated
            (what the asker was last shown); default ``start``.
    """
    cutoff = start if baseline is None else baseline
    stories = (await session.scalars(
        select(Story).where(Story.latest_at >= start, Story.first_at <= now)
        .options(selectinload(Story.articles)))).all()
    earlier = (await session.scalars(
        select(Article).where(Article.published_at < cutoff)
        .order_by(Article.published_at.desc()).limit(BASELINE_REPORTS))).all()
    known = latest_values(r for a in earlier for r in read_figures(f"{a.title}\n{a.text}",
                                                                     a.published_at))
    found: list[Development] = []
    for story in stories:
        reports = tuple(a for a in story.articles if start <= a.published_at <= now)
        if not reports:
            continue
        key = _pick(reports, lang)
        now_values = latest_values(r for a in reports
                                   for r in read_figures(f"{a.title}\n{a.text}",
                                                         a.published_at))
        so_far = [a for a in story.articles if a.published_at <= now]
        found.append(Development(story, reports, key, _lead(key),
                                 tuple(changes(known, now_values)),
                                 coverage_line(so_far, lang),
                                 moved_day(story, reports, cutoff)))
    found.sort(key=lambda d: d.when, reverse=True)
    return found[:MAX_DEVELOPMENTS], len(found)


def moved_day(story: Story, reports: Sequence[Article],
              cutoff: datetime) -> tuple[date, date] | None:
    """The next day the story's reports named before ``cutoff`` and the one the period's
    reports name now, when both exist and differ (a meeting moved, a deadline set anew)."""
    before = next_named_day([a for a in story.articles if a.published_at < cutoff])
    after = next_named_day(reports)
    if before is None or after is None or before == after:
        return None
    return before, after


def unresolved(developments: Sequence[Development], lang: str,
               skip: Sequence[str]) -> list[tuple[str, Article]]:
    """Sentences saying what is still open: one from each development, newest first."""
    picked: list[tuple[str, Article]] = []
    for dev in developments:
        found = next(((sentence, article)
                      for article in sorted(dev.reports, key=lambda a: a.lang != lang)
                      for sentence in split_sentences(article.text)
                      if sentence not in skip and cue_hits("open", sentence)), None)
        if found is not None:
            picked.append(found)
        if len(picked) >= MAX_UNRESOLVED:
            break
    return picked


def baseline_for(start: datetime, last_shown: datetime | None) -> datetime:
    """Where "what changed" starts counting figures from: what the asker was last shown,
    when that is before the period asked about (they have not seen what changed since);
    else the period's start (what stood before it)."""
    return min(start, last_shown) if last_shown is not None else start


async def what_changed(session: AsyncSession, *, start: datetime, now: datetime, lang: str,
                       zone: ZoneInfo, last_shown: datetime | None = None) -> str:
    """The whole `since` reply as Markdown-subset text, at most ``MAX_CHARS`` long (older
    developments are left out, and counted, rather than the sources cut off).

    Args:
        last_shown: when this channel or user was last shown the talks (their last visit,
            or the bot's last post here); changed figures are compared with what stood then.
    """
    shown = f"{start.astimezone(zone):%Y-%m-%d %H:%M %Z}"
    baseline = baseline_for(start, last_shown)
    developments, total = await fetch_developments(session, start=start, now=now, lang=lang,
                                                   baseline=baseline)
    if not developments:
        return await _nothing_new(session, shown=shown, now=now, lang=lang, zone=zone)
    since_shown = (f"{baseline.astimezone(zone):%Y-%m-%d %H:%M %Z}"
                   if baseline < start else None)
    text = compose(developments, total, shown=shown, lang=lang, zone=zone,
                   since_shown=since_shown)
    while len(text) > MAX_CHARS and len(developments) > 1:
        developments = developments[:-1]
        text = compose(developments, total, shown=shown, lang=lang, zone=zone,
                       since_shown=since_shown)
    return text


def compose(developments: Sequence[Development], total: int, *, shown: str, lang: str,
            zone: ZoneInfo, since_shown: str | None = None) -> str:
    """Args:
        since_shown: when figures are compared with what was last shown before ``shown``.
    """
    if lang == "ja":
        lines = [f"🕰 **{shown} 以降の展開: {total}件** (新しい順)"]
        if since_shown:
            lines.append(f"📈 数字は前回ここで見た時点 ({since_shown}) との比較です。")
    else:
        plural = "development" if total == 1 else "developments"
        lines = [f"🕰 **Since {shown}: {total} {plural}** (newest first)"]
        if since_shown:
            lines.append(f"📈 Figures compared with what was last shown here ({since_shown}).")
    cites = Citations()
    for dev in developments:
        n = cites.cite(dev.key)
        lines.append("")
        lines.append(f"**{dev.when.astimezone(zone):%Y-%m-%d}** {story_line(dev.story, lang)}")
        lines.append(f"💡 {dev.sentence}[{n}]")
        changed = [c.describe(lang) for c in dev.changed]
        if dev.moved:
            was, now_day = dev.moved
            changed.append(f"{label('next_date', lang)}: {was.isoformat()} → "
                           f"{now_day.isoformat()}")
        if changed:
            lines.append("📈 " + " · ".join(changed))
        lines.append(f"📰 {dev.coverage}")
    still = unresolved(developments, lang, [d.sentence for d in developments])
    if still:
        lines.append("")
        lines.append(f"❓ {QUESTIONS['open']['ja' if lang == 'ja' else 'en']}")
        lines += [f"{sentence}[{cites.cite(article)}]" for sentence, article in still]
    if total > len(developments):
        more = total - len(developments)
        lines.append(f"(ほか{more}件は省略)" if lang == "ja" else f"(+{more} earlier not shown)")
    lines.append("")
    # The development's line already gives the headline: a source is its outlet and link.
    lines += [f"[{i}] {a.source} ({a.published_at.astimezone(zone):%Y-%m-%d}) ⇒ {a.url}"
              for i, a in enumerate(cites.articles, start=1)]
    return "\n".join(lines)


async def _nothing_new(session: AsyncSession, *, shown: str, now: datetime, lang: str,
                       zone: ZoneInfo) -> str:
    last = await session.scalar(
        select(Story).where(Story.first_at <= now).order_by(Story.latest_at.desc()).limit(1))
    if last is not None:
        await load_recent_reports(session, [last])  # story_line reads its first reports
    if lang == "ja":
        text = f"🕰 {shown} 以降、新しい展開はありません。"
        if last is not None:
            text += (f"最新の展開: {last.latest_at.astimezone(zone):%Y-%m-%d} "
                     f"{story_line(last, lang)}")
        return text
    text = f"🕰 Nothing new since {shown}."
    if last is not None:
        text += (f" The latest development: {last.latest_at.astimezone(zone):%Y-%m-%d} "
                 f"{story_line(last, lang)}")
    return text
