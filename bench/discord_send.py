"""Discord adapter send cost against the loopback fake, compared in the same run with a bare
discord.py ``channel.send`` of the same embed (the baseline).

The adapter adds rendering, the permission check, the nonce and allowed-mentions; this shows
what that costs per message next to the HTTP round trip. Prints a table, then one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord

from bot.model import UpdatePost
from bot.platforms.base import Target
from bot.platforms.discord import DiscordAdapter
from bot.platforms.discord.render import render
from bot.platforms.discord.settings import DiscordSettings
from tests.fakes.discord_fake import running_fake

N = 200
ZONE = ZoneInfo("Asia/Tokyo")


def post(i: int) -> UpdatePost:
    return UpdatePost(i, f"Talks resume in Istanbul, round {i}",
                      ("Delegations met for two hours.", "A prisoner swap was agreed.",
                       "The next round is expected in July."),
                      ("Harbor Wire", "Nami News", "Meridian Daily"),
                      datetime(2025, 6, 2, tzinfo=UTC), "en")


async def main() -> None:
    async with running_fake() as fake:
        guild = fake.add_guild()
        settings = DiscordSettings(token=fake.token, api_base=fake.api_base)
        adapter = DiscordAdapter(settings, zone=ZONE, guild_ready_timeout=0.1)
        await adapter.start()
        try:
            assert adapter.client is not None
            channel = adapter.client.get_channel(guild.text_channel_id)
            assert isinstance(channel, discord.TextChannel)
            target = Target(str(guild.text_channel_id))
            baseline, ours = [], []
            for i in range(N):
                embeds = list(render(post(i), zone=ZONE)[0].embeds)
                start = time.perf_counter()
                await channel.send(embeds=embeds)
                baseline.append(time.perf_counter() - start)
                start = time.perf_counter()
                await adapter.send(target, post(i), key=f"bench:{i}")
                ours.append(time.perf_counter() - start)
        finally:
            await adapter.stop()
    rows = [("discord.py channel.send (baseline)", baseline), ("DiscordAdapter.send", ours)]
    print(f"{'path':38} {'median ms':>10} {'p95 ms':>8} {'msgs/s':>8}")
    figures = {}
    for name, samples in rows:
        median = statistics.median(samples) * 1000
        p95 = sorted(samples)[int(len(samples) * 0.95)] * 1000
        rate = len(samples) / sum(samples)
        print(f"{name:38} {median:10.2f} {p95:8.2f} {rate:8.0f}")
        figures[name] = {"median_ms": round(median, 3), "p95_ms": round(p95, 3),
                         "per_second": round(rate, 1)}
    overhead = statistics.median(ours) / statistics.median(baseline)
    print(f"adapter / baseline (median): {overhead:.2f}x over {N} messages each")
    print(json.dumps({"bench": "discord_send", "messages": N,
                      "baseline_median_ms": figures[rows[0][0]]["median_ms"],
                      "adapter_median_ms": figures[rows[1][0]]["median_ms"],
                      "ratio": round(overhead, 3)}))


if __name__ == "__main__":
    asyncio.run(main())
