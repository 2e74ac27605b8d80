"""The run journal (`pipeline_runs`) for runs the CLI did not start: the `run_journal` sensor writes them once the
run has ended, failed runs included, and keeps a run for its next tick while MongoDB is down."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from review_platform.definitions import build_definitions
from review_platform.defs.journal import build_journal_sensor
from review_platform.resources.mongo import MongoResource
from review_platform.resources.warehouse import WarehouseResource
from review_platform_tests.platform_fixture import make_platform

DAY = dt.date(2026, 9, 14)
PARTITION = DAY.isoformat()
UNREACHABLE_MONGO = MongoResource(url="mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200")


def tick(platform, mongo: MongoResource, cursor: str | None) -> tuple[str, str | None]:
    context = dg.build_sensor_context(instance=platform.instance, cursor=cursor, resources={"mongo": mongo})
    result = build_journal_sensor()(context)
    return result.skip_message, context.cursor


def journal(platform) -> list[dict]:
    with platform.resources.mongo.connect() as db:
        return list(db.pipeline_runs.find({"partition_date": PARTITION}, {"_id": 0}))


def test_runs_started_outside_the_cli_are_journalled_by_the_sensor_failed_ones_too(tmp_path, monkeypatch):
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 30)
    job = build_definitions(platform.settings).resolve_job_def("review_pipeline")
    # As the UI, a schedule or `dagster asset materialize` would: not through `run_partitions`.
    succeeded = job.execute_in_process(partition_key=PARTITION, instance=platform.instance)

    def warehouse_refuses(self, partition, curated, rejected):
        raise dg.Failure("the warehouse refused the write", allow_retries=False)

    monkeypatch.setattr(WarehouseResource, "publish_partition", warehouse_refuses)
    failed = job.execute_in_process(partition_key=PARTITION, instance=platform.instance, raise_on_error=False)
    assert journal(platform) == [], "nothing is journalled inside a run"

    message, cursor = tick(platform, UNREACHABLE_MONGO, None)
    assert "unreachable" in message and cursor is None, "MongoDB down: the runs wait for the next tick"

    message, cursor = tick(platform, platform.resources.mongo, cursor)
    assert message == "2 run(s) journalled"
    entries = {entry["run_id"]: entry for entry in journal(platform)}
    ok, broken = entries[succeeded.run_id], entries[failed.run_id]
    assert ok["status"] == "SUCCESS" and ok["reviews"] > 0 and ok["failures"] == []
    checks = {(check["asset"], check["check"]) for check in ok["checks"]}
    assert {("snowflake_views", "warehouse_equals_curated"), ("mongo_collections", "mongo_equals_curated")} <= checks
    assert broken["status"] == "FAILURE"
    assert broken["failures"] == ["snowflake_views: the warehouse refused the write"]
    assert broken["layers"]["snowflake_views"]["run_id"] == succeeded.run_id, "the layer this run could not redo"

    assert tick(platform, platform.resources.mongo, cursor)[0] == "0 run(s) journalled", "each run once per tick"


@pytest.mark.parametrize("ticks", [2])
def test_a_run_journalled_twice_keeps_one_entry(tmp_path, monkeypatch, ticks):
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 20)
    (run,) = platform.run([PARTITION])  # journalled by run_partitions
    for _ in range(ticks):
        tick(platform, platform.resources.mongo, None)  # and again by a sensor starting from scratch
    assert [entry["run_id"] for entry in journal(platform)] == [run.run_id]
