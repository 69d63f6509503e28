"""How fast the Slack adapter acks while the real work is slow, against a bare Bolt app.

Slack drops (and retries) any request not acked within 3 s. The baseline is slack-bolt's own
AsyncApp whose listener only acks. Ours acks, then answers after 0.5 s of work per request.
Both receive the same burst of signed slash commands over loopback HTTP, and the time to the
HTTP 200 is measured. The run also checks that ours posted every answer. Runs offline
against tests/fakes/slack_fake.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.model import Reply, Request, Result
from bot.platforms.slack import SlackAdapter
from tests.fakes.slack_fake import (
    FakeSlack,
    signed_request_headers,
    slash_command_body,
)

SECRET = "bench-secret"
REQUESTS = 60
WORK_SECONDS = 0.5


async def burst(port: int) -> list[float]:
    """Send REQUESTS signed slash commands at once; seconds until each got its 200."""

    async def one(http: aiohttp.ClientSession, i: int) -> float:
        body = slash_command_body(text=f"ask question {i}")
        started = time.perf_counter()
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                             headers=signed_request_headers(SECRET, body)) as response:
            await response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - started

    async with aiohttp.ClientSession() as http:
        await one(http, -1)  # warm-up: Bolt's first request runs auth.test
        return list(await asyncio.gather(*(one(http, i) for i in range(REQUESTS))))


async def baseline(fake: FakeSlack) -> list[float]:
    app = AsyncApp(client=AsyncWebClient(base_url=fake.api_url, token=fake.bot_token),
                   signing_secret=SECRET)

    @app.command("/ceasefire")
    async def on_command(ack: Any) -> None:
        await ack()

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        return await burst(int(runner.addresses[0][1]))
    finally:
        await runner.cleanup()


async def ours(fake: FakeSlack) -> tuple[list[float], int]:
    async def slow_engine(req: Request) -> Result:
        await asyncio.sleep(WORK_SECONDS)
        return Reply(f"answer to {req.text}")

    adapter = SlackAdapter(bot_token=fake.bot_token, zone=ZoneInfo("UTC"), signing_secret=SECRET,
                           api_url=fake.api_url, http_port=0, http_host="127.0.0.1")
    adapter.on_request = slow_engine
    await adapter.start()
    try:
        latencies = await burst(adapter.port or 0)
        await fake.wait_for(lambda: len(fake.posted()) >= REQUESTS + 1, timeout=30.0)
        return latencies, len(fake.posted())
    finally:
        await adapter.stop()


def row(name: str, values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    figures = {"p50_ms": statistics.median(ordered) * 1000,
               "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
               "max_ms": ordered[-1] * 1000}
    print(f"{name:<34} {figures['p50_ms']:>8.1f} {figures['p95_ms']:>8.1f} "
          f"{figures['max_ms']:>8.1f}")
    return figures


async def main() -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        os.environ.pop(name, None)
    # Acks, not posting rates, are measured: the burst of answers to one channel would
    # otherwise wait out Slack's ~1 post/s (the fake enforces it by default).
    async with FakeSlack(limits=False) as fake:
        base = await baseline(fake)
    async with FakeSlack(limits=False) as fake:
        mine, posted = await ours(fake)
    print(f"{REQUESTS} concurrent signed slash commands, time to HTTP 200 (ms)")
    print(f"{'':<34} {'p50':>8} {'p95':>8} {'max':>8}")
    b = row("bare Bolt app, ack only (baseline)", base)
    m = row(f"ceasefire adapter, {WORK_SECONDS}s work", mine)
    print(f"answers posted by the adapter: {posted - 1}/{REQUESTS} (+1 warm-up); "
          f"Slack's ack deadline: 3000 ms")
    print(json.dumps({"bench": "slack_ack", "requests": REQUESTS, "work_s": WORK_SECONDS,
                      "baseline": {k: round(v, 1) for k, v in b.items()},
                      "adapter": {k: round(v, 1) for k, v in m.items()},
                      "answers_posted": posted - 1}))


if __name__ == "__main__":
    asyncio.run(main())
