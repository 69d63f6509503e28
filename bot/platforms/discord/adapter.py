"""The Discord adapter: discord.py client, slash commands, mentions, DMs and thread replies in,
embeds and threads out.

Receiving: each interaction or message is translated (``translate``) and answered through
the core reply path (``answer``); what comes back is rendered (``render``) and sent where
it was asked.
Sending (outbox): ``send`` posts with a nonce derived from the delivery key and
``enforce_nonce`` (Discord drops a repeat within minutes), ``find_sent`` scans recent history
for that nonce after a crash. Missing permissions are found before posting and reported as
one permanent ``PlatformError`` naming them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import discord
import discord.gateway
import discord.http

from bot.commands import Permission
from bot.errors import ConfigError, PlatformError
from bot.model import Briefing, Notice, Part, Reply, Result, UpdatePost
from bot.platforms.base import MessageRef, PlatformAdapter, Target
from bot.platforms.commands import commands_or_default
from bot.platforms.discord.announce import Publisher, is_announcement
from bot.platforms.discord.commands import build_tree, sync_tree
from bot.platforms.discord.endpoints import client_context, point_at
from bot.platforms.discord.errors import (
    NEEDED,
    fatal_error,
    missing_error,
    missing_permissions,
    platform_errors,
)
from bot.platforms.discord.escape import thread_name
from bot.platforms.discord.facts import DISCORD_LIMITS, DiscordShards
from bot.platforms.discord.followups import on_follow_up
from bot.platforms.discord.forum import ForumTagger
from bot.platforms.discord.installs import Install, install_of, within_follow_up_limit
from bot.platforms.discord.layout import as_v2
from bot.platforms.discord.render import Message, parse_feedback_id, render
from bot.platforms.discord.settings import DiscordSettings
from bot.platforms.discord.shapes import (
    channel_payload,
    feedback_view,
    interaction_payload,
    layout_view,
    message_payload,
)
from bot.platforms.discord.translate import (
    bad_ids,
    component_request,
    interaction_request,
    message_request,
)
from bot.platforms.text import zone_for
from bot.respond import Conversation

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
#: Discord's error code for an operation on an archived thread (editing a message in it).
THREAD_ARCHIVED = 50083
HISTORY_SCAN = 50
#: Who may change a server's feeds, said where the server never added the bot.
WITHOUT_BOT_HINT = ("members of a server that added the bot (with the Manage Channels "
                    "permission there)")
#: A message's jump link (``@me`` for a DM); Discord shows the message with its thread.
JUMP_URL = "https://discord.com/channels/{space}/{channel}/{message}"


def nonce_for(key: str, index: int = 0) -> str:
    """A Discord nonce (at most 25 characters) for the ``index``-th message of ``key``."""
    return hashlib.sha256(f"{key}#{index}".encode()).hexdigest()[:25]


def attached_file(result: Result | Part) -> dict[str, Any]:
    """``file=`` for a reply with an attachment (sent as multipart with the first message);
    empty when there is none or its file is gone (the text still goes out)."""
    attachment = result.attachment if isinstance(result, Reply) else None
    if attachment is None:
        return {}
    try:
        return {"file": discord.File(attachment.path, filename=attachment.filename,
                                     description=attachment.description or None)}
    except OSError:
        log.warning("discord: attachment %s is missing; sending the text alone",
                    attachment.filename)
        return {}


def build_intents(settings: DiscordSettings) -> discord.Intents:
    """Only what the bot uses: guilds (channels, threads), DMs, and, for answering
    mentions and thread replies, guild messages with their content (privileged)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True
    if settings.mention_answers:
        intents.guild_messages = True
        intents.message_content = True
    return intents


