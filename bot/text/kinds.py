"""What kind of development a story is (talks, agreement, prisoner exchange, ceasefire,
statement), from cue words in its headline and key points, in Japanese and English.

Platforms use it to label a post (Discord forum tags); the order of ``KINDS`` is the
priority when several match: a prisoner swap agreed at talks is a prisoner exchange.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.text.sentences import normalise

#: Kinds in priority order, each with its cue words (lower-case, normalised).
KINDS: dict[str, tuple[str, ...]] = {
    "prisoner_exchange": ("prisoner", "pows", "prisoners of war", "swap", "captives",
                          "捕虜", "人質交換"),
    "ceasefire": ("ceasefire", "cease-fire", "truce", "halt to strikes", "停戦", "休戦"),
    "agreement": ("agreed", "agreement", "deal", "signed", "accord", "memorandum",
                  "合意", "署名", "協定", "覚書"),
    "talks": ("talks", "negotiat", "summit", "meeting", "met ", "meet ", "delegation",
              "協議", "会談", "交渉", "首脳", "代表団"),
    "statement": ("said", "says", "statement", "told", "announced", "warned", "declared",
                  "述べ", "表明", "発表", "声明", "談話"),
}

#: A kind's name as a reader sees it (a forum tag name: at most 20 characters).
KIND_NAMES: dict[str, dict[str, str]] = {
    "talks": {"en": "Talks", "ja": "協議"},
    "agreement": {"en": "Agreement", "ja": "合意"},
    "prisoner_exchange": {"en": "Prisoner exchange", "ja": "捕虜交換"},
    "ceasefire": {"en": "Ceasefire", "ja": "停戦"},
    "statement": {"en": "Statement", "ja": "声明"},
}


def kind_of(texts: Iterable[str]) -> str | None:
    """The development's kind: the first of ``KINDS`` whose cue appears in the headline
    (else in the key points); None when nothing says what it is."""
    texts = [normalise(t) for t in texts]
    for scope in (texts[:1], texts[1:]):
        joined = " ".join(scope) + " "
        for kind, cues in KINDS.items():
            if any(cue in joined for cue in cues):
                return kind
    return None


def kind_name(kind: str, lang: str) -> str:
    names = KIND_NAMES[kind]
    return names.get(lang) or names["en"]
