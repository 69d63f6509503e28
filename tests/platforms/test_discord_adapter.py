"""The adapter alone against the fake: exactly-once sends, threads, forums, errors, shards,
the configurable REST base, and the invite URL."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import discord
import discord.gateway
import pytest
import yarl

from bot.errors import PlatformError
from bot.model import Notice, QAReply, Sentence, UpdatePost
from bot.platforms.base import MessageRef, Target
from bot.platforms.discord import DiscordAdapter
from bot.platforms.discord.errors import translate_error
from bot.platforms.discord.invite import invite_url
from bot.platforms.discord.settings import DiscordSettings
from tests.fakes.discord_fake import FakeDiscord, running_fake

ZONE = ZoneInfo("Asia/Tokyo")
REPO = Path(__file__).resolve().parents[2]
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Harbor Wire",),
                  datetime(2025, 8, 18, tzinfo=UTC), "en")
QA_PART = QAReply("What happens next?", (Sentence("More talks.", (1,)),), "en")


def settings(fake: FakeDiscord, **kw: Any) -> DiscordSettings:
    return DiscordSettings(token=fake.token, api_base=fake.api_base, **kw)


@contextlib.asynccontextmanager
async def adapter_for(fake: FakeDiscord, **kw: Any) -> AsyncIterator[DiscordAdapter]:
    options = {k: kw.pop(k) for k in ("shard_ids", "shard_count") if k in kw}
    adapter = DiscordAdapter(settings(fake, **kw), zone=ZONE, guild_ready_timeout=0.1,
                             ready_timeout=10, **options)
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


async def test_send_is_idempotent_by_key_and_find_sent_recovers_it() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        async with adapter_for(fake) as adapter:
            target = Target(str(guild.text_channel_id))
            first = await adapter.send(target, POST, key="sub:1:story:1:p0")
            again = await adapter.send(target, POST, key="sub:1:story:1:p0")
            assert again.message_id == first.message_id
            assert len(fake.messages_in(guild.text_channel_id)) == 1
            found = await adapter.find_sent(target, "sub:1:story:1:p0")
            assert found is not None and found.message_id == first.message_id
            assert await adapter.find_sent(target, "sub:1:story:2:p0") is None


async def test_message_link_is_a_jump_link_or_else_the_thread_mention() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        channel = str(guild.text_channel_id)
        async with adapter_for(fake) as adapter:
            post = await adapter.send(Target(channel), POST, key="k-link")
            jump = f"https://discord.com/channels/{guild.id}/{channel}/{post.message_id}"
            # The subscription's guild, else the guild of the (cached) channel.
            assert await adapter.message_link(Target(channel, space_id=str(guild.id)),
                                              post.message_id, None) == jump
            assert await adapter.message_link(Target(channel), post.message_id, None) == jump
            # Neither known (a channel this client does not see): the thread's mention.
            assert await adapter.message_link(Target("99"), "5", "5") == "<#5>"
            assert await adapter.message_link(Target("99"), "5", None) is None


async def test_thread_opens_on_the_post_with_the_configured_auto_archive() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        async with adapter_for(fake, thread_auto_archive_minutes=60) as adapter:
            target = Target(str(guild.text_channel_id))
            post = await adapter.send(target, POST, key="k0")
            opened = await adapter.open_thread(target, post, "Talks resume")
            assert opened.thread_id == post.message_id
            thread = fake.channels[int(opened.thread_id)]
            assert thread["thread_metadata"]["auto_archive_duration"] == 60
            # After a crash the thread already exists: the same thread is returned.
            again = await adapter.open_thread(target, MessageRef(post.message_id), "x")
            assert again.thread_id == opened.thread_id
            await adapter.send(Target(target.channel_id, thread_id=opened.thread_id), QA_PART,
                               key="k1")
            assert fake.messages_in(int(opened.thread_id))[0]["embeds"][0]["title"] \
                .startswith("❓")


async def test_forum_channel_gets_one_post_per_story_with_the_commentary_inside() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        async with adapter_for(fake) as adapter:
            target = Target(str(guild.forum_channel_id))
            ref = await adapter.send(target, POST, key="f0")
            assert ref.thread_id == ref.message_id
            thread = fake.channels[int(ref.thread_id)]
            assert thread["parent_id"] == str(guild.forum_channel_id)
            assert thread["name"] == "Talks resume"
            assert await adapter.open_thread(target, ref, "Talks resume") == ref
            await adapter.send(Target(target.channel_id, thread_id=ref.thread_id), QA_PART)
            assert len(fake.messages_in(int(ref.thread_id))) == 2


async def test_missing_permissions_are_permanent_and_named() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        fake.deny(guild.text_channel_id, "embed", "create_thread")
        async with adapter_for(fake) as adapter:
            await fake.flush()
            await asyncio.sleep(0.05)
            with pytest.raises(PlatformError) as caught:
                await adapter.send(Target(str(guild.text_channel_id)), POST, key="p")
            assert caught.value.permanent
            assert "Embed Links" in str(caught.value)
            assert "Create Public Threads" in str(caught.value)
            assert not fake.calls_to("POST", "/channels/*/messages")
            # A notice needs neither: it is plain text.
            await adapter.send(Target(str(guild.text_channel_id)), Notice("paused"), key="n")
            assert fake.messages_in(guild.text_channel_id)[0]["content"] == "paused"


async def test_notice_for_a_channel_the_bot_cannot_post_in_goes_to_the_owner() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        fake.deny(guild.text_channel_id, "send")
        async with adapter_for(fake) as adapter:
            await fake.flush()
            await asyncio.sleep(0.05)
            await adapter.send(Target(str(guild.text_channel_id)), Notice("paused"), key="n")
            dm = fake.open_dm(guild.owner_id)
            [msg] = fake.messages_in(int(dm["id"]))
            assert "paused" in msg["content"] and "#general" in msg["content"]


async def test_429_beyond_discord_py_retries_is_transient_with_retry_after() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        async with adapter_for(fake) as adapter:
            fake.rate_limit_next(10, route="POST /channels/*/messages", retry_after=0.01)
            with pytest.raises(PlatformError) as caught:
                await adapter.send(Target(str(guild.text_channel_id)), POST, key="r")
            assert not caught.value.permanent and caught.value.retry_after is not None
            assert fake.messages_in(guild.text_channel_id) == []


def test_server_errors_and_disconnects_are_transient() -> None:
    response = SimpleNamespace(status=503, reason="Service Unavailable", headers={})
    server = translate_error(discord.DiscordServerError(response, "down"),  # type: ignore[arg-type]
                             where="#general")
    assert not server.permanent
    gone = translate_error(discord.NotFound(SimpleNamespace(status=404, reason="x"),  # type: ignore[arg-type]
                                            {"code": 10003, "message": "Unknown Channel"}),
                           where="#general")
    assert gone.permanent and "no longer exists" in str(gone)
    assert not translate_error(TimeoutError(), where="#general").permanent


async def test_sharded_process_holds_only_its_shards() -> None:
    async with running_fake(recommended_shards=2) as fake:
        mine = fake.add_guild("mine", guild_id=fake.guild_id_for_shard(0, 2))
        theirs = fake.add_guild("theirs", guild_id=fake.guild_id_for_shard(1, 2))
        async with adapter_for(fake, shard_ids=(0,), shard_count=2) as adapter:
            assert isinstance(adapter.client, discord.AutoShardedClient)
            assert [s.identify["shard"] for s in fake.sessions] == [[0, 2]]
            assert adapter.served_guild_ids() == [mine.id]
            assert adapter.serves(str(mine.text_channel_id)) is True
            await adapter.send(Target(str(mine.text_channel_id)), POST, key="a")
            with pytest.raises(PlatformError) as caught:
                await adapter.send(Target(str(theirs.text_channel_id)), POST, key="b")
            assert caught.value.code == "other_shard" and not caught.value.permanent
            assert fake.messages_in(theirs.text_channel_id) == []


async def test_rest_base_comes_from_settings() -> None:
    """Only the gateway is patched here: REST reaches the fake through api_base alone."""
    fake = FakeDiscord()
    await fake.start()
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        fake.add_guild()
        before = discord.http.Route.BASE
        async with adapter_for(fake, mention_answers=False) as adapter:
            # Per client: discord.py's class attribute keeps Discord's base.
            assert discord.http.Route.BASE == before != fake.api_base
            assert adapter.client is not None and adapter.client.is_ready()
            assert fake.calls_to("GET", "/oauth2/applications/@me")
            intents = fake.sessions[0].identify["intents"]
            assert not intents & (1 << 15) and not intents & (1 << 9)
        assert discord.http.Route.BASE == before
    finally:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
        await fake.close()


def test_invite_url_asks_for_exactly_the_needed_permissions() -> None:
    url = yarl.URL(invite_url(1234))
    assert url.query["client_id"] == "1234"
    assert set(url.query["scope"].split()) == {"bot", "applications.commands"}
    view, send, embed, history = 1 << 10, 1 << 11, 1 << 14, 1 << 16
    create_public_threads, send_in_threads = 1 << 35, 1 << 38
    assert int(url.query["permissions"]) == (view | send | embed | history
                                             | create_public_threads | send_in_threads)


async def test_cli_invite_url_asks_discord_for_the_application_id(tmp_path: Path) -> None:
    async with running_fake() as fake:
        env = {"DISCORD_TOKEN": fake.token, "DISCORD_API_BASE": fake.api_base,
               "CEASEFIRE_BOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "discord", "invite-url", env=env,
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        assert out.decode().strip() == invite_url(fake.application_id)
        assert fake.calls_to("GET", "/oauth2/applications/@me")


def test_run_picks_discord_when_the_token_is_set_with_the_shard_options() -> None:
    from bot.cli import build_parser
    from bot.platforms.registry import load_settings
    from bot.platforms.select import RunOptions, build_platforms

    args = build_parser().parse_args(["run", "--shard-count", "4", "--shard-ids", "2,3"])
    assert (args.shard_count, args.shard_ids) == (4, (2, 3))
    with_token = load_settings(env={"DISCORD_TOKEN": "t"})
    [adapter] = build_platforms(with_token, RunOptions(shard_ids=(2, 3), shard_count=4))
    assert isinstance(adapter, DiscordAdapter)
    assert (adapter.shard_ids, adapter.shard_count) == ((2, 3), 4)
    [console] = build_platforms(load_settings(env={}), RunOptions())
    assert console.name == "console"


async def test_the_real_cli_runs_its_shard_against_the_fake(tmp_path: Path) -> None:
    """`ceasefire-bot run` in a subprocess, pointed at the fake by DISCORD_API_BASE and
    DISCORD_GATEWAY_URL: it identifies as shard 1 of 2 (one shard here: discord.py waits
    5 s between identifies), syncs the commands globally, answers /help in a guild of its
    shard, and stops cleanly on SIGTERM."""
    async with running_fake() as fake:
        guild = fake.add_guild(guild_id=fake.guild_id_for_shard(1, 2))
        env = {"DISCORD_TOKEN": fake.token, "DISCORD_API_BASE": fake.api_base,
               "DISCORD_GATEWAY_URL": fake.gateway_url, "PATH": "/usr/bin:/bin",
               "CEASEFIRE_BOT_DATA_DIR": str(tmp_path),
               "CEASEFIRE_BOT__DISCORD__MENTION_ANSWERS": "false"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--shard-count", "2", "--shard-ids", "1",
            env=env, cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await fake.wait_for(lambda: fake.commands_for(None), timeout=30)
            assert [s.identify["shard"] for s in fake.sessions] == [[1, 2]]
            inter = await fake.dispatch_interaction("help", channel_id=guild.text_channel_id)
            await fake.wait_for(lambda: inter.followups, timeout=10)
            assert "ceasefire-bot" in inter.followups[0]["content"]
        finally:
            proc.terminate()
            _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()[-2000:]


async def test_a_slash_command_that_fails_is_answered_with_an_apology_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    """The core reply path guards Discord's command path too: a crash is logged with the
    request id and the asker gets an apology instead of an endless "thinking…"."""
    from bot.model import Reply, Request, Result

    seen: list[Request] = []

    async def crashes(req: Request) -> Result:
        seen.append(req)
        if req.command == "since":
            raise RuntimeError("secret internal detail")
        return Reply(f"{req.command} {dict(req.args)}")

    async with running_fake() as fake:
        guild = fake.add_guild()
        async with adapter_for(fake) as adapter:
            adapter.on_request = crashes
            with caplog.at_level("ERROR"):
                failed = await fake.dispatch_interaction(
                    "since", {"when": "yesterday"}, channel_id=guild.text_channel_id)
                await fake.wait_for(lambda: failed.followups, timeout=10)
            typed = await fake.dispatch_interaction(
                "subscribe", {"mode": "daily", "time": "07:30"},
                channel_id=guild.text_channel_id, permissions=1 << 4)
            await fake.wait_for(lambda: typed.followups, timeout=10)
    apology = failed.followups[0]["content"]
    assert "Sorry" in apology and seen[0].request_id in apology and "secret" not in apology
    assert seen[0].request_id in caplog.text and "secret internal detail" in caplog.text
    # Typed options arrive as typed arguments, not as text to parse again.
    assert seen[1].args == (("mode", "daily"), ("time", "07:30"))
