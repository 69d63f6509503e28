"""Keyword expressions for the topic filter and subscriptions."""

from __future__ import annotations

import re
import time

import pytest

from bot.errors import ConfigError
from bot.text.topic import compile_expression
from config.settings import load_settings


@pytest.mark.parametrize(("expression", "text", "expected"), [
    ("ceasefire OR 停戦", "Talks on a CEASEFIRE resumed", True),
    ("ceasefire OR 停戦", "ウクライナの停戦協議", True),
    ("ceasefire AND Ukraine", "ceasefire in Gaza", False),
    ("ceasefire Ukraine", "Ukraine ceasefire", True),  # juxtaposition is AND
    ('"peace talks" AND NOT Gaza', "peace talks on Ukraine", True),
    ('"peace talks" AND NOT Gaza', "peace talks on Gaza", False),
    ('"peace talks"', "peace and talks", False),
    ("(truce OR 休戦) AND (Russia OR ロシア)", "ロシアが休戦を宣言", True),
    ("停戦", "ﾃｲｾﾝ 停戦", True),
    ("ＵＫＲＡＩＮＥ", "ukraine", True),  # full-width matches half-width (NFKC)
    ("", "anything at all", True),
])
def test_expressions_match_as_documented(expression: str, text: str, expected: bool) -> None:
    assert compile_expression(expression).matches(text) is expected


@pytest.mark.parametrize(("expression", "problem"), [
    ("(ceasefire OR truce", "missing ')'"),
    ("ceasefire AND", "expression ends too early"),
    ('"unterminated', "unbalanced quote"),
    ("OR ceasefire", "unexpected 'OR'"),
    ('""', "empty phrase"),
])
def test_malformed_expressions_are_refused_with_the_setting_named(
        expression: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=f"invalid setting topic.include: .*{re.escape(problem)}"):
        compile_expression(expression, setting="topic.include")


def test_hostile_input_cannot_make_matching_slow() -> None:
    expression = compile_expression(" OR ".join(["a" * 50 + "!"] * 200))
    started = time.perf_counter()
    assert not expression.matches("a" * 100_000)
    # Substring search only: linear in the text; a catastrophic regex would take minutes.
    assert time.perf_counter() - started < 5


def test_default_topic_keeps_the_talks_and_drops_other_news() -> None:
    settings = load_settings(env={})
    include = compile_expression(settings.topic.include)
    assert include.matches("Putin rejects a full ceasefire in a call with Trump")
    assert include.matches("プーチン大統領、エネルギー施設への攻撃停止に合意　全面停戦は拒否")
    assert not include.matches("Harbor City FC agrees a new contract after negotiations")
