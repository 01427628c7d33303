"""The one timing helper the in-process benchmarks share (run as ``python bench/x.py``, so
this folder is on ``sys.path``)."""
from __future__ import annotations

import time
from collections.abc import Callable


def best(fn: Callable[[], object], runs: int) -> float:
    """Best wall time of ``runs`` calls: the least disturbed run on a shared machine."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
