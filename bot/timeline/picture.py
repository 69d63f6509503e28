"""Draw the timeline PNG with matplotlib's Agg backend (no display, no pyplot state).

Japanese labels use the IPAex Gothic font bundled with matplotlib-fontja, so the picture
is the same on every machine. The picture carries its own opaque background with dark
text, so it reads the same in a chat's light and dark themes. 1200×675 px: at a chat
preview's ~500 px width the labels are still about 6 px high or more.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import matplotlib as mpl
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager
from matplotlib.ticker import FuncFormatter
from matplotlib_fontja import get_font_ttf_path

from bot.timeline.data import Point, TimelineData
from bot.timeline.kinds import KINDS, kind_label

WIDTH, HEIGHT, DPI = 1200, 675, 100
BACKGROUND = "#F8FAFC"
INK = "#111827"
MUTED = "#4B5563"
BAND = "#64748B"
#: Per kind: colour and marker (shape as well as colour, for colour-blind readers).
STYLE: dict[str, tuple[str, str]] = {
    "call": ("#1D4ED8", "o"),
    "exchange": ("#B45309", "D"),
    "truce": ("#047857", "s"),
    "summit": ("#7C3AED", "p"),
    "agreement": ("#BE123C", "^"),
    "talks": ("#0E7490", "h"),
}
#: Developments labelled with their headline: the most reported, then the newest.
LABELLED = 6
LABEL_CHARS = {"ja": 16, "en": 30}
TITLE = {"en": "The ceasefire talks so far", "ja": "停戦協議のこれまで"}
BAND_LABEL = {"en": "Reports\nper day", "ja": "1日の\n記事数"}
FONT_FAMILY = "IPAexGothic"

Strip = Callable[[str], str]


def _font_family() -> str:
    """Register the bundled CJK font (idempotent) and return its family name."""
    path = get_font_ttf_path()
    if not any(f.fname == path for f in fontManager.ttflist):
        fontManager.addfont(path)
    return FONT_FAMILY


def _short(text: str, lang: str) -> str:
    limit = LABEL_CHARS["ja" if lang == "ja" else "en"]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date_text(lang: str, zone: ZoneInfo) -> Callable[[float, int], str]:
    def fmt(value: float, _pos: int) -> str:
        day = mdates.num2date(value, tz=zone)
        return f"{day.month}月{day.day}日" if lang == "ja" else f"{day.day} {day:%b}"
    return fmt


def _labelled(points: tuple[Point, ...]) -> list[Point]:
    ranked = sorted(points, key=lambda p: (-p.reports, -p.when.timestamp()))
    chosen = {p.story_id for p in ranked[: LABELLED - 1]}
    if points:
        chosen.add(points[-1].story_id)
    return [p for p in points if p.story_id in chosen]


def render_png(data: TimelineData, *, strip: Strip | None = None) -> bytes:
    """The timeline picture as PNG bytes.

    Args:
        strip: applied to every string drawn; tests pass one that removes a script's
            characters, to check those glyphs were drawn at all.
    """
    clean: Strip = strip or (lambda s: s)
    lang = "ja" if data.lang == "ja" else "en"
    zone = ZoneInfo(data.zone)
    with mpl.rc_context({"font.family": _font_family(), "text.color": INK,
                         "axes.labelcolor": INK, "xtick.color": MUTED,
                         "ytick.color": INK, "axes.edgecolor": MUTED}):
        fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=BACKGROUND)
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(2, 1, height_ratios=(3.2, 1), hspace=0.08, left=0.16,
                                right=0.97, top=0.86, bottom=0.09)
        ax = fig.add_subplot(grid[0])
        band = fig.add_subplot(grid[1], sharex=ax)
        for axes in (ax, band):
            axes.set_facecolor(BACKGROUND)
            for side in ("top", "right"):
                axes.spines[side].set_visible(False)
        _draw_points(ax, data, lang, clean)
        _draw_band(band, data, zone, lang, clean)
        title = TITLE[lang] + (f"  {data.span}" if data.span else "")
        fig.text(0.16, 0.93, clean(title), fontsize=24, va="center")
        count = len(data.points)
        sub = (f"{count}件の展開 · 記事{sum(n for _d, n in data.daily)}本" if lang == "ja"
               else f"{count} developments · {sum(n for _d, n in data.daily)} reports")
        fig.text(0.97, 0.93, clean(sub), fontsize=15, color=MUTED, ha="right", va="center")
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, facecolor=BACKGROUND)
    return out.getvalue()


def _draw_points(ax: Axes, data: TimelineData, lang: str, clean: Strip) -> None:
    lane = {kind: i for i, kind in enumerate(KINDS)}
    for kind in KINDS:
        mine = [p for p in data.points if p.kind == kind]
        if not mine:
            continue
        colour, marker = STYLE[kind]
        ax.scatter(mdates.date2num([p.when for p in mine]), [lane[kind]] * len(mine),
                   s=[140 + 40 * min(p.reports, 8) for p in mine], c=colour, marker=marker,
                   edgecolors=BACKGROUND, linewidths=1.5, zorder=3)
    ax.set_yticks(range(len(KINDS)), [clean(kind_label(k, lang)) for k in KINDS],
                  fontsize=16)
    for tick, kind in zip(ax.get_yticklabels(), KINDS, strict=True):
        tick.set_color(STYLE[kind][0])
    ax.set_ylim(-0.7, len(KINDS) - 0.3)
    ax.grid(axis="y", color="#CBD5E1", linewidth=0.8, zorder=0)
    ax.tick_params(axis="x", labelbottom=False, length=0)
    ax.tick_params(axis="y", length=0)
    if not data.points:
        return
    first, last = data.points[0].when, data.points[-1].when
    for i, point in enumerate(_labelled(data.points)):
        above = i % 2 == 0
        # Labels near an edge grow inwards, so none is cut off by the picture's border.
        where = (point.when - first) / (last - first) if last > first else 0.5
        align = "left" if where < 0.25 else "right" if where > 0.75 else "center"
        ax.annotate(clean(_short(point.label, lang)), (point.when, lane[point.kind]),
                    xytext=(0, 16 if above else -16), textcoords="offset points",
                    ha=align, va="bottom" if above else "top", fontsize=13, color=INK,
                    bbox={"boxstyle": "round,pad=0.25", "fc": BACKGROUND, "ec": "#CBD5E1",
                          "alpha": 0.95}, zorder=4, annotation_clip=False)


def _draw_band(band: Axes, data: TimelineData, zone: ZoneInfo, lang: str,
               clean: Strip) -> None:
    if data.daily:
        # Every day from the first to the last, so days without reports show as gaps.
        counts = dict(data.daily)
        first_day, last_day = data.daily[0][0], data.daily[-1][0]
        days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
        x = mdates.date2num([datetime.combine(d, time(12), zone) for d in days])
        # One stepped polygon, not a bar per day: a year of days draws as one artist.
        band.fill_between(x, [counts.get(d, 0) for d in days], step="mid", color=BAND,
                          alpha=0.85, linewidth=0, zorder=2)
        band.set_ylim(0, max(counts.values()) * 1.15)
    if data.points:
        first = min(p.when for p in data.points)
        last = max(p.when for p in data.points)
        pad = max((last - first) * 0.04, timedelta(days=2))
        band.set_xlim(float(mdates.date2num(first - pad)), float(mdates.date2num(last + pad)))
    band.set_ylabel(clean(BAND_LABEL[lang]), fontsize=13, rotation=0, ha="right",
                    va="center", labelpad=12)
    band.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=8, tz=zone))
    band.xaxis.set_major_formatter(FuncFormatter(
        lambda v, pos: clean(_date_text(lang, zone)(v, pos))))
    band.tick_params(axis="x", labelsize=14)
    band.tick_params(axis="y", labelsize=12, colors=MUTED)
    band.yaxis.set_major_locator(mpl.ticker.MaxNLocator(3, integer=True))
