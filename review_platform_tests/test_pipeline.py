"""The whole graph, materialised through Dagster on a temporary state folder with real embedded services."""

import datetime as dt
import json

import duckdb
import polars as pl
import pytest

from review_platform.cli import main
from review_platform.demo.generator import expected_rejections, generate_demo_data
from review_platform.ops.instance import dagster_instance
from review_platform.ops.runs import LAYER_ORDER
from review_platform.ops.status import status_report
from review_platform.resources.postgres import SOURCE_TABLES
from review_platform.resources.warehouse import WAREHOUSE_VIEWS
from review_platform_tests.platform_fixture import make_platform

DAY = dt.date(2026, 11, 2)
PARTITION = DAY.isoformat()
REVIEWS = 150


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """A state folder seeded with one generated day (plus the day before, which is not materialised)."""
    home = tmp_path_factory.mktemp("state")
    with pytest.MonkeyPatch.context() as env:
        platform = make_platform(env, home)
        resources = platform.resources
        dataset = generate_demo_data(DAY - dt.timedelta(days=1), 2, REVIEWS, seed=7)
        resources.postgres.load_tables({name: getattr(dataset, name) for name in SOURCE_TABLES})
        first = platform.run([PARTITION])
        first_report = status_report(resources)
        second = platform.run([PARTITION])
        yield {
            "settings": platform.settings,
            "resources": resources,
            "dataset": dataset,
            "runs": first + second,
            "reports": (first_report, status_report(resources)),
            "env": env,
        }


def test_every_asset_materialises_and_no_error_check_fails(platform):
    for run in platform["runs"]:
        assert run.success
        assert list(run.layers) and set(run.layers) == set(LAYER_ORDER)
        assert not [check for check in run.failed_checks if "(ERROR)" in check]


def test_counts_reconcile_in_every_layer(platform):
    first, _ = platform["reports"]
    entry = next(row for row in first if row["partition"] == PARTITION)
    assert entry["problems"] == []
    assert entry["source"] == entry["raw"] == REVIEWS
    expected = expected_rejections(platform["dataset"])
    day_ids = platform["dataset"].review.filter(pl.col("created_at").dt.date() == DAY)["review_id"]
    assert entry["rejected"] == expected.filter(pl.col("review_id").is_in(day_ids.implode())).height
    assert entry["warehouse"] == entry["mongo"] == entry["categorised"] == entry["anonymised"]
    day_before = next(row for row in first if row["partition"] != PARTITION)
    assert day_before["raw"] is None and "raw not materialised" in day_before["problems"]


def test_rejections_carry_the_planted_reasons(platform):
    resources = platform["resources"]
    stored = resources.warehouse.query("SELECT review_id, reason FROM rejected_reviews WHERE partition_date = ?", [DAY])
    expected = expected_rejections(platform["dataset"])
    joined = stored.join(expected, on="review_id", how="inner", suffix="_expected")
    assert joined.height == stored.height
    assert (joined["reason"] == joined["reason_expected"]).all()


