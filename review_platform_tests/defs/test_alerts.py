"""Slack alerts end to end. Slack itself cannot exist here: a local HTTP stand-in of its Web API receives them."""

import datetime as dt

import dagster as dg

from review_platform.defs.alerts import build_alert_sensors
from review_platform.resources.slack import FailedCheck, SlackAlertResource, alert_text
from review_platform_tests.platform_fixture import make_platform
from review_platform_tests.slack_stand_in import SlackStandIn

FIRST_DAY = dt.date(2026, 10, 1)
UI_URL = "http://dagster.example.test"


def evaluate_sensor(sensor, platform, run_id: str, event_type: dg.DagsterEventType, slack: SlackAlertResource):
    run = platform.instance.get_run_by_id(run_id)
    event = platform.instance.all_logs(run_id, of_type=event_type)[0].dagster_event
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=event,
        dagster_instance=platform.instance,
        dagster_run=run,
        resources={"slack": slack},
    )
    return sensor(context)


def test_a_volume_drop_posts_exactly_one_message(tmp_path, monkeypatch, slack_api):
    platform = make_platform(monkeypatch, tmp_path)
    days = [FIRST_DAY + dt.timedelta(days=offset) for offset in range(4)]
    for day in days[:3]:
        platform.seed(day, 100)
    platform.seed(days[3], 30)  # the planted drop: 30% of the usual volume
    # Generated days carry a few percent of bad rows on purpose; loosen the reject-rate check so the only
    # failing check is the one this test is about.
    lenient = {"ops": {"anonymised_reviews": {"config": {"warn_above": 0.5, "error_above": 0.9}}}}
    runs = platform.run([day.isoformat() for day in days], run_config=lenient)
    assert all(run.success for run in runs)
    assert [run.failed_checks for run in runs] == [[], [], [], ["postgres_reviews:volume_vs_usual (WARN)"]]

    slack = SlackAlertResource(token="xoxb-test-token", channel="#review-alerts", api_url=slack_api)
    on_checks, _ = build_alert_sensors(UI_URL)
    for run in runs:
        evaluate_sensor(on_checks, platform, run.run_id, dg.DagsterEventType.RUN_SUCCESS, slack)

    assert len(SlackStandIn.received) == 1, "healthy runs post nothing; the dropped day posts once"
    message = SlackStandIn.received[0]
    assert message["path"] == "/api/chat.postMessage"
    assert message["auth"] == "Bearer xoxb-test-token"
    assert message["channel"] == "#review-alerts"
    run_id = runs[3].run_id
    assert message["text"] == (
        ":large_orange_circle: 1 check(s) failed: review_pipeline · partition 2026-10-04\n"
        f"Run {run_id[:8]}: {UI_URL}/runs/{run_id}\n"
        "• [WARN] postgres_reviews / volume_vs_usual: 30 reviews is 30% of the usual 100 per day, a drop: "
        "check the source database, its loaders and the network during the extract\n"
        "    rows=30, baseline_median=100.0, ratio=0.3"
    )


def test_a_failed_run_message_leads_with_the_failure_then_errors_before_warnings():
    text = alert_text(
        job="review_pipeline",
        run_id="0123456789abcdef",
        partition="2026-11-02",
        run_url="http://ui/runs/0123456789abcdef",
        failed_checks=[
            FailedCheck("WARN", "anonymised_reviews", "reject_rate", "reject rate 3.00% is above 1%", {}),
            FailedCheck("ERROR", "raw_s3", "raw_matches_manifest", "1 lake problem(s)", {"problems": 1}),
        ],
        run_failure='Execution of step "snowflake_views" failed.',
    )
    assert text.splitlines() == [
        ":red_circle: Run failed: review_pipeline · partition 2026-11-02",
        "Run 01234567: http://ui/runs/0123456789abcdef",
        'Why: Execution of step "snowflake_views" failed.',
        "• [ERROR] raw_s3 / raw_matches_manifest: 1 lake problem(s)",
        "    problems=1",
        "• [WARN] anonymised_reviews / reject_rate: reject rate 3.00% is above 1%",
    ]


def test_alerts_are_off_unless_a_token_and_a_channel_are_set(tmp_path, monkeypatch):
    from review_platform.definitions import build_definitions
    from review_platform.settings import load_settings

    state = {"REVIEW_PLATFORM_HOME": str(tmp_path), "REVIEW_PLATFORM_SLACK_CHANNEL": "#alerts"}
    assert {sensor.name for sensor in build_definitions(load_settings(state)).sensors} == {"serving_freshness"}
    monkeypatch.setenv("REVIEW_PLATFORM_SLACK_TOKEN", "xoxb-secret")  # a secret: read by dg.EnvVar at run time
    defs = build_definitions(load_settings({**state, "REVIEW_PLATFORM_SLACK_TOKEN": "xoxb-secret"}))
    assert {sensor.name for sensor in defs.sensors} == {
        "serving_freshness",
        "slack_on_failed_checks",
        "slack_on_run_failure",
    }
    assert "xoxb-secret" not in repr(defs.resources["slack"])
