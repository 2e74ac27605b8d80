"""The Definitions object as the UI and the CLI see it."""

import itertools
import subprocess
import sys
from pathlib import Path

import dagster as dg

from review_platform.definitions import defs
from review_platform.partitions import daily_partitions

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LINEAGE = ["postgres_reviews", "raw_s3", "anonymised_reviews", "categorised_reviews"]


def test_six_daily_assets_in_lineage_order_and_the_model_upstream_of_categorisation():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == {*LINEAGE, "snowflake_views", "mongo_collections", "nlp_model"}
    for upstream, downstream in itertools.pairwise(LINEAGE):
        assert dg.AssetKey(upstream) in graph.get(dg.AssetKey(downstream)).parent_keys
    assert graph.get(dg.AssetKey("categorised_reviews")).parent_keys == {
        dg.AssetKey("anonymised_reviews"),
        dg.AssetKey("nlp_model"),
    }
    for serving in ("snowflake_views", "mongo_collections"):
        assert graph.get(dg.AssetKey(serving)).parent_keys == {dg.AssetKey("categorised_reviews")}
    for key in graph.get_all_asset_keys():
        expected = None if key == dg.AssetKey("nlp_model") else daily_partitions
        assert graph.get(key).partitions_def == expected


def test_the_daily_job_never_trains_the_model_nor_judges_freshness():
    job = defs.resolve_job_def("review_pipeline")
    selected = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert selected == {*LINEAGE, "snowflake_views", "mongo_collections"}
    checks = job.asset_layer.asset_graph.asset_check_keys
    assert checks and not [key for key in checks if "freshness" in key.name or key.asset_key.path == ["nlp_model"]]


def test_every_asset_has_a_blocking_error_check():
    for asset in defs.assets:
        blocking = [spec.name for spec in asset.check_specs if spec.blocking]
        assert blocking, f"{asset.key.to_user_string()} has no blocking check"


def test_dagster_cli_validates_the_workspace():
    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "All code locations passed validation" in result.stderr + result.stdout


def test_assets_are_grouped_by_layer_with_kinds_owners_and_schemas():
    specs = {spec.key.to_user_string(): spec for spec in defs.resolve_all_asset_specs()}
    expected_groups = {
        "postgres_reviews": "source",
        "raw_s3": "lake",
        "anonymised_reviews": "privacy",
        "categorised_reviews": "nlp",
        "snowflake_views": "serving",
        "mongo_collections": "serving",
    }
    for name, group in expected_groups.items():
        spec = specs[name]
        assert spec.group_name == group
        assert spec.kinds, f"{name} has no kind tags"
        assert spec.owners, f"{name} has no owner"
        assert spec.description and len(spec.description) > 60, f"{name} needs a description for analysts"
    for name in ("postgres_reviews", "raw_s3", "anonymised_reviews", "snowflake_views"):
        schema = specs[name].metadata["dagster/column_schema"]
        assert "review_id" in [column.name for column in schema.columns]
