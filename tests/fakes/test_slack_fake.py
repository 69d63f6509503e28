"""Proves the Slack fake against the real slack_sdk / slack_bolt code paths.

If these pass, bot tests built on the fake exercise genuine Bolt behaviour: signature checks,
ack timing, retry handlers and Socket Mode envelopes/acks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from .slack_fake import (
    DEFAULT_BOT_USER_ID,
    DEFAULT_CHANNEL_ID,
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
from .slack_stream_fake import app_home_opened_event

pytestmark = pytest.mark.asyncio

SECRET = "test-signing-secret"



@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


def web_client(fake: FakeSlack, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(base_url=fake.api_url, token=token or fake.bot_token)


def bolt_app(fake: FakeSlack) -> AsyncApp:
    """The token travels inside the client; passing token= as well only logs a warning."""
    return AsyncApp(client=web_client(fake), signing_secret=SECRET)


@asynccontextmanager
async def bolt_http(app: AsyncApp) -> AsyncIterator[TestClient[Any, Any]]:
    """Serve Bolt's own aiohttp app on loopback, as in production HTTP mode."""
    server = TestServer(app.web_app(path="/slack/events"), host="127.0.0.1")
    async with TestClient(server) as client:
        yield client


async def post_signed(http: TestClient[Any, Any], body: str, **header_args: Any) -> int:
    secret = header_args.pop("secret", SECRET)
    headers = signed_request_headers(secret, body, **header_args)
    response = await http.post("/slack/events", data=body, headers=headers)
    await response.read()
    return response.status


# -------------------------------------------------------------------------------- HTTP mode


async def test_slash_command_acks_fast_then_responds_and_says(fake: FakeSlack) -> None:
    app = bolt_app(fake)

    @app.command("/ceasefire")
    async def on_command(ack: Any, respond: Any, say: Any, command: dict[str, str]) -> None:
        await ack()
        await respond(f"answer to {command['text']}")
        await say("posted publicly")

    response_url = fake.new_response_url()
    body = slash_command_body(text="ask talks", response_url=response_url)
    async with bolt_http(app) as http:
        started = time.monotonic()
        assert await post_signed(http, body) == 200
        assert time.monotonic() - started < 3.0  # Slack's ack deadline
        bodies = await fake.wait_for(lambda: fake.responses(response_url.rsplit("/", 1)[1]))
        posts = await fake.wait_for(lambda: fake.posted(DEFAULT_CHANNEL_ID))

    assert bodies[0]["text"] == "answer to ask talks"
    assert posts[0]["text"] == "posted publicly"
    assert fake.calls_to("auth.test"), "Bolt authorizes via auth.test on the fake"


async def test_app_mention_reply_is_threaded(fake: FakeSlack) -> None:
    app = bolt_app(fake)

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], say: Any) -> None:
        await say(text="reply", thread_ts=event.get("thread_ts") or event["ts"])

    event = app_mention_event("what's new?")
    async with bolt_http(app) as http:
        assert await post_signed(http, event_body(event)) == 200
        posts = await fake.wait_for(lambda: fake.posted(DEFAULT_CHANNEL_ID))

    assert posts[0]["thread_ts"] == event["ts"]
    assert event["text"].startswith(f"<@{DEFAULT_BOT_USER_ID}>")


