"""Whether a question inherits a thread's or the previous answer's context.

Only an elliptical question does: one that continues ("And who…?", "…, then?", "それで?"),
points back (it, that, instead, それ, その, 代わりに), or has no subject of its own. A question
naming its own event, place, person or date is answered from what it names, whatever thread
it is asked in. Names count whatever their case ("istanbul"): a word is a name when the
stored reports write it as one (its sound key, ``bot.news.entities``, is in about as many
reports as the word). The sides (Putin, ロシア) are in most reports: a question naming only
them has a subject of its own when it also says what about (two words the reports use), names
two sides and one word ("did Putin ring Trump?"), or, in Japanese, two sides with one as its
subject (プーチン氏はトランプ氏に). A question naming no side needs three words of its own. A
pronoun points back when the question names no side before it ("Trump and Putin … their next
summit", "announced that …" refer within the question); そ- (それ, その) and a "that" standing
alone ("right before that?") always do. "で、" is "so,": it continues only a question naming no
event or side pair of its own, or pointing back with そ-.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.answer.engine import COMMON_SHARE, NAME_KEY, PARTIES, Concept, Engine
from bot.answer.support import content_nouns, event_names, proper_noun
from bot.answer.when import Window, parse_window
from bot.news.entities import MIN_KEY, entity_names, glossary_keys, skeleton

#: Words that open (or close) an elliptical question: "And who led…?", "ok and…", "…, then?",
#: "それで次は?".
_FRAGMENT = re.compile(r"^\s*(?:(?:ok|okay|oh|right|wait)\W*)?"
                       r"(?:and|so then|then|also|but|what about|how about)\b"
                       r"|,\s*then\s*\??\s*$"
                       r"|^\s*(?:それで|じゃあ|では|ほかに|他に|あと|ところで)", re.IGNORECASE)
#: "So, …": a question opened so goes on from the thread unless it names its own event.
_OPENER = re.compile(r"^\s*で、")
#: Words that always mean something said before, whatever the question names ("who else").
#: Not after "apart from X" / "Xのほか" / "instead of X": those say besides what.
_ALWAYS_BACK = re.compile(r"^(?!.*\b(?:apart from|besides|other than|except)\b).*\belse\b"
                          r"|\binstead\b(?!\s+of)|代わり|(?<![のと外])ほかに", re.IGNORECASE)
#: The Japanese pronouns for what the other speaker just said (そ-, not あ- "that one we
#: know"): after "で、" they point back even when the question names something.
_SO_BACK = re.compile(r"それ(?!ぞれ)|その|そこ")
#: Words that point back to what was said before (the thread's story, the last answer)
#: when the question names no side before them.
_POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|that|this|those|there"
                          r"|both sides|the two sides)\b|双方|あれ|あの|この件", re.IGNORECASE)
#: "That" standing alone, never a conjunction: after a preposition at the clause's end
#: ("right before that?") or as a clause's subject ("how late did that go").
_BARE_THAT = re.compile(r"\b(?:before|after|than|about|since|like|of|from|with|on)\s+"
                        r"(?:that|this)\s*(?:[?.!,;]|$)"
                        r"|\b(?:did|does|do|was|is|will|would|has|had)\s+(?:that|this)\s+[a-z]+",
                        re.IGNORECASE)
#: A side as the subject of a Japanese question: プーチン氏は, ロシアが, トランプって.
_JA_SUBJECT = r"(?:氏|大統領|側)?(?:は|が|って)"
#: A word is written as a name when its sound key is in at least this share of the
#: reports that contain the word ("Istanbul"); "talks" shares its key with no name as often.
NAME_SHARE = 0.5
#: Words of the question, as written (for names written in lower case).
_WORD = re.compile(r"[a-z][a-z'’-]{3,}", re.IGNORECASE)
#: Content words beyond the sides that give a question a subject of its own.
OWN_SUBJECT = 2
#: Content words that give a question naming no side a subject of its own: an action, its
#: object and one more ("which border crossing were the bodies handed over at").
SIDELESS_SUBJECT = 3


def is_followup(question: str, engine: Engine, concepts: Sequence[Concept],
                window: Window) -> bool:
    """Only an elliptical question inherits context (see the module docstring); the
    caller still leaves the context when the question names what it does not cover."""
    if _FRAGMENT.search(question):
        return True
    if window.start is not None:
        return False
    if _ALWAYS_BACK.search(question):
        return True
    named = bool(own_names(question, concepts, engine))
    if _OPENER.search(question):
        return bool(_SO_BACK.search(question)) or not (
            named or len(sides_named(concepts, engine)) > 1)
    if named:
        return False
    if points_back(question, concepts, engine):
        return True
    if not names_a_side(concepts, engine):
        return len(content_words(question, concepts, engine)) < SIDELESS_SUBJECT
    return not own_subject(question, concepts, engine)


def own_subject(question: str, concepts: Sequence[Concept], engine: Engine) -> bool:
    """A question naming a side says what about: two words, or a second side and a word,
    or (Japanese) a second side with one side as its subject (プーチン氏はトランプ氏に…)."""
    words = len(content_words(question, concepts, engine))
    sides = sides_named(concepts, engine)
    if words >= OWN_SUBJECT or (len(sides) > 1 and words):
        return True
    return len(sides) > 1 and _japanese(question) and _side_is_subject(question, sides)


def sides_named(concepts: Sequence[Concept], engine: Engine) -> list[Concept]:
    """The question's concepts that are one of the sides (Putin, ロシア), once each."""
    sides = engine.party_tokens
    return [c for c in concepts if any(set(t.split("-")) <= sides for t in c.tokens)]


