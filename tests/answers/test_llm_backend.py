"""The optional LLM backend against a loopback OpenAI-compatible endpoint: its output is
used only when every sentence cites a source it was given and every number is in them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.app import BotApp
from bot.model import Answer, Briefing, Request
from tests.answers.support import FixedClock, demo_settings

QUESTION = "What did Ukraine agree to in Jeddah?"


class FakeOpenAI:
    """POST /v1/chat/completions with the real request and response JSON shapes."""

    def __init__(self) -> None:
        self.reply = ""
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []

    async def completions(self, request: web.Request) -> web.Response:
        self.requests.append(await request.json())
        self.auth.append(request.headers.get("Authorization"))
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.json_response({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "fake",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self.reply}}]})


@pytest.fixture
async def fake_llm() -> AsyncIterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield fake, str(server.make_url("/v1"))
    finally:
        await server.close()


async def ask_with_llm(demo_dir: Path, base_url: str, *, limit_s: float = 5.0,
                       lang: str = "en") -> Answer:
    settings = demo_settings(demo_dir, llm={"enabled": True, "base_url": base_url,
                                            "model": "fake", "timeout_seconds": limit_s,
                                            "api_key": "sk-test"})
    async with BotApp(settings, clock=FixedClock()) as app:
        result = await app.handle(Request(platform="console", command="ask", text=QUESTION,
                                          channel_id="C", lang=lang))  # type: ignore[arg-type]
    assert isinstance(result, Answer) and result.answerable
    return result


async def test_a_checked_llm_answer_is_used_in_the_channel_language(
        demo_dir: Path, fake_llm: tuple[FakeOpenAI, str]) -> None:
    fake, url = fake_llm
    fake.reply = ("ウクライナは30日間の停戦案を受け入れる用意があると表明した[1]。"
                  "米国は機密情報の共有を再開する[2]。")
    answer = await ask_with_llm(demo_dir, url, lang="ja")
    assert answer.note == "llm"
    assert "30日間" in answer.text and "[1]" in answer.text
    sent = fake.requests[0]
    assert sent["model"] == "fake"
    user = sent["messages"][-1]["content"]
    assert "[1]" in user and "[2]" in user and QUESTION in user
    assert "Japanese" in sent["messages"][0]["content"]
    assert fake.auth[0] == "Bearer sk-test"


@pytest.mark.parametrize("reply,why", [
    ("Ukraine accepted a ceasefire.", "cites nothing"),
    ("Ukraine accepted a 30-day ceasefire [9].", "cites a source it was not given"),
    ("Ukraine accepted a 45-day ceasefire [1].", "invents a number"),
    ("Ukraine accepted a ceasefire in December [1].", "invents a date"),
    ("Ukraine accepted a ceasefire [1]. Russia will agree soon.", "leaves a sentence uncited"),
])
async def test_llm_output_that_breaks_a_rule_is_rejected_for_the_extractive_answer(
        demo_dir: Path, fake_llm: tuple[FakeOpenAI, str], reply: str, why: str) -> None:
    fake, url = fake_llm
    fake.reply = reply
    answer = await ask_with_llm(demo_dir, url)
    assert fake.requests, why
    assert answer.note == "", why
    assert "45-day" not in answer.text and "December" not in answer.text


async def test_a_slow_llm_times_out_and_the_extractive_answer_is_used(
        demo_dir: Path, fake_llm: tuple[FakeOpenAI, str]) -> None:
    fake, url = fake_llm
    fake.reply = "Ukraine accepted a 30-day ceasefire [1]."
    fake.delay = 2.0
    answer = await ask_with_llm(demo_dir, url, limit_s=0.2)
    assert answer.note == "" and "Jeddah" in answer.text


async def test_the_llm_is_not_called_when_disabled(
        demo_dir: Path, fake_llm: tuple[FakeOpenAI, str]) -> None:
    fake, _url = fake_llm
    async with BotApp(demo_settings(demo_dir), clock=FixedClock()) as app:
        result = await app.handle(Request(platform="console", command="ask", text=QUESTION,
                                          channel_id="C", lang="en"))
    assert isinstance(result, Answer) and result.answerable and not fake.requests
    assert json.dumps(result.text)


async def test_the_llm_writes_the_commentary_in_the_channel_language_when_it_checks_out(
        demo_dir: Path, fake_llm: tuple[FakeOpenAI, str]) -> None:
    fake, url = fake_llm
    fake.reply = "欧州首脳は安全の保証について協議した[1]。"
    settings = demo_settings(demo_dir, llm={"enabled": True, "base_url": url,
                                            "model": "fake", "timeout_seconds": 5})
    async with BotApp(settings, clock=FixedClock()) as app:
        result = await app.handle(Request(platform="console", command="latest",
                                          channel_id="C", lang="ja"))
    assert isinstance(result, Briefing) and result.qa
    assert all(qa.sentences[0].text == "欧州首脳は安全の保証について協議した。"
               for qa in result.qa)
    assert len(fake.requests) == len(result.qa)
    fake.reply = "合意は2026年に発効する[1]。"  # a year no source gives
    async with BotApp(settings, clock=FixedClock()) as app:
        kept = await app.handle(Request(platform="console", command="latest",
                                        channel_id="C", lang="ja"))
    assert isinstance(kept, Briefing)
    assert not any("2026" in s.text for qa in kept.qa for s in qa.sentences)
