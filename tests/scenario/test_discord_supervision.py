"""A Discord client that dies is noticed: restarted after an unexpected payload, the process
stopped with one line after a fatal close code, and ``/healthz`` unhealthy meanwhile. The
real discord.py client talks to the fake gateway, which does the killing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.app import BotApp
from bot.cli import main
from bot.errors import ConfigError
from bot.platforms.discord import DiscordAdapter
from bot.platforms.discord.settings import SECTION as DISCORD
from config.settings import HealthSettings
from tests.conftest import FakeClock
from tests.fakes.discord_fake import FakeDiscord, running_fake
from tests.scenario.scale.bots import free_port
from tests.scenario.test_discord_e2e import DEMO, START, write_settings

FEED = DEMO / "harbor-wire.xml"
GRACE = 0.3


@dataclass
class Running:
    fake: FakeDiscord
    app: BotApp
    adapter: DiscordAdapter
    serving: asyncio.Task[None]
    health: str

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(self.health + path) as response:
            return response.status, await response.text()

    async def until_health(self, status: int, within: float = 10.0) -> str:
        """Poll ``/healthz`` until it answers ``status``; returns ``/metrics`` then."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (await self.get("/healthz"))[0] != status:
            assert loop.time() < deadline, f"/healthz never answered {status}"
            await asyncio.sleep(0.05)
        return (await self.get("/metrics"))[1]


@asynccontextmanager
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_fake() as fake:
        guild = fake.add_guild("Ceasefire Watch")
        settings = write_settings(tmp_path, fake, guild, [FEED])
        port = free_port()
        settings = settings.model_copy(update={"health": HealthSettings(
            port=port, disconnected_seconds=GRACE)})
        adapter = DiscordAdapter(settings.section(DISCORD), zone=settings.zone,
                                 guild_ready_timeout=0.1, ready_timeout=10, restart_delay=1.0)
        async with BotApp(settings, clock=FakeClock(START), platforms=[adapter]) as app:
            serving = asyncio.create_task(app.serve())
            try:
                await fake.wait_for(lambda: adapter.is_connected() and app.health_port, timeout=10)
                yield Running(fake, app, adapter, serving, f"http://127.0.0.1:{port}")
            finally:
                app.request_stop()
                with contextlib.suppress(ConfigError):  # the fatal test looked at it already
                    await serving


async def test_an_unexpected_payload_restarts_the_client_and_health_follows(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    async with running(tmp_path) as r:
        assert (await r.get("/healthz"))[0] == 200
        first = len(r.fake.sessions)
        await r.fake.send_raw("{not json")
        down = await r.until_health(503)
        await r.fake.wait_for(lambda: len(r.fake.sessions) > first and r.adapter.is_connected(),
                              timeout=15)
        up = await r.until_health(200)
        inter = await r.fake.dispatch_interaction("help")
        await r.fake.wait_for(lambda: inter.followups, timeout=10)

    assert 'ceasefire_platform_connected{platform="discord"} 0.0' in down
    assert 'ceasefire_platform_connected{platform="discord"} 1.0' in up
    assert "ceasefire-bot" in inter.followups[0]["content"]  # answered after the restart
    stopped = [r for r in caplog.records if "the client stopped" in r.getMessage()]
    assert stopped and stopped[0].exc_info is not None  # logged with its exception
    assert "JSONDecodeError" in stopped[0].getMessage()
    assert any("restarted after 1 attempt" in r.getMessage() for r in caplog.records)


async def test_a_fatal_close_code_stops_serve_with_a_one_line_error(tmp_path: Path) -> None:
    async with running(tmp_path) as r:
        await r.fake.disconnect(code=4014)
        with pytest.raises(ConfigError) as stopped:
            await asyncio.wait_for(asyncio.shield(r.serving), 10)
    message = str(stopped.value)
    assert message.startswith("invalid setting discord.mention_answers:") and "4014" in message
    assert "\n" not in message


async def test_a_reset_token_ends_the_process_with_one_line_and_a_non_zero_exit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``ceasefire-bot run`` as typed (in a thread: its own event loop, like a process)."""
    async with running_fake() as fake:
        guild = fake.add_guild("Ceasefire Watch")
        settings = write_settings(tmp_path, fake, guild, [FEED])
        config = tmp_path / "bot.toml"
        assert settings.section(DISCORD).token is not None
        token = settings.section(DISCORD).token.get_secret_value()
        config.write_text(f"data_dir = '{tmp_path / 'data'}'\n" + config.read_text(
            encoding="utf-8").replace("[discord]", (
                f"[discord]\ntoken = '{token}'\napi_base = '{fake.api_base}'\n"
                f"gateway_url = '{fake.gateway_url}'")), encoding="utf-8")
        run = asyncio.create_task(asyncio.to_thread(main, ["run", "--config", str(config)]))
        await fake.wait_for(lambda: fake.commands_for(guild.id) or run.done(), timeout=30)
        await fake.disconnect(code=4004)
        code = await asyncio.wait_for(run, 20)
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(
        "ceasefire-bot: invalid setting discord.token:") and "4004" in err.splitlines()[-1]
    assert token not in err  # never logged
