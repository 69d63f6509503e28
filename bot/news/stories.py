"""Group articles about the same development into stories, across outlets and languages.

Japanese and English reports share almost no tokens, so similarity is measured on
language-neutral features instead: names found without any list (``bot.news.entities``:
"Abu Dhabi" and アブダビ share a key), subjects of the talks from a small bilingual
gazetteer (鉱物 = minerals), figures (175, 1,000), and days of the month mentioned in the
text ("11日" = "11 March"). Each feature has a weight: Putin or a phone call say little on
their own; Jeddah, Easter or 1,200 say a lot. A name weighs by how rare it is among the
reports seen so far (Russia and Kyiv are in most; Kushner in few). An article joins the
story whose features cover most of its own, weighted, and whose reports lie within a few
days (a report marked as an update may reach further back); otherwise it starts a story.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.news.entities import POSSESSIVE, entity_names, kana_skeleton, name_words, skeleton
from bot.text.sentences import normalise
from bot.text.tokens import tokens

#: canonical feature -> (weight, surface forms in en and ja; en forms match at word starts,
#: and a form ending in "$" only as a whole word: "easter$" is not the start of "eastern")
GAZETTEER: dict[str, tuple[float, tuple[str, ...]]] = {
    "trump": (0.2, ("trump", "トランプ")),
    "putin": (0.2, ("putin", "プーチン")),
    "zelensky": (0.2, ("zelensk", "ゼレンスキー")),
    "rubio": (0.8, ("rubio", "ルビオ")),
    "lavrov": (0.8, ("lavrov", "ラブロフ")),
    "witkoff": (0.8, ("witkoff", "ウィトコフ")),
    "hegseth": (0.8, ("hegseth", "ヘグセス")),
    "vance": (0.8, ("vance", "バンス")),
    "fidan": (1.0, ("fidan", "フィダン")),
    "medinsky": (1.0, ("medinsky", "メジンスキー")),
    "umerov": (1.0, ("umerov", "ウメロフ")),
    "europe": (1.0, ("european", "europe", "macron", "starmer", "merz", "meloni", "stubb",
                     "von der leyen", "rutte", "欧州", "ヨーロッパ", "マクロン", "スターマー",
                     "メルツ", "メローニ", "ストゥブ")),
    "riyadh": (1.5, ("riyadh", "リヤド")),
    "jeddah": (1.5, ("jeddah", "jiddah", "ジッダ", "ジェッダ")),
    "saudi": (0.4, ("saudi", "サウジ")),
    "istanbul": (1.2, ("istanbul", "イスタンブール")),
    "turkey": (0.4, ("turkey", "türkiye", "turkish", "トルコ")),
    "alaska": (1.5, ("alaska", "anchorage", "アラスカ", "アンカレジ")),
    "white_house": (0.5, ("white house", "ホワイトハウス")),
    "oval_office": (1.5, ("oval office", "執務室")),
    "black_sea": (1.5, ("black sea", "maritime", "黒海")),
    "minerals": (1.5, ("mineral", "鉱物")),
    "reconstruction": (1.0, ("reconstruction", "復興")),
    "energy": (0.8, ("energy", "エネルギー")),
    "prisoners": (0.8, ("prisoner", "pows", "捕虜")),
    "easter": (1.5, ("easter$", "復活祭", "イースター")),
    "guarantees": (1.2, ("security guarantee", "安全の保証")),
    "memorandum": (1.0, ("memorand", "覚書")),
    "bodies": (1.0, ("bodies", "remains of", "遺体")),
    "phone": (0.5, ("phone", "電話")),
    "summit": (0.5, ("summit", "首脳会談")),
    "direct_talks": (1.0, ("direct talks", "直接協議", "直接交渉")),
    "intelligence": (0.8, ("intelligence", "情報共有", "情報提供", "機密情報")),
    "sanctions": (0.5, ("sanction", "制裁")),
    "embassy": (1.0, ("embass", "大使館")),
    "thirty_days": (1.0, ("30-day", "30 day", "30日間")),
}
NUMBER_WEIGHT = 1.0
DAY_WEIGHT = 0.6
#: A name's weight when it is rare among the reports seen; common names weigh less
#: (down to ``ENTITY_FLOOR`` of it), see ``StoryIndex.weigh``.
ENTITY_WEIGHT = 1.0
ENTITY_FLOOR = 0.1
#: Reports assumed seen before the first one, so the first few names are not all "common".
ENTITY_PRIOR = 20
#: Characters (headline and lead) where names are looked for.
ENTITY_SPAN = 300
#: Reports of one development arrive within this many days of the story's reports.
NEAR = timedelta(days=1.5)
#: A report in a language whose coverage of the story starts late (a round announced and
#: opened in English, its outcome reported in Japanese days later) continues the story when
#: it lies within ``NEAR`` of one of its reports and of that language's first report in it:
#: it is not decayed until it lies this far from the story's first report. The other
#: language shares fewer features, so it needs the room; a later report in a language the
#: story has long had (a sibling development: the next meeting of the same leaders) does
#: not get it. Bounded, so coverage every day does not chain on.
SPAN = timedelta(days=4)
HORIZON = timedelta(days=14)
#: How far ahead a report may name a day it announces ("talks in Geneva on 17 and 18
#: February", four days before them).
AHEAD = timedelta(days=7)
HALF_LIFE_DAYS = 1.5
MIN_SCORE = 0.12
#: Compare with a story's latest reports only (bounded cost for long-running stories).
MAX_MEMBERS = 8
#: The share of a story's reports a new report is compared with: those it resembles best
#: (``linked``).
LINK_SHARE = 0.5
#: ...but never fewer than two of them: a report close to one report alone (a day-after
#: piece that names the next meeting) is not yet that story's. Counted among the story's
#: reports in the new report's language (at least one): a story of one English and one
#: Japanese report is joined on the English one, as the other language shares few features.
LINK_MIN = 2

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|"
           "november|december")
_EN_DAY = re.compile(rf"\b(\d{{1,2}})\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+(\d{{1,2}})\b")
#: (N日間 is a span and N日目 the Nth day of talks: neither names a date.)
_JA_DAY = re.compile(r"(?<![\d月])(\d{1,2})日(?![間目])|月(\d{1,2})日(?!目)")
#: A figure; one right after a digit, ".", "," or ":" is part of another number (checked in
#: code: a pattern that starts with a digit lets the regex engine skip to digits).
_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?!\d)"
                     r"(?:\s?(million|billion|trillion|bn\b|万|億|兆))?")
#: A figure's scale word, so "1.6 billion", "£1.6bn" and 16億 are one figure: each language
#: groups large figures its own way (80万 is 800,000).
_SCALE = {"million": 10**6, "billion": 10**9, "bn": 10**9, "trillion": 10**12,
          "万": 10**4, "億": 10**8, "兆": 10**12}
#: A weekday ("Russia said on Monday"): English reports name the day of an event by its
#: weekday where Japanese ones write its date (29日), see ``weekday_days``.
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
#: Weekday features are on (``get_features(..., when)``); a switch for tests and benches.
WEEKDAYS = True
_UPDATE = re.compile(r"^\s*(?:update[ds]?\b|updated:|【更新】|\[更新\]|更新：|続報)", re.I)
_WORD_START = re.compile(r"[a-z]")


@dataclass(frozen=True)
class Features:
    weights: dict[str, float]
    total: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum(self.weights.values()))

    @classmethod
    def from_keys(cls, keys: Iterable[str]) -> Features:
        """Features from their keys alone (a key's weight follows from the key)."""
        return cls({key: feature_weight(key) for key in keys})


def feature_weight(key: str) -> float:
    if key.startswith("day:"):
        return DAY_WEIGHT
    if key.startswith("n:"):
        return NUMBER_WEIGHT
    if key.startswith("e:"):
        return ENTITY_WEIGHT
    return GAZETTEER[key][0]


#: (feature, weight, surface form, Latin form that must start a word, and end one),
#: flattened once.
_FORMS = tuple((key, weight, form.rstrip("$"), bool(_WORD_START.match(form)),
                form.endswith("$"))
               for key, (weight, forms) in GAZETTEER.items() for form in forms)
#: Name keys the gazetteer already counts (its Latin forms' skeletons).
_IN_GAZETTEER = frozenset(skeleton(form) for _k, _w, form, latin, _e in _FORMS if latin)


def _by_skeleton() -> dict[str, str]:
    """Skeleton -> the one gazetteer feature whose Latin forms have it, so a name spelt
    another way (ウィットコフ for the gazetteer's ウィトコフ) still counts as that feature;
    a skeleton two features share (Rubio and Europe are both ``rb``) says neither."""
    owners: dict[str, set[str]] = {}
    for key, _w, form, latin, _e in _FORMS:
        if latin:
            owners.setdefault(skeleton(form), set()).add(key)
    return {skel: next(iter(keys)) for skel, keys in owners.items() if len(keys) == 1}


_GAZETTEER_BY_SKELETON = _by_skeleton()


#: Runs of two or more names (a given name and a family name, in either script).
_FULL_NAME = re.compile(r"[A-Z][A-Za-z'’\-]*(?: [A-Z][A-Za-z'’\-]*)+|[ァ-ヺー]+(?:・[ァ-ヺー]+)+")


_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def _untitle(text: str, whole: str) -> str:
    """``text`` with a title-case headline's capitals taken off the words the report
    (``whole``) does not capitalise mid-sentence: "Rubio After U.S.-Ukraine Talks: More
    Work Needed" names Rubio, not "After", "Talks" or "Work"."""
    title, nl, rest = text.partition("\n")
    words = _WORD.findall(title)
    if len(words) < 4 or sum(w[0].isupper() for w in words) < 0.7 * len(words):
        return text
    names = name_words(whole[len(title):])
    title = _WORD.sub(lambda m: m.group() if m.group() in names else m.group().lower(), title)
    return title + nl + rest


def name_keys(text: str, whole: str = "") -> set[str]:
    """Name keys of ``text`` for grouping: a possessive keyed as the name ("Yermak's" =
    Yermak), and neither a given name that would pass for a gazetteer name ("Steve" in
    "Steve Witkoff" is not Stubb, so no "europe") nor a run's whole key ending in one
    ("U.S. President Donald Trump") counted. (Dropping every given name before a gazetteer
    name, "Vladimir" in "Vladimir Putin", joins more stories but moves answers:
    docs/quality.md, stop 35.)"""
    text = _untitle(text, whole or text)
    given: set[str] = set()
    for run in _FULL_NAME.findall(text):
        words = run.split("・") if "・" in run else run.split(" ")
        skel = kana_skeleton if "・" in run else skeleton
        run_keys = [skel(POSSESSIVE.sub("", w)) for w in words]
        if run_keys[-1] in _IN_GAZETTEER:
            given.update(k for k in run_keys[:-1] if k != run_keys[-1] and k in _IN_GAZETTEER)
    keys: set[str] = set()
    for surface, key in entity_names(text):
        if POSSESSIVE.search(surface) and surface[:1].isascii():
            key = skeleton(POSSESSIVE.sub("", surface))
        if key in given or (" " in surface and skeleton(
                POSSESSIVE.sub("", surface.rsplit(" ", 1)[1])) in _IN_GAZETTEER):
            continue  # (a run's whole key, "U.S. President Donald Trump": Trump's)
        keys.add(key)
    return keys


def get_features(text: str, when: datetime | None = None) -> Features:
    """Language-neutral features of a report (title and text); ``when`` it was published
    turns the weekdays it names into days of the month."""
    norm = normalise(text)
    found: dict[str, float] = {}
    for key, weight, form, word_start, word_end in _FORMS:
        # ``in`` first: most forms are absent, and it is the cheapest test.
        if form in norm and key not in found and (
                not word_start or _at_word_start(norm, form, word_end)):
            found[key] = weight
    # Names of the lead only: the development's own people and places are named there;
    # the rest of a report brings background names that other developments share.
    for key in name_keys(text[:ENTITY_SPAN], text):
        if key not in _IN_GAZETTEER:
            found[f"e:{key}"] = ENTITY_WEIGHT
        elif (known := _GAZETTEER_BY_SKELETON.get(key)) is not None:
            found.setdefault(known, GAZETTEER[known][0])
    for match in _EN_DAY.finditer(norm):
        found[f"day:{int(match.group(1) or match.group(2))}"] = DAY_WEIGHT
    if "日" in norm:
        for match in _JA_DAY.finditer(norm):
            found[f"day:{int(match.group(1) or match.group(2))}"] = DAY_WEIGHT
    if when is not None and WEEKDAYS and not any(k.startswith("day:") for k in found):
        # (a report that writes dates has dated its development; its weekdays add little)
        for key in weekday_days(norm, when):
            found[key] = DAY_WEIGHT
    for match in _NUMBER.finditer(norm):
        start = match.start()
        if start and (norm[start - 1].isdecimal() or norm[start - 1] in ".,:"):
            continue
        if norm.startswith(":", match.end()) and norm[match.end() + 1:match.end() + 2].isdecimal():
            continue  # a clock time (20:41) is when, not how many
        value = _figure(match)
        if value is not None and value >= 32 and not 1900 <= value <= 2100:
            found[f"n:{value}"] = NUMBER_WEIGHT
    return Features(found)


def weekday_days(norm: str, when: datetime) -> set[str]:
    """Day-of-month features of the weekdays a report names that fall on its own day
    (``days_mentioned``: it is dated in UTC, its outlet may lie either side): "Lavrov said
    on Monday" in a report of Monday 29 December is ``day:29``, as a Japanese report
    writes 29日. An earlier weekday is left out: a day-after piece naming the day before
    ("Witkoff met Putin on Friday") recalls a neighbouring development more often than
    it dates its own."""
    named = {m.group(1) for m in _EN_WEEKDAY.finditer(norm)}
    return {f"day:{day.day}" for day in (when + timedelta(hours=h) for h in (-12, 0, 12))
            if _WEEKDAYS[day.weekday()] in named}


def _figure(match: re.Match[str]) -> int | None:
    """The value of a ``_NUMBER`` match, scaled by its word (None: a decimal without
    one, 1.5 per cent, which is no count to share)."""
    whole, fraction, scale = match.groups()
    if scale is None:
        return None if fraction else int(whole.replace(",", ""))
    digits = whole.replace(",", "") + (fraction or "")
    return int(digits) * _SCALE[scale] // 10 ** len(fraction or "")


def _at_word_start(text: str, form: str, whole: bool = False) -> bool:
    """Latin forms match at the start of a word ("putin" in "putin's", not "sputinik");
    ``whole``: at its end too ("easter" in "easter's", not "eastern")."""
    start = text.find(form)
    while start != -1:
        end = start + len(form)
        if (start == 0 or not text[start - 1].isalnum()) and (
                not whole or end == len(text) or not text[end].isalnum()):
            return True
        start = text.find(form, start + 1)
    return False


def is_update_title(title: str) -> bool:
    return bool(_UPDATE.match(title))


def feature_similarity(a: Features, b: Features) -> float:
    """Weighted Jaccard of two reports' features (a feature weighs the same in every
    report, so the union is the two totals minus the shared weight)."""
    common = a.weights.keys() & b.weights.keys()  # in C: this runs per candidate member
    if not common:
        return 0.0
    shared = sum(map(a.weights.__getitem__, common))
    return shared / (a.total + b.total - shared)  # > 0: weights are positive


def similarity(a: str, b: str) -> float:
    """Token Jaccard of two texts (same language only); used to compare headlines."""
    ta, tb = set(tokens(a)), set(tokens(b))
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def days_ahead(features: Features, when: datetime) -> dict[str, datetime]:
    """The days a report names that lie one to ``AHEAD`` days after it (noon of each):
    what an announcement announces."""
    ahead: dict[str, datetime] = {}
    noon = when.replace(hour=12, minute=0, second=0, microsecond=0)
    for step in range(1, AHEAD.days + 1):
        day = noon + timedelta(days=step)
        if f"day:{day.day}" in features.weights:
            ahead.setdefault(f"day:{day.day}", day)
    return ahead


def days_mentioned(when: datetime) -> set[str]:
    """Day-of-month features a later report would use to refer back to ``when``
    (reports are dated in several time zones, so the neighbouring days count too)."""
    return {f"day:{(when + timedelta(hours=h)).day}" for h in (-12, 0, 12)}


@dataclass
class StoryState:
    """What the clustering needs to know about a story, kept in memory during a poll."""

    key: object
    first: datetime
    latest: datetime
    #: The latest reports' features (only these are compared: bounded cost and memory).
    members: deque[Features] = field(default_factory=lambda: deque(maxlen=MAX_MEMBERS))
    #: Each kept report's language, in step with ``members``.
    langs: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_MEMBERS))
    #: Every feature any report of the story had.
    seen: set[str] = field(default_factory=set)
    #: Day-of-month features a report referring back to the first report would carry.
    first_days: set[str] = field(default_factory=set)
    #: When each report was published, in order (whether a new one continues the coverage).
    times: list[datetime] = field(default_factory=list)
    #: When the story's first report in each language was published.
    lang_first: dict[str, datetime] = field(default_factory=dict)
    #: Days every report of the story published before them names ahead (the story
    #: announces them), and when each is.
    announced: dict[str, datetime] | None = None

    def __post_init__(self) -> None:
        self.first_days = days_mentioned(self.first)

    def continues(self, when: datetime, lang: str) -> bool:
        """Whether a report in ``lang`` at ``when`` lies within ``NEAR`` of the story's
        first report in ``lang`` (if any) and of one of its reports (see ``SPAN``)."""
        first = self.lang_first.get(lang)
        if not lang or (first is not None and abs(when - first) > NEAR):
            return False
        times = self.times
        at = bisect.bisect_left(times, when)
        return any(abs(when - t) <= NEAR for t in times[max(at - 1, 0):at + 1])

    def _announce(self, features: Features, when: datetime) -> None:
        """Keep the days every report before them names ahead (a report on or after an
        announced day does not need to name it)."""
        if self.announced is None:
            self.announced = days_ahead(features, when)
            return
        for key, day in list(self.announced.items()):
            if when < day - NEAR and key not in features.weights:
                del self.announced[key]

    def reference(self, features: Features, when: datetime) -> datetime:
        """The story's time a report is decayed from: its first report's, or a day it
        announced when the report names that day, or the story already holds a report
        of that day (the event came after its announcement)."""
        best = self.first
        for key, day in (self.announced or {}).items():
            if abs(when - day) < abs(when - best) and (
                    key in features.weights or any(abs(t - day) <= NEAR for t in self.times)):
                best = day
        return best

    def add(self, features: Features, when: datetime, lang: str = "") -> bool:
        """Add a report; True when it brings features the story did not have."""
        if lang and when < self.lang_first.get(lang, when + NEAR):
            self.lang_first[lang] = when
        self._announce(features, when)
        new = sum(w for k, w in features.weights.items() if k not in self.seen)
        self.seen.update(features.weights)
        self.members.append(features)
        self.langs.append(lang)
        bisect.insort(self.times, when)
        if when < self.first:
            self.first_days = days_mentioned(when)
        self.first, self.latest = min(self.first, when), max(self.latest, when)
        return new >= NUMBER_WEIGHT


