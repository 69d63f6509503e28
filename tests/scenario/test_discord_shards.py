"""Two processes split the shards: each sends only the outbox rows of guilds on its shards."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.app import BotApp
from bot.delivery import outbox
from bot.model import Notice
from bot.platforms.discord import DiscordAdapter
from bot.platforms.discord.settings import SECTION as DISCORD
from bot.platforms.registry import load_settings
from bot.store.models import Delivery, Subscription
from tests.fakes.discord_fake import running_fake

NOW = datetime(2025, 8, 20, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return NOW


async def test_each_process_sends_only_for_the_guilds_of_its_shards(tmp_path: Path) -> None:
    async with running_fake() as fake:
        guilds = [fake.add_guild(f"g{i}", guild_id=fake.guild_id_for_shard(i, 2))
                  for i in (0, 1)]
        settings = load_settings(env={"CEASEFIRE_BOT_DATA_DIR": str(tmp_path),
                                      "DISCORD_TOKEN": fake.token,
                                      "DISCORD_API_BASE": fake.api_base})
        adapters = [DiscordAdapter(settings.section(DISCORD), zone=settings.zone, shard_ids=(i,),
                                   shard_count=2, guild_ready_timeout=0.1) for i in (0, 1)]
        async with BotApp(settings, clock=Clock(), platforms=[adapters[0]]) as first, \
                BotApp(settings, clock=Clock(), platforms=[adapters[1]]) as second:
            async with first.deps.sessions() as session, session.begin():
                for guild in guilds:
                    sub = Subscription(platform="discord", channel_id=str(guild.text_channel_id),
                                       space_id=str(guild.id), lang="en", timezone="UTC",
                                       since=NOW, created_at=NOW)
                    session.add(sub)
                    await session.flush()
                    await outbox.enqueue(session, [outbox.Outgoing(
                        key=f"hello:{guild.id}", platform="discord",
                        channel_id=sub.channel_id, part=Notice(f"hello {guild.name}"),
                        subscription_id=sub.id)], NOW)
            await asyncio.gather(*(a.start() for a in adapters))
            try:
                await first.sender.send_due()
                async with first.deps.sessions() as session:
                    rows = {r.key: r for r in (await session.scalars(select(Delivery))).all()}
                mine, theirs = (rows[f"hello:{g.id}"] for g in guilds)
                assert mine.status == "sent"
                assert theirs.status == "pending" and theirs.attempts == 0
                assert fake.messages_in(guilds[1].text_channel_id) == []
                # The process holding shard 1 sends it once it is due for it.
                async with second.deps.sessions() as session, session.begin():
                    row = await session.get(Delivery, theirs.id)
                    assert row is not None
                    row.next_attempt_at = NOW
                await second.sender.send_due()
                [msg] = fake.messages_in(guilds[1].text_channel_id)
                assert msg["content"] == "hello g1"
                assert len(fake.messages_in(guilds[0].text_channel_id)) == 1
            finally:
                await asyncio.gather(*(a.stop() for a in adapters))
