"""A bot app wired to the loopback platform and its chat fake, the way scenario tests drive
it: users type into the fake, the bot answers and posts there.

The wiring (adapter, app, request handler, start, stop) was written out again in each
scenario file; it lives here once so a change to how the app takes a platform is made in
one place.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver

from bot.app import BotApp
from bot.clock import Clock
from bot.platforms.loopback import LoopbackAdapter
from config.settings import Settings
from tests.fakes.chat_fake import ChatFake


@dataclass
class LoopBot:
    chat: ChatFake
    adapter: LoopbackAdapter
    app: BotApp
    connected: bool = False

    async def connect(self) -> None:
        """Let typed commands reach the app; a test that first prepares the app (a poll,
        a patch) while nobody can type calls this itself."""
        self.adapter.on_request = self.app.handle
        await self.adapter.start()
        self.connected = True
        await self.adapter.on_ready()


@contextlib.asynccontextmanager
async def loopback_bot(settings: Settings, clock: Clock, *, profile: str = "none",
                       scale: float = 1.0, connect: bool = True,
                       resolver: AbstractResolver | None = None) -> AsyncIterator[LoopBot]:
    """The app with one English loopback platform on a new chat fake; the adapter, when
    started, is stopped before the app closes. ``scale`` speeds the profile's limit
    windows up (the adapter reads them from the fake, so the bot paces to them)."""
    async with ChatFake(profile=profile, scale=scale) as chat:
        adapter = LoopbackAdapter(chat.url, zone=settings.zone, lang="en")
        async with BotApp(settings, clock=clock, platforms=[adapter],
                          resolver=resolver) as app:
            bot = LoopBot(chat, adapter, app)
            try:
                if connect:
                    await bot.connect()
                yield bot
            finally:
                if bot.connected:
                    await adapter.stop()
