"""Names found without a gazetteer, as keys that match across English and Japanese.

A report names the people and places of its development: capitalised runs in English
("Abu Dhabi", "Kushner"), katakana runs in Japanese (アブダビ, クシュナー), and kanji names
before a title (石破首相). Japanese writes foreign names as it hears them, so a name is
keyed by its consonant skeleton after folding the sounds Japanese merges (l/r, b/v/f/p,
s/z/ts/th, j/soft g, silent final r, no w/y/h): "Witkoff" and ウィトコフ (uitokofu) both
become ``tkb``; "Abu Dhabi" and アブダビ both ``bdb``. Names the glossary knows take the
English form's key, so ロ and Russia agree even where their sounds do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import jaconv

from bot.text.glossary import DEFAULT_GLOSSARY

#: Capitalised words that start sentences or stand before names without being names.
_NOT_NAMES = frozenset(
    "a an and as at but by for from he her his i if in into it its me my no not of on or "
    "our she so that the their then there these they this those to up was we were what when "
    "where which while who why will with yet after also although before both during each "
    "however meanwhile since under until earlier later last next new one two three many "
    "more most some such other mr mrs ms dr sir president prime minister ministers foreign "
    "defence defense secretary state envoy special spokesman spokeswoman spokesperson "
    "officials official leader leaders chancellor senator general gen adviser advisor "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december reuters ap afp photo update "
    "updated file read says said according breaking live video watch".split())
_EN_RUN = re.compile(r"[A-Z][A-Za-z'’\-]*(?:[ \-][A-Z][A-Za-z'’\-]*)*")
#: Where a capital letter says nothing: after the start of a line, sentence or quote.
_STARTERS = frozenset("\n.!?:;\"“‘'(")
_SPLIT = re.compile(r"[ \-]")
_KATAKANA_RUN = re.compile(r"[ァ-ヺー・]{2,}")
#: Titles after a kanji name (a name of two or three kanji, not the tail of a longer run:
#: 米国務長官 and 中東担当特使 name no one).
_TITLES = ("大統領", "首相", "外相", "国防相", "報道官", "特使", "氏", "主席")
_KANJI_NAME = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,3})(?:"
                         + "|".join(_TITLES) + ")")
_VOWELS = frozenset("aeiouy")
#: Sounds Japanese merges, folded the same way on both sides (applied in order).
_FOLDS = (("ph", "f"), ("th", "s"), ("sh", "s"), ("ts", "s"), ("dz", "s"),
          ("zh", "j"), ("kh", "k"), ("ck", "k"), ("x", "ks"), ("q", "k"), ("z", "s"),
          ("l", "r"), ("v", "b"), ("f", "b"), ("p", "b"), ("w", ""))
MIN_KEY = 2


@lru_cache(maxsize=65536)
def skeleton(latin: str, *, sounded_r: bool = False) -> str:
    """The consonant skeleton of a Latin-script name (see the module docstring);
    ``sounded_r``: an r before a consonant is kept (Orbán, Irkutsk: オルバン, イルクーツク)."""
    word = "".join(ch for ch in unicodedata.normalize("NFKD", latin.lower())
                   if "a" <= ch <= "z")
    # British -re is said -er (Centre, センター); ch (チ), soft c and g before e/i/y; an r
    # that Japanese lengthens into a vowel.
    word = re.sub(r"(?<=[^aeiou])re$", "er", word)
    word = word.replace("ch", "t")
    word = re.sub(r"c(?=[eiy])", "s", word)
    word = re.sub(r"g(?=[eiy])", "j", word).replace("c", "k")
    if not sounded_r:
        word = re.sub(r"(?<=[aeiou])r(?![aeiouy])", "", word)
    for old, new in _FOLDS:
        word = word.replace(old, new)
    # h sounds only at the start of a word (Dhabi, Riyadh, Bahrain).
    word = word[:1] + word[1:].replace("h", "")
    out: list[str] = []
    for ch in word:
        if ch in _VOWELS or (out and out[-1] == ch):
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def kana_skeleton(katakana: str) -> str:
    """The skeleton of a katakana name, through its romaji."""
    return skeleton(_romaji(katakana))


def _romaji(katakana: str) -> str:
    """The katakana name in romaji (long-vowel marks dropped)."""
    return jaconv.kana2alphabet(jaconv.kata2hira(katakana)).replace("-", "")


#: A Russian palatal d (Medvedev: メドベージェフ) and a v before s or k that Japanese
#: writes as a vowel (Dnipropetrovsk: ドニプロペトロウシク; before r it is ブ: Lavrov,
#: ラブロフ).
_SOFT_D = re.compile(r"d(?=e)")
_V_BEFORE_CONSONANT = re.compile(r"v(?=[sk])")
#: Their Japanese side: ジェ read as de, and ル before a consonant as an r English leaves
#: silent (オルバン where the English key of "Orban" has none).
_JA_SOFT_D = re.compile(r"jie|je")
_JA_SOUNDED_R = re.compile(r"(?<=[aeiou])ru(?=[^aeiou])")


@lru_cache(maxsize=65536)
def key_variants(surface: str) -> frozenset[str]:
    """Other keys a name may have in the other script, where Japanese writes the sound
    otherwise than the skeleton reads the English spelling: an r sounded before a
    consonant, a palatal d, a v written as a vowel (and the reverse readings of katakana).
    A question's name gets them so that it still meets the report that writes it in the
    other script; reports keep their one key."""
    if surface.isascii():
        word = unicodedata.normalize("NFKD", surface.lower())
        forms = {skeleton(w, sounded_r=r) for w in (word, _SOFT_D.sub("j", word),
                                                    _V_BEFORE_CONSONANT.sub("", word))
                 for r in (False, True)}
        main = skeleton(surface)
    else:
        romaji = _romaji(surface)
        forms = {skeleton(w) for w in (romaji, _JA_SOFT_D.sub("de", romaji),
                                       _JA_SOUNDED_R.sub("r", romaji))}
        main = kana_skeleton(surface)
    return frozenset(k for k in forms if k != main and len(k) >= MIN_KEY)


@lru_cache(maxsize=1)
def glossary_keys() -> dict[str, str]:
    """Katakana and English names of the glossary -> the English form's skeleton.

    Public because follow-up questions (``bot.answer.followup``) need the same names: the
    glossary's Japanese names MeCab splits, and the short keys it vouches for."""
    keys: dict[str, str] = {}
    for line in DEFAULT_GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ja, _, en = line.partition("\t")
        forms = [e.strip() for e in en.split("|") if e.strip() and e.strip()[0].isupper()]
        if not forms:
            continue
        key = skeleton(forms[0])
        keys.setdefault(ja.strip(), key)
        for form in forms:
            keys.setdefault(form.lower(), key)
    return keys


