"""Slack alerts: exactly one message per finished run that failed or whose checks failed (blocking or not).

One plain sensor rather than Dagster's run-status sensors, for three reasons:
- every run of the instance is seen, whatever started it: a run-status sensor only matches runs of its own code
  location, and runs executed in process (`review-platform demo`, `dagster asset materialize`) have none;
- an alert survives a Slack outage: the sensor's cursor only moves past a run once its message is posted (a
  run-status sensor moves on when its function raises, and the message is lost);
- nothing is posted twice: a posted run is tagged (`ALERTED_TAG`), and a tagged run is never posted again, even
  if the daemon died between posting and saving its cursor.
"""

from __future__ import annotations

import dagster as dg

from review_platform.defs.run_outcomes import (
    failed_checks_of_run,
    finished_run_events,
    latest_finished_run_event,
    step_failures_of_run,
)
from review_platform.resources.slack import SlackAlertResource, SlackUnavailableError, alert_text

ALERT_SENSOR_NAME = "slack_alerts"
ALERTED_TAG = "review_platform/slack_alert"


def alert_for_run(instance: dg.DagsterInstance, run: dg.DagsterRun, ui_url: str) -> str | None:
    """The message a finished run deserves, or None when it succeeded with every check passing."""
    failed = failed_checks_of_run(instance, run.run_id)
    run_failure = None
    if run.status is dg.DagsterRunStatus.FAILURE:
        run_failure = "; ".join(step_failures_of_run(instance, run.run_id)) or "the run failed before any step ran"
    if not failed and run_failure is None:
        return None
    return alert_text(
        job=run.job_name,
        run_id=run.run_id,
        partition=run.tags.get("dagster/partition"),
        run_url=f"{ui_url.rstrip('/')}/runs/{run.run_id}",
        failed_checks=failed,
        run_failure=run_failure,
    )


def build_alert_sensor(ui_url: str) -> dg.SensorDefinition:
    @dg.sensor(
        name=ALERT_SENSOR_NAME,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Posts one Slack message per finished run with failed checks (WARN ones included) or a "
        "failure, whatever started the run; retried until Slack accepts it, never posted twice.",
    )
    def slack_alerts(context: dg.SensorEvaluationContext, slack: SlackAlertResource):
        instance = context.instance
        if context.cursor is None:
            # First tick: runs that finished before alerts were switched on are not announced all at once.
            context.update_cursor(str(latest_finished_run_event(instance)))
            return dg.SkipReason("alerts start from now")
        posted = 0
        for record in finished_run_events(instance, int(context.cursor)):
            run = instance.get_run_by_id(record.event_log_entry.run_id)
            message = None if run is None or ALERTED_TAG in run.tags else alert_for_run(instance, run, ui_url)
            if message is not None:
                try:
                    slack.post(message)
                except SlackUnavailableError as error:
                    # The cursor stays before this run: the next tick posts it again.
                    return dg.SkipReason(f"{error}; {posted} alert(s) posted this tick, the rest on the next")
                instance.add_run_tags(run.run_id, {ALERTED_TAG: "posted"})
                posted += 1
            context.update_cursor(str(record.storage_id))
        return dg.SkipReason(f"{posted} alert(s) posted")

    return slack_alerts
