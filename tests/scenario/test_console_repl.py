"""The interactive console as a user meets it: `ceasefire-bot run` in a real terminal (tmux),
driven by keystrokes and read off the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import cli_command

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (.ci/run installs it; CI fails instead of skipping)")

QUESTION = "What did the delegations agree in Istanbul?"
#: The prompt as the screen shows it (a capture drops trailing blanks).
PROMPT = "ceasefire>"


@dataclass
class Terminal:
    """One tmux server of our own (its own socket) with the bot in a 120x40 pane."""

    socket: Path
    stderr: Path
    status: Path

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", str(self.socket), *args], check=True,
                              capture_output=True, text=True, timeout=10).stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "bot", *keys)

    def screen(self) -> str:
        """Everything printed so far, scrollback included."""
        return self.tmux("capture-pane", "-p", "-J", "-t", "bot", "-S", "-")

    def wait_for(self, ready: Callable[[str], bool], *, what: str,
                 timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")


@pytest.fixture
def terminal(cli_env: dict[str, str], tmp_path: Path) -> Iterator[Terminal]:
    env = dict(cli_env, HOME=str(tmp_path / "home"), TERM="xterm-256color",
               LANG="C.UTF-8", LC_ALL="C.UTF-8")
    # The pane's own size, not an inherited one: rich prefers COLUMNS/LINES to the terminal's,
    # and pytest-xdist's workers run with COLUMNS=80 LINES=24 (the sources then wrap at "⇒").
    for name in ("TMUX", "COLUMNS", "LINES"):
        env.pop(name, None)
    (tmp_path / "home").mkdir()
    conf = tmp_path / "tmux.conf"
    # The pane stays after the bot exits, so its last screen can be read.
    conf.write_text("set -g remain-on-exit on\nset -g history-limit 20000\n")
    term = Terminal(tmp_path / "tmux.sock", tmp_path / "stderr.txt", tmp_path / "status.txt")
    command = " ".join(cli_command("run"))
    shell = f"{command} 2>{term.stderr}; echo $? >{term.status}"
    subprocess.run(["tmux", "-S", str(term.socket), "-f", str(conf), "new-session", "-d",
                    "-s", "bot", "-x", "120", "-y", "40", shell],
                   env=env, check=True, timeout=10)
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-S", str(term.socket), "kill-server"], capture_output=True,
                       timeout=10)


def test_a_question_is_answered_and_ctrl_c_cancels_then_quits(
        terminal: Terminal, cli_env: dict[str, str]) -> None:
    terminal.wait_for(lambda s: s.rstrip().endswith(PROMPT), what="the prompt")
    terminal.keys(QUESTION, "Enter")
    screen = terminal.wait_for(
        lambda s: s.count(PROMPT) >= 2 and "https://demo.ceasefire-bot.example/" in
        s[s.index(QUESTION):], what="the answer")
    answer = screen[screen.index(QUESTION):screen.rindex(PROMPT)]
    assert screen.count(QUESTION) == 1  # typed once, not echoed again
    assert "💬 " in answer and "[1]" in answer
    assert "[1] " in answer and "⇒ https://demo.ceasefire-bot.example/" in answer

    # Markdown is rendered: /help shows no ** or backticks.
    terminal.keys("/help", "Enter")
    screen = terminal.wait_for(lambda s: "ceasefire-bot follows" in s, what="the help")
    help_text = screen[screen.index("/help"):]
    assert "**" not in help_text and "`" not in help_text

    # Tab completes a command name; Ctrl-C drops the line without running it.
    terminal.keys("/tim", "Tab")
    terminal.wait_for(lambda s: s.rstrip().endswith(f"{PROMPT} /timeline"), what="completion")
    terminal.keys("C-c")
    screen = terminal.wait_for(lambda s: s.rstrip().endswith(PROMPT) and s.count(PROMPT) >= 4,
                               what="a fresh prompt")
    cancelled = screen[screen.rindex("/timeline"):]
    assert cancelled.count(PROMPT) == 1 and "2025-05-16" not in cancelled

    # Ctrl-C on the empty line quits at once, cleanly.
    started = time.monotonic()
    terminal.keys("C-c")
    while not terminal.status.exists() or not terminal.status.read_text().strip():
        assert time.monotonic() - started < 1.0, "still running 1 s after Ctrl-C"
        time.sleep(0.02)
    assert terminal.status.read_text().strip() == "0"
    stderr = terminal.stderr.read_text()
    screen = terminal.screen()
    for text in (stderr, screen):
        assert "Traceback" not in text and "never retrieved" not in text
        assert "CancelledError" not in text
    # What was typed is in the history file in the data dir (none of it in HOME).
    history = Path(cli_env["CEASEFIRE_BOT_DATA_DIR"]) / "console-history"
    assert QUESTION in history.read_text() and "/timeline" not in history.read_text()
