"""The answer index on disk: saved as it grows, memory-mapped back after a restart.

Rebuilding the BM25 index of 100k articles takes tens of seconds; mapping the saved arrays
takes milliseconds. Layout of the index directory::

    manifest.json          what is there, and what it was built from (see ``Stamp``), and
                           the articles inside the update check's grace window (``recent``)
    vocab-<lineage>.txt    token of each token id, one a line, appended as the vocabulary grows
    alive-<save>.npy       which articles of each segment are current (an update replaces one)
    seg-<name>/            one segment, never changed once written: the bm25s score matrix
                           under bm25s's own file names (loaded with ``BM25.load_scores``,
                           mmap), token ids, document frequencies, article columns, and any
                           extra per-article column (``<column>.col.npy``, e.g. dense vectors)
                           (``bot.answer.segfiles``)
    building-<id>/         segments a process is building (``SearchIndex.spill``): moved to
                           ``seg-<name>`` by its next save; left alone by other processes'
                           saves unless untouched for a day (a crashed build)

The manifest is replaced atomically, after everything it names is written, so a crash
leaves the previous index readable. A saved index is only used when its ``key`` (format,
BM25 parameters, how the analyser tokenises) matches and the store still holds what it
was built from (``Stamp``); otherwise it is rebuilt. One process writes at a time (an
exclusive lock during a save; loads share the lock); a process that finds another's save
since its own starts a new vocabulary file instead of appending to one it did not write.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import func, make_url, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answer.index import SearchIndex, Segment
from bot.answer.segfiles import read_segment, write_segment
from bot.store.models import Article
from bot.text.analyzer import Analyzer

log = logging.getLogger(__name__)

#: 2: an article's tokens include its names' sound keys. 3: the update watermark is
#: ``articles.changed_at`` (when a text was stored), no longer the feed's ``updated_at``:
#: an index saved before may lack a revision dated before one it held, so it is rebuilt.
#: 4: a sentence starting with a name its report writes mid-sentence keeps the name's key.
FORMAT = 4
#: Text whose tokens change when the analyser changes (stemming, dictionary, stop words).
_PROBE = ("Negotiators agreed on 1,200 prisoners' exchanges in Istanbul, Türkiye, on May 16th; "
          "they didn't actually meet. "
          "ロシアとウクライナは捕虜1200人ずつの交換で合意したと発表した。"
          # Chat fillers (branch casual): an index saved before they were dropped is rebuilt.
          "結局、合意してたの？")
#: A ``building-*`` folder untouched this long is a crashed build's, and is removed.
STALE_BUILD_S = 86_400.0


def index_dir_for(database_url: str, *, data_dir: Path) -> Path | None:
    """Where the answer index of a store is saved: next to a SQLite file, else in the data
    directory under a name derived from the database (host, port, name; no password).
    None for an in-memory store."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        db = Path(url.database).expanduser()
        return db.with_name(db.name + ".index")
    where = f"{url.get_backend_name()}://{url.host}:{url.port}/{url.database}"
    return data_dir / f"answer-index-{hashlib.sha256(where.encode()).hexdigest()[:16]}"


def index_key(analyzer: Analyzer, index: SearchIndex) -> str:
    """What the saved arrays depend on besides the store: format, BM25 parameters and the
    analyser's behaviour (its tokens of a probe text)."""
    probe = "\x1f".join(analyzer.tokens(_PROBE))
    raw = f"{FORMAT}|{index.k1}|{index.b}|{probe}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Stamp:
    """What of the store the index holds, checked against the store before it is used."""

    #: The newest article id indexed and the newest ``changed_at`` indexed (ISO).
    max_id: int
    changed_to: str
    #: Articles with ids up to ``max_id``, and the guids of the first and last of them:
    #: another store, or one that lost articles, differs in one of these.
    count: int
    first_guid: str
    last_guid: str


