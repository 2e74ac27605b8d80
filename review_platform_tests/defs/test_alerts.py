"""Slack alerts end to end. Slack itself cannot exist here: a local HTTP stand-in of its Web API receives them."""

import datetime as dt

import dagster as dg

from review_platform.defs.alerts import ALERTED_TAG, build_alert_sensor
from review_platform.resources.slack import FailedCheck, SlackAlertResource, alert_text
from review_platform_tests.platform_fixture import make_platform
from review_platform_tests.slack_stand_in import SlackStandIn

FIRST_DAY = dt.date(2026, 10, 1)
UI_URL = "http://dagster.example.test"


class SensorTicks:
    """Ticks of the alert sensor as the daemon would run them: the cursor carried from one tick to the next."""

    def __init__(self, platform, slack: SlackAlertResource) -> None:
        self.sensor, self.platform, self.slack, self.cursor = build_alert_sensor(UI_URL), platform, slack, None

    def tick(self) -> str:
        context = dg.build_sensor_context(
            instance=self.platform.instance, cursor=self.cursor, resources={"slack": self.slack}
        )
        result = self.sensor(context)
        self.cursor = context.cursor
        return result.skip_message if isinstance(result, dg.SkipReason) else str(result)


def test_a_volume_drop_posts_exactly_one_message(tmp_path, monkeypatch, slack_api):
    platform = make_platform(monkeypatch, tmp_path)
    slack = SlackAlertResource(token="xoxb-test-token", channel="#review-alerts", api_url=slack_api)
    ticks = SensorTicks(platform, slack)
    assert ticks.tick() == "alerts start from now"
    days = [FIRST_DAY + dt.timedelta(days=offset) for offset in range(4)]
    for day in days[:3]:
        platform.seed(day, 100)
    platform.seed(days[3], 30)  # the planted drop: 30% of the usual volume
    # Generated days carry a few percent of bad rows on purpose; loosen the reject-rate check so the only
    # failing check is the one this test is about.
    lenient = {"ops": {"anonymised_reviews": {"config": {"warn_above": 0.5, "error_above": 0.9}}}}
    # Runs executed in process, as `review-platform demo` does: they have no code location, and are seen.
    runs = platform.run([day.isoformat() for day in days], run_config=lenient)
    assert all(run.success for run in runs)
    # The day's products and orders drop with its reviews: the volume review flags all three (non-blocking).
    assert [run.failed_checks for run in runs][:3] == [[], [], []]
    assert runs[3].failed_checks == [
        "postgres_reviews:volume_vs_usual (WARN)",
        "postgres_reviews:products_vs_usual (WARN)",
        "postgres_reviews:orders_vs_usual (WARN)",
    ]

    assert ticks.tick() == "1 alert(s) posted"
    assert ticks.tick() == "0 alert(s) posted", "nothing is posted twice"
    assert len(SlackStandIn.received) == 1, "healthy runs post nothing; the dropped day posts once"
    message = SlackStandIn.received[0]
    assert message["path"] == "/api/chat.postMessage"
    assert message["auth"] == "Bearer xoxb-test-token"
    assert message["channel"] == "#review-alerts"
    run_id = runs[3].run_id
    lines = message["text"].splitlines()
    assert lines[:2] == [
        ":large_orange_circle: 3 check(s) failed: review_pipeline · partition 2026-10-04",
        f"Run {run_id[:8]}: {UI_URL}/runs/{run_id}",
    ]
    assert lines[2].startswith("• [WARN] postgres_reviews / orders_vs_usual: "), "by asset and check"
    assert lines[-2:] == [
        "• [WARN] postgres_reviews / volume_vs_usual: 30 reviews is 30% of the usual 100 per day, a drop: "
        "check the source database, its loaders and the network during the extract",
        "    rows=30, baseline_median=100.0, ratio=0.3",
    ]


def test_alerts_wait_out_a_slack_outage_and_name_the_failing_step(tmp_path, monkeypatch, slack_api):
    """Slack answers 500 for a while: no alert is lost, none is posted twice, and a failed run says which step
    failed and why rather than "Steps failed"."""
    import time

    platform = make_platform(monkeypatch, tmp_path)
    slack = SlackAlertResource(token="xoxb-test-token", channel="#review-alerts", api_url=slack_api)
    ticks = SensorTicks(platform, slack)
    ticks.tick()
    platform.seed(FIRST_DAY, 40)
    with platform.resources.postgres.connect() as conn:  # the source's schema drifts: the run fails
        conn.execute("ALTER TABLE review RENAME COLUMN r_desc TO body")
        conn.commit()
    [failed] = platform.run([FIRST_DAY.isoformat()])
    assert not failed.success

    SlackStandIn.down_until = time.monotonic() + 3600
    outcome = ticks.tick()
    assert outcome.startswith("Slack refused or could not be reached (SlackApiError: HTTP 500)"), outcome
    assert SlackStandIn.refused == 4, "one attempt and three retries with backoff"
    assert SlackStandIn.received == [] and "xoxb-test-token" not in outcome
    SlackStandIn.down_until = 0.0
    assert ticks.tick() == "1 alert(s) posted"
    assert ticks.tick() == "0 alert(s) posted"
    [message] = SlackStandIn.received
    assert message["text"].startswith(":red_circle: Run failed: review_pipeline · partition 2026-10-01\n")
    assert "Why: postgres_reviews: " in message["text"]
    assert "source schema changed: column r.r_desc does not exist" in message["text"]
    assert platform.instance.get_run_by_id(failed.run_id).tags[ALERTED_TAG] == "posted"


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
    always = {"serving_freshness", "run_journal"}
    assert {sensor.name for sensor in build_definitions(load_settings(state)).sensors} == always
    monkeypatch.setenv("REVIEW_PLATFORM_SLACK_TOKEN", "xoxb-secret")  # a secret: read by dg.EnvVar at run time
    defs = build_definitions(load_settings({**state, "REVIEW_PLATFORM_SLACK_TOKEN": "xoxb-secret"}))
    assert {sensor.name for sensor in defs.sensors} == always | {"slack_alerts"}
    assert "xoxb-secret" not in repr(defs.resources["slack"])
