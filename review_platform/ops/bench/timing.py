"""Wall and CPU seconds of one operation, and the throughput they give."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any


def per_second(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else 0.0


def timed(function: Callable[[], Any], repeats: int = 1) -> tuple[float, float, Any]:
    """(best wall seconds over `repeats` calls, the process CPU seconds of that call, the last call's result).

    CPU seconds count every thread of the process; next to wall seconds they show how much of a figure is waiting
    (I/O, another process on the same cores) rather than work.
    """
    best, best_cpu, result = math.inf, math.inf, None
    for _ in range(max(repeats, 1)):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if wall < best:
            best, best_cpu = wall, cpu
    return best, best_cpu, result
