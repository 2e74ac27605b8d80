"""The run loop: the review pipeline run in this process through Dagster, one run per partition, recorded in the
instance like any other run (the UI shows them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from review_platform.definitions import DAILY_ASSETS, build_definitions
from review_platform.defs.journal import journal_run
from review_platform.defs.nlp_model import record_heads_in_use
from review_platform.defs.reporting import LAYER_FIGURES
from review_platform.errors import ServiceUnavailableError, first_line
from review_platform.memory import release_freed_memory
from review_platform.resources import build_resources
from review_platform.settings import Settings

LAYER_ORDER = [asset.key.to_user_string() for asset in DAILY_ASSETS]

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
    journal_error: str | None = None  # why the run journal could not be written (the `run_journal` sensor retries)


def run_partitions(
    settings: Settings,
    instance: dg.DagsterInstance,
    partitions: list[str],
    on_progress: Callable[[int, int, str, PartitionRun | None], None] = lambda *_: None,
    run_config: dict | None = None,
) -> list[PartitionRun]:
    """Materialise all six assets and their checks, one run per partition, recorded in `instance`, with the
    resources `settings` describe."""
    job = build_definitions(settings).resolve_job_def("review_pipeline")
    mongo = build_resources(settings).mongo
    record_heads_in_use(instance, settings.models_dir)
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
        try:  # journalled here, daemon or not; with a daemon, the `run_journal` sensor would write the same entry
            journal_run(instance, result.run_id, mongo)
        except ServiceUnavailableError as error:
            run.journal_error = first_line(str(error))
        runs.append(run)
        release_freed_memory()  # the next partition starts from what is in use, not from the last one's peak
        on_progress(index, len(partitions), partition, run)
    return runs
