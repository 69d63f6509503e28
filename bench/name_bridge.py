"""Names of the dev-split real reports that meet a name of the other script by sound key.

    python bench/name_bridge.py

Reads the dev developments' reports only (odd dNN in tests/data/realnews), one sentence at
a time with the report's own names (as the index reads them), and prints each key that
joins a Latin-script and a katakana name the glossary does not key (a report's
loanword has no key: ``bot.answer.engine.keyed_name``): (key, Latin names,
katakana names, glossary Latin names, glossary katakana names), then the counts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from bot.answer.engine import keyed_name
from bot.news.entities import entity_names, glossary_keys, name_words
from bot.text.sentences import split_sentences

REALNEWS = Path(__file__).resolve().parent.parent / "tests" / "data" / "realnews"


def names_by_key() -> tuple[dict[str, set[tuple[str, bool]]], dict[str, set[tuple[str, bool]]]]:
    """(Latin names, katakana names) by key, each with whether the glossary keys it."""
    known = glossary_keys()
    latin: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    kana: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    for path in sorted(REALNEWS.glob("d*.json")):
        if int(path.stem[1:]) % 2 == 0:
            continue  # the test split is not read
        for report in json.loads(path.read_text(encoding="utf-8"))["reports"]:
            names = name_words(report["text"])
            for text in [report["title"], *split_sentences(report["text"])]:
                for surface, key in entity_names(text, names):
                    if keyed_name(surface, key):
                        glossed = surface in known or surface.lower() in known
                        (latin if surface.isascii() else kana)[key].add((surface, glossed))
    return latin, kana


def main() -> None:
    latin, kana = names_by_key()
    gained_latin = gained_kana = keys = 0
    for key in sorted(set(latin) & set(kana)):
        new_l = sorted(s for s, g in latin[key] if not g)
        new_k = sorted(s for s, g in kana[key] if not g)
        if new_l or new_k:
            keys += 1
            gained_latin += len(new_l)
            gained_kana += len(new_k)
            print(key, new_l, new_k, sorted(s for s, g in latin[key] if g),
                  sorted(s for s, g in kana[key] if g), sep="\t")
    print(f"keys {keys} latin names gained {gained_latin} katakana names gained {gained_kana}"
          f" of {len({s for v in latin.values() for s, _ in v})} latin and"
          f" {len({s for v in kana.values() for s, _ in v})} katakana names")


if __name__ == "__main__":
    main()