async def test_dm_and_thread_messages_reach_message_listener(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    seen: list[dict[str, Any]] = []

    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        seen.append(event)

    dm = dm_message_event("hello bot")
    reply = thread_message_event("follow-up", thread_ts="1700000000.000100")
    async with bolt_http(app) as http:
        assert await post_signed(http, event_body(dm)) == 200
        assert await post_signed(http, event_body(reply)) == 200
        await fake.wait_for(lambda: len(seen) == 2)

    by_text = {e["text"]: e for e in seen}
    assert by_text["hello bot"]["channel_type"] == "im"
    assert by_text["follow-up"]["thread_ts"] == "1700000000.000100"


async def test_block_action_is_acked_and_responds(fake: FakeSlack) -> None:
    app = bolt_app(fake)

    @app.action("approve")
    async def on_approve(ack: Any, respond: Any, action: dict[str, Any]) -> None:
        await ack()
        await respond(f"approved {action['value']}")

    response_url = fake.new_response_url()
    body = block_actions_body("approve", "item-7", response_url=response_url)
    async with bolt_http(app) as http:
        assert await post_signed(http, body) == 200
        bodies = await fake.wait_for(lambda: fake.responses())

    assert bodies[0]["text"] == "approved item-7"


@pytest.mark.parametrize(
    ("secret", "age_seconds"),
    [("wrong-secret", 0), (SECRET, 6 * 60)],
    ids=["bad-signature", "stale-timestamp"],
)
async def test_unverified_requests_are_rejected(
    fake: FakeSlack, secret: str, age_seconds: int
) -> None:
    app = bolt_app(fake)
    called: list[bool] = []

    @app.command("/ceasefire")
    async def on_command(ack: Any) -> None:
        called.append(True)
        await ack()

    body = slash_command_body()
    timestamp = int(time.time()) - age_seconds
    async with bolt_http(app) as http:
        status = await post_signed(http, body, secret=secret, timestamp=timestamp)
        await asyncio.sleep(0.05)

    assert status == 401
    assert not called
    assert fake.calls == []


# ------------------------------------------------------------------- Web API error modes


async def test_429_without_retry_handler_surfaces_ratelimited(fake: FakeSlack) -> None:
    fake.rate_limit_next(1, retry_after=7, method="chat.postMessage")
    with pytest.raises(SlackApiError) as info:
        await web_client(fake).chat_postMessage(channel="C1", text="hi")

    assert info.value.response.status_code == 429
    assert info.value.response["error"] == "ratelimited"
    assert info.value.response.headers["Retry-After"] == "7"
    assert fake.posted() == []


async def test_429_then_success_posts_exactly_once_via_bolt(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    # Bolt copies app.client.retry_handlers into each per-request client, so `say` retries too.
    app.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], say: Any) -> None:
        await say(text="after backoff", thread_ts=event["ts"])

    # Retry-After 0: slack_sdk sleeps int(header) + random() seconds, so this stays under 1 s.
    fake.rate_limit_next(1, retry_after=0, method="chat.postMessage")
    async with bolt_http(app) as http:
        assert await post_signed(http, event_body(app_mention_event("hi"))) == 200
        await fake.wait_for(lambda: fake.posted(DEFAULT_CHANNEL_ID), timeout=3.0)

    assert len(fake.posted()) == 1
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert fake.rate_limited_count == 1


async def test_server_error_is_retried_by_server_error_handler(fake: FakeSlack) -> None:
    client = web_client(fake)
    client.retry_handlers.append(
        AsyncServerErrorRetryHandler(
            max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
        )
    )
    fake.server_error_next(1, status=503, method="chat.postMessage")

    response = await client.chat_postMessage(channel="C1", text="hi")

    assert response["ok"] is True
    assert len(fake.calls_to("chat.postMessage")) == 2


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_channel_failures(fake: FakeSlack, error: str) -> None:
    fake.fail_channel("C0GONE", error)
    with pytest.raises(SlackApiError) as info:
        await web_client(fake).chat_postMessage(channel="C0GONE", text="hi")

    assert info.value.response["error"] == error
    assert (await web_client(fake).chat_postMessage(channel="C0OK", text="hi"))["ok"]


