"""The answer index survives a restart: saved as it grows, mapped back, rebuilt when stale."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import delete, select

from bot.answer import persist
from bot.answer.engine import Engine
from bot.answer.extractive import answer_question
from bot.answer.index import DocMeta, SearchIndex
from bot.answer.persist import IndexDir, Stamp, index_dir_for
from bot.model import Answer
from bot.store.db import SessionFactory, open_store
from bot.store.models import Article

LAST_REPORT = datetime(2025, 8, 19, tzinfo=UTC)
#: The clock moves: the same index answers the same way a day, a week and a year on.
NOWS = [LAST_REPORT + timedelta(days=d) for d in (1, 7, 365)]
TOKYO = ZoneInfo("Asia/Tokyo")
JEDDAH = "What did Ukraine agree to in Jeddah?"


def restart(shared_engine: Engine, where: Path) -> Engine:
    """A new process's engine (the analyser is shared only to save loading it again)."""
    return Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary,
                  refresh_interval=0, index_dir=where)


async def ask(sessions: SessionFactory, engine: Engine, question: str,
              now: datetime) -> Answer:
    async with sessions() as session:
        return await answer_question(session, question, lang="en", now=now, engine=engine,
                                     zone=TOKYO)


async def refresh(sessions: SessionFactory, engine: Engine) -> int:
    async with sessions() as session:
        return await engine.refresh(session, force=True)


