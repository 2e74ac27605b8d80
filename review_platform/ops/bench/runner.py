"""The benchmark run: seed a fresh platform, run the six assets through Dagster, then the baselines; one result."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from review_platform.memory import MIB, heap_in_use_bytes, rss_mib
from review_platform.ops.bench.baselines import MONGO_NAIVE_SAMPLE, NLP_NAIVE_SAMPLE, run_baselines
from review_platform.ops.bench.platform_under_test import bench_settings, day_sizes, drop_bench_database, seed_source
from review_platform.ops.bench.report import STAGE_LABELS
from review_platform.ops.bench.sampling import PeakRssSampler, memory_figures, peak_rss_mib
from review_platform.ops.bench.targets import judge_targets
from review_platform.ops.bench.timing import per_second

if TYPE_CHECKING:
    import dagster as dg

    from review_platform.ops.runs import PartitionRun
    from review_platform.settings import Settings


def _torch_threads() -> int | None:
    torch = sys.modules.get("torch")  # only once the NLP stage has loaded it
    return torch.get_num_threads() if torch is not None else None


def _run_pipeline(
    settings: Settings, instance: dg.DagsterInstance, partitions: list[str], on_progress: Callable[[str], None]
) -> dict[str, Any]:
    """Every partition through Dagster, one run each: per-stage figures, and RSS after and during each partition."""
    from review_platform.ops.runs import LAYER_ORDER, run_partitions

    rss_after: list[float] = []
    peak_during: list[float] = []
    heap_after: list[float] = []

    def progress(index: int, total: int, partition: str, run: PartitionRun | None) -> None:
        if run is None:
            peaks.take(rss_mib())  # the peak from here on is this partition's
            on_progress(f"pipeline {index}/{total}: {partition} ...")
            return
        rss_after.append(rss_mib())
        peak_during.append(peaks.take(rss_after[-1]))
        if (heap := heap_in_use_bytes()) is not None:
            heap_after.append(heap / MIB)
        on_progress(
            f"pipeline {index}/{total}: {partition} {'ok' if run.success else 'FAILED'} in {run.seconds:.1f} s, "
            f"RSS {rss_after[-1]:.0f} MiB (peak {peak_during[-1]:.0f})"
        )

    with PeakRssSampler() as peaks:
        started, started_cpu = time.perf_counter(), time.process_time()
        runs = run_partitions(settings, instance, partitions, on_progress=progress)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu

    stages = []
    for asset in LAYER_ORDER:
        layers = [run.layers.get(asset, {}) for run in runs]
        rows = int(sum(layer.get("rows_in", 0) for layer in layers))
        seconds = float(sum(layer.get("duration_s", 0.0) for layer in layers))
        stages.append(
            {
                "stage": asset,
                "label": STAGE_LABELS.get(asset, asset),
                "rows": rows,
                "rows_out": int(sum(layer.get("rows_out", 0) for layer in layers)),
                "seconds": round(seconds, 3),
                "reviews_per_s": round(per_second(rows, seconds), 1),
                "materialised": sum(1 for layer in layers if layer),
            }
        )
    source_rows = stages[0]["rows"] if stages else 0
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),  # this process only: PostgreSQL's own work is in its server processes
        "rows": source_rows,
        "reviews_per_s": round(per_second(source_rows, wall), 1),
        "stage_seconds_total": round(sum(stage["seconds"] for stage in stages), 3),
        "dagster_overhead_s": round(wall - sum(stage["seconds"] for stage in stages), 3),
        "success": all(run.success for run in runs),
        "failed_checks": sorted({check for run in runs for check in run.failed_checks}),
        "runs": [
            {
                "partition": run.partition,
                "success": run.success,
                "seconds": round(run.seconds, 3),
                "run_id": run.run_id,
                "layers": {asset: dict(figures) for asset, figures in run.layers.items()},
            }
            for run in runs
        ],
        "stages": stages,
        "rss_after_partition_mib": [round(value, 1) for value in rss_after],
        "peak_rss_during_partition_mib": [round(value, 1) for value in peak_during],
        "heap_in_use_after_partition_mib": [round(value, 1) for value in heap_after],
    }


def run_benchmark(
    reviews: int,
    home: Path,
    on_progress: Callable[[str], None] = lambda _: None,
    *,
    nlp_sample: int = NLP_NAIVE_SAMPLE,
    mongo_sample: int = MONGO_NAIVE_SAMPLE,
    mongo_url: str | None = None,
) -> dict[str, Any]:
    """Build a fresh embedded platform in `home`, load `reviews` generated reviews, run and measure every stage.

    Returns a JSON-serialisable dict: the pipeline's per-stage figures, one baseline comparison per stage (on the
    first partition), memory figures and the targets with pass/fail. `home` should be empty or absent: an existing
    state would mix older partitions into the figures. `nlp_sample` and `mongo_sample` bound the texts and
    documents the slow naive baselines process (their speed is per review, so a sample suffices). `mongo_url`
    measures the Mongo stage on that MongoDB server instead of the embedded engine (whose per-document cost is
    the same for a bulk insert as for `insert_one`), in a fresh database dropped at the end.
    """
    from review_platform.nlp.model import usable_cores
    from review_platform.ops.instance import dagster_instance, prepare_state
    from review_platform.resources import build_resources

    home = Path(home).absolute()
    sizes = day_sizes(reviews)
    started = time.perf_counter()
    load_before = os.getloadavg()
    settings = bench_settings(home, mongo_url)
    prepare_state(settings)
    resources = build_resources(settings)
    mongo = resources.mongo
    on_progress(f"state in {home}; {reviews:,} reviews over {len(sizes)} day(s); Mongo: {mongo.describe()}")
    try:
        partitions, seed_seconds = seed_source(resources.postgres, sizes, on_progress)
        instance = dagster_instance(settings)
        try:
            pipeline = _run_pipeline(settings, instance, partitions, on_progress)
        finally:
            instance.dispose()
        peak_after_pipeline = peak_rss_mib()
        comparisons = run_baselines(resources, partitions[0], nlp_sample, mongo_sample, on_progress)
    finally:
        if mongo_url:
            drop_bench_database(mongo)
    memory = memory_figures(
        pipeline.pop("rss_after_partition_mib"),
        pipeline.pop("peak_rss_during_partition_mib"),
        pipeline.pop("heap_in_use_after_partition_mib"),
        peak_rss_mib(),
        peak_after_pipeline,
    )
    return {
        "reviews": reviews,
        "partitions": partitions,
        "reviews_per_partition": dict(zip(partitions, sizes, strict=True)),
        "baseline_partition": partitions[0],
        "cores": usable_cores(),
        "mongo": {"embedded": mongo.embedded, "where": mongo.describe()},
        # Other processes on the same cores slow every figure down: the load says how busy the machine was.
        "load_average_1m": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        # How torch ran: its thread count, and whether idle OpenMP threads spin (the default) or sleep.
        "torch_threads": _torch_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
        "home": str(home),
        "seed_seconds": round(seed_seconds, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
        "pipeline": pipeline,
        "comparisons": comparisons,
        "memory": memory,
        "targets": judge_targets(pipeline, comparisons, memory),
    }
