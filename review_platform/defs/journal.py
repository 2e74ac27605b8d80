"""The run journal (Mongo's `pipeline_runs`): one entry per finished run and partition, written once the run has
ended, so it holds every layer's figures and every check of the run, the serving layers' included.

Written from two places, both keyed upserts on (run_id, partition_date) so either may come first or both run:
- `ops.runs.run_partitions` (the CLI, `demo`, the tests) journals each run it executes, daemon or not;
- the `run_journal` sensor journals every other finished run of the instance (UI, schedules, backfills,
  `dagster asset materialize`), with the same durable cursor as the Slack alerts.
Inside a run nothing can be "last": a step after both serving assets would be skipped when one of them fails, which
is when support most needs the entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
from pymongo.errors import PyMongoError

from review_platform.defs.reporting import LAYER_FIGURES
from review_platform.defs.run_outcomes import finished_run_events, step_failures_of_run
from review_platform.defs.serving import LINEAGE_BEFORE_SERVING
from review_platform.errors import first_line
from review_platform.resources import SERVING_STORE_TYPES
from review_platform.resources.mongo import MongoResource, MongoUnavailableError

JOURNAL_SENSOR_NAME = "run_journal"
SERVING_ASSET_NAMES = [store_type.serving_asset.asset_name for store_type in SERVING_STORE_TYPES]
LINEAGE = [*LINEAGE_BEFORE_SERVING, *SERVING_ASSET_NAMES]


def journal_entry(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dict[str, Any] | None:
    """What `run` did to its partition, or None for a run of no partition (nothing to journal)."""
    partition = run.tags.get("dagster/partition")
    if partition is None:
        return None
    layers: dict[str, dict[str, Any]] = {}
    model_version = None
    for key in LINEAGE:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey(key), asset_partitions=[partition]), limit=1
        ).records
        if records:  # the partition's latest figures; `run_id` tells whether this run or an earlier one made them
            metadata = records[0].asset_materialization.metadata
            layers[key] = {
                **{name: metadata[name].value for name in LAYER_FIGURES if name in metadata},
                "run_id": records[0].run_id,
            }
            if key == "categorised_reviews" and records[0].run_id == run.run_id and "model_version" in metadata:
                model_version = metadata["model_version"].value
    mine = {key: layer for key, layer in layers.items() if layer["run_id"] == run.run_id}
    served = next((mine[name] for name in SERVING_ASSET_NAMES if name in mine), {})
    checks = [
        {
            "asset": evaluation.asset_key.to_user_string(),
            "check": evaluation.check_name,
            "passed": evaluation.passed,
            "severity": evaluation.severity.value,
        }
        for evaluation in (
            record.event_log_entry.dagster_event.event_specific_data
            for record in instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            ).records
        )
    ]
    return {
        "run_id": run.run_id,
        "partition_date": partition,
        "status": run.status.value,
        # What this run served; 0 when it stopped before serving (its `status` and `failures` say why).
        "reviews": int(served.get("rows_in", 0)),
        "rejected_reviews": int(served.get("rows_rejected", 0)),
        "model_version": model_version,
        "recorded_at": dt.datetime.now(dt.UTC),
        "layers": layers,
        "checks": checks,
        "failures": step_failures_of_run(instance, run.run_id),
    }


def journal_run(instance: dg.DagsterInstance, run_id: str, mongo: MongoResource) -> bool:
    """Write `run_id`'s entry (replacing an earlier one); False when the run has no partition."""
    run = instance.get_run_by_id(run_id)
    entry = journal_entry(instance, run) if run is not None else None
    if entry is None:
        return False
    mongo.record_run(entry)
    return True


def build_journal_sensor() -> dg.SensorDefinition:
    @dg.sensor(
        name=JOURNAL_SENSOR_NAME,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Writes each finished run's entry in Mongo's pipeline_runs (figures of every layer, every "
        "check, failures), whatever started the run; retried while MongoDB is unreachable.",
    )
    def run_journal(context: dg.SensorEvaluationContext, mongo: MongoResource):
        after = int(context.cursor) if context.cursor else None  # from the first run on: entries are idempotent
        written = 0
        for record in finished_run_events(context.instance, after):
            run_id = record.event_log_entry.run_id
            try:
                written += journal_run(context.instance, run_id, mongo)
            except MongoUnavailableError as error:  # the cursor stays before this run: the next tick retries it
                return dg.SkipReason(f"{error}; {written} run(s) journalled this tick, the rest on the next")
            except PyMongoError as error:  # refused for good (a validator): said once, not retried forever
                context.log.error(f"run {run_id} could not be journalled: {first_line(str(error))}")
            context.update_cursor(str(record.storage_id))
        return dg.SkipReason(f"{written} run(s) journalled")

    return run_journal
