"""`ceasefire-bot run` on the console stops on SIGTERM or Ctrl-C (SIGINT) whatever its stdin
is: a pipe nobody closes (`sleep 40 | ceasefire-bot run`), /dev/null, a closed stdin.

Stopping used to wait for the pipe to close (a worker thread blocked in ``readline`` was
joined at exit) and logged a "never retrieved" error. The bounds are hang checks, generous
for a loaded machine, not timings.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess

import pytest

from tests.conftest import cli_command

#: The first post (the welcome update) is printed once the bot handles signals.
READY = "─── #console ───"
STOPS_WITHIN = 10.0
STARTS_WITHIN = 90.0


async def start(env: dict[str, str]) -> asyncio.subprocess.Process:
    """The bot with stdin a pipe the test holds open, as `sleep 40 |` does."""
    return await asyncio.create_subprocess_exec(
        *cli_command("run"), env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def read_until(proc: asyncio.subprocess.Process, text: str, *, after: int = 0,
                     seen: bytearray) -> None:
    """Read stdout into ``seen`` until ``text`` appears past offset ``after``."""
    assert proc.stdout is not None
    wanted = text.encode()
    while wanted not in seen[after:]:
        chunk = await asyncio.wait_for(proc.stdout.read(4096), STARTS_WITHIN)
        assert chunk, f"stdout ended before {text!r}: {seen.decode()[-2000:]}"
        seen += chunk


async def stop(proc: asyncio.subprocess.Process, sig: signal.Signals) -> tuple[str, str]:
    """Send ``sig``; the rest of stdout and stderr once the bot exits. Stdin stays open."""
    proc.send_signal(sig)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), STOPS_WITHIN)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"still running {STOPS_WITHIN} s after {sig.name}") from None
    return out.decode(), err.decode()


def assert_clean(err: str) -> None:
    for bad in ("Traceback", "never retrieved", "ERROR"):
        assert bad not in err, err[-2000:]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_signal_stops_the_bot_reading_a_pipe_that_stays_open(
        cli_env: dict[str, str], sig: signal.Signals) -> None:
    proc = await start(cli_env)
    seen = bytearray()
    await read_until(proc, READY, seen=seen)
    _, err = await stop(proc, sig)
    assert proc.returncode == 0, err[-2000:]
    assert_clean(err)


async def test_a_typed_line_is_answered_before_the_signal_stops_the_bot(
        cli_env: dict[str, str]) -> None:
    proc = await start(cli_env)
    seen = bytearray()
    await read_until(proc, READY, seen=seen)
    assert proc.stdin is not None
    proc.stdin.write(b"/ask What was agreed in Jeddah?\n")
    await proc.stdin.drain()
    await read_until(proc, "> /ask What was agreed in Jeddah?", seen=seen)
    asked = seen.index(b"> /ask")
    await read_until(proc, "https://demo.ceasefire-bot.example/", after=asked, seen=seen)
    out, err = await stop(proc, signal.SIGTERM)
    answer = (bytes(seen[asked:]).decode() + out)
    assert "💬 " in answer and "[1]" in answer
    assert proc.returncode == 0, err[-2000:]
    assert_clean(err)


@pytest.mark.parametrize("stdin", ["/dev/null", "closed"])
def test_no_input_at_all_is_an_empty_script(cli_env: dict[str, str], stdin: str) -> None:
    """Nothing to read: the bot posts what is due and exits, as at the end of a script."""
    # ``<&-``: the process starts with no descriptor 0 (Python's sys.stdin is None).
    redirect = "</dev/null" if stdin == "/dev/null" else "<&-"
    proc = subprocess.run(["sh", "-c", f'exec "$@" {redirect}', "sh", *cli_command("run")],
                          env=cli_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert READY in proc.stdout
    assert_clean(proc.stderr)
