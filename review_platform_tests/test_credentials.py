"""Credentials in URLs never reach what the Dagster UI reads: the repository snapshot (what GraphQL serves) names
the environment variable, and a run still gets the value."""

import dagster as dg
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster._serdes import serialize_value

from review_platform.definitions import build_definitions
from review_platform.resources.postgres import PostgresResource
from review_platform.settings import load_settings

SECRET = "s3cret-Pa55"
URLS = {
    "REVIEW_PLATFORM_POSTGRES_URL": f"postgresql://review_loader:{SECRET}@db.example:5432/shop",
    "REVIEW_PLATFORM_MONGO_URL": f"mongodb://reviews:{SECRET}@mongo.example:27017/?authSource=admin",
    "REVIEW_PLATFORM_LAKE_URL": f"s3://AKIAEXAMPLE:{SECRET}@reviews-lake/prod",
}


def test_url_credentials_are_not_in_the_repository_snapshot_and_a_run_still_reads_them(monkeypatch, tmp_path):
    monkeypatch.setenv("REVIEW_PLATFORM_HOME", str(tmp_path))
    for variable, url in URLS.items():
        monkeypatch.setenv(variable, url)
    defs = build_definitions(load_settings())
    repository = defs.get_repository_def()
    snapshot = serialize_value(RepositorySnap.from_def(repository))
    assert SECRET not in snapshot
    for variable in URLS:
        assert variable in snapshot, "the UI names where the value comes from"

    postgres = repository.get_top_level_resources()["postgres"]

    @dg.asset
    def probe(postgres: PostgresResource) -> str:
        return postgres.url

    result = dg.materialize([probe], resources={"postgres": postgres})
    assert result.output_for_node("probe") == URLS["REVIEW_PLATFORM_POSTGRES_URL"]


def test_settings_given_as_a_mapping_stay_literal(tmp_path):
    settings = load_settings({"REVIEW_PLATFORM_HOME": str(tmp_path), **URLS})
    assert settings.url_variables == {}, "an EnvVar is read from the process environment, which this is not"
    assert settings.postgres_url == URLS["REVIEW_PLATFORM_POSTGRES_URL"]
