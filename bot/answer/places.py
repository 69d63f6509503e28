"""A country and the places inside it, in English and Japanese (ISO 3166 via ``pycountry``).

A question may name a country where every report names a place inside it ("meetings in
Switzerland", the reports' Geneva) or the same country in the other language ("China's
leader", a Japanese report's 中国). The stemmer and the glossary leave those apart, and a
name no report uses reads as another event. A country name in a question is joined to
the country's other-language name and to its subdivisions' names that the index holds
(``bot.answer.engine``), as ISO 3166 writes them: a maintained list, not one of ours.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pycountry

from bot.text.analyzer import Analyzer

#: "大韓民国 (韓国)": the translation's formal and short names ("London, City of": what
#: follows a comma qualifies the name).
_SPLIT = re.compile(r"[()（）、]")


@dataclass(frozen=True)
class _Gazetteer:
    #: A country's one-token name -> its code.
    country: dict[str, str]
    #: A code -> the one-token names of the country and of its subdivisions.
    inside: dict[str, frozenset[str]]


#: One gazetteer per Japanese analyser backend, built with the first analyser of that
#: backend asked (it takes a fifth of a second; a new ``Analyzer`` of its own would load a
#: second MeCab dictionary, about 18 MB).
_BUILT: dict[str, _Gazetteer] = {}


def _gazetteer(analyzer: Analyzer) -> _Gazetteer:
    found = _BUILT.get(analyzer.ja_backend)
    if found is None:
        found = _BUILT[analyzer.ja_backend] = _build(analyzer.tokens)
    return found


def _build(tokens: Callable[[str], Iterable[str]]) -> _Gazetteer:
    """ISO 3166's countries and subdivisions by their English or local and Japanese names,
    as the analyser's ``tokens`` reads them."""
    ja_countries = _translations("iso3166-1")
    ja_parts = _translations("iso3166-2")
    country: dict[str, str] = {}
    own: dict[str, set[str]] = {}
    for entry in pycountry.countries:
        forms = [entry.name, getattr(entry, "common_name", ""), ja_countries(entry.name)]
        for form in _one_token(forms, tokens):
            country.setdefault(form, entry.alpha_2)
            own.setdefault(entry.alpha_2, set()).add(form)
    inside = {code: set(names) for code, names in own.items()}
    for part in pycountry.subdivisions:
        inside.setdefault(part.country_code, set()).update(
            _one_token([part.name, ja_parts(part.name)], tokens))
    return _Gazetteer(country, {c: frozenset(n) for c, n in inside.items()})


def _translations(domain: str) -> Callable[[str], str]:
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["ja"]).gettext
    except OSError:  # pragma: no cover - pycountry ships the Japanese catalogues
        return lambda name: name


def _one_token(forms: Iterable[str], tokens: Callable[[str], Iterable[str]]) -> set[str]:
    """The forms that are one token each (a part of "Russian Federation" names nothing)."""
    out: set[str] = set()
    for form in forms:
        for piece in _SPLIT.split((form or "").split(",", 1)[0]):
            toks = list(tokens(piece.strip()))
            if len(toks) == 1:
                out.add(toks[0])
    return out


def within(token: str, analyzer: Analyzer) -> frozenset[str]:
    """The other names of the country ``token`` names and of the places inside it (empty
    when ``token`` names no country), as ``analyzer`` tokenises them."""
    places = _gazetteer(analyzer)
    code = places.country.get(token)
    return places.inside[code] - {token} if code is not None else frozenset()

