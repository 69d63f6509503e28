"""Slack through slack-bolt's AsyncApp, in Socket Mode or HTTP mode.

Every listener acks at once (Slack wants it within 3 s) and the work goes on in a task the
adapter tracks, through the core reply path (``bot.respond``: working note, retries, error
guard). Replies go where the question was: slash commands in the channel (ephemeral for
ephemeral results; the interaction's response_url where the bot may not post), mentions
and thread replies in their thread, DMs in the DM.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Coroutine, Mapping
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import Permission
from bot.errors import ConfigError, PlatformError
from bot.listen import start_site
from bot.model import Answer, Lang, Part, Reply, Request, Result
from bot.platforms.base import MessageRef, PlatformAdapter, Target
from bot.platforms.commands import commands_or_default
from bot.platforms.slack.agent import AgentView, viewed_channel
from bot.platforms.slack.client import DEFAULT_API_URL, build_web_client
from bot.platforms.slack.errors import TOKEN_REFUSED, call_api, platform_error
from bot.platforms.slack.facts import SLACK_LIMITS
from bot.platforms.slack.followups import listen as listen_follow_ups
from bot.platforms.slack.http_guard import refuse_malformed
from bot.platforms.slack.outbound import (
    find_delivery,
    permalink,
    post_ephemeral,
    post_messages,
    update_message,
)
from bot.platforms.slack.render import FEEDBACK_DOWN, FEEDBACK_UP, render
from bot.platforms.slack.stream import StreamTo, stream_answer
from bot.platforms.slack.streamed import FEEDBACK_VOTE
from bot.platforms.slack.translate import (
    from_app_mention,
    from_feedback_action,
    from_message,
    from_slash_command,
    manager_hint,
    message_kind,
)
from bot.platforms.slack.upload import upload_attachment
from bot.respond import Conversation, ReplyPath
from bot.text.sentences import detect_lang

log = logging.getLogger(__name__)

COMMAND = "/ceasefire"
EVENTS_PATH = "/slack/events"
#: What the adapter uses; slack-manifest.yaml asks for exactly these (a test compares):
#: chat:write (post, ephemeral, streams), commands, app_mentions:read, *:history (message
#: events in channels, private channels and DMs, and ``find_sent``'s history scan),
#: users:read (admins, locales), assistant:write (the agent DM's prompts, status, title).
BOT_SCOPES = ("app_mentions:read", "assistant:write", "channels:history", "chat:write",
              "commands", "files:write", "groups:history", "im:history", "users:read")
BOT_EVENTS = ("app_context_changed", "app_home_opened", "app_mention", "message.channels",
              "message.groups", "message.im")
SEEN_EVENTS = 2048

Mode = Literal["socket", "http"]


class SlackAdapter(PlatformAdapter):
    """The bot in one Slack workspace.

    Socket Mode when ``app_token`` is given, else HTTP mode: Bolt's aiohttp app served on our
    own server at ``/slack/events``, every request's signature checked with
    ``signing_secret`` (bad or stale: 401, nothing processed).
    """

    name = "slack"
    limits = SLACK_LIMITS

    def __init__(self, *, bot_token: str, zone: ZoneInfo, app_token: str | None = None,
                 signing_secret: str | None = None, api_url: str = DEFAULT_API_URL,
                 http_port: int = 3000, http_host: str = "0.0.0.0",
                 admin_allowlist: tuple[str, ...] = (), slow_after: float = 2.0,
                 rate_limit_retries: int = 5, history_limit: int = 300,
                 ping_interval: float = 10.0, lang: Lang = "en",
                 session: aiohttp.ClientSession | None = None) -> None:
        """Args:
            lang: the workspace's language (suggested prompts for users whose locale
                Slack does not give).
            session: the app's HTTP session for platform calls (owned and closed by the
                app); None: the adapter opens one per ``start`` (scripts, tests).
        """
        super().__init__()
        if not app_token and not signing_secret:
            raise ValueError("Slack needs SLACK_APP_TOKEN (Socket Mode) or "
                             "SLACK_SIGNING_SECRET (HTTP mode)")
        self.zone = zone
        self.api_url = api_url
        self.http_port = http_port
        self.http_host = http_host
        self.admin_allowlist = tuple(admin_allowlist)
        self.replies = ReplyPath(slow_after=slow_after)
        self.rate_limit_retries = rate_limit_retries
        self.history_limit = history_limit
        self.ping_interval = ping_interval
        self.lang: Lang = lang
        self._agent: AgentView | None = None
        self._bot_token = bot_token
        self._app_token = app_token
        self._signing_secret = signing_secret or ""
        self.bot_user_id = ""
        self.team_id: str | None = None
        #: The bound HTTP port (HTTP mode), useful when ``http_port`` is 0.
        self.port: int | None = None
        self._given_session = session
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncWebClient | None = None
        self._app: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[object]] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._closed = asyncio.Event()

    @property
    def mode(self) -> Mode:
        return "socket" if self._app_token else "http"

    @property
    def client(self) -> AsyncWebClient:
        assert self._client is not None, "start() the adapter first"
        return self._client

    @property
    def app(self) -> AsyncApp:
        assert self._app is not None, "start() the adapter first"
        return self._app

    # ------------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._app is not None:
            return
        self._closed.clear()
        # Resolved before serving: the first request must not wait for handlers to import.
        self.commands = commands_or_default(self.commands)
        self._session = self._given_session or aiohttp.ClientSession()
        self._client = build_web_client(self._bot_token, session=self._session,
                                        api_url=self.api_url,
                                        rate_limit_retries=self.rate_limit_retries)
        try:
            identity = await self._checked("SLACK_BOT_TOKEN", "auth.test",
                                           self._client.auth_test())
            self.bot_user_id = str(identity.get("user_id") or "")
            self.team_id = identity.get("team_id")
            self._agent = AgentView(self._client, lang=self.lang)
            self._app = self._build_app(self._client)
            if self.mode == "socket":
                self._socket = AsyncSocketModeHandler(self._app, app_token=self._app_token,
                                                      ping_interval=self.ping_interval)
                # Issue the websocket URL ourselves: slack_sdk's connect() retries a refused
                # app token forever, where start-up should stop with a plain message.
                opened = await self._checked(
                    "SLACK_APP_TOKEN", "apps.connections.open",
                    self._client.apps_connections_open(app_token=self._app_token or ""))
                self._socket.client.wss_uri = str(opened["url"])
                await self._socket.connect_async()
            else:
                await self._serve_http(self._app)
        except BaseException:
            await self.stop()
            raise
        log.info("slack: connected in %s mode as %s", self.mode, self.bot_user_id)

    async def _checked(self, variable: str, method: str, call: Awaitable[Any]) -> Any:
        """A start-up call: a refused token stops start-up with one plain line."""
        try:
            return await call_api(method, call)
        except PlatformError as exc:
            if exc.permanent:
                raise ConfigError(f"invalid setting {variable}: Slack refused it "
                                  f"({exc.code})") from None
            raise

    async def _serve_http(self, app: AsyncApp) -> None:
        web_app = app.web_app(path=EVENTS_PATH, port=self.http_port)
        web_app.middlewares.append(refuse_malformed(self._signing_secret))
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        self.port = await start_site(self._runner, host=self.http_host, port=self.http_port,
                                     host_key="slack.http_host", port_key="slack.http_port")

    async def stop(self) -> None:
        """Stop receiving, let in-flight replies finish briefly, then close the session."""
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close_async()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=5.0)
            for task in pending:
                task.cancel()
        self._app = None
        if self._session is not None:
            session, self._session = self._session, None
            if session is not self._given_session:
                await session.close()
        self._client = None
        self._agent = None
        self._closed.set()

    async def wait_closed(self) -> None:
        """Returns once ``stop`` has run (the app otherwise stops on a signal)."""
        await self._closed.wait()

    def is_connected(self) -> bool:
        """HTTP mode: while our server runs. Socket Mode: while the websocket is open
        (slack_sdk reconnects it by itself; a long gap shows on ``/healthz``)."""
        if self._app is None:
            return False
        if self._socket is None:
            return self._runner is not None
        client = self._socket.client
        session = client.current_session
        return not client.closed and not client.stale and session is not None and (
            not session.closed)

    # ------------------------------------------------------------------------ receiving

    def _build_app(self, client: AsyncWebClient) -> AsyncApp:
        bolt_log = logging.getLogger("slack_bolt")
        quiet = _SkipEnvTokenNotice()
        bolt_log.addFilter(quiet)
        try:
            app = AsyncApp(client=client, signing_secret=self._signing_secret, logger=bolt_log)
        finally:
            bolt_log.removeFilter(quiet)
        app.command(COMMAND)(self._on_command)
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_message)
        app.event("app_home_opened")(self._on_home_opened)
        app.event("app_context_changed")(self._on_context_changed)
        app.action(FEEDBACK_UP)(self._on_feedback)
        app.action(FEEDBACK_DOWN)(self._on_feedback)
        app.action(FEEDBACK_VOTE)(self._on_feedback)
        listen_follow_ups(app, self)
        return app

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _first_time(self, body: Mapping[str, Any]) -> bool:
        """Slack redelivers events it thinks were missed; answer each event id once."""
        event_id = body.get("event_id")
        if not event_id:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        while len(self._seen) > SEEN_EVENTS:
            self._seen.popitem(last=False)
        return True

    async def _on_command(self, ack: Any, command: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._command(dict(command)))

    async def _command(self, command: dict[str, Any]) -> None:
        req = await self._with_user(from_slash_command(command, commands=self.commands))
        await self.answer(req, _Asked(self, Target(req.channel_id, user_id=req.user_id),
                                      response_url=command.get("response_url")))

    async def _on_mention(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if not self._first_time(body):
            return
        req = from_app_mention(event, bot_user_id=self.bot_user_id,
                               team_id=body.get("team_id"), commands=self.commands)
        self._spawn(self._mention_or_message(req))

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        kind = message_kind(event, bot_user_id=self.bot_user_id)
        if kind is None or not self._first_time(body):
            return
        req = from_message(event, bot_user_id=self.bot_user_id, team_id=body.get("team_id"),
                           commands=self.commands)
        if kind == "thread":
            parent = event.get("parent_user_id")
            if parent and parent != self.bot_user_id:
                return  # someone else's thread: left alone unless we are mentioned
            self._spawn(self._thread_reply(req, by_bot=parent == self.bot_user_id))
            return
        # The agent DM: each message of the user's is a thread root (or in one); the
        # answer streams into that thread.
        thread = str(event.get("thread_ts") or event.get("ts") or "")
        self._spawn(self._agent_message(req, thread, first=not event.get("thread_ts")))

    async def _thread_reply(self, req: Request, *, by_bot: bool) -> None:
        assert req.thread_id is not None
        if self.owns_thread is not None:
            if not await self.owns_thread(req.channel_id, req.thread_id):
                return
        elif not by_bot:
            return
        await self._mention_or_message(req)

    async def _mention_or_message(self, req: Request) -> None:
        req = await self._with_user(req)
        await self.answer(req, _Asked(self, Target(req.channel_id, thread_id=req.thread_id,
                                                   user_id=req.user_id)))

    async def _agent_message(self, req: Request, thread: str, *, first: bool) -> None:
        """A DM: a status while the bot searches (cleared once answered), a title for a new
        conversation, and the answer streamed into the message's thread."""
        req = await self._with_user(req)
        agent = self._agent
        viewing = agent.viewing(req.user_id) if agent is not None else None
        if viewing:
            req = dataclasses.replace(req, context_channel_id=viewing)
        asking = req.command == "ask" and bool(thread) and agent is not None
        if asking and agent is not None:
            lang: Lang = req.lang or ("ja" if detect_lang(req.text) == "ja" else "en")
            if first:
                await agent.title(req.channel_id, thread, req.text)
            await agent.status(req.channel_id, thread, lang)
        try:
            await self.answer(req, _Asked(self, Target(req.channel_id, thread_id=req.thread_id,
                                                       user_id=req.user_id),
                                          answer_thread=thread or None, shows_status=asking))
        finally:
            if asking and agent is not None:
                await agent.clear_status(req.channel_id, thread)

    async def _on_home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """The Messages tab opened: suggested prompts at the top of the agent DM."""
        if event.get("tab") != "messages" or not self._first_time(body):
            return
        user, channel = str(event.get("user") or ""), str(event.get("channel") or "")
        if self._agent is not None and event.get("context"):
            self._agent.saw(user, viewed_channel(event))
        if user and channel and self._agent is not None:
            self._spawn(self._agent.suggest(channel, user))

    async def _on_context_changed(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """The user looks at another channel: remembered (its subscription is the context of
        their next question), and the prompts set again for it."""
        if not self._first_time(body) or self._agent is None:
            return
        user, channel = str(event.get("user") or ""), str(event.get("channel") or "")
        if not user:
            return
        self._agent.saw(user, viewed_channel(event))
        if channel:
            self._spawn(self._agent.suggest(channel, user))

    async def _on_feedback(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        req = from_feedback_action(body)
        if req is not None:
            target = Target(req.channel_id, thread_id=req.thread_id, user_id=req.user_id)
            self._spawn(self.answer(req, _Asked(self, target,
                                                response_url=body.get("response_url"))))

    async def _with_user(self, req: Request) -> Request:
        """For commands for channel managers: may this user manage the channel, and (in a
        DM, where the user subscribes themselves) their own time zone."""
        hint = manager_hint(self.admin_allowlist)
        command = commands_or_default(self.commands).command(req.command)
        if command is None or command.permission is not Permission.MANAGERS:
            return dataclasses.replace(req, manager_hint=hint)
        if req.is_dm:
            user = await self.fetch_user(req.user_id)
            return dataclasses.replace(req, manager_hint=hint,
                                       timezone=user.get("tz") if user else None)
        return dataclasses.replace(req, manager_hint=hint,
                                   can_manage=await self.fetch_can_manage(req.user_id))

    async def fetch_user(self, user_id: str) -> dict[str, Any] | None:
        """users.info, or None when Slack would not say (logged)."""
        try:
            info = await call_api("users.info", self.client.users_info(user=user_id))
        except PlatformError as exc:
            log.warning("slack: users.info failed: %s", exc)
            return None
        return dict(info.get("user") or {})

    async def fetch_can_manage(self, user_id: str) -> bool:
        """Workspace admins and owners (users.info), or users on the allow-list."""
        if user_id in self.admin_allowlist:
            return True
        user = await self.fetch_user(user_id) or {}
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))

    async def respond(self, response_url: str, result: Result, *, zone: str | None) -> None:
        """Answer through an interaction's response_url (where the bot may not post)."""
        assert self._session is not None
        ephemeral = not isinstance(result, Reply) or result.ephemeral
        # A response_url takes up to five messages (its thread replies become follow-ups).
        for message in render(result, zone=self.zone_for(Target("", zone=zone)))[:5]:
            body = {**message.payload(),
                    "response_type": "ephemeral" if ephemeral else "in_channel"}
            async with self._session.post(response_url, json=body) as response:
                if response.status >= 400:
                    raise platform_error(None, status=response.status, method="response_url")

    # -------------------------------------------------------------------------- sending

    def zone_for(self, target: Target) -> ZoneInfo:
        if target.zone:
            try:
                return ZoneInfo(target.zone)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("slack: unknown time zone %r; using the default", target.zone)
        return self.zone

    async def edit(self, target: Target, message_id: str, result: Part) -> None:
        """chat.update of message ``message_id`` (its ts) with the part, as one message."""
        message = render(result, zone=self.zone_for(target))[0]
        await update_message(self.client, target.channel_id, message_id, message)

    async def send(self, target: Target, result: Result | Part, *,
                   key: str | None = None) -> MessageRef:
        """Post ``result``: a briefing's replies go into the thread of its first message.

        An answer to a person in a thread (``target.user_id`` and ``thread_id``: only
        replies have a user) is streamed there; where Slack will not stream it is posted.
        Keyed messages carry the key in message metadata (see ``find_sent``).
        """
        messages = render(result, zone=self.zone_for(target))
        try:
            if isinstance(result, Reply) and result.ephemeral and target.user_id:
                return await post_ephemeral(self.client, target, messages)
            if isinstance(result, Answer) and target.user_id and target.thread_id:
                to = StreamTo(target.channel_id, target.thread_id, target.user_id,
                              target.space_id or self.team_id)
                ts = await stream_answer(self.client, to, result,
                                         zone=self.zone_for(target), key=key)
                if ts is not None:
                    return MessageRef(ts, target.thread_id)
            ref = await post_messages(self.client, target, messages, key=key)
        except PlatformError as exc:
            if exc.code in TOKEN_REFUSED and self.on_fatal is not None:
                # Revoked or reset: no send can work again until someone sets a new token.
                self.on_fatal(ConfigError(f"invalid setting SLACK_BOT_TOKEN: Slack refused "
                                          f"it ({exc.code})"))
            raise
        if isinstance(result, Reply) and result.attachment is not None:
            try:
                await upload_attachment(self.client, target.channel_id, result.attachment,
                                        thread_ts=target.thread_id)
            except PlatformError as exc:
                # The text (the same content) is out; retrying would post it twice.
                log.warning("slack: the picture could not be uploaded to %s: %s",
                            target.channel_id, exc)
        return ref

    async def find_sent(self, target: Target, key: str) -> MessageRef | None:
        """Scan recent history (or the thread) for a message tagged with ``key``."""
        return await find_delivery(self.client, target, key, limit=self.history_limit)

    async def message_link(self, target: Target, message_id: str,
                           thread_id: str | None) -> str | None:
        """chat.getPermalink (no scope needed): the message, its thread under it."""
        return await permalink(self.client, target.channel_id, message_id)


