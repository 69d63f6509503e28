"""Stop 30's store check, kept as ``bench/refresh_check.py``'s baseline: every row of a
batch read with its text (``changed_since`` with ``texts``), those the index holds at the
same stamp skipped after they were read. Copied from ``bot/answer/engine.py`` as it was
before the check read keys first (indexing and the end of a check shared with it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answer.engine import GRACE, Engine, changed_since


class Stop30Engine(Engine):
    """``Engine`` with stop 30's ``_index_new`` and its ``_saw`` (rows, not stamps)."""

    async def _index_new(self, session: AsyncSession) -> int:
        started = self.ticks()
        since, after_id = self._since()
        indexed_before = self.max_id
        added = 0
        while True:
            rows = (await session.execute(changed_since(
                self.max_id, since, after_id=after_id, upto_id=indexed_before,
                limit=self.refresh_batch))).all()
            new = [r for r in rows if r.id > self.max_id]
            changed = [r for r in rows if r.id <= self.max_id]
            if changed:
                last = max(changed, key=lambda r: (r.changed_at, r.id))
                since, after_id = last.changed_at, last.id
            fresh = sorted([*new, *(r for r in changed
                                    if self.recent.get(r.id) != r.changed_at)],
                           key=lambda r: r.id)
            added += self._add(fresh)
            if new:
                self.max_id = max(r.id for r in new)
            self._saw_rows([r for r in rows if r.changed_at is not None])
            if len(new) < self.refresh_batch and len(changed) < self.refresh_batch:
                break
        self._checked(started)
        return added

    def _saw_rows(self, rows: Sequence[Row[Any]]) -> None:
        newest = max((r.changed_at for r in rows), default=self.changed_to)
        if newest > self.changed_to:
            self.changed_to, self._raised_at = newest, self.ticks()
        floor = self.changed_to - GRACE
        self.recent.update((r.id, r.changed_at) for r in rows if r.changed_at >= floor)
