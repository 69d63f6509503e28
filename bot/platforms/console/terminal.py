"""How a message looks on a terminal: markdown rendered by rich, thread replies behind a
gutter that survives wrapping (the plain ``    ┃ `` prefix broke on long lines).

Pure functions of text and width, so tests need no terminal.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.markdown import Markdown
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style

GUTTER = "    ┃ "
_GUTTER_STYLE = Style(color="cyan", dim=True)
_LEADING_SPACES = re.compile(r"^ +", flags=re.M)
#: Indentation markdown would strip goes in as no-break spaces and comes out as spaces.
_KEPT_SPACE = "\u00a0"
_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
#: Rich pads every line to the full width; trailing blanks (before a style reset) go.
_PADDING = re.compile(r" +((?:\x1b\[0m)?)$", flags=re.M)


class Gutter:
    """A renderable drawn narrower, with the thread bar in front of every line it wraps to."""

    def __init__(self, renderable: RenderableType, *, prefix: str = GUTTER) -> None:
        self.renderable = renderable
        self.prefix = prefix

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - cell_len(self.prefix), 10)
        lines = console.render_lines(self.renderable, options.update_width(width), pad=False)
        for line in lines:
            yield Segment(self.prefix, _GUTTER_STYLE)
            yield from line
            yield Segment.line()


def as_markdown(text: str) -> Markdown:
    """Our messages are line-oriented: every newline is a line break (markdown would join
    the lines of a post into one paragraph) and leading spaces are kept as indentation."""
    kept = _LEADING_SPACES.sub(lambda m: _KEPT_SPACE * len(m.group(0)), text.strip("\n"))
    return Markdown(_LINE_BREAK.sub("  \n", kept), hyperlinks=False)


def render(text: str, *, threaded: bool, channel: str, width: int,
           color: bool = True) -> str:
    """One message as terminal text (ANSI styles when ``color``): a channel post under a
    rule naming the channel, a thread reply behind the gutter."""
    buffer = io.StringIO()
    # With colours on, NO_COLOR in the environment still turns them off (rich reads it).
    console = Console(file=buffer, width=width, force_terminal=color,
                      no_color=None if color else True, highlight=False, emoji=False)
    parts: Iterable[RenderableType] = (
        [Gutter(as_markdown(text))] if threaded
        else [Rule(f"#{channel}", align="left", style="cyan"), as_markdown(text)])
    for part in parts:
        console.print(part)
    shown = buffer.getvalue().rstrip("\n").replace(_KEPT_SPACE, " ")
    return _PADDING.sub(r"\1", shown)