class _SkipEnvTokenNotice(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN itself and warns that our client's token wins: true,
    and intended, so it is not worth a warning at every start."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


@dataclasses.dataclass
class _Asked(Conversation):
    """Where a Slack request is answered: its channel, thread or DM; the working note is
    ephemeral to the asker; the interaction's response_url is the fallback where the bot
    may not post (not in the channel, someone else's DM)."""

    adapter: SlackAdapter
    target: Target
    response_url: str | None = None
    #: Where an answer to a DM goes: the thread of the person's message (a stream must
    #: reply to one). Other replies to a DM stay in the DM itself.
    answer_thread: str | None = None
    #: The agent DM shows its progress as the thread's status, not as a note.
    shows_status: bool = False

    async def working(self, note: Reply) -> bool:
        if not self.target.user_id or self.shows_status:
            return False
        await self.adapter.send(self.target, note)
        return True

    async def send(self, result: Result, *, zone: str | None) -> None:
        target = dataclasses.replace(self.target, zone=zone)
        if isinstance(result, Answer) and target.user_id and (
                target.thread_id or self.answer_thread):
            # Streamed: through the app's budget at the reply priority, like every reply
            # that shares the platform's rate limits.
            await self.adapter.reply(dataclasses.replace(
                target, thread_id=target.thread_id or self.answer_thread), result)
            return
        await self.adapter.send(target, result)

    async def fallback(self, result: Result, *, zone: str | None) -> bool:
        if not self.response_url:
            return False
        await self.adapter.respond(self.response_url, result, zone=zone)
        return True
