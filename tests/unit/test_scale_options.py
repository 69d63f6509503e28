"""Scale-out options without a database: shard flags, shard arithmetic, the solo leader."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.cli import build_parser, main
from bot.platforms.discord.facts import DiscordShards as Shards
from bot.platforms.loopback.setup import adapters as loopback_adapters
from bot.platforms.loopback.shards import LoopbackShards
from bot.platforms.select import RunOptions
from bot.scale.leader import LeaderGate, SoloLeader, build_leader


def test_run_takes_discord_style_shard_flags() -> None:
    args = build_parser().parse_args(["run", "--shard-ids", "0,2", "--shard-count", "4"])
    assert args.shard_ids == (0, 2) and args.shard_count == 4
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--shard-ids", "zero"])


@pytest.mark.parametrize("flags", [["--shard-ids", "1"],
                                   ["--shard-ids", "4", "--shard-count", "4"]])
def test_run_refuses_inconsistent_shards_in_one_line(
        flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ceasefire-bot: --shard-") and err.count("\n") == 1


def test_a_guild_belongs_to_one_shard_and_dms_to_shard_zero() -> None:
    guild = str((123456 << 22) | 99)
    assert Shards((0,), 4).get_shard(guild) == 123456 % 4
    assert [Shards((i,), 4).holds(guild) for i in range(4)].count(True) == 1
    assert Shards((0,), 4).holds(None) and not Shards((1,), 4).holds(None)
    with pytest.raises(ValueError):
        Shards((4,), 4)


def test_loopback_is_sharded_like_discord_when_asked(make_settings: Any) -> None:
    sharded = make_settings({"CEASEFIRE_BOT_LOOPBACK_URL": "http://127.0.0.1:9"})
    [adapter] = loopback_adapters(sharded, RunOptions(shard_ids=(1,), shard_count=2))
    assert adapter.shards == LoopbackShards((1,), 2)
    [plain] = loopback_adapters(sharded, RunOptions())
    assert plain.shards is None


async def test_sqlite_is_always_its_own_leader() -> None:
    leader = build_leader(None, solo=True, timeout=1)
    assert isinstance(leader, SoloLeader) and leader.is_leader
    ran: list[str] = []

    async def job() -> None:
        ran.append("job")

    gate = LeaderGate(leader, check_seconds=0.01, on_elected=job, on_lost=lambda: None)
    await gate.guard(job)()
    stop = asyncio.Event()
    stop.set()
    await gate.run(stop)
    assert ran == ["job"]
