"""A newcomer's and an operator's first hour: mistakes they make with the real entry points
end in one plain line and the right exit code, never a traceback or a silent hang. Each case
runs the real CLI (or console) in a subprocess, as they did; see docs/first-hour.md."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.failures import EXIT_CONFIG, EXIT_DATABASE, EXIT_NETWORK
from tests.conftest import cli_command
from tests.fakes.discord_fake import running_fake
from tests.fakes.slack_fake import FakeSlack
from tests.scenario.test_cli_failures import closed_port, one_line, run
from tests.scenario.test_console_session import run_console

DEMO = Path(__file__).resolve().parents[2] / "bot" / "demo" / "feeds"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_a_folder_or_a_malformed_address_is_that_feeds_error(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    """`--feed` at a folder, or a URL that does not parse, used to end the whole ingest with
    "unexpected error" (exit 70); now each is its feed's error and the good feed is read."""
    good = str(DEMO / "harbor-wire.xml")
    down = f"http://127.0.0.1:{closed_port()}/rss"
    proc = run(cli_env, "ingest", "--json", "--feed", str(tmp_path), "--feed", "http://[::1",
               "--feed", "http:///rss", "--feed", down, "--feed", good)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    errors = {e["feed"]: e["error"] for e in report["errors"]}
    assert errors == {str(tmp_path): "that is a folder, not a feed file",
                      "http://[::1": "not a valid address (Invalid IPv6 URL)",
                      "http:///rss": "not a valid address (no host name)",
                      # It said "(ClientConnectorError)".
                      down: f"could not connect (connection to {down[7:-4]} refused: is the "
                            "server running?)"}
    assert report["new"] > 0
    assert "Traceback" not in proc.stderr


def test_an_empty_feed_is_a_usage_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    """`--feed "$UNSET"` read the current folder; a config `url = ""` too."""
    proc = run(cli_env, "ingest", "--feed", "")
    assert proc.returncode == EXIT_CONFIG
    assert "--feed: expected a feed URL or file path (got an empty one)" in proc.stderr
    config = tmp_path / "bot.toml"
    config.write_text('[[feeds]]\nurl = ""\n', encoding="utf-8")
    one_line(run(cli_env, "--config", str(config), "ingest"), EXIT_CONFIG, "feeds.0.url")


@pytest.mark.parametrize("where", ["file", "proc"])
def test_a_data_dir_that_cannot_be_created(cli_env: dict[str, str], tmp_path: Path,
                                           where: str) -> None:
    if where == "file":
        (tmp_path / "a-file").write_text("x")
        data_dir = tmp_path / "a-file" / "data"
    else:
        data_dir = Path("/proc/ceasefire-bot-data")
    env = {**cli_env, "CEASEFIRE_BOT_DATA_DIR": str(data_dir)}
    one_line(run(env, "stories"), EXIT_DATABASE, f"the data dir {data_dir} cannot be created",
             "CEASEFIRE_BOT_DATA_DIR")


def test_health_port_in_use_or_unknown_host(cli_env: dict[str, str], tmp_path: Path,
                                            taken_port: int) -> None:
    env = {**cli_env, "CEASEFIRE_BOT__HEALTH__PORT": str(taken_port)}
    one_line(run(env, "run"), EXIT_CONFIG, "invalid setting health.port",
             f"127.0.0.1:{taken_port} is already in use")
    env["CEASEFIRE_BOT__HEALTH__HOST"] = "no-such-host.invalid"
    one_line(run(env, "run"), EXIT_CONFIG, "invalid setting health.host",
             "'no-such-host.invalid' is not a known host name")


async def test_slack_http_port_in_use(cli_env: dict[str, str], taken_port: int) -> None:
    async with FakeSlack() as fake:
        env = {**cli_env, "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": "s",
               "SLACK_API_URL": fake.api_url, "SLACK_HTTP_PORT": str(taken_port),
               "SLACK_HTTP_HOST": "127.0.0.1"}
        proc = await _run_async(env, "run")
    one_line(proc, EXIT_CONFIG, "invalid setting slack.http_port",
             f"127.0.0.1:{taken_port} is already in use")


@pytest.mark.parametrize(("url", "words"), [
    ("postgresql+psycopg2://u@127.0.0.1:1/x", ("driver 'psycopg2' cannot be used",
                                               "asyncpg")),
    ("sqlite+pysqlite:///{tmp}/x.db", ("driver 'pysqlite' cannot be used", "aiosqlite")),
    ("postgresql://u@127.0.0.1:1/x?sslmode=sometimes", ("ssl mode 'sometimes'",)),
    ("postgresql://u@127.0.0.1:1/x?colour=blue", ("unknown option 'colour'",)),
])
def test_database_url_mistakes_are_configuration_errors(
        cli_env: dict[str, str], tmp_path: Path, url: str, words: tuple[str, ...]) -> None:
    one_line(run(cli_env, "stories", "--db", url.format(tmp=tmp_path)), EXIT_CONFIG,
             "invalid setting database_url", *words)


def test_libpq_sslmode_reaches_postgresql(cli_env: dict[str, str]) -> None:
    """`?sslmode=...` as hosting providers print it used to be a TypeError (exit 70) on the
    first connect; now it is asyncpg's `ssl`, so the connection is attempted."""
    url = f"postgresql://u@127.0.0.1:{closed_port()}/x?sslmode=disable"
    proc = run(cli_env, "stories", "--db", url)
    assert proc.returncode == EXIT_DATABASE, proc.stderr
    assert "cannot reach the database" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("app_id", ["0", "-5"])
