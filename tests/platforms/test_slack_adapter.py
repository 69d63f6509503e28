"""The Slack adapter on the real AsyncApp: signed HTTP requests and Socket Mode envelopes in,
Web API calls to the loopback fake out. ``on_request`` is the adapter's input port, so a
small recording handler stands in for the engine here (the engine runs in tests/scenario)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
import pytest_asyncio

from bot.errors import PlatformError
from bot.model import Answer, Citation, Notice, Reply, Request, Result, Sentence
from bot.platforms.base import MessageRef, Target
from bot.platforms.registry import load_settings
from bot.platforms.select import RunOptions, build_platforms
from bot.platforms.slack import SlackAdapter
from tests.fakes.slack_fake import (
    DEFAULT_BOT_USER_ID,
    DEFAULT_CHANNEL_ID,
    DEFAULT_DM_CHANNEL_ID,
    FakeSlack,
    app_mention_event,
    block_actions_body,
    block_actions_payload,
    dm_message_event,
    event_body,
    event_callback,
    signed_request_headers,
    slash_command_body,
    slash_command_payload,
    thread_message_event,
)

SECRET = "test-signing-secret"
TOKYO = ZoneInfo("Asia/Tokyo")



class Engine:
    """Records requests and answers each with a small cited answer (or a plain reply)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.delay = 0.0
        self.owned: set[str] = set()

    async def __call__(self, req: Request) -> Result:
        self.requests.append(req)
        if self.delay:
            await asyncio.sleep(self.delay)
        if req.command == "ask":
            return Answer(req.text, True, (Sentence("A 30-day halt was agreed.", (1,)),),
                          (Citation(1, "Jeddah talks", "https://demo.example/1", "Harbor"),),
                          answer_id=5)
        if req.command in ("subscribe", "feedback"):
            return Reply(f"{req.command} can_manage={req.can_manage} hint={req.manager_hint}",
                         ephemeral=True)
        return Reply(f"did {req.command}")

    async def owns_thread(self, channel_id: str, thread_id: str) -> bool:
        return thread_id in self.owned


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


def make_adapter(fake: FakeSlack, **kwargs: Any) -> SlackAdapter:
    options: dict[str, Any] = dict(bot_token=fake.bot_token, zone=TOKYO, signing_secret=SECRET,
                                   api_url=fake.api_url, http_port=0, http_host="127.0.0.1",
                                   slow_after=5.0)
    options.update(kwargs)
    return SlackAdapter(**options)


@pytest_asyncio.fixture
async def engine() -> Engine:
    return Engine()


@pytest_asyncio.fixture
async def slack(fake: FakeSlack, engine: Engine) -> AsyncIterator[SlackAdapter]:
    adapter = make_adapter(fake, admin_allowlist=("U0ALLOWED",))
    adapter.on_request = engine
    adapter.owns_thread = engine.owns_thread
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


async def post_signed(adapter: SlackAdapter, body: str, *, secret: str = SECRET,
                      timestamp: int | None = None) -> tuple[int, float]:
    headers = signed_request_headers(secret, body, timestamp)
    started = time.monotonic()
    async with aiohttp.ClientSession() as http, http.post(
            f"http://127.0.0.1:{adapter.port}/slack/events", data=body,
            headers=headers) as response:
        await response.read()
        return response.status, time.monotonic() - started


async def settle(fake: FakeSlack, predicate: Callable[[], Any]) -> Any:
    return await fake.wait_for(predicate, timeout=3.0)


# ------------------------------------------------------------------------ HTTP mode


async def test_slash_command_acks_at_once_and_posts_a_cited_answer(
        fake: FakeSlack, slack: SlackAdapter, engine: Engine) -> None:
    engine.delay = 0.3  # work after the ack must not hold the HTTP response
    status, took = await post_signed(slack, slash_command_body(text="ask What was agreed?"))

    [post] = await settle(fake, lambda: fake.posted(DEFAULT_CHANNEL_ID))
    assert (status, took < 0.3) == (200, True)
    [req] = engine.requests
    assert (req.command, req.text, req.kind, req.channel_id) == (
        "ask", "What was agreed?", "command", DEFAULT_CHANNEL_ID)
    assert "thread_ts" not in post and post["unfurl_links"] is False
    assert "<https://demo.example/1|Jeddah talks>" in str(post["blocks"])
    assert post["blocks"][-1]["type"] == "actions" and "A 30-day halt" in post["text"]
    assert fake.ephemerals == []  # not slow: no "working on it" note


