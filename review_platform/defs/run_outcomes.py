"""What finished runs left in the event log: which runs finished, their failed checks and why their steps failed,
for the alerts, the run journal and doctor."""

from __future__ import annotations

import dagster as dg

from review_platform.errors import first_line
from review_platform.resources.slack import FailedCheck

FINISHED_RUN_EVENTS = (dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE)
RUNS_PER_TICK = 50


def failed_checks_of_run(instance: dg.DagsterInstance, run_id: str) -> list[FailedCheck]:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.passed:
            continue
        failed.append(
            FailedCheck(
                severity=evaluation.severity.value,
                asset=evaluation.asset_key.to_user_string(),
                check=evaluation.check_name,
                description=evaluation.description or "",
                metadata={name: value.value for name, value in evaluation.metadata.items() if name != "summary"},
            )
        )
    return failed


def step_failures_of_run(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """One line per failed step: the step and the first line of its own explanation (a `dg.Failure`'s
    description, else the error's message), rather than Dagster's "Steps failed"."""
    reasons = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        data = entry.dagster_event.step_failure_data
        explanation = data.user_failure_data.description if data.user_failure_data else None
        if not explanation and data.error is not None:
            cause = data.error.cause or data.error
            explanation = cause.message
        reasons.append(f"{entry.step_key}: {first_line(explanation or 'failed without a message')}")
    return reasons


def finished_run_events(instance: dg.DagsterInstance, after: int | None) -> list[dg.EventLogRecord]:
    """Run successes and failures recorded after storage id `after`, oldest first."""
    records = []
    for event_type in FINISHED_RUN_EVENTS:
        records += instance.fetch_run_status_changes(
            records_filter=dg.RunStatusChangeRecordsFilter(event_type=event_type, after_storage_id=after),
            limit=RUNS_PER_TICK,
            ascending=True,
        ).records
    return sorted(records, key=lambda record: record.storage_id)[:RUNS_PER_TICK]


def latest_finished_run_event(instance: dg.DagsterInstance) -> int:
    latest = [
        instance.fetch_run_status_changes(records_filter=event_type, limit=1).records
        for event_type in FINISHED_RUN_EVENTS
    ]
    return max((records[0].storage_id for records in latest if records), default=0)
