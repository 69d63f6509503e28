"""`ceasefire-bot run` stopped by SIGTERM or Ctrl-C during start-up, while its first poll
waits on a feed: an orderly stop (exit 0, the store closed, no traceback), as once it
serves. It used to die by the default handlers: SIGTERM at once with exit 143, Ctrl-C only
once the poll had ended. The bounds are hang checks for a loaded machine, not timings.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest
from aiohttp import web

from tests.conftest import cli_command

STOPS_WITHIN = 15.0
FETCH_SEEN_WITHIN = 90.0


async def slow_feed(asked: asyncio.Event) -> tuple[web.AppRunner, int]:
    """A feed server on 127.0.0.1 that answers nothing for a minute."""
    async def feed(request: web.Request) -> web.Response:
        asked.set()
        await asyncio.sleep(60)
        return web.Response(text="<rss version='2.0'><channel/></rss>",
                            content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_signal_during_the_first_poll_stops_the_bot_in_order(
        tmp_path: Path, cli_env: dict[str, str], sig: signal.Signals) -> None:
    asked = asyncio.Event()
    runner, port = await slow_feed(asked)
    db = tmp_path / "bot.db"
    config = tmp_path / "bot.toml"
    config.write_text(f'demo = false\nlanguage = "en"\ntimezone = "UTC"\n'
                      f'database_url = "sqlite:///{db}"\n'
                      f'[fetch]\nallow_hosts = ["127.0.0.1"]\n'
                      f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feed.xml"\nlang = "en"\n')
    env = {**cli_env, "CEASEFIRE_BOT_CONFIG": str(config)}
    proc = await asyncio.create_subprocess_exec(
        *cli_command("run"), env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await asyncio.wait_for(asked.wait(), FETCH_SEEN_WITHIN)  # it is in its first poll
        assert proc.returncode is None
        proc.send_signal(sig)
        try:
            out, err = await asyncio.wait_for(proc.communicate(), STOPS_WITHIN)
        except TimeoutError:
            raise AssertionError(f"still running {STOPS_WITHIN} s after {sig.name}") from None
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await runner.cleanup()
    text = err.decode()
    assert proc.returncode == 0, text[-2000:]
    assert f"{sig.name} during start-up" in text
    for bad in ("Traceback", "ERROR", "KeyboardInterrupt"):
        assert bad not in text, text[-2000:]
    assert "#console" not in out.decode()  # it never served
    assert_closed_in_order(db)


def assert_closed_in_order(db: Path) -> None:
    """Its write-ahead log was checkpointed away on close, and the store is whole."""
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