def _side_is_subject(question: str, sides: Sequence[Concept]) -> bool:
    written = [t for c in sides for t in c.tokens if not t.isascii()]
    return any(re.search(re.escape(t) + _JA_SUBJECT, question) for t in written)


def points_back(question: str, concepts: Sequence[Concept], engine: Engine) -> bool:
    """そ- and a "that" standing alone always mean what was just said; another pronoun
    (their, a "that" opening a clause) or "both sides" does when the question names no side
    before it ("Trump and Putin … their summit")."""
    if _SO_BACK.search(question) or _BARE_THAT.search(question):
        return True
    found = _POINTS_BACK.search(question)
    if found is None:
        return False
    before = set(engine.analyzer.tokens(question[:found.start()]))
    return not any(before & set(c.tokens) for c in sides_named(concepts, engine))


def names_a_side(concepts: Sequence[Concept], engine: Engine) -> bool:
    """The question names one of the sides (Putin, ロシア): a person of its own."""
    return bool(sides_named(concepts, engine))


def own_names(question: str, concepts: Sequence[Concept], engine: Engine) -> list[str]:
    """The question's names of an event, place or person other than the sides, in any case;
    a name no report uses counts too (it names another event)."""
    sides = engine.party_tokens
    found = [c.tokens[0] for c in event_names(concepts, engine, loanwords=True)]
    found += [c.tokens[0] for c in concepts if c.name and not c.df
              and not c.tokens[0].isdigit() and c.tokens[0] not in sides]
    for word in _WORD.findall(question):
        if word[0].islower() and _written_as_name(word, engine):
            found.append(word.lower())
    if _japanese(question):
        side_keys = _side_keys(engine)
        found += [n for n in proper_nouns(question)
                  if not set(engine.analyzer.tokens(n)) <= sides
                  and not {k for _n, k in entity_names(n)} & side_keys]
    return list(dict.fromkeys(found))


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _side_keys(engine: Engine) -> frozenset[str]:
    """The sides' name keys: プーチン is Putin, one of the sides, not a name of its own."""
    return frozenset(k for side in PARTIES if side.isascii()
                     for _n, k in entity_names(f"x {side.title()}"))


def _written_as_name(word: str, engine: Engine) -> bool:
    tokens = engine.analyzer.tokens(word)
    if len(tokens) != 1 or tokens[0] in engine.party_tokens:
        return False
    names = entity_names(f"x {word[0].upper()}{word[1:]}")
    if len(names) > 1:
        # A hyphenated compound ("thousand-for-thousand") is several words, not one name.
        return False
    key = names[0][1] if names else skeleton(word)
    word_id = engine.index.token_id(tokens[0])
    key_id = engine.index.token_id(NAME_KEY + key)
    # A short key is too easily another word's sound, unless the glossary knows the name.
    shortest = MIN_KEY if word.lower() in glossary_keys() else MIN_KEY + 1
    if word_id is None or key_id is None or len(key) < shortest:
        return False
    word_df = engine.index.global_df(word_id)
    n_docs = max(engine.index.n_docs, 1)
    return (word_df / n_docs <= COMMON_SHARE
            and engine.index.global_df(key_id) >= NAME_SHARE * word_df)


def proper_nouns(question: str) -> list[str]:
    """Japanese proper nouns (MeCab) and the glossary's names as written (復活祭 is Easter;
    MeCab splits it)."""
    glossary = [k for k in glossary_keys() if not k.isascii() and len(k) > 1 and k in question]
    return [*glossary, *(n for n in content_nouns(question) if proper_noun(n))]


def content_words(question: str, concepts: Sequence[Concept], engine: Engine) -> list[str]:
    """The question's words that some report uses, other than the sides and the words in
    most reports."""
    n_docs = max(engine.index.n_docs, 1)
    sides = engine.party_tokens
    words = [c for c in concepts if c.df and c.df_max / n_docs <= COMMON_SHARE
             and not any(set(t.split("-")) <= sides for t in c.tokens)]
    if _japanese(question):
        # Japanese verbs and adjectives are no subject: only MeCab's content nouns count.
        nouns = {t for n in content_nouns(question) for t in engine.analyzer.tokens(n)}
        words = [c for c in words if c.tokens[0] in nouns]
    return [c.tokens[0] for c in words]


def inherits(question: str, engine: Engine, *, now: datetime, zone: tzinfo) -> bool:
    """``is_followup`` as ``answer_question`` decides it (the engine refreshed by the caller)."""
    _count, _first, last = engine.span()
    window = parse_window(question, now=now, zone=zone,
                          covered_until=min(last, now) if last else None)
    return is_followup(question, engine, engine.concepts_for(question, window), window)