def score(story: StoryState, features: Features, when: datetime, *,
          update: bool = False, at_least: float = 0.0, lang: str = "") -> float:
    """Similarity of a report to a story's reports (``linked``), decayed by how many days
    it lies after the story's first report (unless it says it updates, or refers back to
    the day of, the story's first report; from ``SPAN`` on when its language's coverage
    of the story starts late, ``StoryState.continues``).

    ``at_least``: the caller only needs scores from this value up; when the time decay
    alone (similarity is at most 1) rules that out, the similarity is not computed and
    0.0 is returned. Most candidates of a long corpus are ruled out this way."""
    if not story.members or when < story.first - HORIZON or when > story.latest + HORIZON:
        return 0.0
    refers_back = not story.first_days.isdisjoint(features.weights)
    since_first = abs(when - story.reference(features, when))
    gap = since_first - (SPAN if story.continues(when, lang) else NEAR)
    days = 0.0 if update else max(gap.total_seconds() / 86400, 0.0)
    if refers_back:
        days /= 2
    decay = math.pow(0.5, days / HALF_LIFE_DAYS)
    if decay * _ROUNDING < at_least:
        return 0.0
    floor = min(LINK_MIN, max(1, sum(m == lang for m in story.langs))) if lang else LINK_MIN
    return linked(features, story.members, floor) * decay