async def test_wrong_token_is_invalid_auth(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as info:
        await web_client(fake, token="xoxb-wrong").auth_test()

    assert info.value.response["error"] == "invalid_auth"


async def test_enforced_post_rate_is_per_channel_with_burst() -> None:
    now = [100.0]
    async with FakeSlack(post_rate_per_sec=1.0, post_burst=2, clock=lambda: now[0]) as fake:
        client = web_client(fake)
        for _ in range(2):
            await client.chat_postMessage(channel="C1", text="burst")
        with pytest.raises(SlackApiError) as info:
            await client.chat_postMessage(channel="C1", text="too fast")
        await client.chat_postMessage(channel="C2", text="other channel is independent")
        now[0] += 1.0
        await client.chat_postMessage(channel="C1", text="after refill")

    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert fake.throttled_count == 1
    assert fake.throttled_by_channel == {"C1": 1}
    assert [p["text"] for p in fake.posted("C1")] == ["burst", "burst", "after refill"]


async def test_methods_are_limited_by_their_tier_by_default() -> None:
    now = [100.0]
    async with FakeSlack(clock=lambda: now[0]) as fake:
        client = web_client(fake)
        for _ in range(50):  # Tier 3: 50 a minute, all at once allowed
            await client.conversations_info(channel="C1")
        with pytest.raises(SlackApiError) as info:
            await client.conversations_info(channel="C1")
        await client.users_info(user="U1")  # another method has its own budget
        now[0] += 60 / 50
        await client.conversations_info(channel="C1")

    assert info.value.response.status_code == 429
    assert info.value.response["error"] == "ratelimited"
    assert info.value.response.headers["Retry-After"] == "2"
    assert fake.rate_limited_count == 1 and fake.throttled_count == 0


async def test_default_post_rate_is_about_one_a_second_per_channel() -> None:
    now = [100.0]
    async with FakeSlack(clock=lambda: now[0]) as fake:
        client = web_client(fake)
        for _ in range(3):
            await client.chat_postMessage(channel="C1", text="burst")
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C1", text="too fast")
    assert fake.throttled_by_channel == {"C1": 1}


async def test_limits_off_when_a_test_says_so() -> None:
    async with FakeSlack(limits=False) as fake:
        client = web_client(fake)
        for _ in range(60):
            await client.conversations_info(channel="C1")
            await client.chat_postMessage(channel="C1", text="no limit")
    assert fake.rate_limited_count == 0 and len(fake.posted("C1")) == 60


# --------------------------------------------------------------- history and other methods


async def test_history_metadata_supports_delivery_key_lookup(fake: FakeSlack) -> None:
    client = web_client(fake)
    for key in ("k1", "k2", "k3"):
        await client.chat_postMessage(
            channel="C1",
            text=f"item {key}",
            metadata={"event_type": "ceasefire_delivery", "event_payload": {"key": key}},
        )

    plain = await client.conversations_history(channel="C1")
    with_meta = await client.conversations_history(channel="C1", include_all_metadata=True, limit=2)

    assert all("metadata" not in m for m in plain["messages"])
    assert [m["metadata"]["event_payload"]["key"] for m in with_meta["messages"]] == ["k3", "k2"]
    assert with_meta["has_more"] is True
    oldest = with_meta["messages"][0]["ts"]
    newer = await client.conversations_history(channel="C1", oldest=oldest)
    assert newer["messages"] == []


async def test_replies_history_and_misc_methods(fake: FakeSlack) -> None:
    client = web_client(fake)
    fake.add_user("U0ADMIN", is_admin=True)
    parent = await client.chat_postMessage(channel="C1", text="parent")
    await client.chat_postMessage(
        channel="C1",
        thread_ts=parent["ts"],
        text="reply",
        metadata={"event_type": "e", "event_payload": {"key": "r1"}},
    )

    replies = await client.conversations_replies(
        channel="C1", ts=parent["ts"], include_all_metadata=True
    )
    history = await client.conversations_history(channel="C1")
    admin = await client.users_info(user="U0ADMIN")
    dm = await client.conversations_open(users="U0ADMIN")
    link = await client.chat_getPermalink(channel="C1", message_ts=parent["ts"])
    updated = await client.chat_update(channel="C1", ts=parent["ts"], text="edited")

    assert [m["text"] for m in replies["messages"]] == ["parent", "reply"]
    assert replies["messages"][1]["metadata"]["event_payload"] == {"key": "r1"}
    assert [m["text"] for m in history["messages"]] == ["parent"]
    assert history["messages"][0]["reply_count"] == 1
    assert admin["user"]["is_admin"] is True
    assert dm["channel"]["id"].startswith("D")
    assert link["permalink"].endswith(parent["ts"].replace(".", ""))
    assert updated["message"]["text"] == "edited"
    assert float(parent["ts"]) < float(replies["messages"][1]["ts"])


async def test_chat_update_keeps_slacks_rules(fake: FakeSlack) -> None:
    """Only the bot's own messages, something to show, Block Kit's limits (as Slack)."""
    client = web_client(fake)
    mine = await client.chat_postMessage(channel="C1", text="block")
    theirs = fake.add_message("C1", "a person's message")
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    refused = {}
    for name, kwargs in {
        "theirs": {"ts": theirs["ts"], "text": "edited"},
        "gone": {"ts": "1.000001", "text": "edited"},
        "empty": {"ts": mine["ts"], "text": ""},
        "section": {"ts": mine["ts"], "text": "t", "blocks": too_long},
    }.items():
        with pytest.raises(SlackApiError) as caught:
            await client.chat_update(channel="C1", **kwargs)
        refused[name] = caught.value.response["error"]
    updated = await client.chat_update(channel="C1", ts=mine["ts"], text="block, edited")

    assert refused == {"theirs": "cant_update_message", "gone": "message_not_found",
                       "empty": "no_text", "section": "invalid_blocks"}
    assert updated["message"]["text"] == "block, edited"
    assert [u["text"] for u in fake.updates] == ["block, edited"]


# -------------------------------------------------------------------------- Socket Mode


async def test_socket_mode_slash_command_and_event_are_acked(fake: FakeSlack) -> None:
    app = bolt_app(fake)

    @app.command("/ceasefire")
    async def on_command(ack: Any, say: Any, command: dict[str, str]) -> None:
        await ack("working on it")
        await say(f"answer: {command['text']}")

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], say: Any) -> None:
        await say(text="mention reply", thread_ts=event["ts"])

    @app.action("approve")
    async def on_approve(ack: Any) -> None:
        await ack()

    handler = AsyncSocketModeHandler(app, app_token=fake.app_token, ping_interval=1)
    await handler.connect_async()
    try:
        command_id = await fake.socket_push("slash_commands", slash_command_payload(text="ask"))
        command_ack = await fake.wait_for_ack(command_id)
        event_id = await fake.socket_push("events_api", event_callback(app_mention_event("hi")))
        event_ack = await fake.wait_for_ack(event_id)
        # Bolt answers unhandled requests with 404 and then sends no ack at all.
        ignored_id = await fake.socket_push("interactive", block_actions_payload("other", "1"))
        action_id = await fake.socket_push("interactive", block_actions_payload("approve", "1"))
        action_ack = await fake.wait_for_ack(action_id)
        await fake.wait_for(lambda: len(fake.posted()) == 2)
        posts = fake.posted()
        await asyncio.sleep(0.05)  # give the ignored envelope time to (not) be acked
    finally:
        await handler.close_async()

    assert fake.socket_sent[0]["type"] == "hello"
    assert command_ack == {"envelope_id": command_id, "payload": {"text": "working on it"}}
    assert event_ack == {"envelope_id": event_id}
    assert action_ack == {"envelope_id": action_id}
    assert fake.ack_for(ignored_id) is None
    assert {p["text"] for p in posts} == {"answer: ask", "mention reply"}
    assert fake.calls_to("apps.connections.open")


