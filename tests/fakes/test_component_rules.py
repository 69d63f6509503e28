"""The fakes refuse buttons the real platforms refuse (custom_id and label length, buttons
per row, rows per message, duplicate ids; Slack's button text, value and action_id), so a
payload the real API would reject fails the tests too. Discord through the real
discord.py HTTP client; Slack through slack_sdk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
import pytest_asyncio
from discord.http import Route
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.discord_fake import FakeDiscord, FakeGuild, running_client, running_fake
from tests.fakes.slack_fake import DEFAULT_CHANNEL_ID, FakeSlack

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def discord_world() -> AsyncIterator[tuple[FakeDiscord, FakeGuild, discord.Client]]:
    async with running_fake() as fake:
        guild = fake.add_guild("Ceasefire Watch")
        client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1,
                                allowed_mentions=discord.AllowedMentions.none())
        async with running_client(client) as running:
            yield fake, guild, running


def button(custom_id: str = "followup:a1.0.abcdef", label: str = "What happens next?",
           **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 2, "label": label, "custom_id": custom_id, **extra}


def row(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(buttons)}


async def post_raw(client: discord.Client, channel: int, components: list[Any]) -> Any:
    """A message body sent as is (discord.py's own checks bypassed), as a bot with a bug
    would send it."""
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel)
    return await client.http.request(route, json={
        "content": "x", "allowed_mentions": {"parse": []}, "components": components})


@pytest.mark.parametrize("components,where", [
    ([row(button(custom_id="followup:" + "a" * 92))],
     "components.0.components.0.custom_id: Must be 100"),
    ([row(button(label="W" * 81))], "components.0.components.0.label: Must be 80"),
    ([row(*(button(custom_id=f"followup:a1.{i}.abcdef") for i in range(6)))],
     "components.0.components: Must be 5"),
    ([row(button(custom_id=f"c{i}")) for i in range(6)], "In components: Must be 5"),
    ([row(button(), button())], "components.0.components.1.custom_id: Component custom id"),
    ([row(button(custom_id=""))], "components.0.components.0.custom_id: This field"),
    ([row({"type": 2, "style": 2, "custom_id": "x"})], "components.0.components.0: A button needs"),
], ids=["custom-id-101", "label-81", "six-in-a-row", "six-rows", "duplicate-id", "no-id",
        "no-label"])
async def test_discord_refuses_buttons_the_api_refuses(
        discord_world: tuple[FakeDiscord, FakeGuild, discord.Client],
        components: list[Any], where: str) -> None:
    fake, guild, client = discord_world
    with pytest.raises(discord.HTTPException) as refused:
        await post_raw(client, guild.text_channel_id, components)
    assert refused.value.status == 400 and refused.value.code == 50035
    assert where in refused.value.text
    assert fake.messages_in(guild.text_channel_id) == []


async def test_discord_takes_buttons_at_the_limits(
        discord_world: tuple[FakeDiscord, FakeGuild, discord.Client]) -> None:
    fake, guild, client = discord_world
    full = [row(*(button(custom_id=f"r{r}b{i}" + "x" * 94, label="W" * 80) for i in range(5)))
            for r in range(5)]
    await post_raw(client, guild.text_channel_id, full)
    [stored] = fake.messages_in(guild.text_channel_id)
    assert len(stored["components"]) == 5


@pytest.mark.parametrize("element,ok", [
    ({"text": {"type": "plain_text", "text": "W" * 75}, "value": "v" * 2000}, True),
    ({"text": {"type": "plain_text", "text": "W" * 76}, "value": "v"}, False),
    ({"text": {"type": "plain_text", "text": "Why?"}, "value": "v" * 2001}, False),
    ({"text": {"type": "mrkdwn", "text": "*Why?*"}, "value": "v"}, False),
], ids=["at-limits", "text-76", "value-2001", "mrkdwn-text"])
async def test_slack_refuses_buttons_the_api_refuses(element: dict[str, Any], ok: bool) -> None:
    async with FakeSlack() as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
        blocks = [{"type": "actions", "block_id": "follow_ups", "elements": [
            {"type": "button", "action_id": "ceasefire_followup_0", **element}]}]
        if ok:
            await client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text="x", blocks=blocks)
        else:
            with pytest.raises(SlackApiError) as refused:
                await client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text="x",
                                              blocks=blocks)
            assert refused.value.response["error"] == "invalid_blocks"
        assert len(fake.posted(DEFAULT_CHANNEL_ID)) == (1 if ok else 0)


async def test_slack_refuses_a_repeated_action_id_in_a_block() -> None:
    async with FakeSlack() as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
        twice = {"type": "button", "action_id": "same", "value": "v",
                 "text": {"type": "plain_text", "text": "Why?"}}
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text="x", blocks=[
                {"type": "actions", "elements": [twice, twice]}])
