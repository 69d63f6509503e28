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
IRREGULAR = Path(__file__).parent / "data" / "irregular_en.tsv"
CASUAL = Path(__file__).parent / "data" / "casual.tsv"
#: Everyday words of any report (not the talks' names): read like the glossary, in both
#: directions, but apart from it (the names' sound keys read the glossary only).
EVERYDAY: Path | None = Path(__file__).parent / "data" / "everyday_ja_en.tsv"


@dataclass(frozen=True)
class Entry:
    source: tuple[str, ...]
    targets: tuple[tuple[str, ...], ...]


class Glossary:
    """Term translations in both directions, as analyser tokens."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = tuple(e for e in entries if e.source)
        #: Entries by their first source token: a question visits only those that can
        #: match. Testing all 900 built a set per entry per question, the busiest
        #: allocation site of a soak's steady state (short-lived objects by the hundred
        #: thousand a minute, among the long-lived ones the heap keeps).
        self._by_first: dict[str, list[Entry]] = {}
        for entry in self.entries:
            self._by_first.setdefault(entry.source[0], []).append(entry)

    @classmethod
    def load(cls, analyzer: Analyzer, path: Path = DEFAULT_GLOSSARY,
             irregular: Path | None = IRREGULAR, casual: Path | None = CASUAL) -> Glossary:
        forms = _forms(analyzer, irregular) if irregular is not None else {}
        entries: list[Entry] = []
        pairs = _pairs(path)
        if path == DEFAULT_GLOSSARY and EVERYDAY is not None:
            pairs += _pairs(EVERYDAY)
        for ja, ens in pairs:
            en_toks = tuple(dict.fromkeys(
                v for e in ens for v in _variants(tuple(analyzer.tokens(e)), forms) if v))
            # A term as MeCab splits it alone and, when that differs, as one token: in a
            # sentence 日間 and 停戦協議 often come out whole.
            for ja_tok in dict.fromkeys([tuple(analyzer.tokens(ja))]):
                entries.append(Entry(ja_tok, en_toks))
            entries.extend(Entry(en, (tuple(analyzer.tokens(ja)),)) for en in en_toks)
        for said, written in _pairs(casual) if casual is not None else ():
            entries.append(Entry(tuple(analyzer.tokens(said)), tuple(
                v for w in written for v in _variants(tuple(analyzer.tokens(w)), forms) if v)))
        return cls(entries)

    def alternatives(self, tokens: Sequence[str]) -> dict[str, set[str]]:
        """For each query token, the tokens of its translations (empty when none)."""
        have = set(tokens)
        out: dict[str, set[str]] = {t: set() for t in tokens}
        for first in have:
            for entry in self._by_first.get(first, ()):
                if all(t in have for t in entry.source):
                    for target in entry.targets:
                        for t in entry.source:
                            out[t].update(target)
        return out


def _pairs(path: Path) -> list[tuple[str, list[str]]]:
    """(first column, the alternatives of the second) of a two-column TSV with comments."""
    pairs: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        left, _, right = line.partition("\t")
        pairs.append((left.strip(), [e.strip() for e in right.split("|") if e.strip()]))
    return pairs


def _forms(analyzer: Analyzer, path: Path) -> dict[str, tuple[str, ...]]:
    """Each irregular form's token -> the tokens of every form of its verb."""
    out: dict[str, tuple[str, ...]] = {}
    for base, others in _pairs(path):
        tokens = tuple(dict.fromkeys(t for w in (base, *others) for t in analyzer.tokens(w)))
        for t in tokens:
            out[t] = tokens
    return out


def _variants(tokens: tuple[str, ...], forms: dict[str, tuple[str, ...]]
              ) -> list[tuple[str, ...]]:
    """A phrase's tokens, and the same phrase with each irregular verb in its other forms."""
    out = [tokens]
    for i, token in enumerate(tokens):
        out += [(*tokens[:i], f, *tokens[i + 1:]) for f in forms.get(token, ()) if f != token]
    return out
