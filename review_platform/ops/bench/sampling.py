"""The process's memory while the benchmark runs: peak RSS overall and per partition, and its growth."""

from __future__ import annotations

import os
import resource
import threading
from typing import Any

from review_platform.memory import MIB, rss_mib
from review_platform.ops.bench.targets import RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if os.uname().sysname == "Darwin" else peak / 1024


class PeakRssSampler:
    """The highest RSS seen since the last `take`, sampled by a daemon thread (ru_maxrss only knows the whole run's)."""

    INTERVAL_S = 0.05

    def __init__(self) -> None:
        self._peak = 0.0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-peak-rss", daemon=True)

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stopped.wait(self.INTERVAL_S):
            rss = rss_mib()
            with self._lock:
                self._peak = max(self._peak, rss)

    def take(self, now: float) -> float:
        """The peak since the last call (at least `now`, the RSS just read), and start over."""
        with self._lock:
            peak, self._peak = max(self._peak, now), 0.0
        return peak


def growth_per_partition(values: list[float]) -> float | None:
    """Last minus first over the partitions between them; None with fewer than two (nothing to compare)."""
    return (values[-1] - values[0]) / (len(values) - 1) if len(values) >= 2 else None


def memory_figures(
    rss_after: list[float],
    peak_during: list[float],
    heap_after: list[float],
    peak: float,
    peak_after_pipeline: float,
) -> dict[str, Any]:
    """The memory section of the result, from the readings taken after and during each partition."""
    growth = rss_after[-1] - rss_after[0] if len(rss_after) >= 2 else None
    per_partition = growth_per_partition(rss_after)
    peak_per_partition = growth_per_partition(peak_during)
    return {
        "peak_rss_mib": round(peak, 1),
        "peak_rss_after_pipeline_mib": round(peak_after_pipeline, 1),
        "rss_after_partition_mib": rss_after,
        # Sampled every 50 ms while each partition ran: where the run's peak was, and whether it moves with the data.
        "peak_rss_during_partition_mib": peak_during,
        # What the C libraries' heap still holds (no allocator slack): growth here is a cache or a leak.
        "heap_in_use_after_partition_mib": heap_after,
        "rss_growth_mib": None if growth is None else round(growth, 1),
        "rss_growth_per_partition_mib": None if per_partition is None else round(per_partition, 1),
        # With one partition there is nothing to compare: not judged.
        "growing": None if per_partition is None else per_partition > RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION,
        "peak_growth_per_partition_mib": None if peak_per_partition is None else round(peak_per_partition, 1),
        "peak_growing": (
            None if peak_per_partition is None else peak_per_partition > RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION
        ),
    }
