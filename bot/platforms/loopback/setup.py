"""How a run starts the loopback platform: when ``[loopback] url``
(CEASEFIRE_BOT_LOOPBACK_URL) is set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import Registry
from bot.platforms.base import PlatformAdapter
from bot.platforms.loopback.settings import SECTION
from config.settings import Settings

if TYPE_CHECKING:
    import aiohttp

    from bot.platforms.select import RunOptions


def adapters(settings: Settings, options: RunOptions,
             commands: Registry | None = None, *,
             http: aiohttp.ClientSession | None = None) -> list[PlatformAdapter]:
    """The loopback chat platform when its URL is set, else none."""
    url = settings.section(SECTION).url
    if not url:
        return []
    from bot.platforms.loopback import LoopbackAdapter
    from bot.platforms.loopback.shards import LoopbackShards

    adapter = LoopbackAdapter(url, zone=settings.zone, lang=settings.language, session=http)
    adapter.commands = commands
    if options.shard_ids is not None and options.shard_count is not None:
        # Sharded like Discord, so shard routing can be exercised end to end.
        adapter.shards = LoopbackShards(options.shard_ids, options.shard_count)
    return [adapter]