# ----------------------------------------------------------- streams and the agent DM (#16)


async def test_a_stream_answers_a_message_and_closes_for_good(fake: FakeSlack) -> None:
    """slack_sdk's chat_stream against the fake: start, append, stop; then Slack's rules."""
    client = web_client(fake)
    stream = await client.chat_stream(channel="C1", thread_ts="1700000000.000100",
                                      recipient_user_id="U0HUMAN",
                                      recipient_team_id=fake.team_id, buffer_size=1)
    await stream.append(markdown_text="**Half** ")
    await stream.append(markdown_text="an answer.")
    source = {"type": "url", "url": "https://demo.example/1", "text": "[1] Talks"}
    task = {"type": "task_update", "id": "s", "title": "Sources", "status": "complete",
            "sources": [source]}
    meta = {"event_type": "ceasefire_delivery", "event_payload": {"key": "k1"}}
    await stream.stop(chunks=[task], metadata=meta,
                      blocks=[{"type": "context_actions", "elements": []}])
    refused = {}
    for name, method, kwargs in [
        ("after stop", "chat.appendStream", {"channel": "C1", "ts": stream.ts,
                                             "markdown_text": "more"}),
        ("stop twice", "chat.stopStream", {"channel": "C1", "ts": stream.ts}),
        ("no thread", "chat.startStream", {"channel": "D0HUMAN", "markdown_text": "x"}),
        ("channel, no recipient", "chat.startStream",
         {"channel": "C1", "thread_ts": "1.1", "markdown_text": "x"}),
        ("to the bot", "chat.startStream",
         {"channel": "C1", "thread_ts": "1.1", "recipient_user_id": DEFAULT_BOT_USER_ID,
          "recipient_team_id": fake.team_id}),
        ("too long", "chat.startStream",
         {"channel": "D0HUMAN", "thread_ts": "1.1", "markdown_text": "x" * 12_001}),
        ("bad source", "chat.startStream",
         {"channel": "D0HUMAN", "thread_ts": "1.1",
          "chunks": [{**task, "sources": [{**source, "url": "javascript:alert(1)"}]}]}),
        ("unknown", "chat.appendStream", {"channel": "C1", "ts": "9.9", "markdown_text": "x"}),
    ]:
        with pytest.raises(SlackApiError) as caught:
            await client.api_call(method, json=kwargs)
        refused[name] = caught.value.response["error"]
    replies = await client.conversations_replies(channel="C1", ts="1700000000.000100",
                                                 include_all_metadata=True)

    [done] = fake.streamed("C1", stopped=True)
    # slack_sdk sends the text as markdown_text chunks; the task follows them.
    assert done["markdown"] == ["**Half** ", "an answer."] and done["chunks"][-1] == task
    assert refused == {
        "after stop": "message_not_in_streaming_state",
        "stop twice": "message_not_in_streaming_state", "no thread": "invalid_arguments",
        "channel, no recipient": "invalid_arguments", "to the bot": "invalid_arguments",
        "too long": "msg_too_long", "bad source": "invalid_chunks",
        "unknown": "message_not_found"}
    [message] = replies["messages"]  # the streamed message is an ordinary bot message
    assert message["text"] == "**Half** an answer." and message["metadata"] == meta


