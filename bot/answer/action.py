"""The action a question asks about, and whether a report carries it.

An unanswerable question often names the right people and places and an action nobody
took ("What did Putin and Trump eat in Anchorage?", "サミットで何に署名した?"): names and
coverage match, only the predicate does not. So the question's main predicate is found by
its shape, not by a list of dev's verbs:

- English: the verb after the wh-word and its auxiliary and subject ("What did the two
  presidents *settle* on") or the wh-word's own verb ("Who *led*"); after "be" a
  participle names a state ("Was Ukraine involved?"), not an action. After a light verb
  (have, hold, take, make, give, get, do) the event is its object noun ("have *dinner*");
  "take place / part" say only that it happened.
- Japanese: the last independent verb before the question form, or the サ変 noun before
  する ("署名した" → 署名); する, なる, ある, いる and the like carry no action.

Words that carry no action are skipped by rule: auxiliaries (be, do, have before a verb),
light verbs without an object, and verbs of saying (say, tell, describe; 言う, 述べる):
"what did X say" is checked by the speaker rule, which needs X speaking in a report.
An action no stored report uses in any form or translation no longer refuses by itself:
on fresh wording it was wrong 8 times in 11 (docs/quality.md, stop 29).
Requiring the found report itself to carry the action was measured and dropped: it refused
paraphrases ("settle on" for "agreed", "demand" for "condition"). A report carries the
action (``carries``) when its news (title and sentences, not captions) uses the word, a
form sharing its stem, or a glossary / casual-words equivalent; a report in the other
language cannot be judged. That is what lets a question with words the store lacks be
answered (``vouches``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from bot.answer.engine import Concept, Engine
from bot.answer.noise import without_furniture
from bot.store.models import Article
from bot.text.analyzer import fugashi_tagger
from bot.text.glossary import IRREGULAR

#: "What did X say …", "How did X describe …": the words between are the speaker.
SPEAKER_EN = re.compile(
    r"\b(?:what|how)\s+(?:did|does|do|has|have|had|would|was|is)\s+(?P<who>.+?)\s+"
    r"(?:say|tell|call|describe|write|post|announce|claim|respond|react|reply|answer|"
    r"comment|accuse|warn|think|make of)\b", re.IGNORECASE)
#: "ルビオ氏は和平案を何と表現した?", "トランプ氏はSNSに何と投稿した?".
SPEAKER_JA = re.compile(
    r"(?P<who>[\u30a0-\u30ff\u4e00-\u9fffA-Za-z・ー]+?)(?:氏|大統領|首相|外相|長官|報道官|特使|"
    r"補佐官|副大統領|国務長官)?(?:は|が)[^。?？]*?(?:何と|なんと|どう|どのように)"
    r"(?:言|述べ|語|話|投稿|書き込|表現|呼|説明|発言|主張|批判|答え|反応|評価|伝え|非難)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|\d[\d,.:]*|[?,;!]")
_WH = frozenset("what who whom where when which whose how why".split())
_AUX = frozenset("did does do was were is are has have had will would can could should "
                 "may might must shall".split())
_BE = frozenset("is are was were be been being".split())
#: Determiners, pronouns and quantifiers that open or fill a subject, not a predicate.
_SUBJECT_WORDS = frozenset(
    "the a an his her their its this that these those both each all any some every "
    "he she they it we you i there one two three four five six seven eight nine ten "
    "and or of first second third last next new other another".split())
#: Words that open an object after the verb ("offer *the* plan").
_DETERMINERS = frozenset("the a an his her their its this that these those next".split())
#: Words after which the predicate has ended: prepositions, conjunctions, wh-words.
_BOUNDARY = frozenset(
    "in on at to for with from by about after before during since until between "
    "into over under against as than without within across toward towards via per "
    "when where while if because so but that whether then".split()) | _WH
#: Verbs whose object, not the verb, names the event ("have dinner", "hold talks").
_LIGHT = frozenset("have has had hold holds held take takes took taken make makes made "
                   "give gives gave given get gets got do does did".split())
#: Light-verb idioms that say only that something happened or who joined.
_IDIOM_OBJECTS = frozenset({"place", "part"})
#: Verbs of saying: the speaker check reads these questions.
_SAYING_EN = re.compile(r"^(?:say|said|says|tell|told|call|describe|write|wrote|post|announce|"
                        r"claim|respond|react|reply|answer|comment|accuse|warn|think|mean|"
                        r"make of)$")
#: A word that governs another verb ("want Ukraine to give up"): the action is that verb.
_CONTROL = frozenset("want wants wanted try tries tried plan plans planned intend intended "
                     "hope hoped expect expected seek sought agree agreed refuse refused "
                     "offer offered propose proposed ask asked urge urged going".split())
#: Adverbs and verb particles ("sit down", "sort out", "end up"): part of no action.
_ADVERB = re.compile(r"^(?:\w+ly|actually|really|still|also|just|ever|even|already|finally|"
                     r"then|now|not|never|n't|again|together|back|away|down|up|out|off|"
                     r"ahead|apart|instead|yet|soon)$")
_PAST = re.compile(r"^[a-z]{3,}ed$")
#: Verbs that say only that something occurred, or ask for a telling ("summarise").
_NO_ACTION = frozenset("go goes went gone going come comes came happen happens happened "
                       "occur occurs occurred summarise summarize explain show list".split())


def question_action(question: str, engine: Engine) -> str:
    """The word naming the question's action (its surface form), or "" when the question
    asks about no particular action (a be-question, a verb of saying, a request)."""
    if SPEAKER_JA.search(question) or _speaker_question(question):
        return ""  # "what did X say": the speaker check reads it
    if any("\u3040" <= ch <= "\u9fff" for ch in question):
        return _japanese_action(question)
    return _english_action(question, _IRREGULAR)


def question_lang(question: str) -> str:
    """"ja" for a question with any Japanese script, else "en"."""
    return "ja" if any("\u3040" <= ch <= "\u9fff" for ch in question) else "en"


def _speaker_question(question: str) -> bool:
    """"What did <subject> say / describe …" with nothing but a subject between."""
    found = SPEAKER_EN.search(question)
    return found is not None and not any(
        w.lower() in _BOUNDARY or w.lower() in _DETERMINERS
        for w in _WORD.findall(found["who"]))


def action_concept(question: str, engine: Engine,
                   concepts: Sequence[Concept] = ()) -> Concept | None:
    """The action as a concept with its equivalents: the question's own concept for the
    word when it has one (the casual words of the whole question join it: "sort out"
    finds "settle"), else the word's own."""
    word = question_action(question, engine)
    if not word:
        return None
    tokens = engine.analyzer.tokens(word)
    if not tokens:
        return None
    own = [c for c in concepts if c.tokens and c.tokens[0] == tokens[-1]]
    if own:
        return own[0]
    found = [c for c in engine.concepts(word) if c.tokens]
    return found[-1] if found else None


