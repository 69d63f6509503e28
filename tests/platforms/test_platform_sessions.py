"""One owner for HTTP sessions: platforms started by a run call out on the runtime's session
for platform calls, never close it, and whatever a library must own itself (slack_sdk's
Socket Mode websocket session) is closed when the runtime's exit stack unwinds."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import BotApp
from bot.platforms.base import PlatformAdapter
from bot.platforms.loopback import LoopbackAdapter
from bot.platforms.registry import load_settings
from bot.platforms.select import RunOptions, build_platforms
from bot.platforms.slack import SlackAdapter
from config.settings import Settings
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.fakes.slack_fake import FakeSlack, slash_command_payload


class Factory:
    """What `ceasefire-bot run` hands the runtime, remembering the session it was given."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http: aiohttp.ClientSession | None = None

    def __call__(self, http: aiohttp.ClientSession) -> list[PlatformAdapter]:
        self.http = http
        return build_platforms(self.settings, RunOptions(), http=http)


async def test_loopback_answers_through_the_runtime_session_and_leaves_it_open(
        make_settings: Any, clock: FakeClock) -> None:
    async with ChatFake(profile="none") as fake:
        factory = Factory(make_settings({"CEASEFIRE_BOT_LOOPBACK_URL": fake.url},
                                        language="en"))
        async with BotApp(factory.settings, clock=clock, platforms=factory) as app:
            [adapter] = app.platforms
            assert isinstance(adapter, LoopbackAdapter)
            serving = asyncio.create_task(app.serve())
            try:
                fake.type_command("C1", "/help")
                await fake.wait_for(lambda: bool(fake.posted("C1")))
                assert adapter.http is factory.http
            finally:
                app.request_stop()
                await serving
            assert factory.http is not None and not factory.http.closed  # not the adapter's
        assert factory.http.closed  # the runtime closed it, once, on the way out
    assert "ask" in fake.posted("C1")[0]["text"]


async def test_slack_socket_mode_calls_on_the_runtime_session_and_its_socket_closes_with_it(
        tmp_path: Path, clock: FakeClock) -> None:
    async with FakeSlack() as fake:
        settings = load_settings(env={
            "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_APP_TOKEN": fake.app_token,
            "SLACK_API_URL": fake.api_url, "CEASEFIRE_BOT_DATA_DIR": str(tmp_path)},
            overrides={"language": "en"})
        factory = Factory(settings)
        async with BotApp(settings, clock=clock, platforms=factory) as app:
            [adapter] = app.platforms
            assert isinstance(adapter, SlackAdapter) and adapter.mode == "socket"
            serving = asyncio.create_task(app.serve())
            try:
                await fake.wait_for_socket(timeout=5.0)
                await fake.socket_push("slash_commands", slash_command_payload(text="help"))
                await fake.wait_for(lambda: bool(fake.posted() or fake.ephemerals),
                                    timeout=10.0)
                assert adapter.client.session is factory.http  # Web API calls: ours
                # slack_sdk's SocketModeClient opens its own session (it takes none) and
                # closes it in close(): the adapter's stop, on the runtime's exit stack.
                assert adapter._socket is not None
                socket_session = adapter._socket.client.aiohttp_client_session
                assert socket_session is not factory.http and not socket_session.closed
            finally:
                app.request_stop()
                await serving
        assert socket_session.closed and factory.http is not None and factory.http.closed
