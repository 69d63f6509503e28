"""Headline figures of the talks (prisoners swapped, a truce's length, a plan's points),
read from report text in Japanese and English, so `since` can say what changed:
"prisoners exchanged: 175 → 1,000".

Each figure is a named quantity with its own patterns per language; a bare number says
nothing on its own, so only numbers next to their noun count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.text.sentences import normalise

_N = r"(\d{1,3}(?:,\d{3})+|\d+)"


@dataclass(frozen=True)
class Quantity:
    key: str
    labels: dict[str, str]
    unit: dict[str, str]
    patterns: tuple[re.Pattern[str], ...]


def _q(key: str, en: str, ja: str, unit_en: str, unit_ja: str, *patterns: str) -> Quantity:
    return Quantity(key, {"en": en, "ja": ja}, {"en": unit_en, "ja": unit_ja},
                    tuple(re.compile(p) for p in patterns))


QUANTITIES: tuple[Quantity, ...] = (
    _q("prisoners", "prisoners exchanged", "捕虜交換", "", "人",
       rf"{_N}\s+(?:prisoners|pows|soldiers|servicemen)",
       rf"捕虜[^。\d]{{0,12}}?{_N}人", rf"{_N}人(?:ずつ)?の捕虜"),
    _q("ceasefire_days", "ceasefire length", "停戦の期間", " days", "日間",
       rf"{_N}[- ]day\s+(?:\w+\s+){{0,2}}(?:ceasefire|truce|pause)",
       rf"{_N}日間の[^。\d]{{0,6}}?停戦"),
    _q("truce_hours", "truce length", "休戦の長さ", " hours", "時間",
       rf"{_N}[- ]hours?\s+(?:\w+\s+){{0,2}}(?:ceasefire|truce)",
       rf"{_N}時間の[^。\d]{{0,6}}?(?:停戦|休戦)"),
    _q("plan_points", "the plan", "和平案", " points", "項目",
       rf"{_N}[- ]point\s+(?:\w+\s+){{0,2}}(?:plan|proposal)",
       rf"{_N}項目の[^。\d]{{0,6}}?(?:和平案|計画|案)"),
    _q("bodies", "bodies returned", "遺体の返還", "", "体",
       rf"{_N}\s+bodies", rf"遺体{_N}", rf"{_N}(?:人分|体)の遺体"),
)
BY_KEY = {q.key: q for q in QUANTITIES}


@dataclass(frozen=True)
class Reading:
    """One figure as one report stated it."""

    key: str
    value: int
    when: datetime


def read_figures(text: str, when: datetime) -> list[Reading]:
    """Every known figure a text states (the first value per figure; "1,000 for 1,000"
    counts once)."""
    norm = normalise(text)
    found: list[Reading] = []
    for quantity in QUANTITIES:
        for pattern in quantity.patterns:
            match = pattern.search(norm)
            if match:
                found.append(Reading(quantity.key, int(match.group(1).replace(",", "")), when))
                break
    return found


def latest_values(readings: Iterable[Reading]) -> dict[str, int]:
    """Each figure's newest stated value."""
    out: dict[str, tuple[datetime, int]] = {}
    for r in readings:
        if r.key not in out or r.when >= out[r.key][0]:
            out[r.key] = (r.when, r.value)
    return {key: value for key, (_when, value) in out.items()}


@dataclass(frozen=True)
class Change:
    key: str
    before: int | None
    after: int

    def describe(self, lang: str) -> str:
        """``prisoners exchanged: 175 → 1,000`` (``new`` when it was never stated)."""
        quantity = BY_KEY[self.key]
        label = quantity.labels.get(lang, quantity.labels["en"])
        unit = quantity.unit.get(lang, quantity.unit["en"])
        after = f"{self.after:,}{unit}"
        if self.before is None:
            return f"{label}: {after} ({'新' if lang == 'ja' else 'new'})"
        return f"{label}: {self.before:,} → {after}"


def changes(before: dict[str, int], now: dict[str, int]) -> list[Change]:
    """Figures stated now that differ from (or were missing in) what was shown before."""
    return [Change(key, before.get(key), value) for key, value in now.items()
            if before.get(key) != value]
