"""Slack alerts: one message per run that failed or whose checks failed (blocking or not).

Dagster's `make_slack_on_run_failure_sensor` only sees failed runs; a WARN check that fails leaves the run
successful, so these sensors also read the run's check evaluations from the event log.
"""

import dagster as dg

from review_platform.resources.slack import FailedCheck, SlackAlertResource, alert_text


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


def post_run_alert(
    context: dg.RunStatusSensorContext, slack: SlackAlertResource, ui_url: str, run_failure: str | None
) -> bool:
    run = context.dagster_run
    failed = failed_checks_of_run(context.instance, run.run_id)
    if not failed and run_failure is None:
        return False
    slack.post(
        alert_text(
            job=run.job_name,
            run_id=run.run_id,
            partition=run.tags.get("dagster/partition"),
            run_url=f"{ui_url.rstrip('/')}/runs/{run.run_id}",
            failed_checks=failed,
            run_failure=run_failure,
        )
    )
    return True


def build_alert_sensors(ui_url: str) -> list[dg.SensorDefinition]:
    """Two sensors sharing one message format: finished runs with failed checks, and failed runs."""

    @dg.run_status_sensor(
        run_status=dg.DagsterRunStatus.SUCCESS,
        name="slack_on_failed_checks",
        description="Posts to Slack when a successful run has failed checks (WARN or non-blocking ERROR).",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def slack_on_failed_checks(context: dg.RunStatusSensorContext, slack: SlackAlertResource):
        post_run_alert(context, slack, ui_url, run_failure=None)

    @dg.run_failure_sensor(
        name="slack_on_run_failure",
        description="Posts to Slack when a run fails, with the checks that failed in it.",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def slack_on_run_failure(context: dg.RunFailureSensorContext, slack: SlackAlertResource):
        post_run_alert(context, slack, ui_url, run_failure=context.failure_event.message or "unknown error")

    return [slack_on_failed_checks, slack_on_run_failure]
