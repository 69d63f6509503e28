"""The console on a terminal: rich rendering and the prompt's completion, without a terminal."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from bot.model import Reply
from bot.platforms.base import Target
from bot.platforms.console import ConsoleAdapter
from bot.platforms.console.repl import CommandCompleter
from bot.platforms.console.terminal import GUTTER, render
from handlers import default_registry
from handlers.help import HELP_EN

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG = ("❓ What happens next?\nGerman Chancellor Friedrich Merz said he wanted a ceasefire "
        "before the next summit, while Trump said one was not necessary.[2]\n"
        "   ✅ an indented bullet")


def test_markdown_is_rendered_not_shown() -> None:
    out = render(HELP_EN, threaded=False, channel="console", width=100, color=False)
    assert out.startswith("#console ─")
    assert "**" not in out and "`" not in out
    assert "🕊 ceasefire-bot follows" in out
    # Every line of the message stays its own line (markdown would join them).
    assert "\nlatest the newest briefing" in out


def test_a_long_thread_reply_wraps_behind_its_gutter_at_every_width() -> None:
    for width in (40, 61, 120):
        lines = render(LONG, threaded=True, channel="console", width=width,
                       color=False).splitlines()
        assert all(line.startswith(GUTTER) for line in lines), lines
        assert max(len(line) for line in lines) <= width
        assert any(line == f"{GUTTER}   ✅ an indented bullet" for line in lines)
        words = " ".join(line[len(GUTTER):] for line in lines).split()
        assert words == LONG.split()


def test_colours_only_when_asked() -> None:
    plain = render("**bold** `code`", threaded=True, channel="console", width=60, color=False)
    coloured = render("**bold** `code`", threaded=True, channel="console", width=60)
    assert not ANSI.search(plain) and plain == f"{GUTTER}bold code"
    assert ANSI.search(coloured) and ANSI.sub("", coloured) == plain


async def test_piped_output_stays_plain_text() -> None:
    import io

    out = io.StringIO()
    adapter = ConsoleAdapter(zone=ZoneInfo("UTC"), stdin=io.StringIO(""), out=out)
    assert not adapter.interactive
    await adapter.send(Target("console"), Reply("**bold**"))
    assert out.getvalue() == "─── #console ───\n**bold**\n"


def test_completion_offers_the_registrys_command_names() -> None:
    names = default_registry().names
    completer = CommandCompleter(names)

    def complete(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]

    assert complete("/") == sorted(f"/{n}" for n in names)
    assert complete("/su") == ["/subscribe"]
    assert complete("/UNS") == ["/unsubscribe"]
    assert "/feedback" not in complete("/")  # adapters send it; nobody types it
    assert complete("/ask wh") == [] and complete("what") == []
