"""Run the review pipeline through Dagster for some partitions, and read every layer's counts back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from review_platform.definitions import ALL_ASSETS, build_definitions
from review_platform.quality.checks import reconciliation_problems
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone

LAYER_ORDER = [asset.key.to_user_string() for asset in ALL_ASSETS]

# The event log keeps every event for the UI; the terminal only shows warnings and errors.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class PartitionRun:
    partition: str
    success: bool
    seconds: float
    run_id: str
    layers: dict[str, dict[str, float]] = field(default_factory=dict)  # asset -> rows_in/out/rejected, seconds
    failed_checks: list[str] = field(default_factory=list)


def run_partitions(
    instance: dg.DagsterInstance,
    partitions: list[str],
    on_progress: Callable[[int, int, str, PartitionRun | None], None] = lambda *_: None,
    run_config: dict | None = None,
) -> list[PartitionRun]:
    """Materialise all six assets and their checks, one run per partition, recorded in `instance`."""
    job = build_definitions().resolve_job_def("review_pipeline")
    runs = []
    for index, partition in enumerate(partitions, start=1):
        on_progress(index, len(partitions), partition, None)
        started = time.perf_counter()
        result = job.execute_in_process(
            partition_key=partition,
            instance=instance,
            raise_on_error=False,
            run_config={**QUIET_CONSOLE, **(run_config or {})},
        )
        run = PartitionRun(partition, result.success, time.perf_counter() - started, result.run_id)
        for event in result.get_asset_materialization_events():
            materialization = event.event_specific_data.materialization
            metadata = materialization.metadata
            run.layers[materialization.asset_key.to_user_string()] = {
                name: metadata[name].value
                for name in ("rows_in", "rows_out", "rows_rejected", "duration_s")
                if name in metadata
            }
        run.failed_checks = [
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name} ({evaluation.severity.value})"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed
        ]
        runs.append(run)
        on_progress(index, len(partitions), partition, run)
    return runs


def layer_counts(resources: dict[str, object]) -> dict[str, dict[str, int | None]]:
    """Rows per partition in every layer: source, raw, anonymised, rejected, categorised, warehouse, mongo."""
    lake: LakeResource = resources["lake"]

    def lake_counts(zone: Zone, dataset: str) -> dict[str, int]:
        counts = {}
        for partition in lake.list_partitions(zone, dataset):
            manifest = lake.read_manifest(PartitionRef(zone, dataset, partition))
            if manifest is not None:
                counts[partition] = manifest["row_count"]
        return counts

    by_layer = {
        "source": resources["postgres"].count_reviews_by_day(),
        "raw": lake_counts(Zone.RAW, REVIEWS_DATASET),
        "anonymised": lake_counts(Zone.PROCESSED, REVIEWS_DATASET),
        "rejected": lake_counts(Zone.REJECTED, REVIEWS_DATASET),
        "categorised": lake_counts(Zone.CURATED, REVIEWS_DATASET),
        "warehouse": resources["warehouse"].count_by_partition("curated_reviews"),
        "mongo": resources["mongo"].count_by_partition("reviews"),
    }
    partitions = sorted({partition for counts in by_layer.values() for partition in counts})
    return {partition: {layer: counts.get(partition) for layer, counts in by_layer.items()} for partition in partitions}


def status_report(resources: dict[str, object]) -> list[dict[str, object]]:
    """One entry per partition: counts per layer and the reconciliation problems, if any."""
    return [
        {"partition": partition, **counts, "problems": reconciliation_problems(counts)}
        for partition, counts in layer_counts(resources).items()
    ]
