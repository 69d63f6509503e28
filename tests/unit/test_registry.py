"""Command registration is validated, all or nothing; dispatch never leaks internals."""

from __future__ import annotations

import logging

import pytest

from bot.app import BotApp
from bot.errors import UserFacingError
from bot.model import Reply, Request, Result
from handlers import Registry, default_registry, dispatch


async def ok(req: Request, deps: object) -> Result:
    return Reply("ok")


def test_bad_or_duplicate_names_reject_the_whole_batch() -> None:
    registry = Registry()
    with pytest.raises(ValueError, match="invalid command name 'Bad Name'"):
        registry.register_all({"fine": (ok, {}), "Bad Name": (ok, {})})
    assert registry.names == []
    registry.register_all({"fine": (ok, {})})
    with pytest.raises(ValueError, match="already registered"):
        registry.register_all({"other": (ok, {}), "fine": (ok, {})})
    assert registry.names == ["fine"]


def test_default_commands_match_the_design() -> None:
    assert set(default_registry().names) == {
        "ask", "latest", "since", "timeline", "sources", "subscribe", "unsubscribe",
        "help"}


async def test_expected_and_unexpected_failures(app: BotApp,
                                                caplog: pytest.LogCaptureFixture) -> None:
    async def refuses(req: Request, deps: object) -> Result:
        raise UserFacingError("Only admins can do that.")

    async def crashes(req: Request, deps: object) -> Result:
        raise RuntimeError("secret internal detail")

    registry = Registry()
    registry.register_all({"refuses": (refuses, {}), "crashes": (crashes, {})})
    refused = await dispatch(registry, Request("test", "refuses"), app.deps)
    assert refused == Reply("Only admins can do that.", ephemeral=True)
    request = Request("test", "crashes")
    with caplog.at_level(logging.ERROR):
        crashed = await dispatch(registry, request, app.deps)
    assert isinstance(crashed, Reply)
    assert "secret internal detail" not in crashed.text
    assert request.request_id in crashed.text
    assert request.request_id in caplog.text and "secret internal detail" in caplog.text


async def test_subscribe_needs_a_channel_manager(app: BotApp) -> None:
    result = await app.handle(Request("test", "subscribe", channel_id="c1",
                                      manager_hint="workspace admins"))
    assert isinstance(result, Reply) and result.ephemeral
    assert result.text == "Only workspace admins can subscribe this channel."
