"""The benchmark harness on a tiny run: the figures it returns are complete and consistent (no timing asserted)."""

import dataclasses
import json
import os
import time

import pytest

from review_platform.memory import heap_in_use_bytes, rss_mib
from review_platform.ops.bench import (
    BENCH_DATABASE_PREFIX,
    PeakRssSampler,
    bench_settings,
    day_sizes,
    drop_bench_database,
    format_report,
    growth_per_partition,
    run_benchmark,
)
from review_platform.ops.runs import LAYER_ORDER
from review_platform.resources import build_resources
from review_platform.resources.mongo import MongoResource
from review_platform.settings import ENV_PREFIX, PSEUDONYM_KEY_ENV, SLACK_TOKEN_ENV, load_settings

REVIEWS = 600
NLP_SAMPLE = 24
MONGO_SAMPLE = 50

# Every variable the settings read, pointing at production: the benchmark must use none of them.
PRODUCTION_ENVIRONMENT = {
    "REVIEW_PLATFORM_HOME": "/srv/review_platform",
    "REVIEW_PLATFORM_POSTGRES_URL": "postgresql://production.example/reviews",
    "REVIEW_PLATFORM_LAKE_URL": "s3://production-lake",
    "REVIEW_PLATFORM_WAREHOUSE_PATH": "/srv/review_platform/warehouse.duckdb",
    "REVIEW_PLATFORM_SNOWFLAKE_ACCOUNT": "production-account",
    "REVIEW_PLATFORM_SNOWFLAKE_USER": "loader",
    "REVIEW_PLATFORM_SNOWFLAKE_DATABASE": "REVIEWS",
    "REVIEW_PLATFORM_MONGO_URL": "mongodb://production.example:27017",
    "REVIEW_PLATFORM_MONGO_DATABASE": "review_platform",
    "REVIEW_PLATFORM_NLP_MODEL": "/srv/models/production",
    PSEUDONYM_KEY_ENV: "production-key",
    "REVIEW_PLATFORM_SLACK_CHANNEL": "#production-alerts",
    SLACK_TOKEN_ENV: "xoxb-production",
    "DAGSTER_HOME": "/srv/dagster_home",
}


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory):
    home = tmp_path_factory.mktemp("bench")
    platform_environment_before = _platform_environment()
    messages: list[str] = []
    result = run_benchmark(REVIEWS, home, messages.append, nlp_sample=NLP_SAMPLE, mongo_sample=MONGO_SAMPLE)
    return {
        "result": result,
        "messages": messages,
        "home": home,
        "platform_environment_before": platform_environment_before,
    }


def _platform_environment() -> dict[str, str]:
    """The variables the platform's settings read: the benchmark passes settings in and must leave these alone."""
    return {name: value for name, value in os.environ.items() if name.startswith(ENV_PREFIX) or name == "DAGSTER_HOME"}


def test_growth_is_judged_between_the_first_and_last_partition():
    assert growth_per_partition([1_000.0, 1_100.0, 1_060.0]) == 30.0
    assert growth_per_partition([1_000.0]) is None


def test_day_sizes_spread_reviews_over_days_of_at_most_20k():
    assert day_sizes(100_000) == [20_000] * 5
    assert day_sizes(20_001) == [10_001, 10_000]
    assert day_sizes(REVIEWS) == [REVIEWS]
    with pytest.raises(ValueError):
        day_sizes(0)


@pytest.mark.slow
def test_result_is_json_and_environment_is_untouched(benchmark):
    result = benchmark["result"]
    assert json.loads(json.dumps(result)) == result
    assert _platform_environment() == benchmark["platform_environment_before"]
    assert result["reviews"] == REVIEWS
    assert sum(result["reviews_per_partition"].values()) == REVIEWS
    assert result["partitions"] == list(result["reviews_per_partition"]) == [result["baseline_partition"]]
    assert benchmark["messages"], "progress is reported"


