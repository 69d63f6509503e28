"""The glossary finds a question's alternatives through an index by first token; what it
finds must be exactly what testing every entry finds."""

from __future__ import annotations

import random

from bot.text.analyzer import Analyzer
from bot.text.glossary import Glossary


def every_entry(glossary: Glossary, tokens: list[str]) -> dict[str, set[str]]:
    """The definition: each entry whose source tokens all occur adds its targets."""
    have = set(tokens)
    out: dict[str, set[str]] = {t: set() for t in tokens}
    for entry in glossary.entries:
        if set(entry.source) <= have:
            for target in entry.targets:
                for t in entry.source:
                    out[t].update(target)
    return out


def test_the_indexed_lookup_finds_what_testing_every_entry_finds() -> None:
    analyzer = Analyzer()
    glossary = Glossary.load(analyzer)
    rng = random.Random(19)
    sources = [list(e.source) for e in glossary.entries]
    multi = [s for s in sources if len(s) > 1]
    assert multi  # terms of several tokens are where a first-token index could go wrong
    questions = [list(analyzer.tokens(q)) for q in (
        "What was agreed in Geneva?", "停戦協議で何が合意された?", "捕虜交換はいつ?")]
    for _ in range(300):
        picked = [*rng.sample(sources, 3), rng.choice(multi)[:1], rng.choice(multi)[1:]]
        questions.append([t for s in picked for t in s] + ["talks", "the"])
    for tokens in questions:
        assert glossary.alternatives(tokens) == every_entry(glossary, tokens), tokens
