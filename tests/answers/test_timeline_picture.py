"""The timeline picture of the demo data, checked by its properties: size, opaque and not
blank, and that the text of each script was really drawn (a render with that script's
characters removed differs, and no glyph fell back to a font without it)."""

from __future__ import annotations

import io
import re
import warnings
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.app import BotApp
from bot.store.models import Story
from bot.timeline.cache import TimelinePictures
from bot.timeline.data import TimelineData, timeline_data
from bot.timeline.picture import BACKGROUND, HEIGHT, INK, STYLE, WIDTH, render_png
from tests.answers.support import FixedClock, demo_settings
from tests.answers.test_since import DAY_AFTER, WEEK_AFTER, YEAR_AFTER, console_says
from tests.conftest import FakeClock

TOKYO = ZoneInfo("Asia/Tokyo")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")


async def demo_stories(demo_dir: Path) -> list[Story]:
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        async with app.deps.sessions() as session:
            return list((await session.scalars(
                select(Story).options(selectinload(Story.articles)))).all())


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def changed(a: bytes, b: bytes) -> int:
    """How many pixels differ between two renders."""
    return int(np.any(pixels(a) != pixels(b), axis=2).sum())


@pytest.fixture
async def demo(demo_dir: Path) -> dict[str, TimelineData]:
    stories = await demo_stories(demo_dir)
    return {lang: timeline_data(stories, lang=lang, zone=TOKYO) for lang in ("ja", "en")}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_picture_has_chat_preview_size_and_is_opaque_and_not_blank(
        demo: dict[str, TimelineData], lang: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_png(demo[lang])
    assert not [w for w in caught if "missing from font" in str(w.message)]
    image = Image.open(io.BytesIO(png))
    assert image.size == (WIDTH, HEIGHT)
    rgba = pixels(png)
    # Its own opaque background: it looks the same in a light or a dark chat theme.
    assert (rgba[:, :, 3] == 255).all()
    background = np.array(Image.new("RGBA", (1, 1), BACKGROUND)).reshape(4)
    assert (rgba[0, :] == background).all() and (rgba[:, 0] == background).all()
    inked = np.any(rgba != background, axis=2).mean()
    assert 0.03 < inked < 0.6
    assert len(np.unique(rgba.reshape(-1, 4), axis=0)) > 50


def test_text_in_each_script_is_drawn(demo: dict[str, TimelineData]) -> None:
    ja, en = render_png(demo["ja"]), render_png(demo["en"])
    without_cjk = render_png(demo["ja"], strip=lambda s: CJK.sub("", s))
    without_latin = render_png(demo["en"], strip=lambda s: LATIN.sub("", s))
    # Kind names, headlines, title and dates: thousands of pixels of each script's glyphs.
    assert changed(ja, without_cjk) > 5000
    assert changed(en, without_latin) > 5000
    # The Japanese picture's labels are Japanese, the English one's English.
    assert changed(ja, en) > 5000
    assert changed(en, render_png(demo["en"], strip=lambda s: CJK.sub("", s))) == 0


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_and_kind_colours_keep_contrast_on_the_pictures_background() -> None:
    assert contrast(INK, BACKGROUND) >= 7
    assert all(contrast(colour, BACKGROUND) >= 4.5 for colour, _marker in STYLE.values())


async def test_the_picture_is_cached_per_story_revision(demo_dir: Path, tmp_path: Path) -> None:
    stories = await demo_stories(demo_dir)
    pictures = TimelinePictures(tmp_path / "pictures")
    data = timeline_data(stories, lang="en", zone=TOKYO)
    assert pictures.get(data) is None
    first = await pictures.fetch(data)
    stamp = first.stat().st_mtime_ns
    again = await pictures.fetch(timeline_data(stories, lang="en", zone=TOKYO))
    assert again == first and again.stat().st_mtime_ns == stamp
    stories[-1].revision += 1  # a newer report added facts to the latest story
    revised = await pictures.fetch(timeline_data(stories, lang="en", zone=TOKYO))
    assert revised != first and revised.read_bytes().startswith(b"\x89PNG")
    assert len(list((tmp_path / "pictures").glob("*.png"))) == 2
    pictures.close()


@pytest.mark.parametrize(("now", "march_year", "last_30_days"), [
    (DAY_AFTER, 2025, ["2025-07-24", "2025-08-16", "2025-08-19"]),
    (WEEK_AFTER, 2025, ["2025-08-16", "2025-08-19"]),
    (YEAR_AFTER, 2026, [])])
async def test_timeline_range_through_the_console(demo_dir: Path, now: datetime,
                                                  march_year: int,
                                                  last_30_days: list[str]) -> None:
    async with BotApp(demo_settings(demo_dir, language="en"), clock=FakeClock(now)) as app:
        march = await console_says(app, "/timeline March")
        month = await console_says(app, "/timeline last 30 days")
        bad = await console_says(app, "/timeline whenever")
    if march_year == 2025:
        dates = re.findall(r"^(2025-\d\d)-\d\d ", march, flags=re.M)
        assert dates and set(dates) == {"2025-03"}
        assert re.search(r"🖼 .*timeline-[0-9a-f]+\.png", march)
    else:
        assert "No developments in March." in march and "🖼" not in march
    assert re.findall(r"^(20\d\d-\d\d-\d\d) ", month, flags=re.M) == last_30_days
    assert "I could not read `whenever` as a range" in bad
