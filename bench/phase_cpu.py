"""pytest plugin for bench/test_cost.py: wall and CPU seconds of every test phase, with the
CPU of the child processes reaped meanwhile, one TSV line each to ``$TEST_COST_OUT``."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from typing import IO

import pytest

_out: IO[str] | None = None


def _now() -> tuple[float, float, float]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.perf_counter(), time.process_time(),
            children.ru_utime + children.ru_stime)


def _measure(phase: str, item: pytest.Item) -> Iterator[None]:
    global _out
    if _out is None:
        _out = open(os.environ["TEST_COST_OUT"], "a", encoding="utf-8")
    wall, cpu, children = _now()
    yield
    wall2, cpu2, children2 = _now()
    _out.write(f"{item.nodeid}\t{phase}\t{wall2 - wall:.4f}\t{cpu2 - cpu:.4f}\t"
               f"{children2 - children:.4f}\n")
    _out.flush()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield from _measure("setup", item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield from _measure("call", item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield from _measure("teardown", item)
