"""`ceasefire-bot run` as an operator starts it: Slack tokens in the environment, HTTP mode on
SLACK_HTTP_PORT, a signed slash command answered, SIGTERM for a clean exit."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from tests.fakes.slack_fake import (
    DEFAULT_CHANNEL_ID,
    FakeSlack,
    signed_request_headers,
    slash_command_body,
)

SECRET = "cli-signing-secret"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def post_when_listening(port: int, body: str) -> int:
    """Retry until the bot's server is up (it polls the demo feeds first)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20.0
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                                     headers=signed_request_headers(SECRET, body)) as response:
                    return response.status
            except aiohttp.ClientConnectionError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.1)


async def test_run_serves_slack_in_http_mode_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    async with FakeSlack() as fake:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(SLACK_BOT_TOKEN=fake.bot_token, SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=fake.api_url, SLACK_HTTP_PORT=str(port),
                   CEASEFIRE_BOT_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, cwd=str(ROOT),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            status = await post_when_listening(
                port, slash_command_body(text="ask What was agreed in Jeddah?"))
            [answer] = await fake.wait_for(lambda: fake.posted(DEFAULT_CHANNEL_ID), timeout=10)
        finally:
            process.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(process.communicate(), 20.0)

    assert status == 200
    assert answer["blocks"][-1]["type"] == "actions" and "💬" in answer["text"]
    assert process.returncode == 0, err.decode()[-2000:]
    assert fake.bot_token not in err.decode() and "WARNING" not in err.decode(), err.decode()
