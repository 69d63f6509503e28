"""Real `ceasefire-bot run` processes sharing one PostgreSQL database (test helpers)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.conftest import cli_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Bot:
    """One bot process, with its /metrics port."""

    proc: asyncio.subprocess.Process
    port: int
    log: Path
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    async def fetch_metrics(self) -> dict[str, float]:
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{self.port}/metrics",
                         timeout=aiohttp.ClientTimeout(total=5)) as resp:
            body = await resp.text()
        return {m[1]: float(m[2]) for m in
                re.finditer(r"^(\w+) ([0-9.e+-]+)$", body, flags=re.MULTILINE)}

    async def fetch_is_leader(self) -> bool:
        return (await self.fetch_metrics()).get("ceasefire_leader") == 1.0

    async def fetch_sent(self) -> int:
        return int((await self.fetch_metrics()).get("ceasefire_posts_sent_total", 0))

    def kill(self) -> None:
        self.proc.kill()

    async def stop(self) -> str:
        """SIGTERM and wait; returns the tail of its log."""
        if self.alive:
            self.proc.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.proc.wait(), 20)
            if self.alive:
                self.proc.kill()
                await self.proc.wait()
        return self.log.read_text(errors="replace")[-3000:]


async def start_bot(env: dict[str, str], workdir: Path, n: int, *args: str) -> Bot:
    port = free_port()
    log = workdir / f"bot{n}.log"
    proc = await asyncio.create_subprocess_exec(
        *cli_command("run", "-v", *args), env={**env, "CEASEFIRE_BOT__HEALTH__PORT": str(port)},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("wb"))
    return Bot(proc, port, log)


async def wait_ready(bot: Bot, *, within: float = 30.0) -> bool:
    """Until the bot serves its /metrics (migrated, platforms started, sender running).
    False if it exited first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while bot.alive:
        try:
            if "ceasefire_leader" in await bot.fetch_metrics():
                return True
        except (aiohttp.ClientError, OSError):
            pass
        assert loop.time() < deadline, "bot did not come up in time"
        await asyncio.sleep(0.1)
    return False


async def start_bots(count: int, env: dict[str, str], workdir: Path) -> list[Bot]:
    bots = [await start_bot(env, workdir, i) for i in range(count)]
    for i, bot in enumerate(bots):
        for _attempt in range(3):
            if await wait_ready(bot):
                break
            # The free port we picked was taken meanwhile: start it again on another.
            assert "address already in use" in bot.log.read_text(), bot.log.read_text()[-3000:]
            bot = bots[i] = await start_bot(env, workdir, i)
        else:
            raise AssertionError("could not find a free port for a bot")
    return bots


async def leaders(bots: list[Bot]) -> list[Bot]:
    found = []
    for bot in bots:
        if bot.alive and await bot.fetch_is_leader():
            found.append(bot)
    return found


def config_toml(path: Path, *, db: str, chat: str, feeds: list[Path] = (),  # type: ignore[assignment]
                extra: str = "") -> Path:
    feed_text = "".join(f'[[feeds]]\nurl = "{f}"\nlang = "en"\ninterval_minutes = 0.02\n'
                        for f in feeds)
    no_feeds = "" if feeds else "feeds = []\n"  # never the default (internet) feeds
    path.write_text(
        f'demo = false\n{no_feeds}language = "en"\ntimezone = "UTC"\ndatabase_url = "{db}"\n'
        f'[news]\npoll_interval_minutes = 60\n'
        f'[loopback]\nurl = "{chat}"\n'
        f'[scale]\nleader_check_seconds = 0.5\nlease_seconds = 3\nidle_seconds = 0.2\n'
        f'{extra}\n{feed_text}')
    return path
