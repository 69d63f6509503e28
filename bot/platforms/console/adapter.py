"""Console adapter: commands typed at stdin, posts and threads printed to stdout.

Thread replies are printed indented under their parent so the Q&A commentary reads as a
thread. On a terminal (stdin and stdout both) the user gets a prompt with history and
completion, and messages are rendered by rich. Otherwise every line is processed as plain
text and the adapter reports it is closed at end of input, so scripted runs finish.

Stopping (SIGTERM, Ctrl-C) never waits for input: the line being answered is finished
(within ``ANSWER_GRACE``), and what was typed after it is not read.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import logging
import os
import shutil
import sys
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.commands import Registry, parse_line
from bot.model import FOLLOW_UP_COMMAND, Part, Reply, Request, Result
from bot.platforms.base import MessageRef, PlatformAdapter, Target
from bot.platforms.commands import commands_or_default
from bot.platforms.console.lines import read_lines
from bot.platforms.text import render_result, zone_for
from bot.respond import Conversation

log = logging.getLogger(__name__)

CHANNEL = "console"
#: The user id of one console session (a fresh one per adapter: context ends with it).
USER = "console-user"
THREAD_BAR = "    ┃ "
#: Keys of the messages printed last, so a retried send prints nothing twice: a retry
#: comes within its claim's lease, long before this many newer messages; a session that
#: prints updates for months must not keep every key it ever printed.
SENT_KEPT = 1024
#: How long stopping waits for the answer to a line already being answered; after that
#: the answer is abandoned, and said so.
ANSWER_GRACE = 10.0


class ConsoleAdapter(PlatformAdapter):
    name = "console"

    def __init__(self, *, zone: ZoneInfo, stdin: TextIO | None = None,
                 out: TextIO | None = None, commands: Registry | None = None,
                 history: Path | None = None, interactive: bool | None = None) -> None:
        """Args:
            commands: the commands typed lines may run and the prompt completes (default:
                every command).
            history: the prompt's history file.
            interactive: prompt and rich rendering; default: stdin and stdout are terminals.
        """
        super().__init__()
        self.zone = zone
        # None: stdin was closed when the process started (``<&-``): an empty input.
        self.stdin: TextIO | None = stdin if stdin is not None else sys.stdin
        self.out = out or sys.stdout
        self.commands = commands
        self.history = history
        self.interactive = (self.stdin is not None and self.stdin.isatty()
                            and self.out.isatty() if interactive is None else interactive)
        self._ids = itertools.count(1)
        self._closed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        #: Set while no typed line is being answered; stopping waits for it.
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self._sent: OrderedDict[str, MessageRef] = OrderedDict()
        self._lock = asyncio.Lock()
        #: Follow-up context ends with this session; the user stays the same across sessions
        #: (``since my last visit`` remembers them).
        self.session_id = uuid.uuid4().hex[:12]

    async def start(self) -> None:
        """Nothing to connect; input is read from ``on_ready`` so start-up posts come first."""
        self.commands = commands_or_default(self.commands)

    async def on_ready(self) -> None:
        reader = self._prompt_loop() if self.interactive else self._read_loop()
        self._reader = asyncio.create_task(reader, name="console-stdin")

    async def stop(self) -> None:
        """Let the line being answered finish (bounded), then end the reader and wait for
        it, so its input is released before the store closes."""
        self._stopping = True
        reader = self._reader
        if reader is not None and not reader.done():
            try:
                await asyncio.wait_for(self._idle.wait(), ANSWER_GRACE)
            except TimeoutError:
                log.warning("console: stopping; the answer to the last typed line was "
                            "abandoned after %.0f s", ANSWER_GRACE)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        self._closed.set()

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def send(self, target: Target, result: Result | Part, *,
                   key: str | None = None) -> MessageRef:
        if key is not None and key in self._sent:
            return self._sent[key]
        async with self._lock:
            first: MessageRef | None = None
            for text, in_thread in render_result(result, zone_for(target.zone, self.zone),
                                                 follow_ups=True):
                threaded = in_thread or target.thread_id is not None
                ref = MessageRef(f"m{next(self._ids)}")
                self._print(text, threaded=threaded)
                if first is None:
                    first = MessageRef(ref.message_id, target.thread_id or ref.message_id)
            if isinstance(result, Reply) and result.attachment is not None:
                # A terminal shows no pictures: where the file is, to open it.
                self._print(f"🖼 {result.attachment.path}", threaded=True)
            assert first is not None
            if key is not None:
                self._sent[key] = first
                while len(self._sent) > SENT_KEPT:
                    self._sent.popitem(last=False)
            return first

    async def edit(self, target: Target, message_id: str, result: Part) -> None:
        """A terminal cannot change what it printed: the refreshed message is printed
        again, marked as the edit of ``message_id``."""
        async with self._lock:
            for text, _ in render_result(result, zone_for(target.zone, self.zone)):
                self._print(f"✏️ #{message_id}\n{text}", threaded=target.thread_id is not None)

    async def find_sent(self, target: Target, key: str) -> MessageRef | None:
        return self._sent.get(key)

    async def message_link(self, target: Target, message_id: str,
                           thread_id: str | None) -> str | None:
        """A terminal has no URLs: a plain reference to the thread."""
        return f"#{thread_id or message_id}"

    def _print(self, text: str, *, threaded: bool) -> None:
        if self.interactive:
            from bot.platforms.console import terminal  # rich markdown: only on a terminal

            # sys.stdout, not self.out: while the prompt runs it is the proxy that prints
            # above the line being typed.
            width = shutil.get_terminal_size().columns
            print(terminal.render(text, threaded=threaded, channel=CHANNEL, width=width),
                  file=sys.stdout, flush=True)
            return
        if threaded:
            body = "\n".join(THREAD_BAR + line for line in text.splitlines())
        else:
            body = f"─── #{CHANNEL} ───\n{text}"
        try:
            print(body, file=self.out, flush=True)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): discard output and finish quietly.
            self.out = open(os.devnull, "w")
            self._closed.set()

    def _echo(self, line: str) -> None:
        try:
            print(f"> {line}", file=self.out, flush=True)
        except BrokenPipeError:
            self.out = open(os.devnull, "w")

    async def _read_loop(self) -> None:
        try:
            async with contextlib.aclosing(read_lines(self.stdin)) as lines:
                async for line in lines:
                    if self._stopping:
                        log.warning("console: stopping; typed input not yet answered "
                                    "is dropped")
                        return
                    if line.strip():
                        await self._answer_typed(line.strip())
        finally:
            self._closed.set()

    async def _answer_typed(self, line: str) -> None:
        self._idle.clear()
        try:
            await self.handle_line(line)
        finally:
            self._idle.set()

    async def _prompt_loop(self) -> None:
        from bot.platforms.console.repl import run_prompt

        try:
            await run_prompt(self._answer_typed, commands=commands_or_default(self.commands),
                             history=self.history,
                             show=lambda text: print(text, file=sys.stdout, flush=True))
        except Exception:
            log.exception("console prompt failed; the session ends")
        finally:
            self._closed.set()

    async def handle_line(self, line: str) -> None:
        """Run one typed line: ``/command args``, or a bare question (treated as ``ask``)."""
        request = to_request(line, session_id=self.session_id, commands=self.commands)
        if not self.interactive:  # a prompt already shows what was typed
            self._echo(line)
        await self.answer(request, _Terminal(self))


@dataclasses.dataclass
class _Terminal(Conversation):
    """Replies print in the one console channel."""

    adapter: ConsoleAdapter

    async def send(self, result: Result, *, zone: str | None) -> None:
        await self.adapter.reply(Target(CHANNEL, zone=zone), result)


def to_request(line: str, *, session_id: str | None = None,
               commands: Registry | None = None) -> Request:
    """Translate a typed line into a Request (pure: tested without a terminal): ``/name``
    runs a command (an unknown one is answered as such), anything else is a question."""
    registry = commands_or_default(commands)
    # ``/more 2`` asks a suggestion shown under an answer (the console has no buttons).
    command, rest = parse_line(line, [*registry.typable(), FOLLOW_UP_COMMAND],
                               fallback=registry.fallback, slash="required", keep_unknown=True)
    return Request(platform="console", command=command, text=rest, kind="command",
                   user_id=USER, channel_id=CHANNEL, can_manage=True,
                   session_id=session_id)


