"""The CLI contract later checks rely on: ingest / ask / brief, with and without --json."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import clean_cli_env, cli_command

FEEDS = Path(__file__).resolve().parents[2] / "bot" / "demo" / "feeds"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args), env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo feeds ingested once by the real CLI (the ingest tests below check that
    command); the ask and brief tests each run on their own copy of the file."""
    tmp = tmp_path_factory.mktemp("ingested")
    db = tmp / "demo.db"
    proc = run(clean_cli_env(tmp / "cli-data"), "ingest", "--db", f"sqlite:///{db}")
    assert proc.returncode == 0, proc.stderr
    return db


def copy_of(ingested: Path, path: Path) -> str:
    for suffix in ("", "-wal"):  # a WAL only if the ingest left one
        if Path(f"{ingested}{suffix}").exists():
            shutil.copyfile(f"{ingested}{suffix}", f"{path}{suffix}")
    return f"sqlite:///{path}"


def test_ingest_json_shape_and_idempotence(cli_env: dict[str, str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'contract.db'}"
    first = run(cli_env, "ingest", "--json", "--db", db)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert set(report) == {"feeds", "fetched", "new", "duplicates", "stories", "errors"}
    assert report["feeds"] == 4
    assert report["new"] > 20
    assert report["fetched"] >= report["new"] + report["duplicates"]
    assert report["stories"] >= 6
    assert report["errors"] == []
    again = json.loads(run(cli_env, "ingest", "--json", "--db", db).stdout)
    assert again["new"] == 0
    assert again["duplicates"] >= report["new"]
    assert again["stories"] == 0


def test_ingest_reports_a_failing_feed_and_still_ingests_the_others(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel><item><title>unterminated", encoding="utf-8")
    missing = tmp_path / "missing.xml"
    db = f"sqlite:///{tmp_path / 'partial.db'}"
    proc = run(cli_env, "ingest", "--json", "--db", db, "--feed", str(FEEDS / "harbor-wire.xml"),
               "--feed", str(broken), "--feed", str(missing))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["feeds"] == 3
    assert report["new"] > 0
    errors = {e["feed"]: e["error"] for e in report["errors"]}
    assert set(errors) == {str(broken), str(missing)}
    assert errors[str(missing)] == "no such file"
    assert "Traceback" not in proc.stderr and "Traceback" not in errors[str(broken)]


def test_ingest_exit_code_is_nonzero_only_when_every_feed_failed(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    proc = run(cli_env, "ingest", "--json", "--db", f"sqlite:///{tmp_path / 'x.db'}",
               "--feed", str(tmp_path / "nope.xml"))
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["errors"][0]["error"] == "no such file"


def test_ask_json_cites_stored_articles(cli_env: dict[str, str], tmp_path: Path,
                                        ingested: Path) -> None:
    db = copy_of(ingested, tmp_path / "ask.db")
    proc = run(cli_env, "ask", "What did Ukraine accept in Jeddah?", "--json", "--db", db)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert set(answer) == {"status", "answerable", "answer", "citations"}
    assert answer["status"] == "answered"
    assert answer["answerable"] is True
    assert answer["citations"], answer
    numbers = {c["n"] for c in answer["citations"]}
    for citation in answer["citations"]:
        assert set(citation) == {"n", "title", "url", "source"}
        assert citation["url"].startswith("https://demo.ceasefire-bot.example/")
    markers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", answer["answer"])}
    assert markers and markers <= numbers
    assert "Jeddah" in answer["answer"] or "30-day" in answer["answer"]


def test_ask_json_says_no_source_when_nothing_supports_an_answer(
        cli_env: dict[str, str], tmp_path: Path, ingested: Path) -> None:
    db = copy_of(ingested, tmp_path / "none.db")
    proc = run(cli_env, "ask", "What is the price of tomatoes in Lisbon?", "--json", "--db", db)
    answer = json.loads(proc.stdout)
    assert answer["answerable"] is False
    assert answer["citations"] == []
    assert "No source found" in answer["answer"]


def test_brief_prints_the_newest_briefing(cli_env: dict[str, str], tmp_path: Path,
                                         ingested: Path) -> None:
    db = copy_of(ingested, tmp_path / "brief.db")
    proc = run(cli_env, "brief", "--json", "--db", db, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    briefing = json.loads(proc.stdout)
    assert briefing["headline"]
    assert 1 <= len(briefing["key_points"]) <= 3
    assert briefing["sources"] and all(s["url"].startswith("https://")
                                       for s in briefing["sources"])
    text = run(cli_env, "brief", "--db", db, "--lang", "en").stdout
    assert text.startswith("🕊 ")
    assert "    ┃ ❓ " in text
