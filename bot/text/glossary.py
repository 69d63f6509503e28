"""Cross-language query terms from a bilingual glossary of the talks' names and terms.

A question's terms get their translations as alternatives, so a Japanese question finds
English reports and the reverse. The glossary is plain data (one line per term), cheaper
and more precise on names than a sentence encoder (see ``bench/crosslang.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.text.analyzer import Analyzer

DEFAULT_GLOSSARY = Path(__file__).parent / "data" / "glossary_ja_en.tsv"


@dataclass(frozen=True)
class Entry:
    source: tuple[str, ...]
    targets: tuple[tuple[str, ...], ...]


class Glossary:
    """Term translations in both directions, as analyser tokens."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = tuple(e for e in entries if e.source)

    @classmethod
    def load(cls, analyzer: Analyzer, path: Path = DEFAULT_GLOSSARY) -> Glossary:
        pairs: list[tuple[str, list[str]]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            ja, _, en = line.partition("\t")
            pairs.append((ja.strip(), [e.strip() for e in en.split("|") if e.strip()]))
        entries: list[Entry] = []
        for ja, ens in pairs:
            ja_tok = tuple(analyzer.tokens(ja))
            en_toks = tuple(t for t in (tuple(analyzer.tokens(e)) for e in ens) if t)
            entries.append(Entry(ja_tok, en_toks))
            entries.extend(Entry(en, (ja_tok,)) for en in en_toks)
        return cls(entries)

    def alternatives(self, tokens: Sequence[str]) -> dict[str, set[str]]:
        """For each query token, the tokens of its translations (empty when none)."""
        have = set(tokens)
        out: dict[str, set[str]] = {t: set() for t in tokens}
        for entry in self.entries:
            if set(entry.source) <= have:
                for target in entry.targets:
                    for t in entry.source:
                        out[t].update(target)
        return out