def carries(article: Article, action: Concept, engine: Engine, lang: str) -> bool | None:
    """The report's news uses the action or an equivalent (True), does not (False), or
    cannot be judged (None): a report in the other language than the question's
    (``lang``) says it in words a glossary of names and terms rarely lists."""
    if (article.lang == "ja") != (lang == "ja"):
        return None
    ja = lang == "ja"
    alts = [t for t in action.tokens if (not t.isascii()) == ja]
    if not alts:
        return None
    news = without_furniture(article.text, article.title)
    toks = set(engine.text_tokens("\n".join([article.title, *news])))
    if toks.intersection(alts):
        return True
    # "negotiators" and "negotiate": a shared stem of five letters or more.
    stems = {t[:max(5, len(t) - 4)] for t in alts if t.isascii() and len(t) >= 6}
    return any(tok.startswith(stem) for stem in stems for tok in toks)


def vouches(articles: Sequence[Article], action: Concept, engine: Engine, lang: str) -> bool:
    """One of the first two reports, in the question's language, carries the action: a
    question with words the store lacks ("Emirati", 重傷兵) is still about what it found."""
    return any(carries(a, action, engine, lang) for a in articles[:2])


def _load_irregular() -> dict[str, tuple[str, ...]]:
    """Irregular verbs from the glossary's list: each base form with its past forms
    ("wear": "wore", "worn"; "meet": "met")."""
    table: dict[str, tuple[str, ...]] = {}
    for line in IRREGULAR.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            base, _, others = line.partition("\t")
            table[base.strip()] = tuple(o.strip() for o in others.split("|") if o.strip())
    return table