@pytest.mark.slow
def test_pipeline_rows_are_consistent_stage_to_stage(benchmark):
    pipeline = benchmark["result"]["pipeline"]
    assert pipeline["success"]
    assert not [check for check in pipeline["failed_checks"] if "(ERROR)" in check]
    stages = {stage["stage"]: stage for stage in pipeline["stages"]}
    assert list(stages) == LAYER_ORDER
    assert pipeline["rows"] == stages["postgres_reviews"]["rows"] == stages["raw_s3"]["rows"] == REVIEWS
    anonymised = pipeline["runs"][0]["layers"]["anonymised_reviews"]
    assert anonymised["rows_out"] + anonymised["rows_rejected"] == REVIEWS
    categorised = stages["categorised_reviews"]
    assert categorised["rows"] == categorised["rows_out"] == anonymised["rows_out"]
    assert stages["snowflake_views"]["rows_out"] == stages["mongo_collections"]["rows_out"] == categorised["rows"]
    for stage in stages.values():
        assert stage["materialised"] == 1
        assert stage["seconds"] >= 0 and stage["reviews_per_s"] >= 0
    assert pipeline["wall_s"] >= pipeline["stage_seconds_total"] > 0
    assert pipeline["reviews_per_s"] > 0


@pytest.mark.slow
def test_every_stage_has_a_positive_ratio_against_its_baseline(benchmark):
    result = benchmark["result"]
    comparisons = {comparison["stage"]: comparison for comparison in result["comparisons"]}
    assert list(comparisons) == [
        "postgres_reviews",
        "anonymised_reviews",
        "categorised_reviews",
        "snowflake_views",
        "mongo_collections",
    ]
    for comparison in comparisons.values():
        assert comparison["rows"] > 0 and comparison["baseline_rows"] > 0
        assert comparison["seconds"] > 0 and comparison["baseline_seconds"] > 0
        assert comparison["ratio"] > 0 and comparison["ratio_cpu"] > 0
        assert comparison["passed"] in (True, False, None)

    stages = {stage["stage"]: stage for stage in result["pipeline"]["stages"]}
    categorised_rows = stages["categorised_reviews"]["rows_out"]
    assert comparisons["postgres_reviews"]["rows"] == comparisons["postgres_reviews"]["baseline_rows"] == REVIEWS
    assert comparisons["postgres_reviews"]["copied_bytes"] > 0
    anonymiser = comparisons["anonymised_reviews"]
    assert anonymiser["rows"] == anonymiser["baseline_rows"] == REVIEWS
    assert anonymiser["anonymise_extract"]["accepted"] + anonymiser["anonymise_extract"]["rejected"] == REVIEWS
    assert anonymiser["anonymise_extract"]["accepted"] == categorised_rows
    assert 0 <= anonymiser["same_output_share"] <= 1 and anonymiser["redactions"] > 0

    nlp = comparisons["categorised_reviews"]
    assert 0 < nlp["rows"] <= categorised_rows
    assert nlp["baseline_rows"] == NLP_SAMPLE
    assert 0 <= nlp["cosine_min"] <= nlp["cosine_mean"] <= 1

    assert comparisons["snowflake_views"]["rows"] == comparisons["snowflake_views"]["baseline_rows"] == categorised_rows
    mongo = comparisons["mongo_collections"]
    assert mongo["rows"] == mongo["stored"] == categorised_rows
    assert mongo["baseline_rows"] == MONGO_SAMPLE


@pytest.mark.slow
def test_memory_figures_and_targets(benchmark):
    result = benchmark["result"]
    memory = result["memory"]
    assert memory["peak_rss_mib"] >= memory["peak_rss_after_pipeline_mib"] > 0
    assert len(memory["rss_after_partition_mib"]) == len(result["partitions"])
    for peak, after in zip(memory["peak_rss_during_partition_mib"], memory["rss_after_partition_mib"], strict=True):
        assert after <= peak <= memory["peak_rss_mib"] + 1  # ru_maxrss is in KiB, the samples in bytes
    if heap_in_use_bytes() is not None:
        assert len(memory["heap_in_use_after_partition_mib"]) == len(result["partitions"])
        assert 0 < memory["heap_in_use_after_partition_mib"][0] < memory["rss_after_partition_mib"][0]
    assert memory["growing"] is None and memory["rss_growth_mib"] is None  # one partition: nothing to compare
    assert memory["peak_growing"] is None and memory["peak_growth_per_partition_mib"] is None
    names = [target["name"] for target in result["targets"]]
    assert len(names) == 8 and names[0].startswith("end to end")
    assert all(target["passed"] in (True, False, None) for target in result["targets"])


