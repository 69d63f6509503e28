"""The issue-19 soak, short (``bench/soak.py`` runs the long one): the real bot on the
loopback platform with Discord's limits, feeds growing on 127.0.0.1, channels subscribing
in chat, questions typed meanwhile, a short retention. Every command gets exactly one
reply, every post goes out exactly once, the leader prunes, the loop stays responsive."""

from __future__ import annotations

from pathlib import Path

from bench.soak import run_soak


async def test_short_soak_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    result = await run_soak(minutes=0.4, channels=24, rate=2.0, every=6.0,
                            retention_minutes=0.1, warmup=0.1, workdir=tmp_path,
                            echo=False)
    assert result["commands"] > 24  # the subscriptions and some questions
    assert result["replies_lost"] == 0, result
    assert result["replies_doubled"] == 0, result
    assert result["posts"] > 24, result  # at least the welcome posts
    assert result["posts_lost"] == 0, result
    assert result["posts_doubled"] == 0, result
    assert result["pruned"] > 0, result  # the leader's retention job ran
    assert result["log_errors"] == 0, result
    # Generous bounds: CI machines are shared and slow.
    assert result["answer_max"] < 15, result
    assert result["loop_lag_p99_le"] <= 1.0, result
    # The memory probe ran inside the bot (bench/memwatch.py) and its holders were fitted.
    assert {"main_in_use", "sqlite", "pymalloc_live"} <= set(result["memory_components"])