IRREGULAR_FORMS = _load_irregular()
_IRREGULAR = frozenset(f for forms in IRREGULAR_FORMS.values() for f in forms)


def _english_action(question: str, irregular: frozenset[str]) -> str:
    words = _WORD.findall(question)
    lower = [w.lower().strip("'’.") for w in words]
    start = next((i for i, w in enumerate(lower) if w in _WH), None)
    if start is None:
        # A yes/no question opens with its auxiliary ("Did they sign …?").
        start = next((i for i, w in enumerate(lower[:4]) if w in _AUX), None)
        if start is None:
            return ""
        return _after_aux(words, lower, start, irregular)
    i = start + 1
    wh = lower[start]
    if wh == "how" and i < len(lower) and lower[i] not in _AUX:
        i += 1  # "how soon", "how late": the adverb belongs to the wh-word
    if wh in ("what", "which", "whose", "how") or lower[start - 1:start] == ["in"]:
        # "which Russian oil companies did …", "what kind of guarantee was …"
        aux = next((j for j in range(i, min(i + 7, len(lower))) if lower[j] in _AUX), None)
        if aux is not None and not any(lower[j] in _BOUNDARY - {"of"} for j in range(i, aux)):
            return _after_aux(words, lower, aux, irregular)
        if wh != "what" or (i < len(lower) and lower[i] not in _AUX
                            and not _verb_like(lower[i], irregular)):
            # "Which EU leader appeared …": the first past form after the noun phrase.
            for j in range(i, min(i + 6, len(lower))):
                if _verb_like(lower[j], irregular) and words[j][:1].islower():
                    return _predicate(words, lower, j)
            return ""
    if (wh in ("who", "what") and i + 1 < len(lower) and lower[i] in _AUX
            and lower[i] not in _BE and _open_word(words[i + 1])
            and not _ADVERB.match(lower[i + 1])):
        return _predicate(words, lower, i + 1)  # "Who will lead …": no subject between
    if wh in ("where", "when", "why") or (i < len(lower) and lower[i] in _AUX):
        aux = next((j for j in range(i, min(i + 6, len(lower))) if lower[j] in _AUX), None)
        return _after_aux(words, lower, aux, irregular) if aux is not None else ""
    # "Who led …", "What came out of …": the wh-word is the subject.
    return _predicate(words, lower, i) if i < len(lower) else ""


def _after_aux(words: list[str], lower: list[str], aux: int, irregular: frozenset[str]
               ) -> str:
    """The predicate after an auxiliary: past its subject, or the participle of a
    passive ("was signed")."""
    j = aux + 1
    if j < len(lower) and lower[aux] in _BE:
        # "Was Ukraine involved?", "was signed", "was expected": after "be" a participle
        # mostly names a state, not an event someone did; no action is read.
        return ""
    # Past the subject ("the two presidents", "Zelensky's wife Olena Zelenska"): the first
    # past form or light verb, else the last lowercase word before a boundary or object.
    last, possessive = -1, False
    for k in range(j, len(lower)):
        w, cased = lower[k], not words[k][:1].islower()
        if w in "?,;!" or (last >= 0 and (w in _BOUNDARY or w in _DETERMINERS)):
            break
        if w.endswith(("'s", "’s")):
            if last >= 0:
                break  # "lead Russia's delegation": the possessive opens the object
            possessive = True
            continue
        if cased and last >= 0 and not possessive:
            # "offer Ukraine …": a name after the verb is its object, unless a verb
            # follows ("the final Russia-Ukraine treaty be signed").
            later = _later_verb(lower, k, irregular)
            return _predicate(words, lower, later if later is not None else last)
        if cased or w in _SUBJECT_WORDS or w in _AUX or w[:1].isdigit() or _ADVERB.match(w):
            if cased and possessive and last >= 0:
                possessive, last = False, -1  # the possessive's noun was a title
            continue
        if _verb_like(w, irregular) or w in _LIGHT:
            return _predicate(words, lower, k)
        last = k
    return _predicate(words, lower, last) if last >= 0 else ""