def name_words(text: str) -> frozenset[str]:
    """Capitalised words ``text`` writes mid-sentence somewhere: names wherever it writes
    them, a sentence's first word too ("Driscoll told reporters…" after "Dan Driscoll
    arrived…"), when ``entity_names`` reads that sentence alone."""
    out: set[str] = set()
    for m in _EN_RUN.finditer(text):
        words = m.group().split(" ")
        # (the first word of a run opening a sentence says nothing: "Dan" in "Dan Driscoll
        # arrived…" may be a name, "Driscoll" is one)
        out.update(words[1:] if _starts(text, m.start()) else words)
    return frozenset(out)


def entity_keys(text: str) -> set[str]:
    """Keys of the names in ``text`` (original case; both languages)."""
    return {key for _word, key in entity_names(text)}


def entity_names(text: str, names: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Each name in ``text`` as written (a word, a katakana run, a kanji name) with its key;
    ``names``: words known as names from the text around it (``name_words``)."""
    known = glossary_keys()
    found: list[tuple[str, str]] = []
    runs = [(m.group(), _starts(text, m.start())) for m in _EN_RUN.finditer(text)]
    # A capitalised word starting a sentence (or a title-case headline) is a name only
    # if the text also capitalises it mid-sentence.
    inner = names.union(w for run, start in runs if not start for w in run.split(" "))
    for run, start in runs:
        words = [w for w in _SPLIT.split(run) if w and w.lower() not in _NOT_NAMES]
        if start and words and words[0] not in inner:
            words = words[1:]
        found.extend(_keys(words, known, skeleton))
    for run in _KATAKANA_RUN.findall(text):
        parts = [p for p in run.split("・") if len(p.strip("ー")) >= 2]
        found.extend(_keys(parts, known, kana_skeleton))
    found.extend((name, f"kanji:{name}") for name in _KANJI_NAME.findall(text))
    return found


def _starts(text: str, pos: int) -> bool:
    """Whether ``pos`` starts the text, a line, a sentence or a quote."""
    before = text[:pos].rstrip(" \t")
    return not before or before[-1] in _STARTERS


#: A possessive ending ("Zelenskyy's", "Witkoff’s", "the Kushners'"): the name itself.
POSSESSIVE = re.compile(r"['’]s?$")


def possessive_keys(surface: str) -> list[str]:
    """For a Latin name written possessive ("Zelenskyy's") that the glossary does not list,
    the keys of the name without its ending ("srnsk", where "Zelenskyy's" is "srnsks"),
    its other readings' too; none for any other name."""
    bare = POSSESSIVE.sub("", surface)
    known = glossary_keys()
    if bare == surface or not bare.isascii() or bare.lower() in known or bare in known \
            or len(skeleton(bare)) < MIN_KEY:
        return []
    return [skeleton(bare), *sorted(key_variants(bare))]


def _keys(words: list[str], known: dict[str, str],
          skel: Callable[[str], str]) -> Iterable[tuple[str, str]]:
    """A key per word; the whole run's key when a word is too short to stand alone
    (Abu Dhabi, Mar-a-Lago: written as one word in Japanese)."""
    keyed = [(w, known.get(w.lower()) or known.get(w) or skel(w)) for w in words]
    if len(words) > 1 and any(len(k) < MIN_KEY for _w, k in keyed):
        keyed.append((" ".join(words), skel("".join(words))))
    return ((w, k) for w, k in keyed if len(k) >= MIN_KEY)
