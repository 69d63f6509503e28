"""Split text into sentences without changing a single character of them.

Citations quote sentences exactly as the source wrote them, so splitting only finds
boundaries; normalisation (NFKC, case) is for matching and happens elsewhere.
"""

from __future__ import annotations

import re
import unicodedata

# A boundary after Japanese full stops (and !? in both widths), optionally followed by a
# closing quote or bracket; or after . ! ? followed by space and an upper-case letter,
# digit or quote. Abbreviations such as "U.S." or "Mr." are not boundaries.
_JA_END = re.compile(r"(?<=[。！？!?])[」』）)]*")
_EN_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|No|Jr|Sr|vs|etc"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.|\b(?:[A-Z]\.){1,3})$")


def split_sentences(text: str) -> list[str]:
    """Return the sentences of ``text``, each stripped of surrounding white space."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        block = block.strip()
        if block:
            out.extend(_split_block(block))
    return [s for s in out if s]


def _split_block(block: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _JA_END.finditer(block):
        end = match.end()
        if end < len(block) and end > start:
            pieces.append(block[start:end])
            start = end
    pieces.append(block[start:])
    sentences: list[str] = []
    for piece in pieces:
        sentences.extend(_split_latin(piece.strip()))
    return [s.strip() for s in sentences if s.strip()]


def _split_latin(piece: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _EN_END.finditer(piece):
        candidate = piece[start:match.start()]
        if _ABBREV.search(candidate.rstrip("\"')]")):
            continue
        out.append(candidate)
        start = match.end()
    out.append(piece[start:])
    return out


def normalise(text: str) -> str:
    """NFKC + case fold: for matching only, never for display."""
    return unicodedata.normalize("NFKC", text).casefold()


_CJK = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
_LATIN = re.compile("[A-Za-z]")


def detect_lang(text: str) -> str:
    """``ja`` when the text is mostly kana/kanji, else ``en``."""
    sample = text[:2000]
    cjk = len(_CJK.findall(sample))  # counted by the regex engine: this runs per entry
    latin = len(_LATIN.findall(sample))
    return "ja" if cjk and cjk * 3 >= latin else "en"
def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        bare = "".join(c for c in unicodedata.normalize("NFKD", chr(code))
                       if not unicodedata.combining(c))
        if bare != chr(code) and bare.isascii():
            table[code] = bare
    # Letters with no decomposition of their own.
    table.update({ord(k): v for k, v in {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h",
                                         "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}.items()})
    return table


_ACCENTS = _accent_table()


def fold_accents(norm: str) -> str:
    """Latin letters without their diacritics ("türkiye" -> "turkiye", "erdoğan" ->
    "erdogan"): outlets spell a name with and without them, and a letter outside a-z would
    otherwise cut the word in two ("t" + "rkiye"). Other scripts are left as they are."""
    return norm if norm.isascii() else norm.translate(_ACCENTS)


