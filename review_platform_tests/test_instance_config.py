"""The instance configs: dagster.yaml (embedded) and docker/dagster.yaml (PostgreSQL storage, on the embedded one)."""

import shutil
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_dagster_yaml_stores_runs_in_postgres(embedded_postgres, tmp_path, monkeypatch):
    with embedded_postgres.connect() as conn:
        conn.autocommit = True
        conn.execute("DROP DATABASE IF EXISTS dagster_instance_test")
        conn.execute("CREATE DATABASE dagster_instance_test")
    uri = embedded_postgres.connection_uri().replace("/postgres?", "/dagster_instance_test?")
    # SQLAlchemy 2.1 picks psycopg 3 for a bare postgresql:// URL, and Dagster's storage SQL fails on it.
    uri = uri.replace("postgresql://", "postgresql+psycopg2://")
    monkeypatch.setenv("DAGSTER_PG_URL", uri)
    shutil.copy(PROJECT_ROOT / "docker" / "dagster.yaml", tmp_path / "dagster.yaml")

    instance = dg.DagsterInstance.from_config(str(tmp_path))
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
    assert not instance.run_retries_retry_on_asset_or_op_failure, "a failed step is not re-run as a whole run"

    @dg.asset
    def probe() -> int:
        return 1

    result = dg.materialize([probe], instance=instance)
    assert result.success
    assert instance.get_runs_count() == 1, "the run was recorded in PostgreSQL"


def test_embedded_instance_queues_runs_one_per_partition(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    assert type(instance.run_storage).__name__ == "SqliteRunStorage"
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    queue = instance.get_concurrency_config().run_queue_config  # what the daemon's run queue applies
    assert queue.max_concurrent_runs == 4
    assert {"key": "dagster/partition", "limit": 1, "value": {"applyLimitPerUniqueValue": True}} in (
        queue.tag_concurrency_limits
    )
    assert not instance.run_retries_retry_on_asset_or_op_failure


def test_instance_configs_use_the_1_13_concurrency_settings():
    """`concurrency: runs:` rather than the run coordinator's config, which Dagster 1.13 supersedes."""
    import yaml

    for path in (PROJECT_ROOT / "dagster.yaml", PROJECT_ROOT / "docker" / "dagster.yaml"):
        config = yaml.safe_load(path.read_text())
        assert "run_coordinator" not in config and "run_queue" not in config, path
        assert config["concurrency"]["runs"]["max_concurrent_runs"] == 4, path
