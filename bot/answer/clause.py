"""Who did what to what, in one clause: a question's named actor, its act and its object.

A question can take an act as done by someone to something ("…モスクワのパレードを
訪れたゼレンスキー大統領は…", "What did Putin tell the delegations when he opened the
Istanbul session?"). The found reports may write that person doing that act, yet to
something else ("Zelensky visited Florida", "a summit that could open the way to
progress"): names and words match across sentences, the clause does not. So the actor,
act and object are read from the question's structure, not from a word list:

- English: the name between a past auxiliary and the question's verb ("did *Zelensky*
  wear"), and a time clause's subject and past verb ("when *he* opened": "he" is the
  main clause's named subject); the object is the words after the verb up to a
  preposition or clause word ("opened *the Istanbul session* in person").
- Japanese: a relative clause, a verb in た (or a サ変 noun + した) right before a name
  ("訪れたゼレンスキー大統領": the name is its subject); the object is the noun marked を
  or に before the verb with the nouns joined to it by の ("モスクワのパレードを").

The check refuses only when a found report in the question's language writes the actor
doing the act, and every such sentence leaves out every word of the object. An act no
report writes with its actor proves nothing: reports word acts their own way, and
requiring the act's own word was measured and dropped (``bot.answer.action``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.answer.action import IRREGULAR_FORMS, JA_LIGHT, question_action, question_lang
from bot.answer.engine import NAME_KEY, Concept, Engine
from bot.answer.noise import without_furniture
from bot.store.models import Article
from bot.text.analyzer import shared_tagger

#: "What did Zelensky wear", "which deal had Putin signed": a named subject after the
#: past auxiliary of a wh-question ("Did Zelensky wear …?" takes nothing as done).
_SUBJECT_EN = re.compile(r"^\W*(?:\w+\W+){0,3}?(?i:what|who|where|when|how|which|why)\b"
                         r"(?:\W+[\w'’-]+){0,3}?\W+(?:did|had)\s+"
                         r"(?P<who>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?P<verb>[a-z]+)\b")
#: "when he opened", "after Putin left": a time clause's subject and its past verb.
_TIME_CLAUSE_EN = re.compile(r"\b(?:when|after|as|while|once)\s+"
                             r"(?P<who>he|she|[A-Z][\w'’-]+)\s+(?P<verb>[a-z]{3,})\b")
#: Words that end an English complement ("opened the session *in* person").
_ENDS_EN = frozenset(
    "in on at to for with from by about after before during since until between into over "
    "under against as than without within across via when where while if because so but "
    "that whether then and or".split())
_SKIP_EN = frozenset("the a an his her their its this that these those same".split())


@dataclass(frozen=True)
class Act:
    """A named actor, the act the question says they did, and what it was done to."""

    who: str
    act: str
    complement: tuple[str, ...]


def actor_acts(question: str, engine: Engine) -> list[Act]:
    """The acts the question takes as done by a named actor, each as written in it."""
    if question_lang(question) == "ja":
        return _relative_clauses(question)
    acts: list[Act] = []
    main = _SUBJECT_EN.search(question)
    if main is not None and main["verb"] == question_action(question, engine):
        acts.append(Act(main["who"], main["verb"], _complement_en(question[main.end():])))
    for clause in _TIME_CLAUSE_EN.finditer(question):
        verb = clause["verb"]
        if not (verb.endswith("ed") or verb in IRREGULAR_FORMS or any(
                verb in forms for forms in IRREGULAR_FORMS.values())):
            continue
        who = clause["who"]
        if who in ("he", "she"):
            if main is None:
                continue
            who = main["who"]
        acts.append(Act(who, verb, _complement_en(question[clause.end():])))
    return acts


def _complement_en(rest: str) -> tuple[str, ...]:
    """The words of the object right after the verb, up to a preposition or clause word."""
    words: list[str] = []
    for word in re.findall(r"[\w'’-]+|[?,;!.]", rest):
        if word.lower() in _ENDS_EN or not word[:1].isalnum():
            break
        if word.lower() not in _SKIP_EN:
            words.append(word)
    return tuple(words)


#: A phrase marked に holding a number or an adverb-like noun (a date, 木曜日, 先週) says
#: when the act happened, not what it was done to (issue 12: on the spent batches
#: "木曜日に始まったNATO外相理事会" and "2025年3月14日に閉幕したG7外相会合" were refused
#: ``act-apart`` because the reports write the meeting opening without the weekday).
_TIME_NOUN_JA = frozenset({"数", "副詞可能"})


def _relative_clauses(question: str) -> list[Act]:
    """"パレードを訪れたゼレンスキー大統領": a verb (or サ変 noun + した) in た right before
    a name; its complement is the noun marked を or に before it, with the nouns joined to
    that noun by の ("モスクワのパレードを")."""
    words = [(w.surface, w.feature_raw.split(",")) for w in shared_tagger()(question)]
    acts: list[Act] = []
    for i in range(1, len(words) - 1):
        surface, fields = words[i]
        if fields[0] != "助動詞" or surface != "た":
            continue
        name, nfields = words[i + 1]
        if nfields[0] != "名詞" or nfields[1] not in ("固有名詞", "一般"):
            continue  # the name's own concept must be a name (``acts_apart``)
        vsurface, vfields = words[i - 1]
        if vfields[0] != "動詞" or vfields[1] != "自立":
            continue
        base = vfields[6] if len(vfields) > 6 and vfields[6] not in ("", "*") else vsurface
        k = i - 2
        if base in ("する", "為る") and k >= 0 and words[k][1][1] == "サ変接続":
            base, k = words[k][0], k - 1
        elif base in JA_LIGHT:
            continue
        complement: list[str] = []
        if k >= 0 and words[k][0] in ("を", "に"):
            particle, k = words[k][0], k - 1
            phrase: list[list[str]] = []
            while k >= 0 and (words[k][1][0] == "名詞" or words[k][0] == "の"):
                if words[k][1][0] == "名詞":
                    phrase.append(words[k][1])
                    if words[k][1][1] not in ("接尾", "非自立", "数"):
                        complement.append(words[k][0])
                k -= 1
            if particle == "に" and any(f[1] in _TIME_NOUN_JA for f in phrase):
                complement = []  # "木曜日に始まった", "3月14日に閉幕した": when, not what
        acts.append(Act(name, base, tuple(complement)))
    return acts


def _forms(act: str, engine: Engine) -> set[str]:
    """The act's tokens, translations and irregular forms ("wear": "wore", "worn")."""
    words = {act, *IRREGULAR_FORMS.get(act, ()), *(
        form for base, forms in IRREGULAR_FORMS.items() if act in forms for form in (base, *forms))}
    return _tokens(words, engine)


