"""Japanese analysers on our demo data: fugashi + IPAdic vs SudachiPy + sudachidict-core.

    python bench/tokenizers.py

Speed: tokens per second over the demo's Japanese sentences (analyser only, and through our
filtering). Quality: (1) do the analyser's surfaces rebuild the source text exactly (no
character rewriting); (2) share of Japanese fact strings from the labelled set that come out
as a contiguous token run of their supporting text (boundaries agree); (3) the whole answer
quality benchmark with each analyser. Prints a table, then one line of JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.demo_store import demo_app  # noqa: E402
from bot.answer.engine import Engine  # noqa: E402
from bot.answer.evaluation import evaluate, load_questions, system_asker  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.text.analyzer import Analyzer, fugashi_tagger  # noqa: E402
from bot.text.sentences import split_sentences  # noqa: E402

QA = ROOT / "tests" / "data" / "qa_labelled.json"
REPEAT = 20


def raw_analysers() -> dict[str, Any]:
    from sudachipy import Dictionary, SplitMode

    tagger = fugashi_tagger()
    sudachi = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return {"fugashi": lambda s: [w.surface for w in tagger(s)],
            "sudachi": lambda s: [m.surface() for m in sudachi.tokenize(s)]}


def contiguous(needle: list[str], hay: list[str]) -> bool:
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1)) if n else False


async def main() -> dict[str, dict[str, float]]:
    questions = load_questions(QA)
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with demo_app(Path(tmp)) as app:
            async with app.deps.sessions() as session:
                articles = (await session.scalars(select(Article))).all()
            ja = [a for a in articles if a.lang == "ja"]
            sentences = [s for a in ja for s in split_sentences(a.text)]
            texts = {a.guid: a.text for a in articles}
            raw = raw_analysers()
            for name in ("fugashi", "sudachi"):
                analyse = raw[name]
                analyse("ウォームアップ")
                t0 = time.perf_counter()
                count = sum(len(analyse(s)) for _ in range(REPEAT) for s in sentences)
                raw_rate = count / (time.perf_counter() - t0)
                ours = Analyzer(name)
                ours.tokens("ウォームアップ")
                t0 = time.perf_counter()
                kept = sum(len(ours.tokens(s)) for _ in range(REPEAT) for s in sentences)
                our_rate = kept / (time.perf_counter() - t0)
                exact = sum("".join(analyse(s)) == s.replace(" ", "").replace("\u3000", "")
                            for s in sentences) / len(sentences)
                facts = [(f, g) for q in questions if q.lang == "ja" and q.kind != "cross_lang"
                         for f in q.facts for g in q.support[:1]
                         if g in texts and any("\u3040" <= c <= "\u9fff" for c in f)]
                aligned = sum(contiguous(ours.tokens(f), ours.tokens(texts[g]))
                              for f, g in facts) / max(len(facts), 1)
                engine = Engine(analyzer=ours)
                scores = await evaluate(questions, app.deps.sessions,
                                        system_asker(app.deps.sessions, engine))
                figures = scores.as_dict()
                out[name] = {"raw_tokens_per_s": round(raw_rate),
                             "filtered_tokens_per_s": round(our_rate),
                             "surface_roundtrip": round(exact, 3),
                             "fact_alignment": round(aligned, 3),
                             "hit@1": figures["hit@1"], "fact_recall": figures["fact_recall"],
                             "no_source_recall": figures["no_source_recall"]}
    print(f"{len(sentences)} Japanese demo sentences x {REPEAT}\n")
    print(f"{'':26}{'fugashi+ipadic':>22}{'sudachipy+core':>18}")
    for key in out["fugashi"]:
        print(f"{key:26}{out['fugashi'][key]:>22}{out['sudachi'][key]:>18}")
    print(json.dumps({"bench": "tokenizers", **out}))
    return out


if __name__ == "__main__":
    asyncio.run(main())