@pytest.mark.slow
def test_scratch_tables_and_collections_are_dropped_and_layers_unchanged(benchmark):
    resources = build_resources(bench_settings(benchmark["home"]))  # the state the benchmark ran on
    partition = benchmark["result"]["baseline_partition"]
    categorised_rows = benchmark["result"]["pipeline"]["stages"][3]["rows_out"]
    tables = resources.warehouse.query("SELECT table_name FROM information_schema.tables")["table_name"]
    assert not [name for name in tables.to_list() if name.startswith("bench_")]
    assert resources.warehouse.count_by_partition("curated_reviews") == {partition: categorised_rows}
    with resources.mongo.connect() as db:
        assert not [name for name in db.list_collection_names() if name.startswith("bench_")]
    assert resources.mongo.count_by_partition("reviews") == {partition: categorised_rows}


@pytest.mark.slow
def test_report_shows_every_stage_end_to_end_and_memory(benchmark):
    report = format_report(benchmark["result"])
    for word in ("extraction", "anonymiser", "NLP", "warehouse load", "Mongo load", "end to end", "peak RSS"):
        assert word in report
    assert "cosine" in report
    assert "PASS" in report or "FAIL" in report
    assert benchmark["result"]["mongo"]["embedded"] and "--mongo-url measures it on a MongoDB server" in report


@pytest.fixture
def production_environment(monkeypatch):
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    # The process itself would go to production: what follows shows the benchmark does not.
    assert load_settings().postgres_url == PRODUCTION_ENVIRONMENT["REVIEW_PLATFORM_POSTGRES_URL"]


def test_the_benchmark_never_sends_anything_to_production_backends(tmp_path, production_environment):
    settings = bench_settings(tmp_path)
    assert settings == load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path)})  # nothing read from the environment
    assert settings.postgres_url is None and settings.snowflake is None and settings.nlp_model_path is None
    assert settings.lake_url == str(tmp_path / "lake") and settings.mongo_url == f"litemongo://{tmp_path / 'mongo'}"
    assert settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert settings.dagster_home == tmp_path / "dagster_home"
    assert not settings.pseudonym_key_from_env and not settings.alerts_enabled
    resources = build_resources(settings)
    assert resources.mongo.embedded and resources.slack is None


def test_a_mongo_server_gets_a_throw_away_database_and_nothing_else_leaves_the_fresh_state(
    tmp_path, production_environment
):
    settings = bench_settings(tmp_path, mongo_url="mongodb://bench.example:27017")
    assert settings.mongo_url == "mongodb://bench.example:27017"
    assert settings.mongo_database.startswith(BENCH_DATABASE_PREFIX)
    embedded = load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path)})
    # Every other layer stays the fresh embedded one.
    mongo_aside = dataclasses.replace(settings, mongo_url=embedded.mongo_url, mongo_database=embedded.mongo_database)
    assert mongo_aside == embedded
    again = bench_settings(tmp_path, mongo_url="mongodb://bench.example:27017")
    assert again.mongo_database != settings.mongo_database  # one database per run: never a previous run's
    assert {name: os.environ[name] for name in PRODUCTION_ENVIRONMENT} == PRODUCTION_ENVIRONMENT


def test_only_a_benchmark_database_is_ever_dropped(tmp_path):
    # The embedded engine stands in for a server here (none can run on this machine): the same pymongo calls.
    url = f"litemongo://{tmp_path / 'mongo'}"
    platform, scratch = MongoResource(url=url), MongoResource(url=url, database=f"{BENCH_DATABASE_PREFIX}test")
    for mongo in (platform, scratch):
        with mongo.connect() as db:
            db["reviews"].insert_one({"review_id": 1})
    with pytest.raises(RuntimeError, match="not a benchmark database"):
        drop_bench_database(platform)
    drop_bench_database(scratch)
    with platform.connect() as db:
        assert db["reviews"].count_documents({}) == 1
        assert f"{BENCH_DATABASE_PREFIX}test" not in db.client.list_database_names()


def test_the_peak_sampler_sees_memory_freed_before_the_partition_ends():
    with PeakRssSampler() as peaks:
        before = peaks.take(rss_mib())
        spike = b"x" * (200 * 1024 * 1024)  # written, so resident
        time.sleep(5 * PeakRssSampler.INTERVAL_S)
        del spike
        after = rss_mib()
        assert peaks.take(after) > max(before, after) + 150
        assert peaks.take(after) < before + 150  # taking starts over