def _later_verb(lower: list[str], k: int, irregular: frozenset[str]) -> int | None:
    """A past form or light verb after ``k`` in the same clause (before a boundary or an
    auxiliary other than "be")."""
    for j in range(k, len(lower)):
        w = lower[j]
        if w in _BOUNDARY or w in "?,;!" or (w in _AUX and w not in _BE):
            return None
        if _verb_like(w, irregular) or w in _LIGHT:
            return j
    return None


def _predicate(words: list[str], lower: list[str], k: int) -> str:
    """The verb at ``k`` as the action: its object after a light verb, the governed verb
    after "want … to", nothing for a verb of saying."""
    verb = lower[k]
    if (_SAYING_EN.match(verb) or verb in _NO_ACTION
            or (verb == "make" and lower[k + 1:k + 2] == ["of"])):
        return ""
    if verb in _CONTROL:
        to = next((j for j in range(k + 1, min(k + 5, len(lower))) if lower[j] == "to"), None)
        if to is not None and to + 1 < len(lower) and _open_word(words[to + 1]) \
                and not _ADVERB.match(lower[to + 1]):
            return _predicate(words, lower, to + 1)
    if verb in _LIGHT:
        for j in range(k + 1, min(k + 5, len(lower))):
            w = lower[j]
            if w in _SUBJECT_WORDS or not words[j][:1].islower():
                continue
            if w in _BOUNDARY or w in "?,;!" or w in _IDIOM_OBJECTS or _ADVERB.match(w):
                return ""
            return words[j]
        return ""
    return words[k]


def _open_word(word: str) -> bool:
    """A lowercase word of substance (not a name, a determiner or a preposition)."""
    w = word.lower()
    return word[:1].islower() and w not in _SUBJECT_WORDS and w not in _BOUNDARY


def _verb_like(word: str, irregular: frozenset[str]) -> bool:
    return bool(_PAST.match(word)) or word in irregular


#: Japanese verbs that carry no action of their own (light, existential, of thinking).
JA_LIGHT = frozenset("する 為る いる 居る ある 有る なる 成る できる 出来る 行う おこなう "
                      "思う 考える みる 見る いう 言う くる 来る いく 行く".split())
#: Japanese verbs and サ変 nouns of saying: the speaker check reads these questions.
_SAYING_JA = re.compile(r"^(?:言う|述べる|語る|話す|発言|表明|主張|強調|投稿|書き込む|表現|"
                        r"呼ぶ|説明|伝える|答える|コメント|発表)$")


def _japanese_action(question: str) -> str:
    """The last predicate before the question form: an independent verb, or the サ変 noun
    of a "〜する" verb."""
    found = ""
    previous: tuple[str, str] = ("", "")
    for word in _tagger()(question):
        fields = word.feature_raw.split(",")
        pos, detail = fields[0], fields[1] if len(fields) > 1 else ""
        base = fields[6] if len(fields) > 6 and fields[6] not in ("", "*") else word.surface
        if pos == "動詞" and detail == "自立":
            if base in ("する", "為る") and previous[1] == "サ変接続":  # 署名(した)
                found = previous[0]
            else:
                # A light verb as the later predicate ("何をしたの", "〜ことになった")
                # asks what was done: no action of its own.
                found = "" if base in JA_LIGHT and previous[1] != "引用" else (
                    found if base in JA_LIGHT else base)
        kind = fields[2] if pos == "助詞" and len(fields) > 2 else detail  # と: 引用
        previous = (word.surface, kind if pos in ("名詞", "助詞") else "")
    return "" if _SAYING_JA.match(found) else found


@functools.lru_cache(maxsize=1)
def _tagger() -> Any:
    return fugashi_tagger()
