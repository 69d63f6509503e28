"""The interactive prompt of the console platform (prompt_toolkit), used on a terminal.

Keys: Tab completes command names, ↑/↓ and Ctrl-R walk the history (kept in the data
dir), Ctrl-C clears the line being typed, Ctrl-D or Ctrl-C on an empty line quits. Posts
that arrive while the user types are printed above the prompt (``patch_stdout``).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.patch_stdout import patch_stdout

from bot.commands import Registry

log = logging.getLogger(__name__)

PROMPT = "ceasefire> "
HINT = "Type a question or /help · Tab completes · Ctrl-C clears the line · Ctrl-D quits"


class CommandCompleter(Completer):
    """Completes ``/name`` at the start of the line from the registry's command names, and
    after it the declared choices of that command's arguments (``/subscribe da``)."""

    def __init__(self, names: Iterable[str], *,
                 choices: Mapping[str, Sequence[str]] | None = None) -> None:
        self.names = sorted(names)
        self.choices = dict(choices or {})

    @classmethod
    def from_registry(cls, registry: Registry) -> CommandCompleter:
        return cls(registry.names, choices={
            c.name: [choice.value for arg in c.arguments for choice in arg.choices]
            for c in registry})

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterator[Completion]:
        typed = document.text_before_cursor
        if not typed.startswith("/"):
            return
        if " " in typed:
            name, _, rest = typed[1:].partition(" ")
            word = rest.rsplit(" ", 1)[-1]
            for value in self.choices.get(name.lower(), ()):
                if value.startswith(word.lower()):
                    yield Completion(value, start_position=-len(word))
            return
        for name in self.names:
            if name.startswith(typed[1:].lower()):
                yield Completion(f"/{name}", start_position=-len(typed))


def quit_keys() -> KeyBindings:
    """Ctrl-C clears a typed line (the prompt starts again) and quits on an empty one."""
    keys = KeyBindings()

    @keys.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        typed = event.app.current_buffer.text
        event.app.exit(exception=KeyboardInterrupt() if typed else EOFError(),
                       style="class:aborting")

    return keys


def open_history(path: Path | None) -> History:
    """The history file in the data dir; in memory when there is none or it cannot be made."""
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as exc:
        log.warning("console history is not kept: cannot write %s (%s)", path, exc)
        return InMemoryHistory()
    return FileHistory(str(path))


@contextlib.contextmanager
def logs_above_prompt() -> Iterator[None]:
    """Log lines (``-v``) on the terminal go through the patched stderr too, so they land
    above the prompt instead of through the line being typed (``2>file`` is left alone)."""
    on_terminal = sys.__stderr__ is not None and sys.__stderr__.isatty()
    handlers = [h for h in logging.getLogger().handlers if on_terminal
                and isinstance(h, logging.StreamHandler) and h.stream is sys.__stderr__]
    for handler in handlers:
        handler.setStream(sys.stderr)
    try:
        yield
    finally:
        for handler in handlers:
            handler.setStream(sys.__stderr__)


async def run_prompt(handle_line: Callable[[str], Awaitable[None]], *,
                     commands: Registry, history: Path | None,
                     show: Callable[[str], None]) -> None:
    """Read lines until the user quits, running each one before the next prompt.

    Returns on Ctrl-D or Ctrl-C on an empty line; cancelled, it restores the terminal.
    """
    session: PromptSession[str] = PromptSession(
        completer=CommandCompleter.from_registry(commands), complete_while_typing=False,
        history=open_history(history), key_bindings=quit_keys())
    with patch_stdout(raw=True), logs_above_prompt():  # raw: keep rich's colours
        show(HINT)
        while True:
            try:
                line = await session.prompt_async(PROMPT)
            except KeyboardInterrupt:
                continue
            except EOFError:
                return
            if line.strip():
                await handle_line(line.strip())