def _tokens(words: Sequence[str] | set[str], engine: Engine) -> set[str]:
    found: set[str] = set()
    for word in words:
        for concept in engine.concepts(word):
            found.update(concept.tokens)
    return found


def acts_apart(question: str, concepts: Sequence[Concept], articles: Sequence[Article],
               engine: Engine) -> bool:
    """An act the question says a named actor did to something, which the found reports
    (in the question's language) write that actor doing only to other things: "Zelensky
    visited Florida" is no report of him visiting the Moscow parade. An act no report
    writes with its actor proves nothing (reports word acts their own way)."""
    lang = question_lang(question)
    for act in actor_acts(question, engine):
        actor = _actor(act, concepts, engine)
        # Not by sound key: パレード and フロリダ share one ("§brd"); a name's key is for
        # finding it written in the other script, and only same-language reports are read.
        objects = {t for t in _tokens(act.complement, engine) if not t.startswith(NAME_KEY)
                   } - (set(actor.tokens) if actor else set())
        if actor is None or not objects:
            continue
        forms = _forms(act.act, engine)
        done = [toks for toks in _judged(articles, engine, lang)
                if toks.intersection(actor.tokens) and toks.intersection(forms)]
        if done and not any(toks.intersection(objects) for toks in done):
            return True
    return False


#: Acts that place their actor at an event ("when he joined the call").
_JOINING = frozenset({"joined", "join", "joins", "joining"})
#: How an English report writes that someone was at a call or meeting.
_TOOK_PART = re.compile(
    r"\b(?:join(?:ed|ing|s)?|took part|tak(?:e|es|ing) part|participa\w*|attend\w*|"
    r"sat in|sitting in|present|on the (?:call|line)|dial(?:l)?ed in|three-way|trilateral|"
    r"three-party|by video|via video|video link)\b", re.IGNORECASE)


def joined_unwritten(question: str, concepts: Sequence[Concept], articles: Sequence[Article],
                     engine: Engine) -> bool:
    """The question has a named person join an event ("What did Zelensky say when he joined
    the Trump–Putin call?"), and no found English report writes that person taking part in
    anything. Unlike other acts (``acts_apart``), who took part in a call or a meeting is
    what its reports tell: a participant none of them names was not there."""
    if question_lang(question) == "ja":
        return False
    for act in actor_acts(question, engine):
        if act.act.casefold() not in _JOINING or act.who.endswith(("'s", "’s")):
            continue
        actor = _actor(act, concepts, engine)
        if actor is None:
            continue
        if not any(_TOOK_PART.search(sentence)
                   and set(engine.text_tokens(sentence)).intersection(actor.tokens)
                   for sentence in _news_sentences(articles, "en")):
            return True
    return False


def _actor(act: Act, concepts: Sequence[Concept], engine: Engine) -> Concept | None:
    """The question's named concept for the act's actor (None: the actor is no name)."""
    names = set(engine.analyzer.tokens(act.who))
    return next((c for c in concepts if c.name and names.intersection(c.tokens)), None)


def _news_sentences(articles: Sequence[Article], lang: str) -> Iterator[str]:
    """The headline and news sentences of the reports in ``lang`` (ja, or any other)."""
    for article in articles:
        if (article.lang == "ja") == (lang == "ja"):
            yield from (article.title, *without_furniture(article.text, article.title))


def _judged(articles: Sequence[Article], engine: Engine, lang: str) -> list[set[str]]:
    """The tokens of each news sentence of the reports in the question's language."""
    return [set(engine.text_tokens(sentence)) for sentence in _news_sentences(articles, lang)]
