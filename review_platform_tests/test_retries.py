"""Retries that help: a step retries what a retry can fix (I/O), never what fails the same way every time."""

import datetime as dt

import dagster as dg

from review_platform_tests.platform_fixture import make_platform

DAY = dt.date(2026, 8, 3)


def test_a_source_schema_drift_fails_once_without_retries(tmp_path, monkeypatch):
    """A deterministic failure: the step is not retried (its retry policy is for I/O), and the run says why."""
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 20)
    with platform.resources.postgres.connect() as conn:
        conn.execute("ALTER TABLE review RENAME COLUMN r_desc TO body")
        conn.commit()
    [run] = platform.run([DAY.isoformat()])
    assert not run.success
    assert platform.instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY) == []
    [failure] = platform.instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    assert "source schema changed: column r.r_desc does not exist" in str(failure.dagster_event.event_specific_data)


def test_a_serving_store_down_for_a_moment_is_retried_by_the_step(tmp_path, monkeypatch):
    """Fault injection: MongoDB refuses the first publication (as during a failover), then answers."""
    from review_platform.resources.mongo import MongoResource, MongoUnavailableError

    publish = MongoResource.publish_partition
    attempts = []

    def down_once(self, *args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise MongoUnavailableError("MongoDB at the embedded store unreachable (injected)")
        return publish(self, *args, **kwargs)

    monkeypatch.setattr(MongoResource, "publish_partition", down_once)
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 20)
    lenient = {"ops": {"anonymised_reviews": {"config": {"warn_above": 0.5, "error_above": 0.9}}}}
    [run] = platform.run([DAY.isoformat()], run_config=lenient)
    assert run.success and len(attempts) == 2
    [retry] = platform.instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)
    assert retry.step_key == "mongo_collections"
