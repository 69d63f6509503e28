"""A people or an adjective made from a place's name: "Emirati" from "Emirates", "Hungarian"
from "Hungary", "Turkish" from "Turkey".

A question may name a place by its people ("the Emirati minister") where every report names
the place; the stemmer leaves the two apart, and a name no report uses reads as another
event. A question's name that no report uses is joined to the stored names it is derived
from (``bot.answer.engine``), so it finds those reports and is not refused as unknown.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

#: Endings that make a people or an adjective of a place's name ("Hungar-ian", "Japan-es",
#: "Qatar-i", "Emirat-i", "Turk-ish"), as the stemmer leaves them.
ENDINGS = ("ian", "ean", "ese", "ish", "an", "es", "ic", "i", "n")
#: The shortest part of the name that must remain ("Turk" of "Turkish").
MIN_STEM = 4
#: How many of the stem's last letters the stored name may write otherwise ("Emirat-i" and
#: "Emir-ates", "Hungar-ian" and "Hungar-y").
TAIL = 2
#: At most this many stored names join a derived form.
MAX_BASES = 5
#: Peoples and adjectives no ending makes of their country's name ("Danish" of "Denmark",
#: "French" of "France"), as the stemmer leaves both: general vocabulary, not the news's.
#: ("Pole" and "Polish" are left out: a pole, to polish; with them a question naming
#: Poland quoted a report's sentence on "Polish F-16s" before the one asked, fresh
#: f51-q05. "Turkish", "Chinese", "Swedish" take an ending.)
IRREGULAR: dict[str, frozenset[str]] = {
    "danish": frozenset({"denmark"}), "dane": frozenset({"denmark"}),
    "french": frozenset({"franc"}), "dutch": frozenset({"netherland", "holland"}),
    "swiss": frozenset({"switzerland"}),
    "british": frozenset({"britain"}), "briton": frozenset({"britain"}),
    "norwegian": frozenset({"norway"}), "finnish": frozenset({"finland"}),
    "finn": frozenset({"finland"}), "swede": frozenset({"sweden"}),
    "spanish": frozenset({"spain"}), "spaniard": frozenset({"spain"}),
    "greek": frozenset({"greec"}), "irish": frozenset({"ireland"}),
    "welsh": frozenset({"wale"}),
    "scottish": frozenset({"scotland"}), "scot": frozenset({"scotland"}),
    "flemish": frozenset({"flander"}), "cypriot": frozenset({"cyprus"}),
    "portugues": frozenset({"portug"}),
    "peruvian": frozenset({"peru"}), "filipino": frozenset({"philippin"}),
}
#: Read the irregular peoples too (``IRREGULAR``).
IRREGULAR_PEOPLES = True


def bases(token: str, vocab: Sequence[str]) -> list[str]:
    """The stored tokens (``vocab``, sorted) that ``token`` is a people or adjective of;
    empty when it is not such a form or the store names no such place."""
    if not token.isascii() or not token.isalpha():
        return []
    if IRREGULAR_PEOPLES and token in IRREGULAR:
        return [t for t in sorted(IRREGULAR[token]) if _in(vocab, t)]
    for ending in ENDINGS:
        stem = token.removesuffix(ending)
        if stem == token or len(stem) < MIN_STEM:
            continue
        for k in range(len(stem), max(MIN_STEM, len(stem) - TAIL) - 1, -1):
            found = _starting_with(vocab, stem[:k])
            if found:
                return found
    return []


def _starting_with(vocab: Sequence[str], prefix: str, limit: int | None = MAX_BASES
                   ) -> list[str]:
    i = bisect.bisect_left(vocab, prefix)
    out: list[str] = []
    while i < len(vocab) and vocab[i].startswith(prefix) and (limit is None
                                                             or len(out) < limit):
        out.append(vocab[i])
        i += 1
    return out


def peoples(place: str, vocab: Sequence[str]) -> list[str]:
    """The stored tokens (``vocab``, sorted) that are a people or adjective of ``place``
    ("belgian" of "belgium"); empty for no such form."""
    if not place.isascii() or not place.isalpha() or len(place) < MIN_STEM:
        return []
    irregular = [t for t, places in IRREGULAR.items()
                 if place in places and _in(vocab, t)] if IRREGULAR_PEOPLES else []
    return [*irregular, *(t for t in _starting_with(vocab, place[:MIN_STEM], limit=None)
                          if people_of(t, place))][:MAX_BASES]


def _in(vocab: Sequence[str], token: str) -> bool:
    i = bisect.bisect_left(vocab, token)
    return i < len(vocab) and vocab[i] == token


def people_of(token: str, place: str) -> bool:
    """``token`` is ``place``'s people or adjective: a stem of it that ``place`` begins with
    whole, and an ending ("belg-ian", "japan-es", "turk-ish"). Stricter than ``bases``, which
    lets the stem's last letters differ: there "europ-ean" would be a people of
    "euroclear"."""
    if IRREGULAR_PEOPLES and place in IRREGULAR.get(token, ()):
        return True
    return token != place and any(
        token.endswith(ending) and len(token) - len(ending) >= MIN_STEM
        and place.startswith(token[:-len(ending)]) for ending in ENDINGS)
