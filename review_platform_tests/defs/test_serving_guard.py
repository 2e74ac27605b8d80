"""The serving stores' leak checks read back what each store serves, with the detectors and with the day's buyers'
own values, as the guard before PROCESSED does: a value that reached CURATED by another way than the pipeline's
redactor (a hand-made fix, a bug in a later layer) is still seen in the warehouse (fakesnow, as everywhere in the
tests) and in Mongo."""

import datetime as dt

import dagster as dg
import polars as pl

from review_platform.definitions import build_definitions
from review_platform.ops.runs import QUIET_CONSOLE
from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone
from review_platform_tests.platform_fixture import make_platform

DAY = dt.date(2026, 6, 3)
SERVING = [dg.AssetKey("snowflake_views"), dg.AssetKey("mongo_collections")]


def serving_checks(platform, run_id: str) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        evaluation.check_name: evaluation
        for record in platform.instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        if (evaluation := record.event_log_entry.dagster_event.event_specific_data).check_name.startswith("no_pii_in")
    }


def publish_only(platform) -> dg.ExecuteInProcessResult:
    job = build_definitions(platform.settings).resolve_job_def("review_pipeline")
    return job.execute_in_process(
        partition_key=DAY.isoformat(),
        instance=platform.instance,
        asset_selection=SERVING,
        raise_on_error=False,
        run_config=QUIET_CONSOLE,
    )


def test_a_buyers_own_name_in_curated_fails_both_serving_checks_without_showing_it(tmp_path, monkeypatch):
    platform = make_platform(monkeypatch, tmp_path)
    dataset = platform.seed(DAY, 80)
    assert platform.run([DAY.isoformat()])[0].success
    lake = platform.resources.lake
    curated_ref = PartitionRef(Zone.CURATED, REVIEWS_DATASET, DAY.isoformat())
    curated = lake.read_partition(curated_ref)
    raw = lake.read_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, DAY.isoformat()))
    # A lowercase name, as no detector finds it, given to the review of its own buyer.
    review_id = curated["review_id"][0]
    buyer_id = raw.filter(pl.col("review_id") == review_id)["buyer_id"][0]
    buyer = dataset.customer.filter(pl.col("buyer_id") == buyer_id).row(0, named=True)
    own_name = f"{buyer['fname']} {buyer['lname']}".lower()
    planted = curated.with_columns(
        pl.when(pl.col("review_id") == review_id)
        .then(pl.col("text") + f" bisous, {own_name}")
        .otherwise(pl.col("text"))
        .alias("text")
    )
    lake.write_partition(curated_ref, planted)

    result = publish_only(platform)
    checks = serving_checks(platform, result.run_id)
    assert set(checks) == {"no_pii_in_warehouse", "no_pii_in_mongo"}
    for name, evaluation in checks.items():
        assert evaluation.passed is False and evaluation.severity is dg.AssetCheckSeverity.ERROR, name
        assert evaluation.metadata["rows_with_buyer_values"].value == 1, name
        assert str(review_id) in evaluation.description and "the store serves them now" in evaluation.description
        assert own_name not in evaluation.description.lower() and buyer["lname"] not in evaluation.description


def test_once_raw_is_purged_the_serving_checks_say_only_the_detectors_looked(tmp_path, monkeypatch):
    platform = make_platform(monkeypatch, tmp_path)
    platform.seed(DAY, 40)
    assert platform.run([DAY.isoformat()])[0].success
    platform.resources.lake.delete_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, DAY.isoformat()))

    result = publish_only(platform)
    assert result.success
    for name, evaluation in serving_checks(platform, result.run_id).items():
        assert evaluation.passed, name
        assert "buyers' own values were not searched for" in evaluation.description, name
