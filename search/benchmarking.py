"""Timing helpers shared by the benchmark scripts in ``tests/benchmarks/`` (``disco bench``).

Benchmarks run our code and the peer in one process run and report ratios. On a shared
machine the *minimum* over repeats is the least disturbed wall time, and process CPU time is
less sensitive than wall time to other load; the load average is printed next to the figures.

Examples:
    >>> from search.benchmarking import best_wall_time, best_cpu_time, load_average
    >>> best_wall_time(lambda: sum(range(1000)), repeat=3) >= 0.0
    True
    >>> best_cpu_time(lambda: sum(range(1000)), repeat=3) >= 0.0
    True
    >>> "load average" in load_average()
    True
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

__all__ = ["best_wall_time", "best_cpu_time", "load_average"]


def _best(clock: Callable[[], float], fn: Callable[[], object], repeat: int) -> float:
    if repeat < 1:
        raise ValueError(f"repeat={repeat!r} must be >= 1")
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def best_wall_time(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall-clock seconds of ``repeat`` calls of ``fn``."""
    return _best(time.perf_counter, fn, repeat)


def best_cpu_time(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best process CPU seconds of ``repeat`` calls of ``fn`` (this process only)."""
    return _best(time.process_time, fn, repeat)


def load_average() -> str:
    """``"load average 1.2 0.9 0.7 on 2 cores"`` (or ``"load average unknown"``)."""
    try:
        la = os.getloadavg()
    except (OSError, AttributeError):  # pragma: no cover - platform without getloadavg
        return "load average unknown"
    return f"load average {la[0]:.1f} {la[1]:.1f} {la[2]:.1f} on {os.cpu_count() or 0} cores"
