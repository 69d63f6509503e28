"""The loopback chat fake's rate limits follow Discord's documented model: an answer to an
interaction (a command) is not counted against the global limit, everything else is."""

from __future__ import annotations

import aiohttp

from tests.fakes.chat_fake import ChatFake


async def post(http: aiohttp.ClientSession, fake: ChatFake, channel: str,
               interaction: str | None = None) -> int:
    body: dict[str, object] = {"channel": channel, "text": "x"}
    if interaction is not None:
        body["interaction"] = interaction
    async with http.post(f"{fake.url}/api/messages", json=body) as resp:
        return resp.status


async def test_an_interaction_answer_is_outside_the_global_window_only() -> None:
    async with ChatFake(profile="discord", scale=0.1) as fake, \
            aiohttp.ClientSession() as http:
        # 50 messages in 50 channels fill the global window (50 per 10 s at this scale).
        assert {await post(http, fake, f"C{i}") for i in range(50)} == {200}
        event = fake.type_command("C99", "subscribe")
        assert await post(http, fake, "C98") == 429
        assert await post(http, fake, "C98", interaction="itk-unknown") == 429
        assert await post(http, fake, "C99", interaction=fake.interaction_of(event)) == 200
        # Its channel's window still counts it: 5 per 50 s here.
        for _ in range(4):
            assert await post(http, fake, "C99", interaction=fake.interaction_of(event)) \
                == 200
        assert await post(http, fake, "C99", interaction=fake.interaction_of(event)) == 429