async def test_slow_work_gets_a_working_note_first(fake: FakeSlack, engine: Engine) -> None:
    adapter = make_adapter(fake, slow_after=0.05)
    adapter.on_request = engine
    engine.delay = 0.3
    await adapter.start()
    try:
        await post_signed(adapter, slash_command_body(text="ask why?"))
        await settle(fake, lambda: fake.posted(DEFAULT_CHANNEL_ID))
    finally:
        await adapter.stop()

    [note] = fake.ephemerals
    assert note["text"] == "⏳ Working on it…" and note["user"] == "U0HUMAN"


async def test_app_mention_is_answered_in_its_thread(
        fake: FakeSlack, slack: SlackAdapter, engine: Engine) -> None:
    event = app_mention_event("what was agreed?", ts="1700000001.000100")
    status, _ = await post_signed(slack, event_body(event))

    # An answer to a person is streamed (issue 16), into the mention's thread, to them.
    [post] = await settle(fake, lambda: fake.streamed(DEFAULT_CHANNEL_ID, stopped=True))
    assert status == 200 and post["thread_ts"] == "1700000001.000100"
    assert post["recipient_user_id"] == "U0HUMAN" and fake.posted() == []
    assert engine.requests[0].kind == "mention" and engine.requests[0].text == "what was agreed?"


async def test_dm_is_answered_in_the_dm(fake: FakeSlack, slack: SlackAdapter,
                                        engine: Engine) -> None:
    dm = dm_message_event("what was agreed?")
    await post_signed(slack, event_body(dm))

    # Issue 16: a DM's answer streams into the thread of the person's message (Slack
    # streams only replies to a message), where it used to be a top-level DM post.
    [post] = await settle(fake, lambda: fake.streamed(DEFAULT_DM_CHANNEL_ID, stopped=True))
    assert post["thread_ts"] == dm["ts"] and engine.requests[0].is_dm
    assert fake.posted() == []


async def test_only_replies_in_our_update_threads_are_answered(
        fake: FakeSlack, slack: SlackAdapter, engine: Engine) -> None:
    engine.owned.add("1700000000.000100")
    ours = thread_message_event("and then?", thread_ts="1700000000.000100")
    ours_untracked = thread_message_event("hm?", thread_ts="1700000000.000200")
    theirs = {**thread_message_event("chat", thread_ts="1700000000.000300"),
              "parent_user_id": "U0OTHER"}
    for event in (theirs, ours_untracked, ours):
        assert (await post_signed(slack, event_body(event)))[0] == 200

    [post] = await settle(fake, lambda: fake.streamed(DEFAULT_CHANNEL_ID, stopped=True))
    await asyncio.sleep(0.1)
    assert post["thread_ts"] == "1700000000.000100"
    assert [r.kind for r in engine.requests] == ["thread_reply"]
    assert len(fake.streamed()) == 1 and fake.posted() == []


async def test_redelivered_event_is_answered_once(fake: FakeSlack, slack: SlackAdapter,
                                                  engine: Engine) -> None:
    body = event_body(dm_message_event("again?"), event_id="Ev0SAME")
    await post_signed(slack, body)
    await post_signed(slack, body)

    await settle(fake, lambda: fake.streamed(DEFAULT_DM_CHANNEL_ID, stopped=True))
    await asyncio.sleep(0.1)
    assert len(engine.requests) == 1 and len(fake.streamed()) == 1


async def test_feedback_click_is_acked_and_thanked_privately(
        fake: FakeSlack, slack: SlackAdapter, engine: Engine) -> None:
    status, _ = await post_signed(slack, block_actions_body("feedback_down", "5"))

    [thanks] = await settle(fake, lambda: fake.ephemerals)
    assert status == 200
    assert (engine.requests[0].command, engine.requests[0].text) == ("feedback", "5 down")
    assert thanks["user"] == "U0HUMAN" and thanks["channel"] == DEFAULT_CHANNEL_ID


@pytest.mark.parametrize(("user", "admin", "allowed"), [
    ("U0PLAIN", False, False), ("U0ADMIN", True, True), ("U0ALLOWED", False, True)])
async def test_subscribe_needs_an_admin_or_the_allow_list(
        fake: FakeSlack, slack: SlackAdapter, engine: Engine, user: str, admin: bool,
        allowed: bool) -> None:
    fake.add_user(user, is_admin=admin)
    await post_signed(slack, slash_command_body(text="subscribe", user_id=user))

    await settle(fake, lambda: fake.ephemerals)
    [req] = engine.requests
    assert req.can_manage is allowed
    assert req.manager_hint.startswith("workspace admins and owners")
    asked = [c["user"] for c in fake.calls_to("users.info")]
    assert asked == ([] if user == "U0ALLOWED" else [user])


