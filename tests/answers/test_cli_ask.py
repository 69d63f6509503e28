"""The CLI contract: `ceasefire-bot ask "Q" --json [--lang]` on a store of the demo feeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli import main


def ask_json(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> dict[str, object]:
    assert main(["ask", *args, "--json", "--db", f"sqlite:///{db}"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ask_json_answers_with_citations_its_markers_refer_to(
        demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    question = "黒海での合意の発効について、ロシアはどの銀行への制裁解除を求めた?"
    out = ask_json(capsys, demo_dir / "demo.db", question, "--lang", "ja")
    assert set(out) == {"status", "answerable", "answer", "citations"}
    assert out["status"] == "answered"
    assert out["answerable"] is True
    citations = out["citations"]
    assert isinstance(citations, list) and citations
    assert all(set(c) == {"n", "title", "url", "source"} for c in citations)
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", str(out["answer"]))}
    assert markers and markers <= {c["n"] for c in citations}
    assert "Rosselkhozbank" in str(out["answer"])

    none = ask_json(capsys, demo_dir / "demo.db", "Who won the 2025 Eurovision Song Contest?")
    assert none["answerable"] is False and none["citations"] == []
    assert "No source found" in str(none["answer"])