async def fetch_stamp(session: AsyncSession, *, max_id: int, changed_to: datetime) -> Stamp:
    """The store's side of a ``Stamp`` for an index covering ids up to ``max_id``."""
    # All articles less those above ``max_id``, not a count of the ids up to it: SQLite
    # counts a whole table from its smallest index but a range of ids by reading the
    # articles themselves (bench/refresh_check.py; docs/benchmarks.md).
    total = select(func.count()).select_from(Article).scalar_subquery()
    newer = select(func.count()).select_from(Article).where(Article.id > max_id)
    first = select(func.min(Article.id)).where(Article.id <= max_id)
    row = (await session.execute(
        select(total - newer.scalar_subquery(), first.scalar_subquery()))).one()
    return await stamp_of(session, max_id=max_id, changed_to=changed_to,
                          count=int(row[0]), first_id=row[1])


async def stamp_of(session: AsyncSession, *, max_id: int, changed_to: datetime, count: int,
                   first_id: int | None) -> Stamp:
    """A ``Stamp`` of these figures and the guids of the first and last article."""
    rows = (await session.execute(
        select(Article.id, Article.guid).where(Article.id.in_([first_id or 0, max_id])))).all()
    guids: dict[int, str] = {int(r.id): r.guid for r in rows}
    return Stamp(max_id, changed_to.isoformat(), count, guids.get(first_id or 0, ""),
                 guids.get(max_id, ""))


