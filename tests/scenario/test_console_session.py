"""A scripted console session, end to end through the real `ceasefire-bot run`."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import cli_command


def run_console(env: dict[str, str], script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command("run"), input=script, env=env, capture_output=True,
                          text=True, timeout=120)


def test_scripted_session_posts_an_update_with_a_thread_and_answers(
        cli_env: dict[str, str]) -> None:
    proc = run_console(cli_env, "/ask 何が合意された?\n/latest\n/timeline\n/sources\n/help\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # The welcome update: a channel post, then its Q&A thread nested under it.
    post = out.index("─── #console ───\n🕊 ")
    thread = out.index("    ┃ ❓ ", post)
    assert post < thread < out.index("> /ask 何が合意された?")
    assert "    ┃ 📰 [1] " in out
    # The answer cites a stored article and shows its link.
    answer = out[out.index("> /ask 何が合意された?"):out.index("> /latest")]
    assert re.search(r"\[1\]", answer)
    assert "https://demo.ceasefire-bot.example/" in answer
    # /latest shows the newest briefing, again with its nested thread.
    latest = out[out.index("> /latest"):out.index("> /timeline")]
    assert "🕊 " in latest and "    ┃ ❓ " in latest
    timeline = out[out.index("> /timeline"):out.index("> /sources")]
    dates = re.findall(r"^(2025-\d\d-\d\d) ", timeline, flags=re.M)
    assert len(dates) >= 6 and dates == sorted(dates)
    assert "Kyokai Shimbun" in out[out.index("> /sources"):]
    assert "`ask <question>`" in out


def test_a_second_run_posts_nothing_twice(cli_env: dict[str, str]) -> None:
    first = run_console(cli_env, "")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("─── #console ───\n🕊 ") == 1
    second = run_console(cli_env, "")
    assert second.returncode == 0, second.stderr
    assert "🕊 " not in second.stdout


def test_unknown_command_and_bad_input_get_plain_answers(cli_env: dict[str, str]) -> None:
    proc = run_console(cli_env, "/frobnicate\n/ask\n/subscribe daily 25:00\n")
    assert proc.returncode == 0, proc.stderr
    assert "Unknown command `frobnicate`" in proc.stdout
    assert "Ask a question" in proc.stdout
    assert "`25:00` is not a time" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def _answer_to(out: str, question: str) -> str:
    start = out.index(f"> /ask {question}")
    nxt = out.find("\n> ", start + 1)
    return out[start:nxt if nxt >= 0 else len(out)]


def test_a_question_naming_its_own_event_is_not_a_follow_up(
        cli_env: dict[str, str]) -> None:
    """The README's example: after 何が合意された? (answered from the latest development),
    "What was agreed in Jeddah?" is answered about Jeddah; and a fresh process does not
    inherit the previous session's context."""
    proc = run_console(cli_env, "/ask 何が合意された?\n/ask What was agreed in Jeddah?\n")
    assert proc.returncode == 0, proc.stderr
    jeddah = _answer_to(proc.stdout, "What was agreed in Jeddah?")
    assert "Jeddah" in jeddah and "jeddah" in jeddah.lower().split("[1]", 2)[-1]
    assert "anchorage" not in jeddah.lower()
    again = run_console(cli_env, "/ask What was agreed?\n")
    assert again.returncode == 0, again.stderr
    fresh = _answer_to(again.stdout, "What was agreed?")
    assert "jeddah" not in fresh.lower()


def test_a_follow_up_with_a_hyphenated_compound_is_answered(cli_env: dict[str, str]) -> None:
    """A chat user's "thousand-for-thousand" after a first question used to end in
    "Sorry, something went wrong": it is answered like any other follow-up."""
    proc = run_console(cli_env, "/ask What was agreed in Istanbul?\n"
                                "/ask when did the thousand-for-thousand swap happen?\n")
    assert proc.returncode == 0, proc.stderr
    answer = _answer_to(proc.stdout, "when did the thousand-for-thousand swap happen?")
    assert "went wrong" not in answer
    assert "[1]" in answer and "https://demo.ceasefire-bot.example/" in answer
    assert "Traceback" not in proc.stdout + proc.stderr
