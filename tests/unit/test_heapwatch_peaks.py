"""bench/heapwatch.py --peaks: a snapshot of what is alive at a short peak of the heap
(issue 19: pymalloc opens arenas at such peaks, and a periodic snapshot misses them)."""

from __future__ import annotations

import threading
import time
import tracemalloc
from pathlib import Path

from bench.heapwatch import compare, watch_peaks


def _hold_a_peak(seconds: float) -> None:
    """About 4 MB of small objects, alive for ``seconds``."""
    peak = [("peak", i, str(i)) for i in range(40_000)]
    time.sleep(seconds)
    del peak


def test_a_short_peak_is_caught_with_what_made_it_and_a_flat_heap_is_not(
        tmp_path: Path) -> None:
    out = tmp_path / "heap.txt"
    tracemalloc.start(1)
    try:
        watcher = threading.Thread(target=watch_peaks, args=(out,), daemon=True,
                                   kwargs={"first_after": 0.0, "above_mb": 2.0,
                                           "every": 0.01, "apart": 0.0, "most": 1})
        watcher.start()
        time.sleep(0.3)  # the floor, with nothing rising: no snapshot yet
        assert not list(tmp_path.glob("heap-peak-0*.snap"))
        _hold_a_peak(0.5)
        watcher.join(10)
    finally:
        tracemalloc.stop()
    assert not watcher.is_alive()
    peaks = sorted(tmp_path.glob("heap-peak-0*.snap"))
    assert len(peaks) == 1
    assert "over the floor" in out.read_text()
    grown = compare(tmp_path / "heap-peak-base.snap", peaks[0], top=3)
    assert "test_heapwatch_peaks.py" in "\n".join(grown[1:]), grown
