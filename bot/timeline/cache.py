"""Timeline pictures on disk, one per distinct data (so per story revision and language):
a repeated `timeline` sends the stored PNG instead of drawing it again.

Drawing runs in one worker thread, off the event loop and one at a time (matplotlib's
font cache is shared between figures).
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.timeline.data import TimelineData


def _draw(data: TimelineData) -> bytes:
    """Render in the worker thread; matplotlib is imported there, on first use, so starting
    the bot (or the CLI) does not pay for it."""
    from bot.timeline.picture import render_png

    return render_png(data)


class TimelinePictures:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._executor: ThreadPoolExecutor | None = None

    def path_for(self, data: TimelineData) -> Path:
        return self.directory / f"timeline-{data.key()}.png"

    def get(self, data: TimelineData) -> Path | None:
        """The stored picture of ``data``, if it was drawn before."""
        path = self.path_for(data)
        return path if path.is_file() else None

    async def fetch(self, data: TimelineData) -> Path:
        """The picture of ``data``: the stored one, or drawn now in the worker thread."""
        found = self.get(data)
        if found is not None:
            return found
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="timeline")
        loop = asyncio.get_running_loop()
        png = await loop.run_in_executor(self._executor, _draw, data)
        return await loop.run_in_executor(self._executor, self._store, data, png)

    def _store(self, data: TimelineData, png: bytes) -> Path:
        """Write atomically: a reader never sees half a PNG."""
        path = self.path_for(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(png)
        os.replace(partial, path)
        return path

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
