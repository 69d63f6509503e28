"""The one parser of typed text: "first word or the fallback command" (a question)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

Slash = Literal["never", "optional", "required"]


def parse_line(text: str, names: Collection[str], *, fallback: str = "ask",
               slash: Slash = "optional", empty: str | None = None,
               keep_unknown: bool = False) -> tuple[str, str]:
    """Split a typed line into ``(command, rest)``.

    Args:
        names: the commands the first word may select (see ``Registry.typable``).
        fallback: the command for text that selects none (the whole text is its argument).
        slash: whether the first word is written ``/name`` (a console), may be, or is not.
        empty: the command for blank text; None: the fallback with no text.
        keep_unknown: a ``/word`` that names no command stays that command (so the reply
            can say it is unknown) instead of becoming a question.
    """
    stripped = text.strip()
    if not stripped:
        return (empty, "") if empty is not None else (fallback, "")
    first, _, rest = stripped.partition(" ")
    marked = first.startswith("/")
    if slash == "required" and not marked:
        return fallback, stripped
    name = first[1:].lower() if marked and slash != "never" else first.lower()
    if name in names:
        return name, rest.strip()
    if marked and keep_unknown and slash != "never":
        return name, rest.strip()
    return fallback, stripped
