"""The loopback adapter's pure translations, on raw JSON."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.model import QAReply, Sentence
from bot.platforms.loopback.adapter import to_platform_error, to_request
from bot.platforms.text import render_part


def test_rate_limit_is_transient_with_retry_after() -> None:
    err = to_platform_error(429, {"ok": False, "error": "rate_limited", "retry_after": 1.5})
    assert not err.permanent and err.retry_after == 1.5


def test_server_errors_are_transient_without_retry_after() -> None:
    err = to_platform_error(503, {"ok": False, "error": "unavailable"})
    assert not err.permanent and err.retry_after is None


def test_gone_channel_and_missing_permission_are_permanent() -> None:
    for status, error in ((404, "channel_not_found"), (403, "missing_permission"),
                          (403, "not_in_channel")):
        err = to_platform_error(status, {"ok": False, "error": error})
        assert err.permanent and err.code == error


def test_typed_lines_become_requests() -> None:
    req = to_request({"channel": "C1", "user": "U1", "text": "/subscribe daily 08:00"})
    assert (req.command, req.text, req.channel_id, req.is_dm) == (
        "subscribe", "daily 08:00", "C1", False)
    question = to_request({"channel": "D1", "user": "U1", "text": "what was agreed?",
                           "dm": True}, lang="en")
    assert (question.command, question.text, question.is_dm, question.kind) == (
        "ask", "what was agreed?", True, "dm")


def test_plain_text_cites_each_sentence_with_its_numbers() -> None:
    reply = QAReply("What was agreed?", (Sentence("A swap.", (1,)), Sentence("A truce.", (2, 3)),
                                         Sentence("Talks go on.")), "en")
    assert render_part(reply, ZoneInfo("UTC")) == (
        "❓ What was agreed?\nA swap.[1] A truce.[2][3] Talks go on.")