class IndexDir:
    """One directory holding one saved index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: The save this process last wrote or loaded (None: none yet).
        self._save_id: str | None = None
        self._lineage: str | None = None
        self._vocab_saved = 0
        #: Where this process's builds spill their segments (``SearchIndex.spill``).
        self.spill_dir = path / f"building-{uuid.uuid4().hex}"
        #: The loaded save's articles inside its grace window, with the ``changed_at``
        #: indexed (``Engine.recent``): a restart reads them again and skips these.
        self.recent: dict[int, datetime] = {}

    @contextmanager
    def _lock(self, kind: int) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / "lock", "a+b") as handle:
            fcntl.flock(handle, kind)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _manifest(self) -> dict[str, object] | None:
        try:
            data = json.loads((self.path / "manifest.json").read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("answer index manifest unreadable (%s): rebuilding", exc)
            return None
        return data if isinstance(data, dict) else None

    def get_stamp(self, key: str) -> Stamp | None:
        """The saved index's stamp, if one with this key is there (no arrays read)."""
        with self._lock(fcntl.LOCK_SH):
            manifest = self._manifest()
        if manifest is None or manifest.get("key") != key:
            return None
        stamp = manifest.get("stamp")
        try:
            return Stamp(**stamp) if isinstance(stamp, dict) else None
        except TypeError:  # another format's fields, under a key that matched
            return None

    def load(self, key: str, stamp: Stamp) -> SearchIndex | None:
        """The saved index if it has ``key`` and ``stamp``; its arrays are memory-mapped."""
        with self._lock(fcntl.LOCK_SH):
            manifest = self._manifest()
            if (manifest is None or manifest.get("key") != key
                    or manifest.get("stamp") != asdict(stamp)):
                return None
            try:
                return self._read(manifest)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("answer index in %s unreadable (%s): rebuilding", self.path, exc)
                return None

    def _read(self, manifest: dict[str, object]) -> SearchIndex:
        params = manifest["params"]
        assert isinstance(params, dict)
        index = SearchIndex(max_segments=int(params["max_segments"]),
                            k1=float(params["k1"]), b=float(params["b"]))
        lineage, size = str(manifest["lineage"]), int(str(manifest["vocab_size"]))
        words = (self.path / f"vocab-{lineage}.txt").read_text("utf-8").split("\n")[:size]
        if len(words) != size:
            raise ValueError("vocabulary file shorter than its manifest")
        index.vocab = {w: i for i, w in enumerate(words)}
        alive = np.load(self.path / f"alive-{manifest['save']}.npy")
        segments = manifest["segments"]
        assert isinstance(segments, list)
        start = 0
        for entry in segments:
            n = int(entry["size"])
            index._append(read_segment(self.path / f"seg-{entry['name']}",
                                       name=str(entry["name"]),
                                       alive=alive[start:start + n].copy(),
                                       columns=list(entry["columns"])))
            if index.segments[-1].size != n:
                raise ValueError("a segment's size differs from its manifest")
            start += n
        if start != len(alive):
            raise ValueError("alive mask does not match the segments")
        index.merges = int(str(manifest.get("merges", 0)))
        recent = manifest.get("recent", {})
        if not isinstance(recent, dict):
            raise ValueError("recent articles not a mapping")
        self.recent = {int(i): datetime.fromisoformat(at) for i, at in recent.items()}
        # Our first save writes a vocabulary file of our own (the loaded one may hold
        # lines past its manifest's count, left by a crash mid-save).
        self._save_id, self._lineage = str(manifest["save"]), None
        return index

    def save(self, index: SearchIndex, *, key: str, stamp: Stamp,
             recent: Mapping[int, datetime] | None = None) -> None:
        """Write what changed since this process's last save, then the manifest."""
        with self._lock(fcntl.LOCK_EX):
            manifest = self._manifest()
            if (self._lineage is None or manifest is None
                    or manifest.get("save") != self._save_id):
                # First save, or someone else saved since: start a vocabulary file of
                # our own rather than append to one we did not write.
                self._lineage, self._vocab_saved = uuid.uuid4().hex, 0
            try:
                self._write(index, key=key, stamp=stamp, recent=recent or {})
            except BaseException:
                self._lineage = None  # the next save starts clean
                raise

    def _write(self, index: SearchIndex, *, key: str, stamp: Stamp,
               recent: Mapping[int, datetime]) -> None:
        assert self._lineage is not None
        words = list(index.vocab)[self._vocab_saved:]
        if words:
            with open(self.path / f"vocab-{self._lineage}.txt", "a", encoding="utf-8") as f:
                if self._vocab_saved:
                    f.write("\n")
                # Tokens hold no line breaks (the analysers split on white space).
                f.write("\n".join(w.replace("\n", " ") for w in words))
                f.flush()
                os.fsync(f.fileno())
        self._vocab_saved = len(index.vocab)
        for seg in index.segments:
            self._place(seg)
        with suppress(OSError):  # empty once its segments are placed (else kept)
            self.spill_dir.rmdir()
        save_id = uuid.uuid4().hex
        alive = [s.alive for s in index.segments]
        _atomic_save(self.path / f"alive-{save_id}.npy",
                     np.concatenate(alive) if alive else np.zeros(0, dtype=bool))
        new = {
            "format": FORMAT, "key": key, "stamp": asdict(stamp), "save": save_id,
            "lineage": self._lineage, "vocab_size": len(index.vocab),
            "params": {"k1": index.k1, "b": index.b, "max_segments": index.max_segments},
            "merges": index.merges,
            "recent": {str(i): at.isoformat() for i, at in recent.items()},
            "segments": [{"name": s.name, "size": s.size, "columns": sorted(s.columns)}
                         for s in index.segments],
        }
        tmp = self.path / f"manifest.json.{save_id}"
        tmp.write_text(json.dumps(new), "utf-8")
        os.replace(tmp, self.path / "manifest.json")
        self._save_id = save_id
        self._collect(new)

    def _place(self, seg: Segment) -> None:
        """Put ``seg``'s files under ``seg-<name>``: moved there if a build spilled them
        (its mapping stays valid), else written."""
        target = self.path / f"seg-{seg.name}"
        if target.is_dir():
            return
        if seg.folder is not None and seg.folder.is_dir():
            try:
                os.replace(seg.folder, target)
                seg.folder = target
                return
            except OSError as exc:  # another file system: written again below
                log.debug("segment %s not moved (%s): writing it", seg.name, exc)
        write_segment(seg, target)

    def _collect(self, manifest: dict[str, object]) -> None:
        """Remove files the manifest no longer names (a reader that mapped them keeps its
        mapping: on POSIX an unlinked file lives until it is unmapped)."""
        segments = manifest["segments"]
        assert isinstance(segments, list)
        keep = {f"seg-{s['name']}" for s in segments} | {
            f"vocab-{manifest['lineage']}.txt", f"alive-{manifest['save']}.npy",
            "manifest.json", "lock"}
        for item in self.path.iterdir():
            if item.name in keep:
                continue
            if item.name.startswith("building-") and (
                    time.time() - item.stat().st_mtime < STALE_BUILD_S):
                continue  # a build under way (ours or another process's)
            if item.is_dir():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)


def _atomic_save(path: Path, values: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.save(f, values)
    os.replace(tmp, path)
