"""The welcome that channels subscribing in the same minute share.

Each ``subscribe`` welcomes its channel with the latest story's briefing. Read per request,
that is the story with every one of its articles, turned into ORM objects on the event
loop while the request holds one of the store's pooled connections: a burst of 300
channels subscribing at once (the soak's first minute) did it 300 times and queued the
questions typed meanwhile behind the pool. The latest story's identity (id, revision,
latest report) is one small row; while it is unchanged and the welcome was built less than
``ttl`` ago, the welcome already built is served, and requests arriving while it is being
loaded wait for that load instead of starting their own. A changed story is a new key, so
no channel is welcomed with an outdated briefing; the age bound is the briefing cache's
(its "earlier in the talks" part may change as other stories arrive).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.cache import TTL_SECONDS, BriefingCache
from bot.delivery.fanout import Welcome, prepare_welcome
from bot.model import Lang
from bot.store.models import Story

#: ``prepare_welcome``'s signature: (session, lang, *, briefings) -> Welcome | None.
Loader = Callable[..., Awaitable[Welcome | None]]


class WelcomeCache:
    """One welcome per language at most (see the module docstring)."""

    def __init__(self, *, ttl: float = TTL_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic,
                 load: Loader = prepare_welcome) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._load = load
        #: By language: the latest story's identity, when built, the welcome.
        self._items: dict[Lang, tuple[Hashable, float, Welcome]] = {}
        self._loading: dict[tuple[Hashable, Lang], asyncio.Future[Welcome | None]] = {}

    def __len__(self) -> int:
        return len(self._items)

    async def fetch(self, session: AsyncSession, lang: Lang, *,
                    briefings: BriefingCache | None = None) -> Welcome | None:
        """``prepare_welcome(session, lang, briefings=briefings)``, shared while the latest
        story is the same one, unchanged, and the welcome younger than ``ttl``."""
        head = (await session.execute(
            select(Story.id, Story.revision, Story.latest_at)
            .order_by(Story.latest_at.desc()).limit(1))).first()
        if head is None:
            return None
        key: Hashable = tuple(head)
        hit = self._items.get(lang)
        if hit is not None and hit[0] == key and self._monotonic() - hit[1] < self.ttl:
            return hit[2]
        loading = self._loading.get((key, lang))
        if loading is not None:
            with contextlib.suppress(Exception):  # that load failed: this one loads its own
                return await asyncio.shield(loading)
        return await self._load_once(key, session, lang, briefings)

    async def _load_once(self, key: Hashable, session: AsyncSession, lang: Lang,
                         briefings: BriefingCache | None) -> Welcome | None:
        done: asyncio.Future[Welcome | None] = asyncio.get_running_loop().create_future()
        self._loading[(key, lang)] = done
        try:
            welcome = await self._load(session, lang, briefings=briefings)
        except BaseException as exc:
            done.set_exception(exc if isinstance(exc, Exception)
                               else RuntimeError("the welcome load was cancelled"))
            done.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            self._loading.pop((key, lang), None)
        done.set_result(welcome)
        if welcome is not None:
            self._items[lang] = (key, self._monotonic(), welcome)
        return welcome
