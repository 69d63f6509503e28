"""The console remembers the keys of the messages it printed last, not all of them."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from bot.model import Notice
from bot.platforms.base import Target
from bot.platforms.console import ConsoleAdapter
from bot.platforms.console.adapter import SENT_KEPT


async def test_months_of_posts_keep_a_bounded_set_of_keys() -> None:
    out = io.StringIO()
    console = ConsoleAdapter(zone=ZoneInfo("UTC"), stdin=io.StringIO(""), out=out)
    target = Target("console")
    refs = {}
    for n in range(3 * SENT_KEPT):  # the outbox sends each post under its delivery key
        refs[n] = await console.send(target, Notice(f"update {n}"), key=f"post:{n}")
        assert len(console._sent) <= SENT_KEPT
    printed = out.getvalue()
    # A retry of a recent post (its claim's lease ran out mid-send) prints nothing again.
    last = 3 * SENT_KEPT - 1
    assert await console.send(target, Notice(f"update {last}"), key=f"post:{last}") \
        == refs[last]
    assert await console.find_sent(target, f"post:{last}") == refs[last]
    assert out.getvalue() == printed
    assert await console.find_sent(target, "post:0") is None  # long gone: forgotten