async def test_an_idle_stream_times_out_and_chat_update_still_works() -> None:
    now = [1000.0]
    async with FakeSlack(clock=lambda: now[0], stream_timeout=10.0) as fake:
        client = web_client(fake)
        started = await client.chat_startStream(channel="D0HUMAN", thread_ts="1.1",
                                                markdown_text="part one")
        now[0] += 5.0
        await client.chat_appendStream(channel="D0HUMAN", ts=started["ts"],
                                       markdown_text=", two")
        now[0] += 11.0
        with pytest.raises(SlackApiError) as caught:
            await client.chat_appendStream(channel="D0HUMAN", ts=started["ts"],
                                           markdown_text=", three")
        await client.chat_update(channel="D0HUMAN", ts=started["ts"], text="the full answer")

    assert caught.value.response["error"] == "message_not_in_streaming_state"
    [stream] = fake.streamed()
    assert stream["state"] == "expired" and stream["message"]["text"] == "the full answer"


async def test_assistant_thread_methods_keep_slacks_rules(fake: FakeSlack) -> None:
    client = web_client(fake)
    five = [{"title": f"t{i}", "message": f"m{i}"} for i in range(5)]
    await client.assistant_threads_setSuggestedPrompts(channel_id="D0HUMAN", prompts=five[:3])
    await client.assistant_threads_setStatus(channel_id="D0HUMAN", thread_ts="1.1",
                                             status="Searching…")
    await client.assistant_threads_setStatus(channel_id="D0HUMAN", thread_ts="1.1", status="")
    await client.assistant_threads_setTitle(channel_id="D0HUMAN", thread_ts="1.1", title="Q")
    refused = []
    for call in (client.assistant_threads_setSuggestedPrompts(channel_id="D0HUMAN",
                                                              prompts=five),
                 client.assistant_threads_setSuggestedPrompts(
                     channel_id="D0HUMAN", prompts=[{"title": "no message"}]),
                 client.api_call("assistant.threads.setStatus",
                                 json={"channel_id": "D0HUMAN", "status": "x"}),
                 client.assistant_threads_setTitle(channel_id="D0HUMAN", thread_ts="1.1",
                                                   title="")):
        with pytest.raises(SlackApiError) as caught:
            await call
        refused.append(caught.value.response["error"])

    assert refused == ["invalid_arguments"] * 4
    assert [p["prompts"] for p in fake.prompts] == [five[:3]]
    assert [s["status"] for s in fake.statuses] == ["Searching…", ""]
    assert [t["title"] for t in fake.titles] == ["Q"]


async def test_bolts_agent_helpers_work_against_the_fake(fake: FakeSlack) -> None:
    """Bolt's own set_suggested_prompts (Messages tab opened), set_status and say_stream
    (a DM) reach the fake as the real Slack would get them."""
    app = bolt_app(fake)

    @app.event("app_home_opened")
    async def on_open(set_suggested_prompts: Any) -> None:
        await set_suggested_prompts(prompts=["What changed since yesterday?"])

    @app.event("message")
    async def on_dm(set_status: Any, say_stream: Any) -> None:
        await set_status(status="Searching…")
        stream = await say_stream(buffer_size=1)
        await stream.append(markdown_text="answer")
        await stream.stop()

    dm = dm_message_event("what now?")
    opened = app_home_opened_event(user="U0HUMAN", channel="D0HUMAN")
    async with bolt_http(app) as http:
        assert await post_signed(http, event_body(opened)) == 200
        assert await post_signed(http, event_body(dm)) == 200
        await fake.wait_for(lambda: fake.prompts and fake.streamed(stopped=True))

    assert fake.prompts[0]["channel_id"] == "D0HUMAN"
    assert fake.statuses[0]["thread_ts"] == dm["ts"]
    [stream] = fake.streamed()
    assert (stream["thread_ts"], stream["recipient_user_id"]) == (dm["ts"], "U0HUMAN")
