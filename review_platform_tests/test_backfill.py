"""Backfills by date from the command line, through Dagster's own machinery (CLI, instance, daemon)."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import dagster as dg

from review_platform.cli import main
from review_platform.ops.status import status_report
from review_platform_tests.platform_fixture import make_platform

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DAYS = [dt.date(2026, 9, 1) + dt.timedelta(days=offset) for offset in range(3)]


def test_one_partition_then_a_range_with_the_dagster_daemon(tmp_path, monkeypatch, capsys):
    platform = make_platform(monkeypatch, tmp_path)
    platform.export_to(monkeypatch)  # for `dagster` and `review-platform backfill`, which read the environment
    for day in DAYS:
        platform.seed(day, 60)

    # One partition with Dagster's CLI, as the README shows: the job, whose runs leave the clock-based freshness
    # checks to their schedule.
    single = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "job",
            "execute",
            "-m",
            "review_platform.definitions",
            "-j",
            "review_pipeline",
            "--tags",
            json.dumps({"dagster/partition": DAYS[0].isoformat()}),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert single.returncode == 0, single.stderr[-2000:]

    # The other two days as a backfill, waited for (a daemon is started for the occasion).
    assert main(["backfill", "--from", DAYS[1].isoformat(), "--to", DAYS[2].isoformat(), "--wait"]) == 0
    out = capsys.readouterr().out
    assert "2 day(s) requested" in out
    assert f"  {DAYS[1].isoformat()}  success" in out and f"  {DAYS[2].isoformat()}  success" in out
    assert "completed_success: 2 day(s) succeeded, 0 not" in out
    [backfill] = platform.instance.get_backfills()
    assert backfill.status.value == "COMPLETED_SUCCESS", "the daemon ran and completed it"

    report = {entry["partition"]: entry for entry in status_report(platform.resources)}
    assert sorted(report) == [day.isoformat() for day in DAYS]
    assert all(entry["problems"] == [] and entry["source"] == 60 for entry in report.values())
    backfill_runs = platform.instance.get_runs()
    partitions_run = sorted(run.tags.get("dagster/partition") for run in backfill_runs)
    assert partitions_run == [day.isoformat() for day in DAYS]
    for run in backfill_runs:  # freshness is judged against the clock by its schedule, never inside a day's run
        checks = platform.instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        names = {record.event_log_entry.dagster_event.event_specific_data.check_name for record in checks.records}
        assert "no_pii_past_raw" in names and "freshness_check" not in names


def test_backfill_refuses_a_reversed_range(tmp_path, monkeypatch, capsys):
    make_platform(monkeypatch, tmp_path).export_to(monkeypatch)
    assert main(["backfill", "--from", "2026-09-03", "--to", "2026-09-01"]) == 2
    assert "is after" in capsys.readouterr().err
