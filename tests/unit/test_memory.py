"""The heap trimmer: glibc's malloc_trim called periodically off the event loop."""

from __future__ import annotations

import ctypes
import gc
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import pytest

from bot.memory import freeze_survivors, start_trimming, trim_heap


def test_trimmer_calls_trim_until_stopped() -> None:
    calls: list[int] = []
    enough = threading.Event()

    def trim() -> bool:
        calls.append(1)
        if len(calls) >= 3:
            enough.set()
        return True

    stop = threading.Event()
    thread = start_trimming(0.01, trim=trim, stop=stop)
    assert thread is not None and thread.daemon
    assert enough.wait(5), "trim was not called periodically"
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    stopped_at = len(calls)
    assert stopped_at >= 3
    threading.Event().wait(0.05)
    assert len(calls) == stopped_at  # nothing after the stop


def test_a_failing_trim_ends_the_thread_without_raising() -> None:
    def trim() -> bool:
        raise OSError("boom")

    thread = start_trimming(0.01, trim=trim)
    assert thread is not None
    thread.join(5)
    assert not thread.is_alive()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_trim_gives_freed_pages_back() -> None:
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "malloc_trim"):
        pytest.skip("not glibc")
    # Many mid-sized blocks, every other one freed: holes no arena top can give back.
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(64 * 1024) for _ in range(400)]
    for block in blocks[::2]:
        libc.free(block)
    assert trim_heap() is True
    for block in blocks[1::2]:
        libc.free(block)


def _in_heap(address: int) -> bool:
    """Whether ``address`` lies in the main malloc heap (``[heap]`` in /proc/self/maps)."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            if line.rstrip().endswith("[heap]"):
                lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                if lo <= address < hi:
                    return True
    return False


#: Run in a fresh interpreter: in a long-lived process (the test session) the heap already
#: holds big free chunks, which malloc reuses before it looks at the mmap threshold at all.
FRESH_PROCESS_CHECK = """
import ctypes
import gc
from bot.memory import MMAP_THRESHOLD, limit_malloc_arenas
from tests.unit.test_memory import _in_heap

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
fixed = limit_malloc_arenas() if FIX else True
big = libc.malloc(8 * 1024 * 1024)
libc.free(big)  # without a fixed threshold, blocks up to 8 MiB now come from the heap
blocks = [libc.malloc(MMAP_THRESHOLD * 2) for _ in range(8)]
print(fixed and all(blocks), any(_in_heap(b) for b in blocks))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
@pytest.mark.parametrize("fix", [True, False])
def test_big_blocks_keep_their_own_mapping_after_a_bigger_one_was_freed(fix: bool) -> None:
    """glibc raises its mmap threshold to the largest block freed; the bot fixes it, so
    a big temporary buffer (a feed body, an index array) is never carved from the heap
    (and without the fix, in the same fresh process, it is: the check can tell)."""
    if not hasattr(ctypes.CDLL(None), "mallopt"):
        pytest.skip("not glibc")
    done = subprocess.run([sys.executable, "-c", f"FIX = {fix}\n" + FRESH_PROCESS_CHECK],
                          capture_output=True, text=True, timeout=60, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    allocated, in_heap = done.stdout.split()
    assert allocated == "True"
    assert in_heap == ("False" if fix else "True")


#: Threads that allocate at the same time, then glibc's own account of its arenas.
ARENAS_CHECK = """
import ctypes, threading
from bot.memory import limit_malloc_arenas

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
if FIX:
    limit_malloc_arenas()
together = threading.Barrier(4)

def work():
    together.wait()
    blocks = [libc.malloc(2000) for _ in range(2000)]
    together.wait()
    for block in blocks:
        libc.free(block)

threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc.malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
@pytest.mark.parametrize("fix", [True, False])
def test_threads_share_the_one_malloc_arena(fix: bool) -> None:
    """Issue 19: with a second arena for the threads (SQLite's, ``to_thread``'s), the
    memory free inside it grew by tens of MiB an hour in the soak; the bot keeps one.
    Without the limit, in the same fresh process, glibc gives the threads arenas of their
    own (the check can tell)."""
    if not hasattr(ctypes.CDLL(None), "malloc_stats"):
        pytest.skip("not glibc")
    done = subprocess.run([sys.executable, "-c", f"FIX = {fix}\n" + ARENAS_CHECK],
                          capture_output=True, text=True, timeout=60, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    arenas = done.stderr.count("Arena ")
    assert arenas == 1 if fix else arenas > 1, done.stderr


class _Node:
    """A container the collector tracks, weak-referenceable to see when it is freed."""

    other: _Node | None = None


def test_freezing_after_start_up_collects_first_and_leaves_later_cycles_collectable() -> None:
    """Start-up objects leave the collector's walks; garbage that existed at the freeze is
    freed first (frozen, a cycle would be kept for good), and cycles made later are still
    collected, so nothing leaks on account of the freeze."""
    old = _Node()
    old.other = old  # cyclic garbage lying around when the freeze comes
    before = weakref.ref(old)
    kept = [_Node() for _ in range(1_000)]  # start-up objects
    del old
    try:
        assert freeze_survivors() >= len(kept)
        assert before() is None
        walked = {id(o) for o in gc.get_objects()}
        assert not any(id(o) in walked for o in kept)
        late = _Node()
        late.other = late
        after = weakref.ref(late)
        del late
        gc.collect()
        assert after() is None
        survivor = weakref.ref(kept.pop())
        assert survivor() is None  # a frozen object still goes with its last reference
    finally:
        gc.unfreeze()
