"""The labelled questions must keep the quality measured by bench/quality.py.

Measured on the demo store (`python bench/quality.py --demo`): hit@1 0.878, hit@3 0.98, fact
recall 0.844, "no source" precision 1.0 / recall 1.0, newer report first 0.83 (6 questions).
The floors leave a margin of about one or two questions so that only a real regression fails.
"""

from __future__ import annotations

from pathlib import Path

from bot.answer.engine import Engine
from bot.answer.evaluation import evaluate, load_questions, system_asker
from bot.store.db import open_store

QA = Path(__file__).resolve().parents[1] / "data" / "qa_labelled.json"
FLOORS = {"hit@1": 0.85, "hit@3": 0.95, "fact_recall": 0.76, "no_source_precision": 0.85,
          "no_source_recall": 0.85, "newer_report_first": 0.8}


async def test_labelled_questions_meet_the_measured_quality_floors(
        demo_dir: Path, shared_engine: Engine) -> None:
    questions = load_questions(QA)
    assert len(questions) >= 40
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    async with open_store(f"sqlite:///{demo_dir / 'demo.db'}") as (_e, sessions):
        scores = await evaluate(questions, sessions, system_asker(sessions, engine))
    figures = scores.as_dict()
    below = {k: (figures[k], floor) for k, floor in FLOORS.items() if figures[k] < floor}
    assert not below, f"below the floor: {below}; misses: {scores.misses}"
