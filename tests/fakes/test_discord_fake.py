"""The real discord.py client against the loopback fake: proves the fake is faithful enough."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from bot.delivery.pacing import Pacer
from bot.platforms.base import Target
from bot.platforms.discord import DiscordAdapter

from .discord_fake import (
    UNLIMITED,
    FakeDiscord,
    FakeGuild,
    Perm,
    RateLimitPolicy,
    running_client,
    running_fake,
)

pytestmark = pytest.mark.asyncio


def make_intents(*, message_content: bool = True) -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = message_content
    return intents


SILENT_X = {"content": "x", "allowed_mentions": {"parse": []}}


def make_client(**kwargs: object) -> discord.Client:
    """guild_ready_timeout=0.1: otherwise READY is held back 2 s waiting for more guilds."""
    kwargs.setdefault("intents", make_intents())
    # The fake records a message create without allowed_mentions as a violation.
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    return discord.Client(guild_ready_timeout=0.1, **kwargs)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as server:
        yield server


@pytest.fixture
def guild(fake: FakeDiscord) -> FakeGuild:
    return fake.add_guild("Ceasefire Watch")


@pytest_asyncio.fixture
async def client(fake: FakeDiscord, guild: FakeGuild) -> AsyncIterator[discord.Client]:
    async with running_client(make_client()) as running:
        yield running


def text_channel(client: discord.Client, guild: FakeGuild) -> discord.TextChannel:
    channel = client.get_channel(guild.text_channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_connects_and_receives_ready_and_guild(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    assert client.user is not None and client.user.id == fake.bot_id
    assert client.application_id == fake.application_id
    assert [g.id for g in client.guilds] == [guild.id]
    dguild = client.guilds[0]
    assert isinstance(dguild.get_channel(guild.forum_channel_id), discord.ForumChannel)
    assert dguild.me is not None and dguild.me.guild_permissions.send_messages
    identify = fake.sessions[0].identify
    assert identify["token"] == fake.token and identify["intents"] == client.intents.value
    assert ("GET", "/users/@me", None) in fake.calls
    assert fake.calls_to("GET", "/oauth2/applications/@me")


async def test_send_embed_with_allowed_mentions_none(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    embed = discord.Embed(title="Talks resume", description="Delegations meet in Istanbul.")
    sent = await text_channel(client, guild).send(
        f"{fake.mention_bot} update", embed=embed, allowed_mentions=discord.AllowedMentions.none()
    )
    (call,) = fake.calls_to("POST", f"/channels/{guild.text_channel_id}/messages")
    assert call.json["allowed_mentions"] == {"parse": []}
    assert call.json["embeds"][0]["title"] == "Talks resume"
    stored = fake.messages_in(guild.text_channel_id)
    assert [m["id"] for m in stored] == [str(sent.id)]
    assert stored[0]["mentions"] == []  # allowed_mentions suppressed the ping
    assert sent.embeds[0].description == "Delegations meet in Istanbul."


async def test_thread_from_message_then_send_into_it(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    headline = await text_channel(client, guild).send("Headline")
    thread = await headline.create_thread(name="Discussion")
    assert thread.id == headline.id
    assert thread.parent_id == guild.text_channel_id
    assert thread.type is discord.ChannelType.public_thread
    reply = await thread.send("Details in thread")
    assert [m["id"] for m in fake.messages_in(thread.id)] == [str(reply.id)]
    await fake.wait_for(lambda: client.get_channel(thread.id))  # THREAD_CREATE arrived
    with pytest.raises(discord.HTTPException) as exc:
        await headline.create_thread(name="Again")
    assert exc.value.code == 160004


async def test_forum_post_creates_thread_with_first_message(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    forum = client.get_channel(guild.forum_channel_id)
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(name="Daily digest", content="Top stories")
    assert post.thread.id == post.message.id
    assert post.thread.parent_id == forum.id
    assert fake.messages_in(post.thread.id)[0]["content"] == "Top stories"


async def test_nonce_with_enforce_nonce_is_idempotent(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    channel = text_channel(client, guild)
    first = await channel.send("Breaking", nonce=424242)
    second = await channel.send("Breaking", nonce=424242)
    assert first.id == second.id
    assert len(fake.messages_in(guild.text_channel_id)) == 1
    posts = fake.calls_to("POST", f"/channels/{guild.text_channel_id}/messages")
    assert [c.json["enforce_nonce"] for c in posts] == [True, True]


async def test_injected_429_is_retried_and_delivers_once(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    fake.rate_limit_next(1, retry_after=0.2, route="POST /channels/*/messages")
    started = time.monotonic()
    await text_channel(client, guild).send("after the limit")
    assert time.monotonic() - started >= 0.2
    assert len(fake.messages_in(guild.text_channel_id)) == 1
    statuses = [e.status for e in fake.log if e.method == "POST"]
    assert statuses == [429, 200]
    assert fake.rate_limit_hits[0].injected and not fake.rate_limit_hits[0].is_global


async def test_429_wire_format_matches_discord(fake: FakeDiscord, guild: FakeGuild) -> None:
    fake.rate_limit_next(1, retry_after=0.25)
    url = f"{fake.api_base}/channels/{guild.text_channel_id}/messages"
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=SILENT_X, headers=headers) as resp:
            assert resp.status == 429
            assert resp.headers["Content-Type"] == "application/json"
            assert resp.headers["Via"]
            assert resp.headers["X-RateLimit-Remaining"] == "0"
            assert resp.headers["X-RateLimit-Scope"] == "user"
            assert resp.headers["Retry-After"] == "1"
            for name in ("Limit", "Reset", "Reset-After", "Bucket"):
                assert resp.headers[f"X-RateLimit-{name}"]
            assert await resp.json() == {
                "message": "You are being rate limited.",
                "retry_after": 0.25,
                "global": False,
            }
        async with session.post(url, json=SILENT_X, headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert int(resp.headers["X-RateLimit-Remaining"]) > 0
        async with session.get(f"{fake.api_base}/nope", headers=headers) as resp:
            assert resp.status == 404
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
    assert [e.path for e in fake.unhandled] == ["/nope"]


async def test_enforced_bucket_is_respected_by_discord_py() -> None:
    policy = RateLimitPolicy(enforce=True, message_limit=5, message_per=0.3)
    async with running_fake(rate_limits=policy) as fake:
        guild = fake.add_guild()
        async with running_client(make_client()) as client:
            channel = text_channel(client, guild)
            started = time.monotonic()
            for index in range(7):
                await channel.send(f"item {index}")
            elapsed = time.monotonic() - started
    assert len(fake.messages_in(guild.text_channel_id)) == 7
    assert elapsed >= 0.2  # discord.py slept on X-RateLimit-Remaining: 0
    assert fake.rate_limited_count == 0  # ... so it never actually hit a 429


async def test_slash_command_sync_defer_and_followup(fake: FakeDiscord, guild: FakeGuild) -> None:
    bot = commands.Bot(command_prefix="!", intents=make_intents(), guild_ready_timeout=0.1)
    seen_locale: list[str] = []

    @bot.tree.command(
        name="ceasefire", description="Latest ceasefire news", guild=discord.Object(guild.id)
    )
    @app_commands.describe(topic="What to look for")
    async def ceasefire(interaction: discord.Interaction, topic: str) -> None:
        seen_locale.append(str(interaction.locale))
        await interaction.response.defer()
        await interaction.followup.send(f"Latest on {topic}",
                                        allowed_mentions=discord.AllowedMentions.none())

    async def setup_hook() -> None:
        await bot.tree.sync(guild=discord.Object(guild.id))

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    async with running_client(bot):
        assert fake.calls_to("PUT", f"/applications/{fake.application_id}/guilds/*/commands")
        assert [c["name"] for c in fake.commands_for(guild.id)] == ["ceasefire"]
        inter = await fake.dispatch_interaction("ceasefire", {"topic": "talks"}, locale="ja")
        await fake.wait_for(lambda: inter.followups)
    assert [cb["type"] for cb in inter.callbacks] == [5]
    assert inter.followups[0]["content"] == "Latest on talks"
    assert inter.original_message is not None
    assert inter.original_message["id"] == inter.followups[0]["id"]  # replaced "thinking..."
    assert fake.calls_to("POST", f"/webhooks/{fake.application_id}/{inter.token}")
    assert seen_locale == ["ja"]


async def test_button_click_updates_message(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    class Subscribe(discord.ui.View):
        @discord.ui.button(label="Subscribe", custom_id="subscribe")
        async def subscribe(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
            await interaction.response.edit_message(content="Subscribed", view=None)

    sent = await text_channel(client, guild).send("Follow the talks?", view=Subscribe())
    inter = await fake.dispatch_component(sent.id, "subscribe")
    await fake.wait_for(lambda: inter.acknowledged)
    assert inter.response_type == 7
    assert fake.message(sent.id)["content"] == "Subscribed"  # type: ignore[index]


async def test_dm_message_reaches_on_message(fake: FakeDiscord, guild: FakeGuild) -> None:
    client = make_client()
    received: list[discord.Message] = []
    client.event(_collector(received))
    async with running_client(client):
        await fake.dispatch_dm("subscribe me")
        await fake.wait_for(lambda: received)
    assert received[0].content == "subscribe me"
    assert received[0].guild is None
    assert isinstance(received[0].channel, discord.DMChannel)


async def test_message_content_intent_blanks_unmentioned_guild_messages(
    fake: FakeDiscord, guild: FakeGuild
) -> None:
    client = make_client(intents=make_intents(message_content=False))
    received: list[discord.Message] = []
    client.event(_collector(received))
    async with running_client(client):
        await fake.dispatch_message_create(guild.text_channel_id, "plain chatter")
        await fake.dispatch_message_create(guild.text_channel_id, f"{fake.mention_bot} news?")
        await fake.wait_for(lambda: len(received) == 2)
    assert [m.content for m in received] == ["", f"{fake.mention_bot} news?"]


async def test_missing_permissions_surface_as_forbidden(
    fake: FakeDiscord, guild: FakeGuild, client: discord.Client
) -> None:
    fake.deny(guild.text_channel_id, "send")
    channel = text_channel(client, guild)
    with pytest.raises(discord.Forbidden) as exc:
        await channel.send("blocked")
    assert exc.value.code == 50013 and exc.value.status == 403
    await fake.wait_for(lambda: not channel.permissions_for(channel.guild.me).send_messages)
    fake.delete_channel(guild.text_channel_id)
    with pytest.raises(discord.NotFound) as gone:
        await channel.send("gone")
    assert gone.value.code == 10003


async def test_sharding_routes_guilds_to_their_shard(fake: FakeDiscord) -> None:
    first = fake.add_guild("Shard zero", guild_id=fake.guild_id_for_shard(0, 2))
    second = fake.add_guild("Shard one", guild_id=fake.guild_id_for_shard(1, 2))
    shard0, shard1 = make_client(shard_id=0, shard_count=2), make_client(shard_id=1, shard_count=2)
    async with running_client(shard0), running_client(shard1):
        assert [g.id for g in shard0.guilds] == [first.id]
        assert [g.id for g in shard1.guilds] == [second.id]
    assert sorted(s.identify["shard"][0] for s in fake.sessions) == [0, 1]


def _collector(sink: list[discord.Message]) -> Callable[[discord.Message], Awaitable[None]]:
    """An ``on_message`` handler (discord.py registers events by function name)."""

    async def on_message(message: discord.Message) -> None:
        sink.append(message)

    return on_message


async def test_a_message_without_allowed_mentions_is_a_violation() -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        guild = fake.add_guild("Ceasefire Watch")
        url = f"{fake.api_base}/channels/{guild.text_channel_id}/messages"
        headers = {"Authorization": f"Bot {fake.token}"}
        async with aiohttp.ClientSession() as session:
            for body in ({"content": "x"}, SILENT_X):
                async with session.post(url, json=body, headers=headers) as resp:
                    assert resp.status == 200
    finally:
        await fake.close()
    assert fake.violations == [
        f"POST /channels/{guild.text_channel_id}/messages without allowed_mentions"]


async def test_the_bots_discord_pacing_stays_inside_the_limits_discord_enforces() -> None:
    """A client that never sleeps on rate-limit headers, paced only by the windows the
    Discord adapter declares, never gets a 429 from Discord's default limits: twelve
    messages to one channel, a thread, then one message to each of sixty channels."""
    now = [0.0]
    async with running_fake(clock=lambda: now[0]) as fake:
        guild = fake.add_guild()
        channels = [int(fake.add_channel(guild.id, f"c{i}")["id"]) for i in range(60)]
        pacer = Pacer(DiscordAdapter.limits, monotonic=lambda: now[0])
        plan = [Target(str(guild.text_channel_id))] * 12
        thread = fake.add_channel(guild.id, "thread-like")["id"]  # a thread is a channel
        plan += [Target(str(guild.text_channel_id), thread_id=str(thread))] * 6
        plan += [Target(str(c)) for c in channels]
        headers = {"Authorization": f"Bot {fake.token}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            for target in plan:
                now[0] += pacer.get_delay(target)
                async with pacer.slot(target):
                    channel = target.thread_id or target.channel_id
                    url = f"{fake.api_base}/channels/{channel}/messages"
                    body = {"content": "x", "allowed_mentions": {"parse": []}}
                    async with http.post(url, json=body) as resp:
                        assert resp.status == 200, await resp.text()
                    now[0] += 0.01  # the round trip
    assert fake.rate_limit_hits == []
    assert len(fake.messages_in(guild.text_channel_id)) == 12
    assert len(fake.messages_in(int(thread))) == 6


@pytest.mark.parametrize("policy", [None, UNLIMITED])
async def test_default_fake_answers_the_sixth_message_in_five_seconds_with_a_429(
        policy: RateLimitPolicy | None) -> None:
    now = [50.0]
    async with running_fake(clock=lambda: now[0], rate_limits=policy) as fake:
        guild = fake.add_guild()
        url = f"{fake.api_base}/channels/{guild.text_channel_id}/messages"
        body = {"content": "x", "allowed_mentions": {"parse": []}}
        statuses = []
        async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
            for _ in range(6):
                now[0] += 0.5
                async with http.post(url, json=body) as resp:
                    statuses.append(resp.status)
                    answer, headers = await resp.json(), resp.headers
    if policy is UNLIMITED:
        assert statuses == [200] * 6 and fake.rate_limit_hits == []
        return
    assert statuses == [200] * 5 + [429]
    assert answer == {"message": "You are being rate limited.", "retry_after": 2.5,
                      "global": False}
    assert headers["Retry-After"] == "3" and headers["X-RateLimit-Scope"] == "user"
    assert headers["X-RateLimit-Limit"] == "5" and headers["X-RateLimit-Remaining"] == "0"


# --------------------------------------------------------------------------- issue 16: the new wire

V2 = 1 << 15


async def _post_raw(fake: FakeDiscord, channel_id: int, body: dict[str, object]) -> tuple[
        int, dict[str, object]]:
    url = f"{fake.api_base}/channels/{channel_id}/messages"
    async with aiohttp.ClientSession() as session, session.post(
            url, json=body | {"allowed_mentions": {"parse": []}},
            headers={"Authorization": f"Bot {fake.token}"}) as resp:
        return resp.status, await resp.json()


def _text(content: str) -> dict[str, object]:
    return {"type": 10, "content": content}


def _link_section(n: int) -> dict[str, object]:
    return {"type": 9, "components": [_text(f"source {n}")],
            "accessory": {"type": 2, "style": 5, "label": "Read more",
                          "url": f"https://example.org/{n}"}}


async def test_v2_payloads_discord_refuses_get_its_form_errors() -> None:
    async with running_fake(rate_limits=UNLIMITED) as fake:
        await _check_v2_rules(fake, fake.add_guild().text_channel_id)


async def _check_v2_rules(fake: FakeDiscord, channel: int) -> None:
    ok = {"flags": V2, "components": [{"type": 17, "accent_color": 0x2B6CB0,
                                       "components": [_text("hello"), _link_section(1)]}]}
    status, msg = await _post_raw(fake, channel, ok)
    assert status == 200 and int(msg["flags"]) & V2  # type: ignore[call-overload]

    status, body = await _post_raw(fake, channel, ok | {"content": "also text"})
    assert status == 400 and body["code"] == 50035 and body["message"] == "Invalid Form Body"
    assert body["errors"] == {"content": {"_errors": [{
        "code": "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
        "message": "The 'content' field cannot be used when using "
                   "MessageFlags.IS_COMPONENTS_V2"}]}}
    status, body = await _post_raw(fake, channel, ok | {"embeds": [{"title": "x"}]})
    assert status == 400 and "embeds" in body["errors"]  # type: ignore[operator]

    # 1 container + 1 text + 13 sections of 3 = 41 components: one past the cap
    too_many = {"flags": V2, "components": [{"type": 17, "components": [
        _text("head"), *[_link_section(n) for n in range(13)]]}]}
    status, body = await _post_raw(fake, channel, too_many)
    assert status == 400
    assert body["errors"]["components"]["_errors"][0]["code"] == (  # type: ignore[index]
        "MAX_COMPONENTS_EXCEEDED")
    at_cap = {"flags": V2, "components": [{"type": 17, "components": [
        _text("head"), _text("tail"), *[_link_section(n) for n in range(12)]]}]}
    assert (await _post_raw(fake, channel, at_cap))[0] == 200  # exactly 40

    long_text = {"flags": V2, "components": [_text("x" * 2500), _text("y" * 1501)]}
    status, body = await _post_raw(fake, channel, long_text)
    assert status == 400 and body["errors"]["components"]["_errors"][0]["code"] == (  # type: ignore[index]
        "MAX_TEXT_LENGTH_EXCEEDED")

    no_accessory = {"flags": V2, "components": [{"type": 9, "components": [_text("a")]}]}
    status, body = await _post_raw(fake, channel, no_accessory)
    assert status == 400 and "accessory" in body["errors"]["components"]["0"]  # type: ignore[index]

    bad_url = {"flags": V2, "components": [{"type": 9, "components": [_text("a")], "accessory": {
        "type": 2, "style": 5, "label": "Read more", "url": "javascript:alert(1)"}}]}
    assert (await _post_raw(fake, channel, bad_url))[0] == 400

    status, body = await _post_raw(fake, channel, {"components": [_text("no flag")]})
    assert status == 400 and body["errors"]["components"]["0"]["type"]["_errors"][0][  # type: ignore[index]
        "code"] == "COMPONENT_LAYOUT_REQUIRES_FLAG"
    # nothing refused was stored
    assert len(fake.messages_in(channel)) == 2


async def test_a_layout_view_goes_out_as_v2_and_its_edits_keep_the_rules(
        fake: FakeDiscord, guild: FakeGuild, client: discord.Client) -> None:
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(
        discord.ui.TextDisplay("Talks resume"), discord.ui.Separator(),
        discord.ui.Section("Harbor Wire", accessory=discord.ui.Button(
            style=discord.ButtonStyle.link, url="https://example.org/a", label="Read more")),
        accent_colour=0x2B6CB0))
    sent = await text_channel(client, guild).send(view=view)
    stored = fake.message(sent.id)
    assert stored is not None and stored["flags"] & V2 and not fake.calls[-1].json.get("content")
    assert [c["type"] for c in stored["components"][0]["components"]] == [10, 14, 9]
    with pytest.raises(discord.HTTPException) as refused:
        await sent.edit(content="now with text")
    assert refused.value.status == 400 and refused.value.code == 50035


async def test_forum_tags_are_created_by_channel_patch_and_applied_to_posts(
        fake: FakeDiscord, guild: FakeGuild, client: discord.Client) -> None:
    forum = client.get_channel(guild.forum_channel_id)
    assert isinstance(forum, discord.ForumChannel)
    with pytest.raises(discord.Forbidden):  # the bot's role has no Manage Channels
        await forum.create_tag(name="Talks")
    fake.grant(forum.id, Perm.MANAGE_CHANNELS)
    tag = await forum.create_tag(name="Ceasefire")
    assert tag.id and [t["name"] for t in fake.channels[forum.id]["available_tags"]] == [
        "Ceasefire"]
    post = await forum.create_thread(name="Truce holds", content="x", applied_tags=[tag],
                                     allowed_mentions=discord.AllowedMentions.none())
    assert fake.channels[post.thread.id]["applied_tags"] == [str(tag.id)]
    bogus = discord.ForumTag(name="Nope")
    bogus.id = 12345
    with pytest.raises(discord.HTTPException) as unknown:
        await forum.create_thread(name="x", content="x", applied_tags=[bogus],
                                  allowed_mentions=discord.AllowedMentions.none())
    assert unknown.value.status == 400
    fake.channels[forum.id]["flags"] = 1 << 4  # REQUIRE_TAG
    with pytest.raises(discord.HTTPException) as required:
        await forum.create_thread(name="x", content="x",
                                  allowed_mentions=discord.AllowedMentions.none())
    assert required.value.code == 40067
    with pytest.raises(discord.HTTPException) as long_name:
        await forum.create_tag(name="x" * 21)
    assert long_name.value.status == 400


async def test_crosspost_needs_an_announcement_channel_and_manage_messages(
        fake: FakeDiscord, guild: FakeGuild) -> None:
    news = fake.add_channel(guild.id, "announcements", channel_type=5, notify=False)
    async with running_client(make_client()) as client:
        channel = client.get_channel(int(news["id"]))
        assert isinstance(channel, discord.TextChannel) and channel.is_news()
        sent = await channel.send("Ceasefire agreed")
        with pytest.raises(discord.Forbidden) as no_permission:
            await sent.publish()  # the bot's role has no Manage Messages by default
        assert no_permission.value.code == 50013
        fake.grant(channel.id, Perm.MANAGE_MESSAGES)
        await sent.publish()
        assert fake.message(sent.id)["flags"] & 1  # type: ignore[index]
        assert fake.calls_to("POST", f"/channels/{channel.id}/messages/{sent.id}/crosspost")
        with pytest.raises(discord.HTTPException) as twice:
            await sent.publish()
        assert twice.value.code == 40033
        plain = await text_channel(client, guild).send("not news")
        with pytest.raises(discord.HTTPException) as wrong_type:
            await plain.publish()
        assert wrong_type.value.code == 50024


async def test_a_user_install_in_a_server_without_the_bot(fake: FakeDiscord) -> None:
    elsewhere = fake.add_guild("No bot here", with_bot=False)
    bob = fake.add_user("bob")
    client = make_client()
    tree = app_commands.CommandTree(client)
    seen: list[tuple[bool, bool, int | bool | None]] = []

    @tree.command(name="ask", description="Ask")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def ask(interaction: discord.Interaction) -> None:
        seen.append((interaction.is_user_integration(), interaction.is_guild_integration(),
                     interaction.context.guild))
        await interaction.response.defer(thinking=True)
        for n in range(6):
            try:
                await interaction.followup.send(f"part {n}",
                                                allowed_mentions=discord.AllowedMentions.none())
            except discord.HTTPException as exc:
                seen.append((False, False, exc.code))

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    async with running_client(client):
        assert [g.id for g in client.guilds] == []  # the bot is not in that server
        [synced] = fake.commands_for(None)
        assert synced["integration_types"] == [0, 1] and synced["contexts"] == [0, 1, 2]
        inter = await fake.dispatch_interaction("ask", channel_id=elsewhere.text_channel_id,
                                                user=bob, permissions=Perm.SEND_MESSAGES)
        await fake.wait_for(lambda: len(seen) == 2)
        with pytest.raises(discord.Forbidden) as no_member:  # no bot member: no channel sends
            await client.get_partial_messageable(elsewhere.text_channel_id).send("x")
    payload = inter.payload
    assert payload["authorizing_integration_owners"] == {"1": bob["id"]}
    assert payload["context"] == 0 and "guild_id" in payload
    assert seen[0] == (True, False, True)  # user install, not the server's, in a server
    assert seen[1] == (False, False, 40094)  # the sixth follow-up
    assert len(inter.followups) == 5
    # bob may not use external apps in that server: Discord shows him alone the answers
    assert all(m["flags"] & 64 for m in inter.followups)
    assert no_member.value.code == 50001


async def test_a_group_dm_is_reached_only_through_a_user_installs_interactions(
        fake: FakeDiscord, guild: FakeGuild, client: discord.Client) -> None:
    group = fake.add_group_dm(fake.add_user("dave"), fake.add_user("erin"))
    with pytest.raises(discord.Forbidden) as refused:
        await client.get_partial_messageable(int(group["id"])).send("hello")
    assert refused.value.code == 50001
    # the command must allow user installs to be offered there (none is synced here)
    inter = await fake.dispatch_interaction("ask", channel_id=int(group["id"]), strict=False)
    assert inter.payload["context"] == 2 and "1" in inter.payload["authorizing_integration_owners"]
