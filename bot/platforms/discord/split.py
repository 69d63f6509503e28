"""Split long text into pieces that fit Discord's limits, at sentence boundaries.

A citation marker such as ``[2]`` belongs to the sentence before it, and a citation line
(``[2] Outlet: title ⇒ url``) is never cut: both are kept whole inside one piece.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.text.sentences import split_sentences

#: Discord's limits (characters).
CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6000

_TRAILING_REFS = re.compile(r"(?:\[\d+\])+$")


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary, marking the cut with ``…``."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def units_of(text: str) -> list[str]:
    """Atomic pieces of ``text``: its lines, and long lines broken into sentences."""
    units: list[str] = []
    for line in text.split("\n"):
        if len(line) <= 200:
            units.append(line)
        else:
            units.extend(split_sentences(line) or [line])
    return units


def pack(units: Iterable[str], *, limit: int, sep: str = "\n") -> list[str]:
    """Join ``units`` with ``sep`` into as few pieces of at most ``limit`` as possible.

    Units are never split, except a single unit longer than ``limit`` (then at a word
    boundary, keeping its trailing citation markers with its last piece).
    """
    pieces: list[str] = []
    current = ""
    for unit in units:
        for part in _fit(unit, limit):
            joined = f"{current}{sep}{part}" if current else part
            if len(joined) <= limit:
                current = joined
            else:
                if current.strip():
                    pieces.append(current)
                current = part
    if current.strip():
        pieces.append(current)
    return pieces


def _fit(unit: str, limit: int) -> list[str]:
    if len(unit) <= limit:
        return [unit]
    refs = _TRAILING_REFS.search(unit)
    tail = refs.group(0) if refs else ""
    body = unit[: len(unit) - len(tail)] if tail else unit
    out: list[str] = []
    while len(body) + len(tail) > limit:
        room = limit - 1
        cut = body.rfind(" ", 0, room)
        if cut < room // 2:
            cut = room
        out.append(body[:cut].rstrip() + "…")
        body = body[cut:].lstrip()
    out.append(body + tail)
    return out


def group_sizes(sizes: Sequence[int], *, per_message: int = EMBEDS_PER_MESSAGE,
                total: int = EMBED_TOTAL_LIMIT) -> list[list[int]]:
    """Group embed indexes into messages of at most ``per_message`` embeds and ``total``
    characters."""
    groups: list[list[int]] = []
    used = 0
    for i, size in enumerate(sizes):
        if groups and len(groups[-1]) < per_message and used + size <= total:
            groups[-1].append(i)
            used += size
        else:
            groups.append([i])
            used = size
    return groups
