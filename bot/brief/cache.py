"""Briefings built in the last minute, shared by every channel that gets the same one.

A fan-out to 300 channels asks for the same story's briefing 300 times (per language,
per what the channel already saw); a minute of digests asks for each story's once per
subscription. Building one is CPU work on the event loop (sentence splitting, similarity
between sentences), so it is done once and reused while nothing it depends on changed.
Bounded in size and age: a long run keeps at most ``size`` briefings.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.builder import build_briefing
from bot.model import Briefing, Lang
from bot.store.models import Story

SIZE = 256
#: The "earlier in the talks" timeline may change as other stories arrive: reuse briefly.
TTL_SECONDS = 60.0


class BriefingCache:
    def __init__(self, *, size: int = SIZE, ttl: float = TTL_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.ttl = ttl
        self._monotonic = monotonic
        self._items: OrderedDict[Hashable, tuple[float, Briefing]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    async def fetch(self, session: AsyncSession, story: Story, *, lang: Lang,
                    said: Sequence[str] = ()) -> Briefing:
        """``build_briefing(session, story, lang=lang, said=said)``, reused while the
        story's revision, articles, language and ``said`` are the same."""
        key = (story.id, story.revision, story.latest_at,
               tuple(sorted(a.id for a in story.articles)), lang, tuple(said))
        now = self._monotonic()
        hit = self._items.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            self._items.move_to_end(key)
            return hit[1]
        briefing = await build_briefing(session, story, lang=lang, said=said)
        self._items[key] = (now, briefing)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return briefing
