"""Answers of a rebuilt index as text, to compare two versions of the code on one store.

    python bench/answer_identity.py --root <checkout> --docs 30000 --batch 2000 > out.json

Fills the synthetic store of ``bench/answer.py`` (same seed), rebuilds the index with an
index directory in batches of ``--batch`` articles (small, so that merges happen), then
prints every labelled question's answer (text, citations, answerable) as JSON lines. Run
it with the old and the new checkout as ``--root`` and compare the outputs with ``cmp``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import random
import sys
import tempfile
from pathlib import Path


async def main(root: Path, n_docs: int, batch: int, n_queries: int) -> None:
    sys.path.insert(0, str(root))
    bench = importlib.import_module("bench.answer")
    engine_mod = importlib.import_module("bot.answer.engine")
    extractive = importlib.import_module("bot.answer.extractive")
    db_mod = importlib.import_module("bot.store.db")
    engine_mod.REFRESH_BATCH = batch  # the module reads it at each refresh
    pool = await bench.demo_sentences()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        async with db_mod.open_store(f"sqlite:///{db}") as (_engine, sessions):
            await bench.fill(sessions, 0, n_docs, pool, random.Random(7))
            engine = engine_mod.Engine(index_dir=Path(tmp) / "bench.db.index")
            for q in bench.questions(n_queries):
                async with sessions() as session:
                    answer = await extractive.answer_question(
                        session, q, lang="en", now=bench.NOW, engine=engine, zone=bench.ZONE)
                print(json.dumps({"q": q, "answerable": answer.answerable,
                                  "text": repr(answer)}, ensure_ascii=False))
            print(json.dumps({"segments": [s.size for s in engine.index.segments],
                              "merges": engine.index.merges}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--docs", type=int, default=30_000)
    ap.add_argument("--batch", type=int, default=2_000)
    ap.add_argument("--queries", type=int, default=60)
    args = ap.parse_args()
    asyncio.run(main(args.root.resolve(), args.docs, args.batch, args.queries))
