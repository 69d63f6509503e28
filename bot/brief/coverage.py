"""Who reported a story: "5 outlets · ja 3 / en 2", shown on update posts and in `since`.

Counted from the story's stored articles by their outlet (the ``source`` field as
stored): a wire copy run by two sites counts twice only when the sites are different
outlets, and one outlet's several reports count once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Reported(Protocol):
    """What a coverage count reads of an article."""

    @property
    def source(self) -> str: ...

    @property
    def lang(self) -> str: ...


def coverage_line(articles: Iterable[Reported], lang: str) -> str:
    """``5 outlets · ja 3 / en 2`` (en) or ``5媒体 · 日本語3 / 英語2`` (ja): distinct
    outlets, and how many of them reported in each language. Empty for no articles."""
    seen = [(a.source.strip(), a.lang) for a in articles]
    outlets = {source for source, _ in seen}
    if not outlets:
        return ""
    ja = len({source for source, code in seen if code == "ja"})
    en = len({source for source, code in seen if code != "ja"})
    if lang == "ja":
        return f"{len(outlets)}媒体 · 日本語{ja} / 英語{en}"
    word = "outlet" if len(outlets) == 1 else "outlets"
    return f"{len(outlets)} {word} · ja {ja} / en {en}"
