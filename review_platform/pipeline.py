"""Run the review pipeline through Dagster for some partitions, and read every layer's counts back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from review_platform.definitions import ALL_ASSETS, build_definitions
from review_platform.defs.reporting import LAYER_FIGURES
from review_platform.memory import release_freed_memory
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
                name: metadata[name].value for name in LAYER_FIGURES if name in metadata
            }
        run.failed_checks = [
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name} ({evaluation.severity.value})"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed
        ]
        runs.append(run)
        release_freed_memory()  # the next partition starts from what is in use, not from the last one's peak
        on_progress(index, len(partitions), partition, run)
    return runs


def layer_counts(resources: dict[str, object]) -> dict[str, dict[str, int | None]]:
    """Rows per partition in every layer: source, raw, anonymised, rejected, erased (GDPR), categorised,
    warehouse, mongo."""
    lake: LakeResource = resources["lake"]

    def lake_counts(zone: Zone, field: str = "row_count") -> dict[str, int]:
        counts = {}
        for partition in lake.list_partitions(zone, REVIEWS_DATASET):
            manifest = lake.read_manifest(PartitionRef(zone, REVIEWS_DATASET, partition))
            if manifest is not None:
                counts[partition] = manifest.get(field, 0)
        return counts

    erased_accepted, erased_rejected = (
        lake_counts(Zone.PROCESSED, "erased_rows"),
        lake_counts(Zone.REJECTED, "erased_rows"),
    )

    by_layer = {
        "source": resources["postgres"].count_reviews_by_day(),
        "raw": lake_counts(Zone.RAW),
        "anonymised": lake_counts(Zone.PROCESSED),
        "rejected": lake_counts(Zone.REJECTED),
        "erased": {
            partition: erased_accepted.get(partition, 0) + erased_rejected.get(partition, 0)
            for partition in {*erased_accepted, *erased_rejected}
        },
        "categorised": lake_counts(Zone.CURATED),
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


def _dagster_command(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def submit_backfill(dagster_home: Path, workspace: Path, first: str, last: str) -> str:
    """Queue one run of review_pipeline per partition in [first, last] with `dagster job backfill`."""
    result = subprocess.run(
        [
            _dagster_command("dagster"),
            "job",
            "backfill",
            "-w",
            str(workspace),
            "-j",
            "review_pipeline",
            "--from",
            first,
            "--to",
            last,
            "--noprompt",
        ],
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        capture_output=True,
        text=True,
        check=False,
    )
    launched = re.search(r"Launched backfill job `(\w+)`", result.stdout)
    if result.returncode != 0 or launched is None:
        raise RuntimeError(f"dagster job backfill failed: {(result.stderr or result.stdout).strip()[-800:]}")
    return launched.group(1)


@contextmanager
def daemon_running(instance: dg.DagsterInstance, dagster_home: Path, workspace: Path) -> Iterator[bool]:
    """Make sure a dagster-daemon serves the instance; start one for the duration if none is alive.

    Yields True when this call started it (and will stop it).
    """
    from dagster._daemon.controller import all_daemons_live

    if all_daemons_live(instance):
        yield False
        return
    daemon = subprocess.Popen(
        [_dagster_command("dagster-daemon"), "run", "-w", str(workspace)],
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield True
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()


def wait_for_backfill(
    instance: dg.DagsterInstance,
    backfill_id: str,
    expected_runs: int,
    on_progress: Callable[[dict[str, int]], None] = lambda _: None,
    timeout_s: float = 3600,
) -> list[dg.DagsterRun]:
    """Poll the instance until every run of the backfill has finished; returns them."""
    deadline = time.monotonic() + timeout_s
    last_seen: dict[str, int] = {}
    while True:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        by_status: dict[str, int] = {}
        for run in runs:
            by_status[run.status.value] = by_status.get(run.status.value, 0) + 1
        if by_status != last_seen:
            on_progress(by_status)
            last_seen = by_status
        if len(runs) >= expected_runs and all(run.is_finished for run in runs):
            return list(runs)
        if time.monotonic() > deadline:
            raise TimeoutError(f"backfill {backfill_id} still running after {timeout_s:.0f}s: see the Dagster UI")
        time.sleep(2)
