"""Follow-up suggestions where there are no buttons: the console numbers them under an
answer (``/more 2``) and the loopback platform shows a code under each update
(``/more s12.0.3f9c0d``); typed, they are answered like a click and counted."""

from __future__ import annotations

import re

from config.settings import Settings
from tests.conftest import FakeClock
from tests.loopfix import loopback_bot
from tests.scenario.test_console_session import run_console

CODE = re.compile(r"^  ([as]\d+\.\d\.[0-9a-f]{6})  (.+)$", re.M)


def test_the_console_numbers_suggestions_and_answers_more_n(cli_env: dict[str, str]) -> None:
    proc = run_console(cli_env, "/ask 何が合意された?\n/more 1\n/more 7\n/more <!channel>\n"
                                "/sources\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    asked = out[out.index("> /ask 何が合意された?"):out.index("> /more 1")]
    assert "➡ 続けて質問 (/more と番号を入力):" in asked
    first = re.search(r"^ {2,}1\. (.+)$", asked, re.M)
    assert first is not None and "何が合意" not in first.group(1)
    more = out[out.index("> /more 1"):out.index("> /more 7")]
    assert "💬 " in more and "[1]" in more
    assert "➡ 続けて質問" in more  # the new answer has suggestions of its own
    refused = out[out.index("> /more 7"):out.index("> /sources")]
    assert refused.count("could not be read") == 2 and "💬" not in refused
    assert "follow-up questions clicked: 1" in out[out.index("> /sources"):]


async def test_loopback_shows_codes_under_updates_and_answers_them(
        settings: Settings, clock: FakeClock) -> None:
    async with loopback_bot(settings, clock, connect=False) as wired:
        fake, app = wired.chat, wired.app
        await app.poll()
        await wired.connect()
        fake.type_command("C9", "subscribe realtime en")
        await fake.wait_for(lambda: len(fake.posted("C9")) >= 1)
        await app.sender.drain()
        post = fake.posted("C9")[1]
        codes = CODE.findall(post["text"])
        assert post["thread"] is None and 2 <= len(codes) <= 3
        assert "➡ Ask next in the thread (type /more and the code):" in post["text"]
        count = len(fake.posted("C9"))
        fake.type_command("C9", f"/more {codes[0][0]}", user="U2")
        await fake.wait_for(lambda: len(fake.posted("C9")) > count)
        answer = fake.posted("C9")[count]["text"]
        fake.type_command("C9", "/more 2", user="U2")
        await fake.wait_for(lambda: len(fake.posted("C9")) > count + 1)
        second = fake.posted("C9")[count + 1]["text"]
        stats_at = len(fake.posted("C9"))
        fake.type_command("C9", "sources")
        await fake.wait_for(lambda: len(fake.posted("C9")) > stats_at)
        stats = fake.posted("C9")[stats_at]["text"]
    assert answer.startswith("💬 ") and "➡ Ask next (type /more and the number):" in answer
    assert second.startswith("💬 ") and second != answer
    assert "follow-up questions clicked: 2" in stats
