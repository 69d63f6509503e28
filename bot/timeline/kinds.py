"""What kind of development a story is (call, talks, summit, agreement, exchange, truce),
read from its first report's title and lead, in Japanese or English.

The first kind whose cue words appear wins, in the order below: a phone call that agreed
on talks is a call; a round of talks that swapped prisoners is an exchange.
"""

from __future__ import annotations

from bot.text.sentences import normalise

KINDS: tuple[str, ...] = ("call", "summit", "exchange", "truce", "agreement", "talks")

CUES: dict[str, tuple[str, ...]] = {
    "call": ("phone", "call with", "電話"),
    "exchange": ("swap", "exchange", "prisoner", "pows", "bodies", "捕虜", "交換", "遺体"),
    "truce": ("truce", "pause", "halt", "30-day", "easter", "一時停戦", "休戦", "停止",
              "30日間", "復活祭"),
    "summit": ("summit", "oval office", "white house", "首脳会談", "ホワイトハウス", "執務室"),
    "agreement": ("sign", "ratif", "deal", "memorand", "署名", "批准", "協定", "覚書"),
    "talks": (),
}

LABELS: dict[str, dict[str, str]] = {
    "call": {"en": "Call", "ja": "電話会談"},
    "exchange": {"en": "Exchange", "ja": "捕虜交換"},
    "truce": {"en": "Truce", "ja": "停戦"},
    "summit": {"en": "Summit", "ja": "首脳会談"},
    "agreement": {"en": "Agreement", "ja": "合意・署名"},
    "talks": {"en": "Talks", "ja": "協議"},
}


def kind_of(text: str) -> str:
    """The development's kind; ``talks`` when nothing more specific is said."""
    norm = normalise(text)
    for kind in KINDS:
        if any(cue in norm for cue in CUES[kind]):
            return kind
    return "talks"


def kind_label(kind: str, lang: str) -> str:
    return LABELS[kind]["ja" if lang == "ja" else "en"]