def test_running_the_same_partition_again_changes_nothing(platform):
    first, second = platform["reports"]
    assert first == second
    with duckdb.connect(str(platform["settings"].warehouse_path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) - count(DISTINCT review_id) FROM curated_reviews").fetchone()[0] == 0


def published_text_by_store(platform) -> dict[str, str]:
    """Everything past RAW that a person could read, store by store, as one text each."""
    from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone

    resources = platform["resources"]
    stores = {}
    for zone in (Zone.PROCESSED, Zone.REJECTED, Zone.CURATED):
        frame = resources.lake.read_partition(PartitionRef(zone, REVIEWS_DATASET, PARTITION))
        stores[f"lake {zone}"] = json.dumps(frame.to_dicts(), default=str)
    for relation in ("curated_reviews", "rejected_reviews", *WAREHOUSE_VIEWS):
        stores[f"warehouse {relation}"] = json.dumps(
            resources.warehouse.query(f"SELECT * FROM {relation}").to_dicts(), default=str
        )
    with resources.mongo.connect() as db:
        for collection in ("reviews", "rejected_reviews", "pipeline_runs"):
            stores[f"mongo {collection}"] = json.dumps(list(db[collection].find({}, {"_id": 0})), default=str)
    instance = dagster_instance(platform["settings"])
    for run in platform["runs"]:
        entries = instance.all_logs(run.run_id)
        stores[f"dagster run {run.run_id[:8]}"] = "\n".join(
            (entry.user_message or "") + json.dumps(str(entry.dagster_event), default=str) for entry in entries
        )
    return stores


def test_planted_pii_never_leaves_raw_store_by_store(platform):
    planted = platform["dataset"].planted_pii
    assert set(planted["pii_type"].unique()) >= {"PERSON", "EMAIL", "PHONE", "ADDRESS", "CARD"}
    stores = published_text_by_store(platform)
    assert len(stores) >= 11
    leaks = {
        store: [value for value in planted["value"].unique().to_list() if value in text]
        for store, text in stores.items()
    }
    assert {store: values for store, values in leaks.items() if values} == {}


def test_status_command_prints_json_that_reconciles(platform, capsys):
    # The command reads its settings from the environment, as a user's shell gives them.
    platform["env"].setenv("REVIEW_PLATFORM_HOME", str(platform["settings"].home))
    exit_code = main(["status", "--json"])
    report = json.loads(capsys.readouterr().out)
    entry = next(row for row in report if row["partition"] == PARTITION)
    assert entry["problems"] == [] and entry["categorised"] > 0
    assert exit_code == 1, "the seeded day before was never materialised, so status reports it"


def test_pipeline_runs_journal_has_counts_durations_and_checks(platform):
    with platform["resources"].mongo.connect() as db:
        journal = list(db.pipeline_runs.find({"partition_date": PARTITION}).sort("recorded_at", -1))
    assert len(journal) == 2, "one entry per run of the partition"
    latest = journal[0]
    assert latest["layers"]["postgres_reviews"]["rows_out"] == REVIEWS
    anonymised = latest["layers"]["anonymised_reviews"]
    assert anonymised["rows_out"] + anonymised["rows_rejected"] == REVIEWS
    assert all(layer["duration_s"] >= 0 for layer in latest["layers"].values())
    checks = {(check["asset"], check["check"]): check["passed"] for check in latest["checks"]}
    assert checks[("anonymised_reviews", "no_pii_past_raw")] is True
    assert ("raw_s3", "raw_matches_manifest") in checks
    # Written once the run has ended: both serving layers' figures are this run's, and their checks are there.
    assert {layer["run_id"] for layer in latest["layers"].values()} == {latest["run_id"]}
    assert checks[("snowflake_views", "warehouse_equals_curated")] is True
    assert checks[("mongo_collections", "no_pii_in_mongo")] is True
    assert latest["status"] == "SUCCESS" and latest["failures"] == []
    assert latest["reviews"] == latest["layers"]["categorised_reviews"]["rows_out"]
    assert latest["model_version"]


def test_dagster_metadata_shows_an_anonymised_preview_and_no_planted_pii(platform):
    import dagster as dg

    instance = dagster_instance(platform["settings"])
    record = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("anonymised_reviews"), asset_partitions=[PARTITION]), limit=1
    ).records[0]
    metadata = record.asset_materialization.metadata
    assert metadata["preview"].value.startswith("| review_id | p_id | rating | pii_redactions |"), "no free text"
    assert metadata["reject_rate"].value > 0
    everything = json.dumps({name: str(value.value) for name, value in metadata.items()})
    assert metadata["pii_redactions_PERSON"].value > 0 and metadata["pii_redactions_EMAIL"].value > 0
    planted = platform["dataset"].planted_pii
    assert not [value for value in planted["value"].to_list() if value in everything]
