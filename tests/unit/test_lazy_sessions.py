"""The runtime's HTTP sessions are made on first use (stop 42, ``bot.runtime.LAZY_SESSIONS``):
a command that fetches nothing never imports aiohttp; one that fetches gets a real session,
closed with the runtime."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

import bot.runtime as runtime
from bot.app import BotApp
from bot.runtime import LazySession


async def test_a_lazy_session_is_made_on_first_use_and_closed_only_if_made() -> None:
    made: list[aiohttp.ClientSession] = []

    def make() -> aiohttp.ClientSession:
        made.append(aiohttp.ClientSession())
        return made[-1]

    unused = LazySession(make)
    await unused.close()
    assert made == [] and not unused.made
    assert unused.closed is True  # as a closed session answers
    with pytest.raises(RuntimeError, match="Session is closed"):
        unused.get("http://127.0.0.1:9/")
    used = LazySession(make)
    assert used.closed is False and used.made and len(made) == 1
    assert used.get is not None and len(made) == 1  # one session, reused
    await used.close()
    assert made[0].closed and used.closed


async def test_the_apps_sessions_wait_for_a_use(settings: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    async with BotApp(settings) as app:
        assert isinstance(app.deps.http, LazySession) and not app.deps.http.made
        assert isinstance(app.deps.guarded_http, LazySession)
        assert not app.deps.guarded_http.made
        http = app.deps.http
        assert http.closed is False and http.made  # a use makes it
    assert http.closed
    monkeypatch.setattr(runtime, "LAZY_SESSIONS", False)
    async with BotApp(settings) as app:
        assert isinstance(app.deps.http, aiohttp.ClientSession)
        eager = app.deps.http
    assert eager.closed