def linked(features: Features, members: Iterable[Features], floor: int = LINK_MIN) -> float:
    """Mean similarity of a report to the story's reports it resembles best (the better
    ``LINK_SHARE`` of them): a story told in two languages, or from two angles, has
    reports a new one cannot be expected to share features with, and averaging over
    those too kept each language's reports a story of their own. ``floor``: the fewest
    reports averaged (``LINK_MIN``, see there)."""
    sims = sorted((feature_similarity(features, m) for m in members), reverse=True)
    best = min(len(sims), max(floor, math.ceil(len(sims) * LINK_SHARE)))
    return sum(sims[:best]) / best if best else 0.0


#: Weighted Jaccard is at most 1; this margin keeps float rounding from pruning a match.
_ROUNDING = 1.0 + 1e-9


def reach(at_least: float) -> timedelta:
    """How far from a story's first report a report can lie and still score
    ``at_least`` (similarity 1, and the decay halved for referring back)."""
    days = 2 * HALF_LIFE_DAYS * math.log2(_ROUNDING / at_least)
    return max(NEAR, SPAN) + timedelta(days=max(days, 0.0))


def best_story(stories: Iterable[StoryState], features: Features, when: datetime, *,
               update: bool = False, lang: str = "") -> StoryState | None:
    best: StoryState | None = None
    best_score = MIN_SCORE
    # Most candidates of a long corpus lie too far in time to match: ruled out with one
    # comparison, before any scoring (an update is not decayed, so it skips this).
    limit = None if update else reach(best_score)
    for story in stories:
        if limit is not None and abs(when - story.first) > limit:
            continue
        value = score(story, features, when, update=update, at_least=best_score, lang=lang)
        if value >= best_score:
            best, best_score = story, value
            limit = None if update else reach(best_score)
    return best