async def test_subscribing_a_dm_uses_the_users_own_time_zone(
        fake: FakeSlack, slack: SlackAdapter, engine: Engine) -> None:
    fake.add_user("U0KYIV", tz="Europe/Kyiv")
    await post_signed(slack, event_body(dm_message_event("subscribe en", user="U0KYIV")))

    await settle(fake, lambda: engine.requests)
    [req] = engine.requests
    assert (req.command, req.is_dm, req.timezone) == ("subscribe", True, "Europe/Kyiv")


@pytest.mark.parametrize(("secret", "age"), [("wrong-secret", 0), (SECRET, 6 * 60)],
                         ids=["bad-signature", "stale"])
async def test_unverified_requests_get_401_and_nothing_happens(
        fake: FakeSlack, slack: SlackAdapter, engine: Engine, secret: str, age: int) -> None:
    fake.reset_records()
    status, _ = await post_signed(slack, slash_command_body(text="ask x"), secret=secret,
                                  timestamp=int(time.time()) - age)
    await asyncio.sleep(0.1)

    assert status == 401
    assert engine.requests == [] and fake.calls == []


async def test_not_in_channel_falls_back_to_the_response_url(
        fake: FakeSlack, slack: SlackAdapter) -> None:
    fake.fail_channel("C0CLOSED", "not_in_channel")
    url = fake.new_response_url()
    await post_signed(slack, slash_command_body(text="ask q?", channel_id="C0CLOSED",
                                                response_url=url))

    [body] = await settle(fake, lambda: fake.responses(url.rsplit("/", 1)[1]))
    assert body["response_type"] == "ephemeral" and "A 30-day halt" in body["text"]


# ------------------------------------------------------------------------ Socket Mode


async def test_socket_mode_acks_envelopes_and_answers(fake: FakeSlack, engine: Engine) -> None:
    adapter = make_adapter(fake, app_token=fake.app_token, signing_secret=None, ping_interval=1)
    adapter.on_request = engine
    await adapter.start()
    try:
        assert adapter.mode == "socket" and adapter.port is None
        command_id = await fake.socket_push("slash_commands",
                                            slash_command_payload(text="latest"))
        command_ack = await fake.wait_for_ack(command_id)
        event = app_mention_event("what now?", ts="1700000002.000100")
        event_id = await fake.socket_push("events_api", event_callback(event))
        event_ack = await fake.wait_for_ack(event_id)
        click_id = await fake.socket_push("interactive",
                                          block_actions_payload("feedback_up", "5"))
        click_ack = await fake.wait_for_ack(click_id)
        await settle(fake, lambda: fake.posted() and fake.streamed(stopped=True)
                     and fake.ephemerals)
    finally:
        await adapter.stop()

    assert command_ack == {"envelope_id": command_id}
    assert event_ack == {"envelope_id": event_id} and click_ack == {"envelope_id": click_id}
    [post] = fake.posted()
    assert "thread_ts" not in post and post["text"] == "did latest"
    # The mention's answer is streamed into its thread (issue 16).
    [streamed] = fake.streamed()
    assert streamed["thread_ts"] == "1700000002.000100"
    assert "A 30-day halt" in streamed["message"]["text"]
    assert [r.command for r in engine.requests] == ["latest", "ask", "feedback"]


# ------------------------------------------------------------------------ sending


async def test_keyed_sends_carry_metadata_and_are_found_again(
        fake: FakeSlack, slack: SlackAdapter) -> None:
    parent = await slack.send(Target("C1"), Notice("parent"), key="sub:1:p0")
    child = await slack.send(Target("C1", thread_id=parent.thread_id), Notice("child"),
                             key="sub:1:p1")
    await slack.send(Target("C1"), Notice("later"), key="sub:2:p0")

    assert parent == MessageRef(parent.message_id, parent.message_id)
    assert fake.posted("C1")[1]["thread_ts"] == parent.message_id
    assert fake.posted("C1")[0]["metadata"] == {
        "event_type": "ceasefire_delivery", "event_payload": {"key": "sub:1:p0"}}
    assert await slack.find_sent(Target("C1"), "sub:1:p0") == parent
    assert await slack.find_sent(Target("C1", thread_id=parent.message_id),
                                 "sub:1:p1") == MessageRef(child.message_id, parent.message_id)
    assert await slack.find_sent(Target("C1"), "sub:9:p0") is None


async def test_find_sent_pages_through_history(fake: FakeSlack, engine: Engine) -> None:
    adapter = make_adapter(fake, history_limit=250)
    await adapter.start()
    try:
        first = await adapter.send(Target("C2"), Notice("old"), key="old")
        for i in range(150):
            fake.add_message("C2", f"chatter {i}")
        found = await adapter.find_sent(Target("C2"), "old")
    finally:
        await adapter.stop()

    assert found == first
    assert len(fake.calls_to("conversations.history")) == 2


