"""Briefings built in the last minute, shared by every channel that gets the same one.

A fan-out to 300 channels asks for the same story's briefing 300 times (per language,
per what the channel already saw); a minute of digests asks for each story's once per
subscription. Building one is CPU work on the event loop (sentence splitting, similarity
between sentences), so it is done once and reused while nothing it depends on changed.
Requests that arrive while the same briefing is being built wait for that build instead of
starting their own (digest jobs falling due at the same minute, a fan-out beside a burst
of welcomes). Bounded in size and age: a briefing older than ``ttl`` is never served
again, so it is dropped when the next one is stored. Kept until the cache filled, up to
256 of them were held for nothing: the soak's live Python objects grew with them for its
first quarter hour (a briefing per story revision, language and channel history).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.builder import build_briefing
from bot.model import Briefing, Lang
from bot.store.models import Story

log = logging.getLogger(__name__)

SIZE = 256
#: The "earlier in the talks" timeline may change as other stories arrive: reuse briefly.
TTL_SECONDS = 60.0

#: ``build_briefing``'s signature: (session, story, *, lang, said) -> Briefing.
Builder = Callable[..., Awaitable[Briefing]]


class BriefingCache:
    def __init__(self, *, size: int = SIZE, ttl: float = TTL_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic,
                 build: Builder = build_briefing) -> None:
        self.size = size
        self.ttl = ttl
        self._monotonic = monotonic
        self._build = build
        #: Oldest first: insertion order is stamp order, so the expired ones lead.
        self._items: OrderedDict[Hashable, tuple[float, Briefing]] = OrderedDict()
        self._building: dict[Hashable, asyncio.Future[Briefing]] = {}

    def __len__(self) -> int:
        return len(self._items)

    async def fetch(self, session: AsyncSession, story: Story, *, lang: Lang,
                    said: Sequence[str] = ()) -> Briefing:
        """``build_briefing(session, story, lang=lang, said=said)``, reused while the
        story's revision, articles, language and ``said`` are the same."""
        key = (story.id, story.revision, story.latest_at,
               tuple(sorted(a.id for a in story.articles)), lang, tuple(said))
        hit = self._items.get(key)
        if hit is not None and self._monotonic() - hit[0] < self.ttl:
            return hit[1]
        building = self._building.get(key)
        if building is not None:
            try:
                return await asyncio.shield(building)
            except Exception as exc:  # that build failed: try with our own session
                log.debug("briefing of story %s: the shared build failed (%s); building "
                          "again", story.id, exc)
        return await self._build_once(key, session, story, lang=lang, said=said)

    async def _build_once(self, key: Hashable, session: AsyncSession, story: Story, *,
                          lang: Lang, said: Sequence[str]) -> Briefing:
        done: asyncio.Future[Briefing] = asyncio.get_running_loop().create_future()
        self._building[key] = done
        try:
            briefing = await self._build(session, story, lang=lang, said=said)
        except BaseException as exc:
            done.set_exception(exc if isinstance(exc, Exception)
                               else RuntimeError("the briefing build was cancelled"))
            done.exception()  # seen: the waiters build their own; nobody else is told
            raise
        finally:
            if self._building.get(key) is done:
                del self._building[key]
        done.set_result(briefing)
        now = self._monotonic()
        self._items.pop(key, None)  # a rebuilt key goes to the end, with its new stamp
        self._items[key] = (now, briefing)
        while self._items and (len(self._items) > self.size
                               or now - next(iter(self._items.values()))[0] >= self.ttl):
            self._items.popitem(last=False)
        return briefing