class DiscordAdapter(PlatformAdapter):
    name = "discord"
    limits = DISCORD_LIMITS

    def __init__(self, settings: DiscordSettings, *, zone: ZoneInfo,
                 shard_ids: Sequence[int] | None = None, shard_count: int | None = None,
                 guild_ready_timeout: float = 2.0, ready_timeout: float = 60.0,
                 restart_delay: float = 1.0, restart_max_delay: float = 60.0) -> None:
        super().__init__()
        self.settings = settings
        self.zone = zone
        self.shard_count = shard_count or settings.shard_count
        ids = shard_ids if shard_ids is not None else settings.shard_ids
        self.shard_ids: tuple[int, ...] | None = tuple(ids) if ids is not None else None
        if self.shard_ids is not None and self.shard_count > 1:
            # The sender claims only outbox rows of guilds on these shards.
            self.shards = DiscordShards(self.shard_ids, self.shard_count)
        self.guild_ready_timeout = guild_ready_timeout
        self.ready_timeout = ready_timeout
        #: Backoff between restarts of a client that stopped: doubles up to the maximum.
        self.restart_delay = restart_delay
        self.restart_max_delay = restart_max_delay
        self._restarts = 0
        self._stopping = False
        self._supervisor: asyncio.Task[None] | None = None
        self.client: discord.Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._tree: discord.app_commands.CommandTree | None = None
        self._closed = asyncio.Event()
        self._tagger = ForumTagger()
        self._publisher = Publisher()

    # ------------------------------------------------------------------ lifecycle

    def _build_client(self) -> discord.Client:
        # The bot never joins voice: discord.py's start-up warnings that voice libraries
        # are missing only alarm the operator (they are its own once-only switches).
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = build_intents(self.settings)
        common: dict[str, Any] = {"intents": intents, "allowed_mentions": NONE,
                                  "guild_ready_timeout": self.guild_ready_timeout}
        if self.shard_count > 1:
            if self.shard_ids:
                common["shard_ids"] = list(self.shard_ids)
            return discord.AutoShardedClient(shard_count=self.shard_count, **common)
        return discord.Client(**common)

    async def start(self) -> None:
        """Log in, connect, sync the slash commands; returns once the gateway is ready."""
        if self.settings.token is None:
            raise ConfigError("invalid setting discord.token: set DISCORD_TOKEN")
        self._stopping = False
        try:
            await self._connect(self.settings.token.get_secret_value())
        except BaseException:
            await self.stop()
            raise

    async def _connect(self, token: str) -> None:
        client = self.client = self._build_client()
        client.event(self.on_message)
        client.event(self.on_interaction)
        self.commands = commands_or_default(self.commands)
        self._tree = await build_tree(client, self._on_command, self.commands)
        # Its own endpoints, for this client only (no discord.py class is patched).
        point_at(client, api_base=self.settings.api_base, gateway_url=self.settings.gateway_url)
        self._task = asyncio.create_task(client.start(token), name="discord-client",
                                         context=client_context(self.settings.api_base))
        ready = asyncio.create_task(client.wait_until_ready())
        try:
            await asyncio.wait({self._task, ready}, timeout=self.ready_timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if self._task.done():
            self._check_start_failure(self._task)
        if not client.is_ready():
            raise PlatformError("Discord did not become ready in time", retry_after=5.0)
        await sync_tree(self._tree, self.settings.guild_ids)
        # From now on the client is supervised: if its task ends, see _on_client_end.
        self._task.add_done_callback(self._on_client_end)
        log.info("discord: ready as %s (shards %s of %s)", client.user,
                 self.shard_ids or "all", self.shard_count)

    @staticmethod
    def _check_start_failure(task: asyncio.Task[None]) -> None:
        exc = task.exception()
        fatal = fatal_error(exc)
        if fatal is not None:
            raise fatal from exc
        if exc is not None:
            raise PlatformError(f"Discord connection failed: {type(exc).__name__}") from exc
        raise PlatformError("Discord connection closed during start")

    # ------------------------------------------------------------------ supervision

    def _on_client_end(self, task: asyncio.Task[None]) -> None:
        """The client's task ended without ``stop``: stop the process when no restart can
        help (``on_fatal``), else log why and restart it after a backoff."""
        if self._stopping or task.cancelled() or task is not self._task:
            return
        exc = task.exception()
        fatal = fatal_error(exc)
        if fatal is not None:
            self._give_up(fatal)
            return
        self._schedule_restart(exc)

    def _give_up(self, error: ConfigError) -> None:
        log.error("discord: %s", error)
        self._closed.set()
        if self.on_fatal is not None:
            self.on_fatal(error)

    def _schedule_restart(self, exc: BaseException | None) -> None:
        delay = min(self.restart_delay * 2 ** self._restarts, self.restart_max_delay)
        self._restarts += 1
        log.error("discord: the client stopped (%s); restarting it in %.1f s",
                  type(exc).__name__ if exc else "connection closed", delay, exc_info=exc)
        self._supervisor = asyncio.create_task(self._restart(delay), name="discord-restart")

    async def _restart(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._close_client()
        assert self.settings.token is not None
        try:
            await self._connect(self.settings.token.get_secret_value())
        except ConfigError as exc:
            self._give_up(exc)
        except Exception as exc:  # anything else: logged with its traceback, and retried
            await self._close_client()
            self._schedule_restart(exc)
        else:
            log.info("discord: restarted after %d attempt(s)", self._restarts)
            self._restarts = 0

    async def _close_client(self) -> None:
        """Close the current client and wait briefly for its task (no supervision)."""
        client, task = self.client, self._task
        self._task = None
        if client is not None and not client.is_closed():
            with contextlib.suppress(Exception):
                await client.close()
        if task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=5.0)

    def is_connected(self) -> bool:
        """Ready, and every gateway connection this process holds is open."""
        client = self.client
        if (client is None or client.is_closed() or not client.is_ready()
                or self._task is None or self._task.done()):
            return False
        if isinstance(client, discord.AutoShardedClient):
            return bool(client.shards) and not any(
                s.is_closed() for s in client.shards.values())
        return client.ws is not None and client.ws.open

    async def stop(self) -> None:
        self._stopping = True
        self._closed.set()
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        if self.client is not None and not self.client.is_closed():
            await self.client.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=5.0)
            self._task = None

    async def wait_closed(self) -> None:
        """Returns once the client has stopped (``stop`` or a fatal gateway error)."""
        await self._closed.wait()

    @property
    def bot_id(self) -> str:
        assert self.client is not None and self.client.user is not None
        return str(self.client.user.id)

    # ------------------------------------------------------------------ shards

    def serves_guild(self, guild_id: int | None) -> bool:
        """This process holds the shard of ``guild_id`` (DMs: shard 0)."""
        return self.shards is None or self.shards.holds(str(guild_id) if guild_id else None)

    def served_guild_ids(self) -> list[int]:
        """Guilds whose events and posts this process handles."""
        return [g.id for g in self.client.guilds] if self.client else []

    def serves(self, channel_id: str) -> bool | None:
        """Whether this process sends to ``channel_id``; None when the channel is unknown
        here (not cached: a DM, or a guild of another process's shards)."""
        if self.client is None:
            return None
        channel = self.client.get_channel(int(channel_id))
        if channel is None:
            return None
        guild = getattr(channel, "guild", None)
        return self.serves_guild(guild.id if guild else None)

    # ------------------------------------------------------------------ receiving

    async def _refuse_malformed(self, interaction: discord.Interaction,
                                payload: dict[str, Any]) -> bool:
        """Answer an interaction whose ids are empty or malformed with a refusal (it is
        never handled, so nothing is stored for it). Returns whether it was refused."""
        field = bad_ids(payload)
        if field is None:
            return False
        log.warning("discord: refused interaction %s: malformed %s id", interaction.id, field)
        await interaction.response.send_message(
            f"This request could not be read (its {field} id is missing or malformed); "
            "please try again.", ephemeral=True, allowed_mentions=NONE)
        return True

    async def _on_command(self, interaction: discord.Interaction) -> None:
        role_names = [r.name for r in getattr(interaction.user, "roles", [])]
        payload = interaction_payload(interaction)
        if await self._refuse_malformed(interaction, payload):
            return
        req = interaction_request(payload, manager_role=self.settings.manager_role,
                                  role_names=role_names, commands=self.commands)
        if req is None or self.on_request is None:
            return
        install = install_of(interaction)
        if install.webhook_only and not req.is_dm:
            # A server that never added the bot: nothing of that server is the bot's to
            # change (its feeds, its channels), whatever the member may do there.
            req = dataclasses.replace(req, can_manage=False, manager_hint=WITHOUT_BOT_HINT)
        command = commands_or_default(self.commands).command(req.command)
        refusal = (command is not None and command.permission is Permission.MANAGERS
                   and not req.is_dm and not req.can_manage)
        private = refusal or install.private
        # The interaction's acknowledgement (Discord shows "thinking…" until the answer).
        await interaction.response.defer(thinking=True, ephemeral=private)
        await self.answer(req, _FollowUps(self, interaction, ephemeral=private,
                                          install=install))

    async def _follow_up(self, interaction: discord.Interaction, messages: list[Message], *,
                         ephemeral: bool, files: dict[str, Any] | None = None,
                         install: Install | None = None) -> None:
        """Send the answer as follow-ups; a briefing's commentary goes into a thread on it.
        From a user install where the bot is no member, everything goes through the
        interaction's webhook (no thread), within Discord's follow-up limit."""
        install = install or Install()
        messages = within_follow_up_limit(messages, install.follow_up_limit)
        if messages[0].ephemeral and not ephemeral:
            # A refusal or error after a public defer: show it to the user only.
            await interaction.delete_original_response()
            ephemeral = True
        followup = interaction.followup
        first = await self._post(followup.send, messages[0], ephemeral=ephemeral, wait=True,
                                 **(files or {}))
        rest = messages[1:]
        channel = interaction.channel
        threaded = [m for m in rest if m.in_thread]
        if (threaded and messages[0].thread_title and not ephemeral
                and not install.webhook_only and isinstance(channel, discord.TextChannel)):
            try:
                # A follow-up (webhook) message carries no guild: thread it via the channel.
                thread = await channel.get_partial_message(first.id).create_thread(
                    name=messages[0].thread_title,
                    auto_archive_duration=self.settings.thread_auto_archive_minutes)
            except discord.Forbidden:
                log.info("discord: no thread permission in %s; replying inline", channel.id)
            else:
                for message in rest:
                    await self._post(thread.send, message)
                return
        for message in rest:
            await self._post(followup.send, message, ephemeral=ephemeral, wait=True)

    async def on_message(self, message: discord.Message) -> None:
        if self.on_request is None or self.client is None or self.client.user is None:
            return
        req = message_request(message_payload(message), bot_id=self.bot_id,
                              channel=channel_payload(message.channel), commands=self.commands)
        if req is None:
            return
        await self.answer(req, _Answering(self, message))

    async def _reply(self, message: discord.Message, result: Result, *,
                     zone: str | None = None) -> None:
        """Answer where the question was asked (the thread, the DM, or the channel)."""
        messages = render(result, zone=zone_for(zone, self.zone))
        channel = message.channel
        first = await self._post(channel.send, messages[0], reference=message,
                                 mention_author=False, **attached_file(result))
        target: discord.abc.Messageable = channel
        if (len(messages) > 1 and messages[0].thread_title
                and isinstance(channel, discord.TextChannel)):
            with contextlib.suppress(discord.Forbidden):  # no thread permission: inline
                target = await first.create_thread(
                    name=messages[0].thread_title,
                    auto_archive_duration=self.settings.thread_auto_archive_minutes)
        for extra in messages[1:]:
            await self._post(target.send, extra)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """👍/👎 clicks under an answer are stored as feedback; follow-up clicks are
        answered in the thread (``followups``)."""
        if await on_follow_up(self, interaction):
            return
        if interaction.type is not discord.InteractionType.component or not interaction.data:
            return
        parsed = parse_feedback_id(str(interaction.data.get("custom_id", "")))
        if parsed is None or self.on_request is None:
            return
        answer_id, helpful = parsed
        payload = interaction_payload(interaction)
        if await self._refuse_malformed(interaction, payload):
            return
        req = component_request(payload, answer_id=answer_id, helpful=helpful)
        await self.answer(req, _Clicked(interaction))

    # ------------------------------------------------------------------ sending (outbox)

    async def _post(self, send: Callable[..., Awaitable[Any]], message: Message,
                    **extra: Any) -> Any:
        """``send(...)`` one rendered message; the feedback view is dropped afterwards (clicks
        are handled in ``on_interaction``, so discord.py need not keep every view)."""
        kwargs = self._kwargs(message)
        try:
            return await send(**kwargs, **extra)
        finally:
            if "view" in kwargs:
                kwargs["view"].stop()

    def _kwargs(self, message: Message) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"allowed_mentions": NONE}
        if message.layout:  # V2: the layout is the whole message (flag set by discord.py)
            return kwargs | {"view": layout_view(message)}
        if message.content:
            kwargs["content"] = message.content
        if message.embeds:
            kwargs["embeds"] = list(message.embeds)
        if message.components():
            kwargs["view"] = feedback_view(message)
        return kwargs

    async def _fetch_channel(
            self, channel_id: str) -> discord.abc.Messageable | discord.ForumChannel:
        """A channel or thread by id; a user id gets that user's DM channel (notices to a
        DM subscriber are addressed to the user)."""
        assert self.client is not None
        cid = int(channel_id)
        channel = self.client.get_channel(cid)
        if channel is not None:
            return channel  # type: ignore[return-value]
        try:
            fetched = await self.client.fetch_channel(cid)
        except discord.NotFound:
            user = await self.client.fetch_user(cid)
            return await user.create_dm()
        return fetched  # type: ignore[return-value]

    @staticmethod
    def _needed(channel: Any, *, in_thread: bool, threaded: bool, plain: bool) -> list[str]:
        if in_thread:
            return ["view_channel", "send_messages_in_threads"] + ([] if plain else ["embed_links"])
        needed = ["view_channel", "send_messages"]
        if not plain:
            needed += ["embed_links", "read_message_history"]
        if threaded and not isinstance(channel, discord.ForumChannel):
            needed += ["create_public_threads", "send_messages_in_threads"]
        return needed

    @staticmethod
    def _missing(channel: Any, needed: list[str]) -> list[str]:
        guild = getattr(channel, "guild", None)
        if guild is None or guild.me is None:
            return []
        return missing_permissions(channel.permissions_for(guild.me), needed)

    async def _notify_owner(self, channel: Any, messages: list[Message]) -> MessageRef:
        """A notice for a channel the bot cannot post in goes to the server owner by DM."""
        guild = channel.guild
        owner = guild.owner or await guild.fetch_member(guild.owner_id)
        dm = await owner.create_dm()
        first: discord.Message | None = None
        for message in messages:
            text = f"**{guild.name}** #{channel.name}: {message.content}"
            sent = await dm.send(content=text[:2000], allowed_mentions=NONE)
            first = first or sent
        assert first is not None
        return MessageRef(str(first.id))

    async def send(self, target: Target, result: Result | Part, *,
                   key: str | None = None) -> MessageRef:
        if self.client is None:
            raise PlatformError("Discord is not connected", retry_after=5.0)
        where = f"channel {target.thread_id or target.channel_id}"
        async with platform_errors(where):
            channel = await self._fetch_channel(target.thread_id or target.channel_id)
            guild = getattr(channel, "guild", None)
            if not self.serves_guild(guild.id if guild else None):
                raise PlatformError(f"{where} belongs to a shard another process holds",
                                    retry_after=30.0, code="other_shard")
            zone = zone_for(target.zone, self.zone)
            messages = render(result, zone=zone)
            post = _update_post(result)
            if post is not None and self.settings.components_v2:
                messages[0] = as_v2(messages[0], post, zone)
            root, rest = messages[0], messages[1:]
            threaded = bool(root.thread_title) and target.thread_id is None
            plain = isinstance(result, Notice | Reply)
            missing = self._missing(channel, self._needed(
                channel, in_thread=target.thread_id is not None, threaded=threaded, plain=plain))
            if missing and isinstance(result, Notice) and "Send Messages" in missing:
                return await self._notify_owner(channel, messages)
            if missing:
                if is_announcement(channel) and not self._publisher.may_publish(channel):
                    missing.append(NEEDED["manage_messages"])  # to publish, once resumed
                raise missing_error(f"#{getattr(channel, 'name', 'this channel')}", missing)
            if isinstance(channel, discord.ForumChannel):
                return await self._forum_post(channel, messages, post)
            first = await self._post(channel.send, root, **self._nonce(key, 0),
                                     **attached_file(result))
            if post is not None and target.thread_id is None and is_announcement(channel):
                await self._publisher.publish(channel, first, post.lang)
            ref = MessageRef(str(first.id), target.thread_id)
            out: Any = channel
            if any(m.in_thread for m in rest) and isinstance(channel, discord.TextChannel):
                ref = await self.open_thread(target, ref, root.thread_title or "Q&A")
                out = await self._fetch_channel(ref.thread_id or target.channel_id)
            for i, message in enumerate(rest, start=1):
                await self._post(out.send, message, **self._nonce(key, i))
            return ref

    async def edit(self, target: Target, message_id: str, result: Part) -> None:
        """``PATCH /channels/{channel}/messages/{message}`` (``PartialMessage.edit``) with
        the part's first message; mentions stay off, as on every send."""
        if self.client is None:
            raise PlatformError("Discord is not connected", retry_after=5.0)
        channel_id = target.thread_id or target.channel_id
        message = render(result, zone=zone_for(target.zone, self.zone))[0]
        async with platform_errors(f"message {message_id} in channel {channel_id}"):
            channel = await self._fetch_channel(channel_id)
            partial = getattr(channel, "get_partial_message", None)
            if partial is None:
                raise PlatformError(f"channel {channel_id} has no messages to edit",
                                    permanent=True, code="not_messageable")
            target_message = partial(int(message_id))
            kwargs: dict[str, Any] = {"content": message.content or None,
                                      "embeds": list(message.embeds), "allowed_mentions": NONE}
            try:
                await target_message.edit(**kwargs)
            except discord.HTTPException as exc:
                if exc.code != THREAD_ARCHIVED or not isinstance(channel, discord.Thread):
                    raise
                # An archived thread's messages cannot be edited: reopen it (the bot made
                # it), edit, and archive it again so the thread list looks as it did.
                await channel.edit(archived=False)
                await target_message.edit(**kwargs)
                await channel.edit(archived=True)

    @staticmethod
    def _nonce(key: str | None, index: int) -> dict[str, Any]:
        return {} if key is None else {"nonce": nonce_for(key, index)}

    async def _forum_post(self, forum: discord.ForumChannel, messages: list[Message],
                          post: UpdatePost | None = None) -> MessageRef:
        """Forum channels: one post (a thread) per story, tagged with its kind,
        commentary inside it."""
        root = messages[0]
        tags = await self._tagger.tags_for(forum, post)
        kwargs = self._kwargs(root)
        try:
            created = await forum.create_thread(
                name=root.thread_title or "Update",
                auto_archive_duration=self.settings.thread_auto_archive_minutes,
                applied_tags=tags, **kwargs)
        finally:
            if "view" in kwargs:
                kwargs["view"].stop()
        for message in messages[1:]:
            await self._post(created.thread.send, message)
        return MessageRef(str(created.message.id), str(created.thread.id))

    async def find_sent(self, target: Target, key: str) -> MessageRef | None:
        """Look through the channel's recent messages for the key's nonce."""
        if self.client is None or self.client.user is None:
            return None
        wanted = nonce_for(key, 0)
        async with platform_errors(f"channel {target.thread_id or target.channel_id}"):
            channel = await self._fetch_channel(target.thread_id or target.channel_id)
            if isinstance(channel, discord.ForumChannel):
                return None
            async for message in channel.history(limit=HISTORY_SCAN):
                if message.author.id == self.client.user.id and str(message.nonce) == wanted:
                    thread = target.thread_id or (str(message.id) if message.thread else None)
                    return MessageRef(str(message.id), thread)
        return None

    async def message_link(self, target: Target, message_id: str,
                           thread_id: str | None) -> str | None:
        """The message's jump link. The guild is the subscription's (else the cached
        channel's); without one, a mention of the thread, which Discord shows as its link."""
        space, channel_id = target.space_id, target.channel_id
        channel = (self.client.get_channel(int(channel_id))
                   if self.client is not None and channel_id.isdigit() else None)
        if space is None and channel is not None:
            guild = getattr(channel, "guild", None)
            space = str(guild.id) if guild is not None else (
                "@me" if isinstance(channel, discord.DMChannel) else None)
        if isinstance(channel, discord.ForumChannel) and thread_id:
            channel_id = thread_id  # a forum post's first message lives in its thread
        if space is not None:
            return JUMP_URL.format(space=space, channel=channel_id, message=message_id)
        return f"<#{thread_id}>" if thread_id else None

    async def open_thread(self, target: Target, parent: MessageRef,
                          title: str) -> MessageRef:
        """A public thread from the update post (thread id = message id on Discord)."""
        if parent.thread_id is not None:
            return parent
        async with platform_errors(f"channel {target.channel_id}"):
            channel = await self._fetch_channel(target.channel_id)
            if not isinstance(channel, discord.TextChannel):
                # DMs have no threads: the commentary follows the post in the same channel.
                return MessageRef(parent.message_id, None)
            missing = self._missing(channel, self._needed(channel, in_thread=False,
                                                          threaded=True, plain=True))
            if missing:
                raise missing_error(f"#{channel.name}", missing)
            message = channel.get_partial_message(int(parent.message_id))
            try:
                thread = await message.create_thread(
                    name=thread_name(title),
                    auto_archive_duration=self.settings.thread_auto_archive_minutes)
            except discord.HTTPException as exc:
                if exc.code == 160004:  # already created (a retry after a crash)
                    return MessageRef(parent.message_id, parent.message_id)
                raise
        return MessageRef(parent.message_id, str(thread.id))