async def test_a_brief_429_is_waited_out_and_posts_once(fake: FakeSlack,
                                                        slack: SlackAdapter) -> None:
    fake.rate_limit_next(1, retry_after=0, method="chat.postMessage")

    await slack.send(Target("C3"), Notice("hello"), key="k")

    assert len(fake.posted("C3")) == 1 and fake.rate_limited_count == 1


async def test_429s_beyond_the_retries_are_transient_with_retry_after(
        fake: FakeSlack, engine: Engine) -> None:
    adapter = make_adapter(fake, rate_limit_retries=0)
    await adapter.start()
    fake.rate_limit_next(1, retry_after=7, method="chat.postMessage")
    try:
        with pytest.raises(PlatformError) as info:
            await adapter.send(Target("C3"), Notice("hello"), key="k")
    finally:
        await adapter.stop()

    assert not info.value.permanent and info.value.retry_after == 7.0
    assert fake.posted() == []


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_channel_errors_are_permanent(fake: FakeSlack, slack: SlackAdapter,
                                            error: str) -> None:
    fake.fail_channel("C0GONE", error)
    with pytest.raises(PlatformError) as info:
        await slack.send(Target("C0GONE"), Notice("x"), key="k")
    assert info.value.permanent and info.value.code == error


async def test_ephemeral_replies_go_to_the_user_only(fake: FakeSlack,
                                                     slack: SlackAdapter) -> None:
    await slack.send(Target("C4", user_id="U1", thread_id="1.0"), Reply("psst", ephemeral=True))
    assert fake.posted() == []
    assert [(e["user"], e["thread_ts"], e["text"]) for e in fake.ephemerals] == [
        ("U1", "1.0", "psst")]


async def test_times_use_the_targets_zone(fake: FakeSlack, slack: SlackAdapter) -> None:
    from datetime import UTC, datetime

    from bot.model import UpdatePost

    post = UpdatePost(1, "h", ("p",), ("Harbor",), datetime(2025, 3, 11, 12, tzinfo=UTC), "en")
    await slack.send(Target("C5", zone="Europe/Kyiv"), post)
    assert "2025-03-11 14:00 EET" in fake.posted("C5")[0]["text"]


# ------------------------------------------------------------------------ selection


def test_run_picks_slack_by_token_and_mode() -> None:
    def platforms(env: dict[str, str]) -> list[Any]:
        return build_platforms(load_settings(env=env), RunOptions())

    http = platforms({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                      "SLACK_HTTP_PORT": "3100", "SLACK_API_URL": "http://127.0.0.1:1/api/"})
    socket = platforms({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    console = platforms({})

    assert [(p.name, p.mode, p.http_port, p.api_url) for p in http] == [
        ("slack", "http", 3100, "http://127.0.0.1:1/api/")]
    assert [(p.name, p.mode) for p in socket] == [("slack", "socket")]
    assert [p.name for p in console] == ["console"]
    assert DEFAULT_BOT_USER_ID  # the fake's bot identity is what auth.test returns


def test_a_bot_token_alone_is_a_config_error() -> None:
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        build_platforms(load_settings(env={"SLACK_BOT_TOKEN": "xoxb-1"}), RunOptions())


async def test_socket_mode_reconnects_when_slack_asks(fake: FakeSlack, engine: Engine) -> None:
    adapter = make_adapter(fake, app_token=fake.app_token, signing_secret=None, ping_interval=1)
    adapter.on_request = engine
    await adapter.start()
    try:
        await fake.wait_for_socket()
        await fake.socket_request_disconnect()
        await fake.wait_for(lambda: fake.socket_connections >= 2, timeout=5.0)
        envelope = await fake.socket_push("events_api", event_callback(dm_message_event("hi")),
                                          timeout=5.0)
        await fake.wait_for_ack(envelope)
        await settle(fake, lambda: fake.streamed(DEFAULT_DM_CHANNEL_ID, stopped=True))
    finally:
        await adapter.stop()

    assert len(fake.calls_to("apps.connections.open")) >= 2


@pytest.mark.parametrize("which", ["bot_token", "app_token"])
async def test_a_refused_token_stops_start_up_with_one_line(fake: FakeSlack, which: str) -> None:
    from bot.errors import ConfigError

    options = {"app_token": fake.app_token, "signing_secret": None, which: "xoxb-wrong"}
    adapter = make_adapter(fake, **options)
    with pytest.raises(ConfigError, match=r"SLACK_(BOT|APP)_TOKEN: Slack refused it \(\w+\)"):
        await adapter.start()
    await adapter.stop()