async def stored_count(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return len((await session.scalars(select(Article.id))).all())


@pytest.mark.parametrize("now", NOWS, ids=["day", "week", "year"])
async def test_a_restart_maps_the_saved_index_and_answers_the_same(
        sessions: SessionFactory, shared_engine: Engine, tmp_path: Path, now: datetime) -> None:
    where = tmp_path / "demo.db.index"
    first = restart(shared_engine, where)
    before = await ask(sessions, first, JEDDAH, now)
    assert before.answerable
    assert (where / "manifest.json").exists()

    second = restart(shared_engine, where)
    assert await refresh(sessions, second) == 0  # nothing re-tokenised: it was all loaded
    assert second.index.n_docs == first.index.n_docs == await stored_count(sessions)
    assert all(isinstance(s.scores["data"], np.memmap) for s in second.index.segments)
    after = await ask(sessions, second, JEDDAH, now)
    assert after.text == before.text and after.citations == before.citations


async def test_an_index_of_another_store_is_rebuilt(
        sessions: SessionFactory, shared_engine: Engine, tmp_path: Path) -> None:
    where = tmp_path / "demo.db.index"
    await ask(sessions, restart(shared_engine, where), JEDDAH, NOWS[0])
    # Another store behind the same directory: reports of its own, none of the demo's.
    async with open_store(f"sqlite:///{tmp_path / 'other.db'}") as (_e, other):
        async with other() as session, session.begin():
            for n, (place, text) in enumerate([("Zorbland", "agreed a 40-day pause"),
                                               ("Quelmar", "exchanged 300 prisoners"),
                                               ("Ostravin", "discussed grain shipping")]):
                session.add(Article(
                    guid=f"o-{n}", url=f"https://example.test/o{n}", title=f"Talks in {place}",
                    text=f"Negotiators met in {place} on 2 September and {text}.",
                    source="Test Wire", lang="en", published_at=NOWS[0], fetched_at=NOWS[0]))
        engine = restart(shared_engine, where)
        assert await refresh(other, engine) == 3
        assert engine.index.n_docs == 3
        answer = await ask(other, engine, "What was agreed in Zorbland?", NOWS[1])
        assert answer.answerable and "40-day" in answer.text
        assert "jeddah" not in answer.text.lower()


async def test_an_index_missing_deleted_reports_is_rebuilt(
        sessions: SessionFactory, shared_engine: Engine, tmp_path: Path) -> None:
    where = tmp_path / "demo.db.index"
    await ask(sessions, restart(shared_engine, where), JEDDAH, NOWS[0])
    async with sessions() as session, session.begin():
        gone = await session.scalar(select(Article).where(Article.url.like("%jeddah%")))
        assert gone is not None
        await session.execute(delete(Article).where(Article.id == gone.id))
        gone_url = gone.url
    engine = restart(shared_engine, where)
    assert await refresh(sessions, engine) == await stored_count(sessions)  # rebuilt
    answer = await ask(sessions, engine, JEDDAH, NOWS[1])
    assert gone_url not in {c.url for c in answer.citations}


async def test_a_changed_analyser_or_a_broken_file_means_a_rebuild(
        sessions: SessionFactory, shared_engine: Engine, tmp_path: Path) -> None:
    where = tmp_path / "demo.db.index"
    await ask(sessions, restart(shared_engine, where), JEDDAH, NOWS[0])
    n = await stored_count(sessions)
    manifest = json.loads((where / "manifest.json").read_text())
    manifest["key"] = "an older analyser"
    (where / "manifest.json").write_text(json.dumps(manifest))
    assert await refresh(sessions, restart(shared_engine, where)) == n
    # That rebuild was saved; now break one of its arrays.
    next(where.glob("seg-*/tokens.npy")).write_bytes(b"not an array")
    engine = restart(shared_engine, where)
    assert await refresh(sessions, engine) == n
    assert (await ask(sessions, engine, JEDDAH, NOWS[1])).answerable


@pytest.mark.parametrize("now", NOWS[1:], ids=["week", "year"])
async def test_an_update_is_reindexed_and_saved(
        sessions: SessionFactory, shared_engine: Engine, tmp_path: Path, now: datetime) -> None:
    where = tmp_path / "demo.db.index"
    await ask(sessions, restart(shared_engine, where), JEDDAH, NOWS[0])
    async with sessions() as session, session.begin():
        article = await session.scalar(select(Article).where(
            Article.guid.like("%harbor-wire/0311-jeddah-ceasefire")))
        assert article is not None
        article.previous_text, article.update_count = article.text, 1
        article.text = ("Ukraine said it was ready to accept a 30-day ceasefire in Jeddah. "
                        "Russia rejected the Jeddah proposal in a note delivered by Quorvath.")
        article.updated_at = LAST_REPORT
        article.changed_at = datetime.now(UTC)  # when it was stored (the watermark's clock)
    # Stopped before the update was indexed: the next start loads, then re-indexes it.
    engine = restart(shared_engine, where)
    assert await refresh(sessions, engine) == 1
    answer = await ask(sessions, engine, "Who delivered Russia's note rejecting Jeddah?", now)
    assert "Quorvath" in answer.text
    # The re-indexed version was saved: the next start has nothing to do.
    again = restart(shared_engine, where)
    assert await refresh(sessions, again) == 0
    assert again.index.n_docs == await stored_count(sessions)
    assert "Quorvath" in (await ask(sessions, again, "Who delivered Russia's note rejecting "
                                    "Jeddah?", now)).text


async def test_an_index_saved_by_the_code_before_changed_at_is_rebuilt(
        sessions: SessionFactory, shared_engine: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its watermark was the feeds' dates, so it may lack a revision dated before one it
    held: its format differs and it is rebuilt once, without an error; so is a manifest
    whose key matched but whose stamp has the old fields."""
    where = tmp_path / "demo.db.index"
    await ask(sessions, restart(shared_engine, where), JEDDAH, NOWS[0])
    n = await stored_count(sessions)
    manifest = json.loads((where / "manifest.json").read_text())
    stamp = manifest["stamp"]
    stamp["max_updated"] = stamp.pop("changed_to")
    del manifest["recent"]
    with monkeypatch.context() as patched:
        patched.setattr(persist, "FORMAT", 2)
        old_key = persist.index_key(shared_engine.analyzer, SearchIndex())
    for key in (old_key, manifest["key"]):
        (where / "manifest.json").write_text(json.dumps({**manifest, "key": key}))
        engine = restart(shared_engine, where)
        assert await refresh(sessions, engine) == n
        assert (await ask(sessions, engine, JEDDAH, NOWS[1])).answerable
        assert await refresh(sessions, restart(shared_engine, where)) == 0


def test_extra_columns_survive_merges_and_a_reload(tmp_path: Path) -> None:
    """Room for per-article vectors: a column added with articles stays aligned with them."""
    index = SearchIndex(max_segments=2)
    for batch in range(4):
        docs = [(DocMeta(batch * 10 + i, float(i), 0, "en"), ["talks", f"w{batch}{i}"])
                for i in range(3)]
        vectors = np.array([[batch * 10 + i] * 4 for i in range(3)], dtype=np.float16)
        index.add(docs, columns={"dense": vectors})
    index.add([(DocMeta(11, 1.0, 0, "en"), ["talks", "again"])],
              columns={"dense": np.full((1, 4), 99, dtype=np.float16)})
    assert index.merges and index.n_docs == 12
    saved = IndexDir(tmp_path / "ix")
    stamp = Stamp(31, "2025-01-01T00:00:00+00:00", 12, "a", "b")
    saved.save(index, key="k", stamp=stamp)
    loaded = IndexDir(tmp_path / "ix").load("k", stamp)
    assert loaded is not None and loaded.n_docs == 12
    rows = {int(seg.ids[p]): int(seg.columns["dense"][p][0])
            for seg in loaded.segments for p in np.flatnonzero(seg.alive)}
    assert rows == {**{b * 10 + i: b * 10 + i for b in range(4) for i in range(3)}, 11: 99}
    assert IndexDir(tmp_path / "ix").load("k", Stamp(31, stamp.changed_to, 11, "a", "b")) \
        is None


def test_where_the_index_lives() -> None:
    data = Path("/var/lib/bot")
    assert index_dir_for("sqlite+aiosqlite:////srv/news.db", data_dir=data) == \
        Path("/srv/news.db.index")
    assert index_dir_for("sqlite://", data_dir=data) is None
    pg = index_dir_for("postgresql://u:secret@db:5432/news", data_dir=data)
    other = index_dir_for("postgresql://u:secret@db:5432/other", data_dir=data)
    assert pg is not None and pg.parent == data and pg != other
    assert "secret" not in str(pg)
