"""Keyword expressions for the topic filter and subscriptions."""

from __future__ import annotations

import re
import time

import pytest

from bot.errors import ConfigError
from bot.text.topic import Topic, compile_expression
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


def _default_topic() -> Topic:
    settings = load_settings(env={})
    return Topic(settings.topic.include, settings.topic.exclude)


@pytest.mark.parametrize("report", [
    # Plural and inflected forms of the topic's words.
    "Zelenskyy leaves the White House with the minerals deal unsigned\n"
    "Zelenskyy told Trump that Putin had broken ceasefires 25 times.",
    # "Not ready for peace": no "talks" or "ceasefire", still the talks.
    "Trump says Zelensky is not ready for peace\n"
    "The Oval Office meeting ended in an angry exchange, and the minerals deal was left open.",
    "Kyiv receives a US peace proposal\nThe 28-point plan asks Ukraine to give up land.",
    # Another conflict named far from the opening: an aside, not the subject.
    "Trump drops the Budapest summit with Putin\n"
    "The meeting was called off days after it was announced. Sanctions on Russian oil firms "
    "followed. Aides said the talks had stalled. Some compared it with the Gaza ceasefire.",
    "ウィトコフ特使、2日にプーチン氏と会談へ\nウィトコフ特使、2日にプーチン氏と会談へ\n"
    "ロシア大統領府は1日、特使がプーチン大統領と会談すると発表した。特使はモスクワへ発った。"
    "特使は当初、ガザ情勢を担当していた。",
])
def test_default_topic_keeps_reports_on_the_talks_that_mention_another_conflict(
        report: str) -> None:
    assert _default_topic().matches(report)


@pytest.mark.parametrize("report", [
    # Gaza is the subject (headline, or the lead under a neutral headline): dropped even
    # though Russia and the Ukraine talks come up further down.
    "Gaza ceasefire holds for a second day\n"
    "Aid lorries entered the strip. Hamas freed four hostages. Trump also spoke of his "
    "peace talks with Putin on Ukraine.",
    "Truce begins at dawn\nThe ceasefire in Gaza took effect on Sunday. Israel halted its "
    "strikes. Russia welcomed the truce.",
    "ガザ停戦、2日目も維持\n人質4人が解放された。ロシアも停戦を歓迎した。",
    # Russia and Ukraine in the news, but not the talks.
    "Russian drones hit a power station near Kyiv\nRepairs will take two weeks, Ukraine said.",
    "Nobel Peace Prize goes to a Russian rights group\nThe committee praised its archive.",
])
def test_default_topic_still_drops_other_news(report: str) -> None:
    assert not _default_topic().matches(report)
