"""Why a cited report's sentence holding a missing fact was not quoted (spent fresh batches).

    python bench/factslot.py [--json OUT.json] [--dev-side]

``--dev-side``: the dev split's and the dev-side probes' questions instead.

For every answerable spent fresh question (`freshmiss.SPENT`) whose answer lacks a fact that a
cited report holds: which sentence of which report held it, its rank among that report's
sentences as ``best_sentences`` orders them, how many that report may quote, whether it
fills the asked slot, and the cause (not a news sentence, sentence cap, ...).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.answer.evaluation as evaluation  # noqa: E402
import bot.answer.extractive as ex  # noqa: E402
from bench.bm25lead import json_arg  # noqa: E402
from bench.dev_side import _ours, dev_side_sets  # noqa: E402
from bench.freshmiss import spent_fresh  # noqa: E402
from bench.quality import CLOCKS  # noqa: E402
from bench.realset import build_store, load_realset  # noqa: E402
from bot.answer.engine import Concept, Engine  # noqa: E402
from bot.answer.evaluation import evaluate, normalise  # noqa: E402
from bot.answer.noise import news_sentences  # noqa: E402
from bot.store.db import open_store  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402

PROBES = ROOT / "tests" / "data" / "realnews_probe"
#: Per question, per best_sentences call: (guid, count, order of all sentences, scores).
CALLS: list[dict[str, Any]] = []
_original = ex.best_sentences


def _traced(article: Article, concepts: Sequence[Concept], engine: Engine, *,
            intent: str | None, count: int, wants: Sequence[Any] = (),
            speaker: Sequence[Concept] = (),
            discount: Mapping[int, float] | None = None, lead: bool = False,
            runner_up: float | None = None) -> list[str]:
    chosen = _original(article, concepts, engine, intent=intent, count=count, wants=wants,
                       speaker=speaker, discount=discount, lead=lead, runner_up=runner_up)
    held, rest = ex._scored_sentences(article, concepts, engine, intent=intent, wants=wants,
                                      speaker=speaker)
    weight = {k: (discount or {}).get(k, 1.0) for k in range(len(concepts))}
    rest = ex._pointing_back(rest, held, concepts, weight)
    order = []
    while rest:
        r = max(rest, key=lambda r: (r[0] + sum(concepts[k].idf * weight[k] for k in held[r[1]]),
                                     -r[1]))
        total = r[0] + sum(concepts[k].idf * weight[k] for k in held[r[1]])
        rest = [x for x in rest if x[1] != r[1]]
        order.append({"i": r[1], "score": round(total, 2), "bonus": round(r[0], 2),
                      "sentence": r[2],
                      "slots": [w.kind for w in wants if w.filled_by(r[2])]})
        for k in held[r[1]]:
            weight[k] = min(weight[k], ex.WITHIN_REPORT)
    CALLS.append({"guid": article.guid, "count": count, "lang": article.lang,
                  "wants": [w.kind for w in wants], "order": order, "chosen": chosen,
                  "all": [s for s in news_sentences(article.text, article.title)],
                  "text": article.title + "\n" + article.text})
    return chosen


async def run(out: Path | None, dev_side: bool = False) -> None:
    ex.best_sentences = _traced  # type: ignore[assignment]
    asked_once = evaluation.answer_question

    async def fresh_calls(*args: Any, **kwargs: Any) -> Any:
        CALLS.clear()  # a follow-up's previous question is asked first
        return await asked_once(*args, **kwargs)

    evaluation.answer_question = fresh_calls  # type: ignore[assignment]
    if dev_side:
        realset = load_realset()
        asked = [q for qs in dev_side_sets(realset, PROBES).values() for q in qs]
    else:
        realset = spent_fresh(load_realset())
        asked = list(realset.questions)
    questions = [q for q in asked if q.kind != "unanswerable"]
    rows: list[dict[str, Any]] = []
    per_q: dict[str, list[dict[str, Any]]] = {}

    def observe(q: Any, answer: Any, guids: list[str]) -> None:
        per_q[q.id] = list(CALLS)
        CALLS.clear()
        if not answer.answerable:
            return
        text = normalise(answer.text)
        missing = [f for f in q.facts if normalise(f) not in text]
        for fact in missing:
            f = normalise(fact)
            for n, call in enumerate(per_q[q.id], start=1):
                if f not in normalise(call["text"]):
                    continue
                where = next((o for o in call["order"] if f in normalise(o["sentence"])), None)
                rank = call["order"].index(where) if where else None
                if where is None:
                    cause = "not in a quoted-form sentence (noise filter/headline/split)"
                elif rank is not None and rank >= call["count"]:
                    cause = "sentence cap"
                else:
                    cause = "chosen but dedupe/other"
                rows.append({"id": q.id, "question": q.text, "fact": fact, "report_n": n,
                             "guid": call["guid"],
                             "lead_right": bool(guids and guids[0] in q.support),
                             "count": call["count"], "rank": rank, "wants": call["wants"],
                             "cause": cause, "held": where, "chosen": call["chosen"],
                             "top": call["order"][:call["count"]]})
                break
        CALLS.clear()

    with tempfile.TemporaryDirectory() as tmp:
        db = await build_store(realset, Path(tmp))
        async with open_store(f"sqlite:///{db}") as (_engine, sessions):
            now = realset.last_report + CLOCKS["week"]
            await evaluate(questions, sessions, _ours(sessions, Analyzer()), default_now=now,
                           observe=observe)
    print(Counter(r["cause"] for r in rows))
    print(Counter((r["cause"], tuple(r["wants"])) for r in rows))
    if out is not None:
        await asyncio.to_thread(out.write_text,
                                json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    side = "--dev-side" in sys.argv
    asyncio.run(run(json_arg([a for a in sys.argv[1:] if a != "--dev-side"], __doc__ or ""),
                    side))
