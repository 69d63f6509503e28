"""Invisible characters that change how text reads: removed from everything shown or stored.

Zero-width characters hide a word from filters and search ("ce\u200basefire"), and bidi
overrides make ``https://evil.example/\u202egepj.exe`` read as something else; terminal
control characters (ESC ...) rewrite a console. None of them carries meaning in a news
report, so they go at ingest (stored texts and URLs) and again at render (anything else).
"""

from __future__ import annotations

import re

#: Unicode format characters (category Cf: zero-width, joiners, bidi embeddings, overrides
#: and isolates, word joiner, BOM, interlinear annotation, tags) and C0/C1 controls except
#: tab and newline.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")


def strip_controls(text: str) -> str:
    """``text`` without zero-width, bidi and control characters (tab and newline kept)."""
    return _INVISIBLE.sub("", text)