#: Features at least this heavy are indexed to find candidate stories quickly.
INDEX_WEIGHT = 0.5


class StoryIndex:
    """Stories of one poll, with an inverted index from (distinctive feature, week) to
    stories, so a report is only compared with stories near it in time that share a
    feature with it, not with every story."""

    def __init__(self) -> None:
        self.states: dict[int, StoryState] = {}
        self._by_feature: dict[tuple[str, int], set[int]] = {}
        #: Reports added, and how many of them named each name.
        self.reports = 0
        self.name_df: dict[str, int] = {}

    def weigh(self, features: Features) -> Features:
        """``features`` with each name weighted by its rarity among the reports so far."""
        names = [k for k in features.weights if k.startswith("e:")]
        if not names:
            return features
        weights = dict(features.weights)
        scale = math.log(ENTITY_PRIOR + 1)
        for key in names:
            rarity = math.log((self.reports + ENTITY_PRIOR) / (self.name_df.get(key, 0) + 1))
            weights[key] = ENTITY_WEIGHT * min(1.0, max(ENTITY_FLOOR, rarity / scale))
        return Features(weights)

    def __contains__(self, story_id: int) -> bool:
        return story_id in self.states

    def get_state(self, story_id: int) -> StoryState | None:
        return self.states.get(story_id)

    def create(self, story_id: int, when: datetime) -> StoryState:
        state = self.states[story_id] = StoryState(story_id, when, when)
        return state

    def add(self, story_id: int, features: Features, when: datetime, lang: str = "") -> bool:
        """Add a report to a story; True when it brings features the story lacked."""
        features = self.weigh(features)
        self.reports += 1
        for key in features.weights:
            if key.startswith("e:"):
                self.name_df[key] = self.name_df.get(key, 0) + 1
        week = _week(when)
        for key, weight in features.weights.items():
            if weight >= INDEX_WEIGHT:
                self._by_feature.setdefault((key, week), set()).add(story_id)
        return self.states[story_id].add(features, when, lang)

    def find(self, features: Features, when: datetime, *,
             update: bool = False, lang: str = "") -> StoryState | None:
        features = self.weigh(features)
        weeks = range(_week(when - HORIZON), _week(when + HORIZON) + 1)
        ids: set[int] = set()
        for key, weight in features.weights.items():
            if weight >= INDEX_WEIGHT:
                for week in weeks:
                    ids |= self._by_feature.get((key, week), set())
        return best_story((self.states[i] for i in ids), features, when, update=update,
                          lang=lang)


def _week(when: datetime) -> int:
    return int(when.timestamp() // (7 * 86400))
