"""The outlet a question attributes what it asks to, and which reports it names.

A reader who asks "according to the BBC, what type of missile hit Sumy?" or "ロイターによると
…" wants that outlet's account: its report should lead the answer even when it is in the
other language (the BBC's Japanese service) and ranks below reports of the same event by
others. Only an attribution counts ("according to X", "per X", "X's report", "did X
report", "Xによると", "Xの報道", "Xは…と伝えた"), never a name that merely appears: "Trump's
Fox News interview" asks about an interview, not about Fox News' report of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from bot.answer import demonyms
from bot.answer.engine import NAME_KEY, Concept, Engine

#: An outlet's name in an English question: one to four capitalised words or an acronym
#: ("Reuters", "the Kyiv Independent", "Jiji Press", "AFP").
_NAME = r"(?:the\s+)?(?P<o>[A-Z][\w&.-]*+(?:\s+[A-Z][\w&.-]*+){0,3})"
#: An acronym ("BBC", "TASS"): "did the BBC say" attributes, "did Trump say" does not.
_ACRONYM = r"(?:the\s+)?(?P<o>[A-Z]{2,6})"
_ATTRIBUTED_EN = (
    # (not "according to Ukraine's air force": a possessive names a body of that place)
    re.compile(rf"\b(?:[Aa]ccording\s+to|[Pp]er|(?:reported|cited|quoted)\s+by)\s+{_NAME}"
               r"(?!['’]|\s+[A-Z])"),
    re.compile(rf"\b(?:[Ii]n\s+)?{_NAME}(?:'s|’s|')\s+(?:(?:Japanese|English)(?:-language)?\s+)?"
               r"(?:report|account|story|article|coverage)\b"),
    re.compile(rf"\b(?:did|does|do)\s+{_ACRONYM}\s+(?:say|report|write)\b"),
    re.compile(rf"\b{_NAME}\s+reported\b"),
)
#: An outlet's name in a Japanese question, written in katakana, kanji ending in 通信 or
#: 新聞, or Latin letters, before an attribution: "ロイターによると", "BBCの報道では", or the
#: question's own verb, "共同通信は…と伝えた？" (not "ブルームバーグが報じた停戦条件って何?",
#: where the outlet's report is only how the matter came out).
_NAME_JA = r"(?P<o>[ァ-ヴー・]{2,}|[一-龥]{1,6}(?:通信|新聞)|[A-Za-z][A-Za-z.&]+)"
_ATTRIBUTED_JA = (
    re.compile(rf"{_NAME_JA}(?:日本語版)?(?:によると|によれば|の報道|の記事|の取材|による)"),
    re.compile(rf"{_NAME_JA}(?:日本語版)?(?:は|が)[^。？?]*?(?:伝え|報じ)(?:た|ている|てる)?"
               r"(?:の|んだ)?(?:[？?]|$)"),
)
#: The parts of an outlet's name: "ニューズウィーク日本版（ロイター）", "Le Monde (via am1.news)".
_PARTS = re.compile(r"\s*[(（）)]\s*(?:via\s+)?")
#: Words an attribution may begin with that name no outlet ("According to Ukraine's
#: foreign ministry", "per President Zelensky").
_NOT_OUTLETS = frozenset({"the", "a", "an", "president", "prime", "us", "u.s.", "he", "she",
                          "they", "it"})


def attributed(question: str) -> list[str]:
    """The outlet names the question attributes to (NFKC, as written: "BBC", "ロイター")."""
    text = unicodedata.normalize("NFKC", question)
    found = [m.group("o") for pattern in (*_ATTRIBUTED_EN, *_ATTRIBUTED_JA)
             for m in pattern.finditer(text)]
    names = [re.sub(r"(?:'s|’s|')$", "", name).strip() for name in found]
    return list(dict.fromkeys(n for n in names
                              if n and n.split()[0].casefold() not in _NOT_OUTLETS))


def outlet_forms(question: str, concepts: Sequence[Concept], engine: Engine) -> set[str]:
    """The outlets the question attributes to, as written and as the glossary translates
    their first word ("Jiji" -> 時事通信, ロイター -> "reuter"); none: no attribution. A
    place is no outlet (``_a_place``)."""
    names = [n for n in attributed(question) if not _a_place(n, engine)]
    forms = set(names)
    for name in names:
        head = tuple(engine.analyzer.tokens(name)[:1])
        forms.update(t for c in concepts if c.tokens[:1] == head for t in c.tokens[1:]
                     if not t.startswith(NAME_KEY))
    return forms


def _a_place(name: str, engine: Engine) -> bool:
    """The name is one word, a country, a side of the talks or their people ("according
    to Ukrainian authorities", "Russia reported"; "the Kyiv Independent" is an outlet)."""
    if len(name.split()) > 1:
        return False
    head = engine.analyzer.tokens(name)[:1]
    places = [*head, *(b for t in head for b in demonyms.bases(t, engine.sorted_vocab()))]
    return any(engine.names_country(t) or t in engine.party_tokens for t in places)


#: The agencies readers name by their initials while outlets carrying their copy spell
#: them out ("The Associated Press (Hürriyet Daily News)").
_SPELLED_OUT = {"AP": "Associated Press", "AFP": "Agence France-Presse"}


def names_outlet(forms: Iterable[str], source: str) -> bool:
    """One of ``forms`` (an attributed name as written, or its translation) names the
    outlet ``source``: it is a whole part of the name ("Reuters" of "Reuters (via CNA)"; a
    stem, "reuter", with its ending), or, written in capitals or in Japanese, the start of
    one ("BBC" of "BBC News" and "BBCニュース", "ロイター" of "WACOCA（ロイター配信）",
    "時事通信" of "時事通信社"); "AP" names the Associated Press. "Moscow" does not name
    "The Moscow Times", nor "Kyiv" the Kyiv Post."""
    parts = [_norm(p).removeprefix("the ") for p in _PARTS.split(source) if p.strip()]
    forms = [*forms, *(_SPELLED_OUT[f] for f in forms if f in _SPELLED_OUT)]
    for form in forms:
        folded = _norm(form).removeprefix("the ")
        if not folded:
            continue
        for part in parts:
            if not folded.isascii():
                if part.startswith(folded):
                    return True
            elif part == folded or (len(folded) >= 5 and re.fullmatch(
                    rf"{re.escape(folded)}[a-z]{{1,2}}", part)) or (
                    form.isupper() and re.match(rf"{re.escape(folded)}(?:\s|[^\x00-\x7f])",
                                                part)):
                return True
    return False


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()
