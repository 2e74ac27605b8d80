"""Two backfills over overlapping days leave the same data as one clean run over the union of their days."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import dagster as dg
import pytest

from review_platform.ops.backfill import daemon_running, submit_backfill, wait_for_backfill
from review_platform.settings import packaged_config
from review_platform_tests.platform_fixture import make_platform
from review_platform_tests.store_contents import store_contents

DAYS = [(dt.date(2026, 8, 10) + dt.timedelta(days=offset)).isoformat() for offset in range(4)]
REVIEWS_PER_DAY = 40
# Both states must pseudonymise with the same key for their published rows to be comparable.
SHARED_KEY = {"REVIEW_PLATFORM_PSEUDONYM_KEY": "overlapping-backfills-test-key"}


def wait_until(counts, total: int, timeout_s: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout_s
    while sum((found := counts()).values()) < total and time.monotonic() < deadline:
        time.sleep(2)
    return found


@pytest.mark.slow
def test_overlapping_backfills_leave_what_one_clean_run_leaves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Days 1-3 and days 2-4 are submitted as two Dagster backfills before a daemon starts, so both are queued at
    once and the daemon runs them as it would in production: up to 4 runs at a time, never two of the same day
    (dagster.yaml). This is the real scenario (two operators re-running overlapping ranges), not the same
    partitions replayed one after the other, hence the daemon despite its cost (one process per run). The
    reference is a clean state, same source and key, whose four days are run once each in process through the
    same job (`review_pipeline`)."""
    overlapping = make_platform(monkeypatch, tmp_path / "overlapping", **SHARED_KEY)
    for day in DAYS:
        overlapping.seed(dt.date.fromisoformat(day), REVIEWS_PER_DAY)
    overlapping.export_to(monkeypatch)  # the code location and the daemon read it from the environment
    workspace = packaged_config("workspace.yaml")
    home = overlapping.settings.dagster_home
    first = submit_backfill(overlapping.instance, workspace, DAYS[:3])
    second = submit_backfill(overlapping.instance, workspace, DAYS[1:])
    with daemon_running(overlapping.instance, home, workspace):
        _, runs = wait_for_backfill(overlapping.instance, first, timeout_s=900)
        _, more = wait_for_backfill(overlapping.instance, second, timeout_s=900)
        runs += more
        # Daemon runs are journalled by the `run_journal` sensor once they have ended, within a tick or two.
        journalled = wait_until(lambda: overlapping.resources.mongo.count_by_partition("pipeline_runs"), 6, 120)
    assert journalled == {DAYS[0]: 1, DAYS[1]: 2, DAYS[2]: 2, DAYS[3]: 1}
    assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 6
    assert sorted(run.tags["dagster/partition"] for run in runs) == sorted([*DAYS[:3], *DAYS[1:]])

    # The two runs of each shared day ran one after the other, never interleaved.
    for day in DAYS[1:3]:
        records = overlapping.instance.get_run_records(dg.RunsFilter(tags={"dagster/partition": day}))
        (earlier, later) = sorted(records, key=lambda record: record.start_time)
        assert earlier.end_time <= later.start_time, day

    clean = make_platform(monkeypatch, tmp_path / "clean", **SHARED_KEY)
    for day in DAYS:
        clean.seed(dt.date.fromisoformat(day), REVIEWS_PER_DAY)
    assert all(run.success for run in clean.run(DAYS))

    after_overlap, after_clean = store_contents(overlapping, DAYS), store_contents(clean, DAYS)
    assert after_overlap.lake_rows == after_clean.lake_rows
    assert set(after_overlap.lake_rows["raw"].values()) == {REVIEWS_PER_DAY}
    assert set(after_overlap.lake_files_per_manifest.values()) == {1}
    assert not any(after_overlap.lake_stray_files.values())
    for zone, frames in after_clean.lake_frames.items():
        for day, frame in frames.items():
            assert after_overlap.lake_frames[zone][day].equals(frame), (zone, day)
    for relation, frame in after_clean.warehouse.items():
        assert after_overlap.warehouse[relation].equals(frame), relation
    assert after_overlap.mongo_duplicates == {"reviews": 0, "rejected_reviews": 0}
    assert after_overlap.mongo == after_clean.mongo
    assert after_overlap.data() == after_clean.data()
    # The run journal is the one thing that differs: it records every run.
    assert after_overlap.runs_journalled == journalled
    assert after_clean.runs_journalled == dict.fromkeys(DAYS, 1)