def _update_post(result: Result | Part) -> UpdatePost | None:
    """The update post a result opens with (a part, or a briefing's first part)."""
    if isinstance(result, UpdatePost):
        return result
    if isinstance(result, Briefing):
        first = result.parts()[0]
        return first if isinstance(first, UpdatePost) else None
    return None


@dataclasses.dataclass
class _FollowUps(Conversation):
    """A slash command's answer: follow-ups of its deferred response (Discord shows its own
    "thinking…" meanwhile, so there is no working note)."""

    adapter: DiscordAdapter
    interaction: discord.Interaction
    ephemeral: bool
    install: Install = dataclasses.field(default_factory=Install)

    async def send(self, result: Result, *, zone: str | None) -> None:
        messages = render(result, zone=zone_for(zone, self.adapter.zone))
        async with platform_errors(f"interaction {self.interaction.id}"):
            await self.adapter._follow_up(self.interaction, messages, ephemeral=self.ephemeral,
                                          files=attached_file(result), install=self.install)


@dataclasses.dataclass
class _Answering(Conversation):
    """A mention, DM or thread reply: answered in reply to the message."""

    adapter: DiscordAdapter
    message: discord.Message

    async def send(self, result: Result, *, zone: str | None) -> None:
        async with platform_errors(f"channel {self.message.channel.id}"):
            await self.adapter._reply(self.message, result, zone=zone)


@dataclasses.dataclass
class _Clicked(Conversation):
    """A 👍/👎 click: acknowledged to the clicker only."""

    interaction: discord.Interaction

    async def send(self, result: Result, *, zone: str | None) -> None:
        text = getattr(result, "text", "") or "👍"
        async with platform_errors(f"interaction {self.interaction.id}"):
            await self.interaction.response.send_message(text, ephemeral=True,
                                                         allowed_mentions=NONE)