def test_invite_url_needs_a_real_application_id(cli_env: dict[str, str], app_id: str) -> None:
    """-5 printed a link Discord refuses; 0 was taken for "not given"."""
    proc = run(cli_env, "discord", "invite-url", f"--application-id={app_id}")
    assert proc.returncode == EXIT_CONFIG
    assert "--application-id: expected a whole number of at least 1" in proc.stderr
    assert proc.stdout == ""


def test_console_mistakes_get_plain_answers(cli_env: dict[str, str]) -> None:
    """A pasted wall of text took minutes and gigabytes before its answer; `sources bogus`
    listed the feeds as if nothing was wrong; a bare `/` was an unknown command ``."""
    long_question = "停戦" * 20_000
    proc = run_console(cli_env, f"/ask {long_question}\n{long_question}\n/sources bogus\n/\n"
                                "/ask What was agreed in Jeddah?\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.count("That question is 40,000 characters long; please ask it in at most "
                     "1,000") == 2
    assert "`sources` cannot `bogus`: `sources` lists the feeds" in out
    assert "Type a command after the `/`: one of ask, latest" in out
    assert "Jeddah" in out[out.index("> /ask What was agreed in Jeddah?"):]
    assert "Traceback" not in out + proc.stderr


@pytest.mark.parametrize("platform", ["discord", "slack"])
def test_an_unreachable_platform_is_a_network_failure(cli_env: dict[str, str],
                                                     platform: str) -> None:
    """It was exit 5 with a class name (`Discord connection failed: ClientConnectorError`),
    after two discord.py warnings about voice libraries the bot never uses."""
    dead = f"http://127.0.0.1:{closed_port()}"
    env = ({**cli_env, "DISCORD_TOKEN": "not-a-real-token", "DISCORD_API_BASE": f"{dead}/api/v10"}
           if platform == "discord" else
           {**cli_env, "SLACK_BOT_TOKEN": "xoxb-not-real", "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": f"{dead}/api/"})
    proc = run(env, "run")
    one_line(proc, EXIT_NETWORK, "cannot reach 127.0.0.1", "check the network")
    assert "ClientConnector" not in proc.stderr and "not-real" not in proc.stderr


async def _run_async(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess while this test's loop serves a fake platform (reached
    directly, whatever proxy the environment names)."""
    env = {k: v for k, v in env.items() if "proxy" not in k.lower()}
    process = await asyncio.create_subprocess_exec(
        *cli_command(*args), env=env, cwd=str(ROOT), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120.0)
    return subprocess.CompletedProcess(args, process.returncode or 0, out.decode(),
                                       err.decode())


async def test_a_discord_token_pasted_with_its_prefix_says_how_to_copy_it(
        cli_env: dict[str, str]) -> None:
    async with running_fake() as fake:
        env = {**cli_env, "DISCORD_TOKEN": f"Bot {fake.token}",
               "DISCORD_API_BASE": fake.api_base, "DISCORD_GATEWAY_URL": fake.gateway_url}
        proc = await _run_async(env, "run")
    one_line(proc, EXIT_CONFIG, "invalid setting discord.token: Discord rejected DISCORD_TOKEN",
             "Reset Token", "without quotes or a `Bot ` prefix")
    assert fake.token not in proc.stderr


def test_a_loopback_url_without_its_scheme_is_a_setting_error(cli_env: dict[str, str]) -> None:
    """`127.0.0.1:8765` used to fail as "a network request failed" (exit 4)."""
    env = {**cli_env, "CEASEFIRE_BOT_LOOPBACK_URL": "127.0.0.1:8765"}
    one_line(run(env, "run"), EXIT_CONFIG, "invalid setting loopback.url",
             "http://127.0.0.1:8765")


def test_a_misspelt_environment_variable_is_named(cli_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    """`CEASEFIRE_BOT_DATADIR` was ignored without a word: the store went to the default
    data dir, and the operator wondered where their data was."""
    env = {**cli_env, "CEASEFIRE_BOT_DATADIR": str(tmp_path / "meant")}
    proc = run(env, "stories")
    assert proc.returncode == 0, proc.stderr
    warning = next(ln for ln in proc.stderr.splitlines() if "CEASEFIRE_BOT_DATADIR" in ln)
    assert "is not one of our environment variables and is ignored" in warning
    assert "CEASEFIRE_BOT_DATA_DIR" in warning.split("spelling:")[1]


@pytest.mark.parametrize("args", [("--shard-count", "2"), ("--shard-ids", "0")])
def test_discord_shard_options_without_discord_are_refused(cli_env: dict[str, str],
                                                           args: tuple[str, ...]) -> None:
    """The console ran and ignored them without a word."""
    one_line(run(cli_env, "run", *args), EXIT_CONFIG,
             "--shard-count and --shard-ids are for Discord", "DISCORD_TOKEN")


@pytest.mark.parametrize(("bot", "app", "variable", "prefix"), [
    ("xapp-1-A1-secretpart", "xoxb-1-secretpart", "SLACK_BOT_TOKEN", "'xapp-'"),
    ("xoxb-1-secretpart", "xoxb-2-secretpart", "SLACK_APP_TOKEN", "'xoxb-'"),
])
def test_swapped_slack_tokens_are_named(cli_env: dict[str, str], bot: str, app: str,
                                        variable: str, prefix: str) -> None:
    """Swapped, they were sent to Slack as they were, and whatever failed first was
    reported (here, the dead API: a network failure, exit 4); neither token is echoed."""
    env = {**cli_env, "SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app,
           "SLACK_API_URL": f"http://127.0.0.1:{closed_port()}/api/"}
    proc = run(env, "run")
    one_line(proc, EXIT_CONFIG, f"invalid setting {variable}: it needs a token starting with",
             f"this one starts with {prefix}")
    assert "secretpart" not in proc.stderr
