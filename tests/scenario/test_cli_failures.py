"""Every expected failure of the command line is one line on stderr with its own exit code;
``-v`` shows the traceback. Each case runs the real CLI in a subprocess, as a user would."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from bot.failures import (
    EXIT_BROKEN_PIPE,
    EXIT_CONFIG,
    EXIT_DATABASE,
    EXIT_NETWORK,
    describe,
)
from tests.conftest import cli_command


def run(env: dict[str, str], *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args), env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, **kwargs)  # type: ignore


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_line(proc: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("ceasefire-bot: ")
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_unreachable_postgres_is_one_line_and_v_shows_the_traceback(
        cli_env: dict[str, str]) -> None:
    url = f"postgresql://nobody@127.0.0.1:{closed_port()}/x"
    one_line(run(cli_env, "stories", "--db", url), EXIT_DATABASE, "cannot reach", "--db")
    verbose = run(cli_env, "-v", "stories", "--db", url)
    assert verbose.returncode == EXIT_DATABASE
    assert "Traceback" in verbose.stderr


def _postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


def test_missing_postgres_database_says_to_create_it(cli_env: dict[str, str]) -> None:
    if not _postgres_answers():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 127.0.0.1:5432 must answer in CI")
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    url = f"postgresql://postgres@127.0.0.1:5432/cfb_missing_{uuid.uuid4().hex[:8]}"
    one_line(run(cli_env, "stories", "--db", url), EXIT_DATABASE, "does not exist", "createdb")


def test_a_sqlite_path_in_a_missing_folder_is_an_error_not_a_new_folder(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such"
    one_line(run(cli_env, "stories", "--db", f"sqlite:///{folder / 'x.db'}"),
             EXIT_DATABASE, str(folder), "does not exist")
    assert not (tmp_path / "no").exists()


def test_the_default_data_dir_is_still_created(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**cli_env, "CEASEFIRE_BOT_DATA_DIR": str(tmp_path / "fresh" / "data")}
    proc = run(env, "stories")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "fresh" / "data").is_dir()


def test_corrupt_sqlite_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(os.urandom(4096))
    one_line(run(cli_env, "brief", "--db", f"sqlite:///{path}"), EXIT_DATABASE,
             "not a SQLite database")


def test_read_only_sqlite_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    assert run(cli_env, "db", "upgrade", "--db", f"sqlite:///{path}").returncode == 0
    one_line(run(cli_env, "ingest", "--db", f"sqlite:///file:{path}?mode=ro&uri=true"),
             EXIT_DATABASE, "read-only")


def test_locked_and_full_sqlite_errors_are_named(tmp_path: Path) -> None:
    # Real SQLite errors, produced the way a second process or a full disk produces them.
    path = tmp_path / "lock.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("SELECT * FROM t")
    holder.execute("ROLLBACK")
    full = sqlite3.connect(tmp_path / "full.db")
    full.execute("CREATE TABLE t (x)")
    full.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as no_room:
        full.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    for exc, words in ((locked.value, "locked"), (no_room.value, "disk is full")):
        failure = describe(_as_sqlalchemy(exc))
        assert failure is not None and failure.exit_code == EXIT_DATABASE
        assert words in failure.message


def _as_sqlalchemy(exc: sqlite3.OperationalError) -> BaseException:
    from sqlalchemy.exc import OperationalError

    return OperationalError("statement", {}, exc)


def test_bad_config_files(cli_env: dict[str, str], tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01binary")
    one_line(run(cli_env, "stories", "--config", str(binary)), EXIT_CONFIG, "not valid TOML")
    one_line(run(cli_env, "stories", "--config", str(tmp_path)), EXIT_CONFIG, "directory")
    one_line(run(cli_env, "stories", "--config", str(tmp_path / "none.toml")), EXIT_CONFIG,
             "does not exist")


def test_dead_discord_api_is_a_network_failure(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "DISCORD_TOKEN": "not-a-real-token",
           "DISCORD_API_BASE": f"http://127.0.0.1:{closed_port()}/api/v10"}
    proc = run(env, "discord", "invite-url")
    one_line(proc, EXIT_NETWORK, "cannot reach 127.0.0.1")
    assert "not-a-real-token" not in proc.stderr


def test_a_closed_pipe_ends_quietly(cli_env: dict[str, str]) -> None:
    # `ceasefire-bot config | head -0`: the reader is gone before anything is written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(cli_command("config"), env=cli_env, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    finally:
        os.close(write_end)
    assert proc.returncode == EXIT_BROKEN_PIPE, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_flags_go_before_or_after_the_command(
        cli_env: dict[str, str], tmp_path: Path, where: str) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'missing' / 'x.db'}"]
    args = [*db, "stories"] if where == "before" else ["stories", *db]
    one_line(run(cli_env, *args), EXIT_DATABASE, "does not exist")


def test_version(cli_env: dict[str, str]) -> None:
    proc = run(cli_env, "--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("ceasefire-bot ")


def test_empty_store_says_what_to_run_next_everywhere(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    import json

    db = ["--db", f"sqlite:///{tmp_path / 'empty.db'}"]
    for args in (["stories"], ["brief"], ["ask", "What was agreed?"]):
        proc = run(cli_env, *args, *db)
        assert proc.returncode == 0, proc.stderr
        assert "ceasefire-bot ingest" in proc.stderr and proc.stdout == ""
    for args in (["brief", "--json"], ["ask", "What was agreed?", "--json"]):
        proc = run(cli_env, *args, *db)
        assert proc.returncode == 0, proc.stderr
        body = json.loads(proc.stdout)
        assert body["status"] == "empty" and "ceasefire-bot ingest" in body["message"]
    assert json.loads(run(cli_env, "stories", "--json", *db).stdout) == []


def test_health_listens_on_the_configured_host(cli_env: dict[str, str], tmp_path: Path) -> None:
    import time
    import urllib.request

    port = closed_port()
    env = {**cli_env, "CEASEFIRE_BOT__HEALTH__PORT": str(port),
           "CEASEFIRE_BOT__HEALTH__HOST": "127.0.0.2"}
    proc = subprocess.Popen(cli_command("run", "--db", f"sqlite:///{tmp_path / 'h.db'}"),
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        body = b""
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.2:{port}/healthz", timeout=2) as r:
                    body = r.read()
            except OSError:
                time.sleep(0.2)
        assert b'"ok"' in body
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        _, err = proc.communicate(input="", timeout=120)
    assert proc.returncode == 0, err
