"""Retrieval over the store: one per process, refreshed from the store by article id.

``refresh`` reads only articles newer than the last one indexed (or updated since), so a
new article costs one small segment, not a rebuild. With an index directory, the index is
saved as it grows and mapped back after a restart (``bot.answer.persist``).
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
import time
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, CompoundSelect, Row, and_, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answer import demonyms, places
from bot.answer.index import DocMeta, SearchIndex, Segment
from bot.answer.passage import LEAD_SENTENCES as LEAD_SENTENCES
from bot.answer.passage import passages
from bot.answer.persist import IndexDir, fetch_stamp, index_key
from bot.answer.scoring import Matches
from bot.answer.when import Window
from bot.news.entities import (
    entity_names,
    glossary_keys,
    key_variants,
    name_words,
    possessive_keys,
)
from bot.store.models import Article
from bot.text.analyzer import Analyzer, kana_spelling, word_pos
from bot.text.glossary import Glossary
from bot.text.sentences import split_sentences

log = logging.getLogger(__name__)
REFRESH_BATCH = 20_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: How far before the newest ``changed_at`` indexed each check looks again. A text stamped
#: earlier can commit later: a poll's transaction stamps its chunks as it goes and commits
#: at its end (waiting up to SQLite's 30 s busy timeout for another writer), and on
#: PostgreSQL two processes' clocks differ a little. Rows re-read this way that were
#: indexed at the same (id, ``changed_at``) are skipped, so a steady store re-indexes none.
GRACE = timedelta(seconds=120)
GENERIC_WEIGHT = 0.35
#: Share of reports above which a term is treated as matched by every report.
COMMON_SHARE = 0.8
#: A question's country joins its people and adjective forms the store holds ("Belgian" for
#: ベルギー or "Belgium", ``demonyms.peoples``): reports name a leader by the adjective.
DEMONYM_ALTERNATIVES = True
#: ("Trump-Putin" is a name; "American-made" and "Russian-backed" are not: a lowercase part
#: after a hyphen makes a word of a name)
_EN_NAME = re.compile(r"(?<=[\s(\"'])[A-Z][A-Za-z0-9'’]*(?:-[A-Z][A-Za-z0-9'’]*)*(?![\w-])"
                      r"|\b[A-Z]{2,}\b")
#: The sides of the talks: nearly every report names them, so they pick out no event.
PARTIES = frozenset({"russia", "russian", "russians", "ukraine", "ukrainian", "ukrainians",
                     "us", "u.s.", "american", "america", "kremlin", "kyiv", "moscow",
                     "washington", "putin", "zelensky", "zelenskyy", "trump",
                     "ロシア", "ウクライナ", "米国", "米", "アメリカ", "露", "ウ"})
#: Days and months are times, not names of an event ("Monday's round" is the round on that
#: day, whichever way a report dates it).
CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december".split())
_JA_NAME = re.compile(r"^[\u30a0-\u30ffー]{2,}$|^[a-z0-9]+$")
#: Marks a name's sound key among the tokens (no analyser token starts with it).
NAME_KEY = "§"
#: A question's name written possessive ("Zelenskyy's", "Witkoff’s") also gets the key of
#: the name without its "'s": the name's key reads the possessive's s as its last sound
#: ("srnsks"), which the other script's spelling (ゼレンシキー, "srnsk") never has; the
#: report of the other language then names whom the question names. A name the glossary
#: lists ("Trump's") has its translation already and gets no other key. False: only that key.
POSSESSIVE_KEYS = True
#: Every piece of a name MeCab splits holds the name's sound key (ロス|アトム, シル|スキー),
#: not only the longest: a piece without it is a name no report of the other script writes,
#: and the question was refused ``unknown-name`` (issue 12: "ロスアトムのリハチョフ氏",
#: "シルスキー総司令官" asked of English reports). False: only the longest piece.
SPLIT_NAME_KEYS = True
#: Ends a sentence among an article's tokens, so a hit can be judged by its best passage.
SENTENCE_END = "¶"


@dataclass(frozen=True)
class Concept:
    """One query term with its translations: a document matches it through any of them."""

    tokens: tuple[str, ...]
    ids: tuple[int | None, ...]
    idf: float
    #: A name (capitalised, katakana, Latin in Japanese): missing it means another event.
    name: bool = False
    #: How many stored articles contain it or a translation.
    df: int = 0
    #: Documents containing its most common alternative.
    df_max: int = 0

    @property
    def weight(self) -> float:
        """Weight in coverage: names count fully, ordinary words a third."""
        return self.idf if self.name else self.idf * GENERIC_WEIGHT


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    #: Share of the question's IDF mass the article matches (0..1).
    coverage: float
    published: float
    story_id: int
    #: Share of the question's weight its best two adjacent sentences match (0..1).
    passage: float = 0.0
    #: Share of the question's event names (rare names, not the sides) that its headline
    #: and first sentences name (0..1; 1 when the question names none).
    lead: float = 1.0
    #: BM25 over the question's own words only (not their translations, not the words in
    #: most reports): how closely the report words it as the question does.
    own: float = 0.0
    #: Share of the weight of the question's own words (as ``own`` counts them) that the
    #: article holds (0..1): 1 when it holds every one of them.
    own_share: float = 0.0


#: What the engine indexes of an article, and the stamp its text was stored at.
COLUMNS = (Article.id, Article.title, Article.text, Article.lang, Article.published_at,
           Article.story_id, Article.changed_at)
#: Ids whose text one query reads (a bound parameter each: SQLite allowed 999 before 3.32).
TEXT_CHUNK = 500


def changed_since(max_id: int, since: datetime, *, after_id: int | None = 0,
                  upto_id: int | None = None, limit: int = REFRESH_BATCH,
                  texts: bool = True) -> CompoundSelect:
    """Articles stored after ``max_id`` (the first ``limit``, in id order), and indexed
    articles whose text was stored at ``since`` or later (the first ``limit`` in
    (``changed_at``, id) order after (``since``, ``after_id``): a keyset, so updates that
    share one ``changed_at`` across a batch boundary are all read; ``after_id`` None: only
    later than ``since``) among ids up to ``upto_id`` (default ``max_id``).

    Two ranges joined, not one ``OR``: each is read through its own index (the primary key,
    ``ix_articles_changed_at``), so a check that finds nothing reads nothing. Given one
    ``OR`` and ``ORDER BY id``, SQLite reads every article in id order rather than sort;
    so does it when the changed range is a plain ``UNION ALL`` branch, hence each branch's
    own order (its index's) and limit (docs/benchmarks.md, "The answer index's store
    checks"). Rows with ``id > max_id`` are the first range's.

    ``texts`` False: both ranges give only (id, ``changed_at``), the changed one read from
    ``ix_articles_changed_at`` alone (``read_changes`` then reads the texts to index).
    """
    columns = COLUMNS if texts else (Article.id, Article.changed_at)
    new = select(*columns).where(Article.id > max_id).order_by(Article.id).limit(limit)
    after = (Article.changed_at > since if after_id is None else and_(
        Article.changed_at >= since, or_(Article.changed_at > since, Article.id > after_id)))
    changed = (select(*columns).where(
        after, Article.id <= (max_id if upto_id is None else upto_id))
        .order_by(Article.changed_at, Article.id).limit(limit))
    return union_all(select(changed.subquery()), select(new.subquery()))


async def read_changes(session: AsyncSession, max_id: int, since: datetime, *,
                       after_id: int | None, upto_id: int, limit: int,
                       indexed: Mapping[int, datetime]
                       ) -> tuple[list[tuple[int, datetime | None]], list[Row[Any]]]:
    """One batch of the check (``changed_since``): (its (id, ``changed_at``) pairs, the
    rows to index with their texts, by id).

    Texts are read after the keys, and only those to index: the new articles (by their id
    range) and the changed ones ``indexed`` does not hold at that stamp (by id). Inside the
    grace window each check otherwise read every text of the last two minutes again, only
    to skip it. A text updated between the two reads comes with its new stamp, which the
    caller records (a later check reads its key again and skips it). With nothing indexed
    before the check (``upto_id`` 0: a rebuild), every row is new: one query reads them all
    with their texts.
    """
    if upto_id <= 0:
        rows = list((await session.execute(changed_since(
            max_id, since, after_id=after_id, upto_id=upto_id, limit=limit))).all())
        return [(r[0], r[-1]) for r in rows], rows  # (id, changed_at): COLUMNS' ends
    keys = changed_since(max_id, since, after_id=after_id, upto_id=upto_id, limit=limit,
                         texts=False)
    # Unpacked, not read by name: by name, each pass over a window of 500 rows costs
    # about a millisecond (cProfile).
    pairs = list((await session.execute(keys)).tuples())
    newest = max((i for i, _at in pairs), default=max_id)
    stale = [i for i, at in pairs if i <= max_id and indexed.get(i) != at]
    wanted: list[ColumnElement[bool]] = [Article.id.in_(stale[at:at + TEXT_CHUNK])
                                         for at in range(0, len(stale), TEXT_CHUNK)]
    if newest > max_id:
        wanted.append(and_(Article.id > max_id, Article.id <= newest))
    fresh: list[Row[Any]] = []
    for where in wanted:
        fresh += (await session.execute(select(*COLUMNS).where(where))).all()
    return pairs, sorted(fresh, key=lambda r: r.id)


class Engine:
    """The analyser, the glossary and the index, kept for the life of the process."""

    def __init__(self, *, analyzer: Analyzer | None = None,
                 glossary: Glossary | None = None, index: SearchIndex | None = None,
                 refresh_interval: float = 1.0, index_dir: Path | None = None,
                 refresh_batch: int = REFRESH_BATCH,
                 ticks: Callable[[], float] = time.monotonic) -> None:
        self.analyzer = analyzer or Analyzer()
        self._glossary = glossary
        self.index = index or SearchIndex()
        #: Seconds between store checks: a burst of questions costs one query, not one each.
        self.refresh_interval = refresh_interval
        #: Articles read from the store per query while indexing.
        self.refresh_batch = refresh_batch
        #: Seconds that only move forward (a test's own, to let the grace window pass).
        self.ticks = ticks
        self._checked_at = -math.inf
        self.max_id = 0
        #: The newest ``changed_at`` indexed (the watermark): reports whose text was stored
        #: after it, or up to ``GRACE`` before it, are read again (``_since``).
        self.changed_to = EPOCH
        #: Articles indexed with a ``changed_at`` inside the grace window, by id: what the
        #: next check reads again and skips when the stamp is the same.
        self.recent: dict[int, datetime] = {}
        #: When (``ticks``) the watermark last rose, and when the previous
        #: complete check started: once a check has started ``GRACE`` after the rise,
        #: every text stamped up to the watermark was visible to it (``_since``).
        self._raised_at = -math.inf
        self._last_check = -math.inf
        #: Where the index is saved (None: kept in memory only).
        self.saved = IndexDir(index_dir) if index_dir is not None else None
        self._opened = False
        self._key: str | None = None
        self._chat: dict[tuple[str, ...], frozenset[str]] = {}
        self._places: dict[str, frozenset[str]] = {}
        self._sorted: list[str] | None = None
        self._last_matches: tuple[object, tuple[float, list[Matches | None]]] | None = None
        #: The last question's own-word scores by (segment number, position): `ask`'s
        #: several searches for one question return mostly the same articles.
        self._own_known: dict[tuple[int, int], tuple[float, float]] = {}

    @functools.cached_property
    def party_tokens(self) -> frozenset[str]:
        """The sides as the analyser writes them (stemmed: "ukrain")."""
        return frozenset(t for word in PARTIES for t in (word, *self.analyzer.tokens(word)))

    @functools.cached_property
    def calendar_tokens(self) -> frozenset[str]:
        """The days and months as the analyser writes them ("januari")."""
        return frozenset(t for word in CALENDAR for t in (word, *self.analyzer.tokens(word)))

    def is_calendar(self, concept: Concept) -> bool:
        """A day of the week or a month ("Saturday"): it dates a report, names no event."""
        return bool(self.calendar_tokens.intersection(concept.tokens))

    def chat_tokens(self, words: Sequence[str]) -> frozenset[str]:
        """``words`` as the analyser writes them, computed once per list."""
        key = tuple(words)
        if key not in self._chat:
            self._chat[key] = frozenset(t for w in words for t in self.analyzer.tokens(w))
        return self._chat[key]

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = Glossary.load(self.analyzer)
        return self._glossary

    def doc_tokens(self, title: str, text: str) -> list[str]:
        # The title counts twice: it says what the report is about.
        title_tokens = self.analyzer.tokens(title)
        out = title_tokens + title_tokens + [SENTENCE_END]
        names = name_words(text)
        for sentence in split_sentences(text):
            out += self.text_tokens(sentence, names)
            out.append(SENTENCE_END)
        return out

    def text_tokens(self, text: str, names: frozenset[str] = frozenset()) -> list[str]:
        """The analyser's tokens plus a sound key per name: "Leavitt" and レビット share
        one, so a name finds reports in the other language (``bot.news.entities``);
        ``names``: the words its report writes as names (a sentence may start with one)."""
        return self.analyzer.tokens(text) + name_keys(text, names)

    async def refresh(self, session: AsyncSession, *, force: bool = False) -> int:
        """Index articles stored or updated since the last refresh; returns how many.

        Checks the store at most every ``refresh_interval`` seconds unless ``force``.
        """
        if not force and self.ticks() - self._checked_at < self.refresh_interval:
            return 0
        self._checked_at = self.ticks()
        if self.saved is not None and not self._opened:
            self._opened = True
            await self._open_saved(session)
            # Merged segments go to disk as they are made (a large rebuild stays bounded).
            self.index.spill = self.saved.spill_dir
        added = await self._index_new(session)
        if added and self.saved is not None:
            await self._save(session)
        return added

    def index_key(self) -> str:
        """What a saved index must have been built with to be used (computed once)."""
        if self._key is None:
            self._key = index_key(self.analyzer, self.index)
        return self._key

    async def _open_saved(self, session: AsyncSession) -> None:
        """Map the saved index back if it was built from this store with this analyser."""
        assert self.saved is not None
        key = self.index_key()
        saved = self.saved.get_stamp(key)
        if saved is None:
            log.info("no saved answer index in %s for this analyser: building", self.saved.path)
            return
        stamp = await fetch_stamp(session, max_id=saved.max_id,
                                  changed_to=datetime.fromisoformat(saved.changed_to))
        index = self.saved.load(key, stamp)
        if index is None:
            log.warning("saved answer index in %s does not match the store: rebuilding",
                        self.saved.path)
            return
        self.index, self.max_id = index, stamp.max_id
        self.changed_to = datetime.fromisoformat(stamp.changed_to)
        # Not known to have settled: the window is read again, what it held skipped.
        self.recent = dict(self.saved.recent)
        self._raised_at = self.ticks()
        log.info("answer index loaded from %s (%d articles)", self.saved.path, index.n_docs)

    async def _save(self, session: AsyncSession) -> None:
        """Save what was indexed; a failed save is logged and the index kept in memory."""
        assert self.saved is not None
        stamp = await fetch_stamp(session, max_id=self.max_id, changed_to=self.changed_to)
        try:
            self.saved.save(self.index, key=self.index_key(), stamp=stamp, recent=self.recent)
        except OSError as exc:
            log.warning("answer index not saved to %s: %s", self.saved.path, exc)

    def _since(self) -> tuple[datetime, int | None]:
        """Where the check's keyset of changed texts starts: ``GRACE`` before the watermark,
        or just past it once the previous check started ``GRACE`` after it last rose (by
        then every text stamped up to it had committed and been read: an idle store's
        check reads nothing)."""
        if self._last_check - self._raised_at >= GRACE.total_seconds():
            return self.changed_to, None
        return self.changed_to - GRACE, 0

    async def _index_new(self, session: AsyncSession) -> int:
        """Index new articles (by id) and changed texts (by ``changed_at``, keyset) in
        batches. Only articles indexed before this check can have a changed text to read
        again: those indexed by id in it were read as they are now (a later change is
        stamped after ``changed_to - GRACE`` and read by the next check)."""
        started = self.ticks()
        since, after_id = self._since()
        indexed_before = self.max_id
        added = 0
        while True:
            pairs, fresh = await read_changes(
                session, self.max_id, since, after_id=after_id, upto_id=indexed_before,
                limit=self.refresh_batch, indexed=self.recent)
            # (A changed text has a stamp: it is at or after ``since``.)
            changed = [(at, i) for i, at in pairs if i <= self.max_id and at is not None]
            new = len(pairs) - len(changed)
            if changed:
                since, after_id = max(changed)
            added += self._add(fresh)
            if new:
                self.max_id = max(i for i, _at in pairs)
            stamps = dict(pairs)
            stamps.update((r.id, r.changed_at) for r in fresh)  # a text's own stamp
            self._saw({i: at for i, at in stamps.items() if at is not None})
            if new < self.refresh_batch and len(changed) < self.refresh_batch:
                break
        self._checked(started)
        return added

    def _add(self, rows: Sequence[Row[Any]]) -> int:
        """Index ``rows`` (read with their texts); returns how many."""
        if rows:
            self.index.add([(DocMeta(r.id, r.published_at.timestamp(), r.story_id or 0,
                                     r.lang), self.doc_tokens(r.title, r.text))
                            for r in rows])
        return len(rows)

    def _checked(self, started: float) -> None:
        """A complete check started at ``started``: forget what the next one will not read
        again (``_since``)."""
        self._last_check = started
        since, after_id = self._since()
        self.recent = {i: at for i, at in self.recent.items()
                       if at > since or (at == since and after_id is not None)}

    def _saw(self, stamps: Mapping[int, datetime]) -> None:
        """Raise the watermark to the newest of ``stamps`` (``changed_at`` by id) and
        remember those inside the grace window below it (only those: a rebuild keeps no map
        of the whole store)."""
        newest = max(stamps.values(), default=self.changed_to)
        if newest > self.changed_to:
            self.changed_to, self._raised_at = newest, self.ticks()
        floor = self.changed_to - GRACE
        self.recent.update((i, at) for i, at in stamps.items() if at >= floor)

    def concepts(self, question: str) -> list[Concept]:
        """The question's terms, each with its glossary translations as alternatives."""
        tokens = list(dict.fromkeys(self.analyzer.tokens(question)))
        alternatives = self.glossary.alternatives(tokens)
        for token, key in self._keyed_names(question, tokens):
            alternatives[token].add(key)
        names = self._names(question)
        for token in names & set(tokens):
            if self.index.token_id(token) is None:
                # "Emirati" where reports say "Emirates": the place the store names.
                alternatives[token].update(demonyms.bases(token, self.sorted_vocab()))
            # "Switzerland" where reports write Geneva, "Germany's chancellor" in Berlin.
            alternatives[token].update(t for t in self._places_in(token)
                                       if self.index.token_id(t) is not None)
            if DEMONYM_ALTERNATIVES and self.names_country(token) and not (
                    self.party_tokens.intersection((token, *alternatives[token]))):
                # ベルギー or "Belgium" where reports write "the Belgian prime minister".
                # (From the country's names whether or not the store writes them; only a
                # country's: "Zelenski" is no people of "Zelenska".)
                named = alternatives[token] | self._places_in(token)
                alternatives[token].update(t for alt in (token, *sorted(named))
                                           for t in demonyms.peoples(alt, self.sorted_vocab()))
        for token in tokens:
            # A word some reports spell in kana (ねらう for 狙う, the glossary's "try").
            for alt in (token, *alternatives[token]):
                kana = kana_spelling(alt)
                if kana is not None and self.index.token_id(kana) is not None:
                    alternatives[token].add(kana)
        out: list[Concept] = []
        for token in tokens:
            # "trump-putin", "us-ukrain": a report saying "Trump and Putin" matches too.
            parts = [p for p in token.split("-") if p] if "-" in token else []
            if not set(parts) <= self.party_tokens:
                parts = []
            alts = tuple(dict.fromkeys((token, *sorted(alternatives[token] - {token}), *parts)))
            ids = tuple(self.index.token_id(t) for t in alts)
            dfs = [self.index.global_df(i) for i in ids if i is not None]
            out.append(Concept(alts, ids, self.index.concept_idf(ids), token in names,
                               sum(dfs), max(dfs, default=0)))
        return out

    def sorted_vocab(self) -> list[str]:
        """The index's tokens in order (sorted again only when the vocabulary grew)."""
        # no mutate: a cache miss sorts the same list again (slower, the same answer).
        if (self._sorted is None  # pragma: no mutate
                or len(self._sorted) != len(self.index.vocab)):  # pragma: no mutate
            self._sorted = sorted(self.index.vocab)
        return self._sorted

    def concepts_for(self, question: str, window: Window) -> list[Concept]:
        """Concepts of the question without the words that named its time window.

        An ordinary word no stored report uses ("gonna", "actually") tells no report from
        another: it is left out. A name no report uses stays (it means another event)."""
        return [c for c in self.concepts(_strip_phrase(question, window)) if c.df or c.name]

    def unknown_words(self, question: str, window: Window) -> list[Concept]:
        """The question's ordinary words (not names, not its time) that no report uses."""
        return [c for c in self.concepts(_strip_phrase(question, window))
                if not c.df and not c.name]

    def _keyed_names(self, question: str, tokens: Sequence[str]
                     ) -> list[tuple[str, str]]:
        """(the question's token for a name, the name's sound key): the key, and the keys
        of its other readings (``key_variants``: オルバン meets "Orban"), join that token's
        alternatives (the longest token of a name MeCab splits, レ|ビット; a token joining
        names with middle dots, トランプ・ゼレンスキー, by its last)."""
        out: list[tuple[str, str]] = []
        # A question's loanword keeps its key (イースター meets "Easter"): what it can meet
        # in a report is a name (``keyed_name``).
        for surface, key in entity_names(question):
            if key.startswith("kanji:"):
                continue
            mine = [t for t in self.analyzer.tokens(surface) if t in tokens]
            keys = [NAME_KEY + k for k in (key, *sorted(key_variants(surface)))]
            if POSSESSIVE_KEYS:
                keys += [NAME_KEY + k for k in possessive_keys(surface)
                         if NAME_KEY + k not in keys]
            holders = list(mine) if SPLIT_NAME_KEYS or not mine else [max(mine, key=len)]
            if keyed_name(surface, key):
                holders += _holding(surface, tokens)
            out += [(token, k) for token in holders for k in keys]
        return out

    def names_country(self, token: str) -> bool:
        """``token`` is a country's name the gazetteer knows, in either language."""
        return bool(self._places_in(token))

    def _places_in(self, country: str) -> frozenset[str]:
        """The names of ``country`` in the other language and of the places inside it,
        with their glossary translations (ジュネーブ, "Geneva"); empty for a token that
        names no country. Kept per country: the gazetteer and the glossary do not change."""
        found = self._places.get(country)
        if found is None:
            near = places.within(country, self.analyzer)
            if not near:
                return near
            found = self._places[country] = near.union(
                *(self.glossary.alternatives([name])[name] for name in near))
        return found

    def _names(self, question: str) -> set[str]:
        if _JA_NAME.pattern and any("\u3040" <= ch <= "\u30ff" for ch in question):
            return {t for t in self.analyzer.tokens(question) if _JA_NAME.match(t)}
        return {t for word in _EN_NAME.findall(question) for t in self.analyzer.tokens(word)}

    def search(self, concepts: Sequence[Concept], *, now: datetime, window: Window,
               scope: Collection[int] | None = None, limit: int = 10) -> list[Hit]:
        """Rank articles published by ``now`` within ``window`` (and ``scope``, if given)."""
        total_idf = sum(c.weight for c in concepts)
        if not concepts or total_idf <= 0:
            return []
        lo = window.start.timestamp() if window.start else -np.inf
        hi = min(window.end.timestamp() if window.end else np.inf, now.timestamp() + 1)
        always, matches = self._matches(concepts)
        scope_ids = np.fromiter(scope, np.int64) if scope is not None else None
        # (score, published, article id, story, segment, position) of each segment's best.
        found: list[tuple[float, float, int, int, int, int]] = []
        for number, (seg, matched) in enumerate(zip(self.index.segments, matches, strict=True)):
            if matched is not None:
                at, scores = matched.top(_allowed(seg, matched.positions, lo, hi, scope_ids),
                                         limit)
                found += zip(scores.tolist(), seg.published[at].tolist(), seg.ids[at].tolist(),
                             seg.story[at].tolist(), itertools.repeat(number), at.tolist())
        found.sort(key=lambda f: (f[0], f[1]), reverse=True)
        found = found[:limit]
        covered: dict[tuple[int, int], float] = {}
        for number in {f[4] for f in found}:
            mine = [f[5] for f in found if f[4] == number]
            matched = matches[number]
            assert matched is not None
            values = matched.covered(np.array(mine, dtype=np.int64), always).tolist()
            covered.update(((number, pos), v) for pos, v in zip(mine, values, strict=True))
        # The best passage is judged only for the hits returned (it reads their tokens).
        rows_of: dict[int, list[int]] = {}
        for row, concept in enumerate(concepts):
            for token_id in concept.ids:
                if token_id is not None:
                    rows_of.setdefault(token_id, []).append(row)
        # A report's lead need not date it: "Saturday" in a question is no event name to
        # lead with (docs/quality.md, stop 32).
        events = np.array([self.is_event_name(c) and not self.is_calendar(c)
                           for c in concepts], dtype=bool)
        shares = passages([self.index.segments[f[4]].token_ids(f[5]) for f in found],
                          self.index.token_id(SENTENCE_END), rows_of,
                          np.array([c.weight for c in concepts], dtype=np.float64),
                          total_idf, events)
        own = self._own_scores(concepts, [(f[4], f[5]) for f in found])
        return [Hit(article_id, score, covered[number, pos] / total_idf, published, story,
                    passage, lead, *mine)
                for (score, published, article_id, story, number, pos), (passage, lead), mine
                in zip(found, shares, own, strict=True)]

    def _own_scores(self, concepts: Sequence[Concept], at: Sequence[tuple[int, int]]
                    ) -> list[tuple[float, float]]:
        """(BM25, share held) of the articles at ``at`` (segment number, position) over the
        question's own tokens (each concept's first, not its translations), leaving out
        those in most reports as the search does; the share is of those tokens' concept
        weight (``Hit.own_share``). Read at the returned articles only, each once per
        question (``_matches`` forgets them with the last question's matches)."""
        known = self._own_known
        new = list(dict.fromkeys(a for a in at if a not in known))
        if new:
            rows: dict[int, np.ndarray] = {}
            for number in {n for n, _pos in new}:
                rows[number] = np.array([k for k, (n, _p) in enumerate(new) if n == number],
                                        dtype=np.int64)
            positions = {number: np.array([new[k][1] for k in mine], dtype=np.int64)
                         for number, mine in rows.items()}
            out = np.zeros(len(new), dtype=np.float64)
            held = np.zeros(len(new), dtype=np.float64)
            total = 0.0
            n_docs = max(self.index.n_docs, 1)
            for concept in concepts:
                token_id = concept.ids[0]
                if token_id is None or concept.df_max / n_docs > COMMON_SHARE:
                    continue
                total += concept.weight
                for number, found, values in self.index.values_at(token_id, positions):
                    out[rows[number][found]] += values
                    held[rows[number][found]] += concept.weight
            shares = (held / total).tolist() if total > 0 else [0.0] * len(new)
            known.update(zip(new, zip(out.tolist(), shares, strict=True), strict=True))
        return [known[a] for a in at]

    def _matches(self, concepts: Sequence[Concept]
                 ) -> tuple[float, list[Matches | None]]:
        """(weight every article covers, per segment the articles matching ``concepts``),
        kept for the last question: `ask` searches it again in its window, scope or
        newest reports, and the matches do not depend on those."""
        key = (tuple(concepts), id(self.index), self.index.n_docs,
               tuple(seg.name for seg in self.index.segments))
        last = self._last_matches
        if last is not None and last[0] == key:
            return last[1]
        self._last_matches = None  # not held while the next ones are made (peak memory)
        self._own_known = {}
        n_docs = max(self.index.n_docs, 1)
        # A term in most reports barely ranks but costs the most: count it as matched
        # everywhere (for coverage) and leave it out of the score.
        common = [c.df_max / n_docs > COMMON_SHARE for c in concepts]
        always = sum(c.weight for c, is_common in zip(concepts, common, strict=True)
                     if is_common)
        by_segment: list[list[list[tuple[np.ndarray, np.ndarray]]]] = [
            [[] for _ in concepts] for _ in self.index.segments]
        for i, concept in enumerate(concepts):
            for token_id in concept.ids:
                if common[i] or token_id is None:
                    continue
                for seg_no, docs, values in self.index.postings(token_id):
                    by_segment[seg_no][i].append((docs, values))
        weights = [c.weight for c in concepts]
        found = (always, [Matches.of(seg.size, lists, weights) if any(lists) else None
                          for seg, lists in zip(self.index.segments, by_segment, strict=True)])
        self._last_matches = (key, found)
        return found

    def is_event_name(self, concept: Concept) -> bool:
        """A name that picks out one development ("Easter", "Istanbul", "Medinsky"): not
        a side of the talks, not in most reports."""
        n_docs = max(self.index.n_docs, 1)
        return (concept.name and concept.df > 0 and concept.df_max / n_docs <= COMMON_SHARE
                and not any(set(t.split("-"))
                            # no mutate: `<` differs only for a token joining every side.
                            <= self.party_tokens  # pragma: no mutate
                            for t in concept.tokens))

    def _passage(self, token_ids: np.ndarray, rows_of: dict[int, list[int]],
                 keys: np.ndarray, weights: np.ndarray, total: float,
                 events: np.ndarray) -> tuple[float, float]:
        """(passage, lead) of one article (``bot.answer.passage.passages``); ``keys``:
        the ids ``rows_of`` maps, as an array (kept for callers that pass it)."""
        return passages([token_ids], self.index.token_id(SENTENCE_END), rows_of, weights,
                        total, events)[0]

    def newest(self, *, now: datetime, window: Window, scope: Collection[int] | None = None,
               limit: int = 10) -> list[Hit]:
        """The most recent articles published by ``now`` in ``window`` (and ``scope``)."""
        out: list[Hit] = []
        lo = window.start.timestamp() if window.start else -np.inf
        hi = min(window.end.timestamp() if window.end else np.inf, now.timestamp() + 1)
        scope_ids = np.fromiter(scope, np.int64) if scope is not None else None
        for seg in self.index.segments:
            mask = seg.alive & (seg.published >= lo) & (seg.published < hi)
            if scope_ids is not None:
                mask &= np.isin(seg.ids, scope_ids)
            ok = np.flatnonzero(mask)
            if ok.size > limit:
                ok = ok[np.argpartition(-seg.published[ok], limit)[:limit]]
            top = ok[np.argsort(-seg.published[ok])]
            out += [Hit(seg.docs[int(p)].article_id, 0.0, 0.0, float(seg.published[p]),
                        seg.docs[int(p)].story_id) for p in top]
        out.sort(key=lambda h: h.published, reverse=True)
        return out[:limit]


    def span(self) -> tuple[int, datetime | None, datetime | None]:
        """How many articles are indexed and the dates they span, without a store query."""
        first, last = np.inf, -np.inf
        for seg in self.index.segments:
            alive = seg.published[seg.alive]
            if alive.size:
                first, last = min(first, float(alive.min())), max(last, float(alive.max()))
        if self.index.n_docs == 0:
            return 0, None, None
        return (self.index.n_docs, datetime.fromtimestamp(first, UTC),
                datetime.fromtimestamp(last, UTC))


def variant_keys(text: str) -> list[str]:
    """The other keys of the names in ``text`` (``key_variants``), as tokens: a question's
    name meets a report in the other script that spells its sounds otherwise."""
    return [NAME_KEY + k for surface, key in entity_names(text) if keyed_name(surface, key)
            for k in sorted(key_variants(surface))]


def _holding(surface: str, tokens: Sequence[str]) -> list[str]:
    """The tokens whose last name, after middle dots, is ``surface``: トランプ・ゼレンスキー
    is one token, keyed by its second side (a first name's short key, イーロン's, would
    meet Iran; the caller leaves out a loanword, ジャーナル of ウォール・ストリート・
    ジャーナル, which would meet every "Journal")."""
    return [t for t in tokens if "・" in t and t.rsplit("・", 1)[1] == surface]


def name_keys(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """The sound keys of the names in ``text``, as tokens (once each)."""
    return [NAME_KEY + key for key in dict.fromkeys(
        key for surface, key in entity_names(text, names) if keyed_name(surface, key))]


#: IPAdic's kinds of common noun: a katakana word of these is a loanword (グループ, トップ).
_COMMON_NOUNS = frozenset({"一般", "サ変接続", "形容動詞語幹"})


def keyed_name(surface: str, key: str) -> bool:
    """A report's name whose sound key stands for it across scripts: not a kanji name (no
    sound), not a loanword MeCab knows (サポート would meet a question's スポット,
    グループ "Guliyev") unless the glossary lists it as a name."""
    if key.startswith("kanji:"):
        return False
    return surface.isascii() or surface in glossary_keys() or not common_noun(surface)


def common_noun(word: str) -> bool:
    """MeCab (IPAdic) reads ``word`` as one common noun it knows (グループ, カラス)."""
    pos = word_pos(word)
    return pos is not None and pos[0] == "名詞" and pos[1] in _COMMON_NOUNS


def _strip_phrase(question: str, window: Window) -> str:
    if not window.phrase or window.start is None or window.searched:
        return question
    pattern = re.compile(re.escape(window.phrase), re.IGNORECASE)
    return pattern.sub(" ", unicodedata.normalize("NFKC", question))


def _allowed(seg: Segment, at: np.ndarray, lo: float, hi: float,
             scope_ids: np.ndarray | None) -> np.ndarray | None:
    """Which articles at positions ``at`` are alive, published in [lo, hi) and in scope
    (None: all of them, known without reading each one's time)."""
    if scope_ids is None and lo == -np.inf and hi > seg.latest and bool(seg.alive.all()):
        return None
    published = seg.published[at]
    ok = seg.alive[at] & (published >= lo) & (published < hi)
    if scope_ids is not None:
        ok &= np.isin(seg.ids[at], scope_ids)
    return ok
