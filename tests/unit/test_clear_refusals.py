"""Bad input gets a clear refusal, never a crash: out-of-range ids, runaway keyword
expressions, non-finite settings, a zero shard count, a request without a channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.cli import main
from bot.deps import Deps
from bot.errors import ConfigError, UserFacingError
from bot.model import Reply, Request
from bot.store.models import Subscription
from bot.text.topic import MAX_DEPTH, compile_expression, compiled_keywords
from config.settings import load_settings
from handlers import default_registry, dispatch
from handlers.subscriptions import parse_subscribe


async def run(deps: Deps, command: str, text: str, **kw: object) -> Reply:
    req = Request(platform="discord", command=command, text=text, user_id="42",
                  **({"channel_id": "20", "can_manage": True} | kw))  # type: ignore[arg-type]
    result = await dispatch(default_registry(), req, deps)
    assert isinstance(result, Reply)
    return result


async def test_a_thirty_digit_feedback_id_is_refused_politely(deps: Deps) -> None:
    for text in ("1" * 30 + " up", "9223372036854775808 down", "²³ up"):
        reply = await run(deps, "feedback", text)
        assert "Sorry" not in reply.text and reply.ephemeral, reply.text
    assert "no longer known" in (await run(deps, "feedback", "1" * 30 + " up")).text


async def test_runaway_keywords_are_refused_with_a_message_that_says_why(deps: Deps) -> None:
    nested = await run(deps, "subscribe", "realtime " + "(" * 300 + "truce" + ")" * 300)
    negated = await run(deps, "subscribe", "NOT " * 200 + "truce")
    huge = await run(deps, "subscribe", "realtime " + "ceasefire OR " * 16_000 + "truce")
    assert f"nested more than {MAX_DEPTH} levels" in nested.text
    assert f"nested more than {MAX_DEPTH} levels" in negated.text
    assert "too long (at most 1000)" in huge.text
    async with deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 0
    ok = await run(deps, "subscribe", "realtime " + "(" * MAX_DEPTH + "truce" + ")" * MAX_DEPTH)
    assert ok.text.startswith("✅")


async def test_a_request_without_a_channel_stores_nothing(deps: Deps) -> None:
    for command in ("subscribe", "unsubscribe"):
        reply = await run(deps, command, "", channel_id="")
        assert "without a channel" in reply.text
    async with deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_keywords_compile_once_per_expression_not_per_story() -> None:
    source = "(停戦 OR ceasefire) AND NOT Gaza"
    compiled_keywords.cache_clear()
    for _story in range(50):
        assert compiled_keywords(source).matches("Ceasefire talks resume")
    assert compiled_keywords.cache_info().misses == 1


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('()" ANDORNOT*ab停戦\u200b')), max_size=120)
       | st.text(max_size=60))
def test_no_keyword_expression_raises_anything_but_a_refusal(source: str) -> None:
    try:
        compile_expression(source, setting="keywords", max_length=1000).matches("a b 停戦")
    except ConfigError as exc:
        assert str(exc).startswith("invalid setting keywords: ")
    try:
        parse_subscribe(source, default_time="08:00")
    except UserFacingError as exc:
        assert str(exc)


@pytest.mark.parametrize(("toml", "key"), [
    ("[news]\npoll_interval_minutes = 1e309\n", "news.poll_interval_minutes"),
    ("[news]\npoll_interval_minutes = 1e300\n", "news.poll_interval_minutes"),
    ("[fetch]\ntimeout_seconds = inf\n", "fetch.timeout_seconds"),
    ("[fetch]\ntimeout_seconds = nan\n", "fetch.timeout_seconds"),
    ("[fetch]\ntimeout_seconds = 0\n", "fetch.timeout_seconds"),
    ("[scale]\nlease_seconds = -inf\n", "scale.lease_seconds"),
])
def test_settings_refuse_non_finite_and_impossible_values(
        tmp_path: Path, toml: str, key: str) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"invalid setting {key}"):
        load_settings(config, env={})


def test_a_shard_count_below_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("0", "-2", "many"):
        with pytest.raises(SystemExit) as exited:
            main(["run", "--shard-count", value])
        assert exited.value.code == 2
        assert "--shard-count: expected a whole number of at least 1" in capsys.readouterr().err
