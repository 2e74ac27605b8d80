"""Alerts as a user gets them: a Dagster daemon, `review-platform demo` run from the command line, and Slack (a
local HTTP stand-in of its Web API: Slack itself cannot be reached from here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from review_platform.defs.alerts import ALERT_SENSOR_NAME
from review_platform.ops.backfill import daemon_running
from review_platform.ops.instance import dagster_instance
from review_platform.settings import load_settings, packaged_config
from review_platform_tests.slack_stand_in import SlackStandIn

REVIEW_PLATFORM = str(Path(sys.executable).parent / "review-platform")
DEMO_DAYS = 3  # every demo day fails reject_rate (WARN): the generator plants a few percent of bad rows


def _wait_for(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(1)


def _sensor_started(instance: dg.DagsterInstance) -> bool:
    states = instance.all_instigator_state()
    return any(state.name == ALERT_SENSOR_NAME and state.instigator_data.cursor is not None for state in states)


def _alerted_runs() -> list[str]:
    return [re.search(r"/runs/([0-9a-f-]{36})", message["text"]).group(1) for message in SlackStandIn.received]


@pytest.mark.slow
def test_every_demo_run_posts_once_even_through_a_slack_outage(tmp_path, monkeypatch, slack_api):
    environ = {
        "REVIEW_PLATFORM_HOME": str(tmp_path / "state"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "REVIEW_PLATFORM_SLACK_TOKEN": "xoxb-end-to-end",
        "REVIEW_PLATFORM_SLACK_CHANNEL": "#review-alerts",
        "REVIEW_PLATFORM_SLACK_API_URL": slack_api,
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)  # the daemon and the CLI read their settings from the environment
    monkeypatch.delenv("REVIEW_PLATFORM_PSEUDONYM_KEY", raising=False)
    settings = load_settings(environ)
    instance = dagster_instance(settings)

    def demo() -> list[str]:
        result = subprocess.run(
            [REVIEW_PLATFORM, "demo"], env=dict(os.environ), capture_output=True, text=True, timeout=900, check=False
        )
        assert "Demo finished" in result.stdout, result.stderr[-3000:]
        return re.findall(r"run ([0-9a-f]{8})\n", result.stdout)

    with daemon_running(instance, settings.dagster_home, packaged_config("workspace.yaml")):
        _wait_for(lambda: _sensor_started(instance), 180, "the alert sensor's first tick")

        first = demo()
        assert len(first) == DEMO_DAYS
        _wait_for(lambda: len(SlackStandIn.received) >= DEMO_DAYS, 180, "one message per demo day")
        assert sorted(run_id[:8] for run_id in _alerted_runs()) == sorted(first)
        assert all("[WARN] anonymised_reviews / reject_rate" in m["text"] for m in SlackStandIn.received)

        # Slack answers 500 for a minute from the first alert of the same days run again (however long they take).
        SlackStandIn.outage_s = 60
        second = demo()
        _wait_for(lambda: SlackStandIn.refused > 0, 120, "an alert attempted during the outage")
        _wait_for(lambda: len(SlackStandIn.received) >= 2 * DEMO_DAYS, 240, "the alerts held back by the outage")
        time.sleep(20)  # a tick or more after the last one: nothing more may come

    alerted = _alerted_runs()
    assert len(alerted) == 2 * DEMO_DAYS and len(set(alerted)) == len(alerted), "each run exactly once"
    assert sorted(run_id[:8] for run_id in alerted) == sorted(first + second)
    instance.dispose()
