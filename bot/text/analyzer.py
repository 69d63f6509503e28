"""Matching tokens for Japanese and English, from a morphological analyser.

Japanese goes through fugashi (MeCab) with the IPAdic dictionary (``bench/tokenizers.py``
compares it with SudachiPy). IPAdic replaced unidic-lite, which took 249 MB of a 535 MB
install (IPAdic: 51 MB); ``bench/quality.py`` scores the labelled questions the same with
either but for fact recall, 0.828 instead of 0.844.
Text is NFKC-normalised and case-folded before analysis, so tokens are for matching only:
citations are always cut from the original text (``bot.text.sentences``), never from tokens.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import Stemmer

from bot.text.sentences import fold_accents, normalise

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
# Numbers keep their thousands separators out ("1,200" -> "1200") so ja "1200人" matches.
_EN_WORD = re.compile(r"\d+(?:[,.]\d{3})*(?:\.\d+)?(?:st|nd|rd|th)?|[a-z][a-z'\-]*[a-z]|[a-z]")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")

EN_STOP = frozenset(
    "a an and are as at be been but by did do does for from had has have he her his how i in "
    "into is it its of on or she so that the their them they this to was were what when where "
    "which who whom why will with would you your about after before over than then there "
    "these those we our can could should may might any all more most other some such no "
    "only own same too very just also said says say tell me happened happen happens many much "
    "latest newest recent yesterday today week month".split()
)
#: Chat fillers and stance adverbs that carry no content: the English fillers and discourse
#: markers of the linguistics literature (well, like, basically, actually, literally, you
#: know, I mean), the informal contractions (gonna, kinda) and the commonest chat
#: abbreviations (lol, tbh, idk, btw, nah).
EN_FILLERS = frozenset(
    "um uh er erm hmm oh ok okay yeah yep nah nope well like basically actually literally "
    "really seriously totally honestly anyway anyways even wait lol lmao omg tbh idk btw imo "
    "pls plz tho gonna wanna gotta kinda sorta".split()
    # Indefinite pronouns and chat words that stand for whatever is asked about ("did
    # anything come of it", "this drone thing", "the Russian guy").
    + "anything something everything anyone someone anybody somebody stuff thing things guy "
    "guys ya yall cuz coz dunno ngl fr rn bruh dude yo ah huh meh haha lmfao wtf".split()
)
#: English clitics: "what'd", "who'll", "they're" are their stop word.
_CLITIC = re.compile(r"(?:n't|'d|'ll|'re|'ve|'m|'s)$")
#: Question words and light verbs that never identify a report.
JA_STOP = frozenset(
    "する 為る いる 居る ある 有る なる 成る れる られる こと もの よう ため 氏 何 誰 どこ いつ "
    "どの どんな どう どれ 教える 教え 言う 最新 昨日 今日 動き 際 中 的".split()
)
#: Japanese chat fillers and stance words, the counterpart of ``EN_FILLERS``: "in the end",
#: "really", "seriously", "after all", "kind of", "the thing" (結局、ホント、マジ、ガチ、
#: やっぱり、感じ). A report rarely writes them, so one that does would rank for its filler.
JA_FILLERS = frozenset(
    "結局 ホント ほんと ほんとに 本当に マジ まじ やっぱ やっぱり とりあえず 要するに 一体 "
    "ちょっと 感じ ぶっちゃけ てる ガチ がち".split()
)
#: MeCab's (part of speech, details) of function words it tags as nouns: the dependent
#: nouns (つもり, みたい, the ん of なんだっけ) and the honorifics after a name (さん). Not
#: の: "率いたのは" of a cleft ("the one who led was …") meets the report that says so.
_JA_DROP_DETAIL = frozenset({("名詞", "非自立", "一般"), ("名詞", "接尾", "人名")})
#: The auxiliary verbs after て (MeCab's 動詞,非自立), which chat contracts and keeps
#: ("言ってた", "話してたん", "出てくる"); not those that carry meaning (使い始める).
_JA_AUX = frozenset("てる でる ちゃう じゃう とく どく てく しまう いる くる いく おく みる "
                    "くれる もらう あげる".split())
#: Chat spellings MeCab splits into words of substance (ぶっちゃけ: ぶる + ちゃ + け), and the
#: w (ｗ, ｗｗｗ) of laughter after Japanese, which it reads as a name no report writes
#: (issue 12: three casual questions ending "…だっけｗ" were refused as naming "w").
_JA_CHAT = re.compile(r"ぶっちゃけ|(?<=[\u3040-\u30ff\u4e00-\u9fff?!)）])[wW]+(?![A-Za-z])")
_JA_DROP_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白", "感動詞", "接続詞",
                          "連体詞", "代名詞"})
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split())


def en_tokens(norm: str, stem: Callable[[str], str]) -> list[str]:
    """English words of NFKC-normalised, case-folded text, stemmed (Snowball)."""
    out: list[str] = []
    for word in _EN_WORD.findall(fold_accents(norm)):
        if word[0].isdigit():
            out.append(_ORDINAL.sub("", word.replace(",", "")))
        elif (word not in EN_STOP and word not in _MONTHS and word not in EN_FILLERS
              and _CLITIC.sub("", word) not in EN_STOP):
            word = word.strip("'-").removesuffix("'s").removesuffix("’s")
            out.append(stem(word))
    return out


class Analyzer:
    """Tokenise text for BM25; the Japanese analyser loads on first use (about 50 MB)."""

    def __init__(self, ja_backend: str = "fugashi") -> None:
        if ja_backend not in ("fugashi", "sudachi"):
            raise ValueError(f"unknown Japanese analyser {ja_backend!r}")
        self.ja_backend = ja_backend
        self._ja: Callable[[str], list[str]] | None = None
        self.stem: Callable[[str], str] = Stemmer.Stemmer("english").stemWord

    def tokens(self, text: str) -> list[str]:
        """Matching tokens of ``text`` (NFKC, case-folded, stop words dropped)."""
        norm = normalise(text)
        if not _CJK.search(norm):
            return en_tokens(norm, self.stem)
        return self._japanese()(norm)

    def _japanese(self) -> Callable[[str], list[str]]:
        if self._ja is None:
            self._ja = (_fugashi(self.stem) if self.ja_backend == "fugashi"
                        else _sudachi(self.stem))
        return self._ja


def fugashi_tagger() -> Any:
    """MeCab with IPAdic (fields: POS, POS detail 1-3, conjugation type and form, base
    form, reading, pronunciation)."""
    import fugashi
    import ipadic

    return fugashi.GenericTagger(ipadic.MECAB_ARGS)


@functools.lru_cache(maxsize=1)
def shared_tagger() -> Any:
    """One MeCab for the answer checks' part-of-speech reads (a tagger holds a dictionary:
    one is enough)."""
    return fugashi_tagger()


@functools.lru_cache(maxsize=65536)
def word_pos(word: str) -> tuple[str, str] | None:
    """MeCab's part of speech and its first detail for ``word`` read as one word ("名詞",
    "固有名詞"); None when MeCab splits it."""
    words = list(shared_tagger()(word))
    if len(words) != 1:
        return None
    pos = words[0].feature_raw.split(",", 2)
    return pos[0], pos[1]


#: MeCab's readings are in katakana; a word spelt in kana is written in hiragana.
_TO_HIRAGANA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}
_KANJI = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=65536)
def kana_spelling(word: str) -> str | None:
    """``word``, a Japanese word written with kanji, spelt in kana from MeCab's reading, as
    some outlets write it (狙う: ねらう, やり取り: やりとり); a question's word or its
    glossary translation then matches a report that spells it so. None without kanji or a
    reading, and for one character (時 as とき would meet every "when" a report writes)."""
    if len(word) < 2 or not _KANJI.search(word):
        return None
    reading: list[str] = []
    for part in shared_tagger()(word):
        fields = part.feature_raw.split(",")
        if len(fields) < 8 or fields[7] in ("", "*"):
            return None
        reading.append(fields[7])
    kana = "".join(reading).translate(_TO_HIRAGANA)
    return kana if len(kana) >= 2 else None


def _fugashi(stem: Callable[[str], str]) -> Callable[[str], list[str]]:
    tagger = fugashi_tagger()

    def run(norm: str) -> list[str]:
        out: list[str] = []
        # The raw CSV features avoid building a 29-field named tuple per word (5x faster).
        for word in tagger(_JA_CHAT.sub("、", norm)):
            fields = word.feature_raw.split(",", 8)
            pos = fields[0]
            if pos in _JA_DROP_POS or fields[1] in _JA_DROP_POS:  # 名詞,代名詞 / 記号,空白
                continue
            if ((pos, fields[1], fields[2]) in _JA_DROP_DETAIL and word.surface != "の") or (
                    pos == "動詞" and fields[1] == "非自立" and len(fields) > 6
                    and fields[6] in _JA_AUX):
                continue
            surface = word.surface
            if surface.isascii() or fold_accents(surface).isascii():
                out.extend(en_tokens(surface, stem))
                continue
            if pos in ("動詞", "形容詞") and len(fields) > 6 and fields[6] not in ("", "*"):
                surface = fields[6]
            if surface not in JA_STOP and surface not in JA_FILLERS:
                out.append(surface)
        return out

    return run


def _sudachi(stem: Callable[[str], str]) -> Callable[[str], list[str]]:
    from sudachipy import Dictionary, SplitMode

    tokenizer: Any = Dictionary(dict="core").tokenizer(mode=SplitMode.C)

    def run(norm: str) -> list[str]:
        out: list[str] = []
        for m in tokenizer.tokenize(norm):
            pos = m.part_of_speech()[0]
            if pos in _JA_DROP_POS:
                continue
            surface = m.surface()
            if surface.isascii() or fold_accents(surface).isascii():
                out.extend(en_tokens(surface, stem))
                continue
            if pos in ("動詞", "形容詞"):
                surface = m.dictionary_form()
            if surface not in JA_STOP:
                out.append(surface)
        return out

    return run
