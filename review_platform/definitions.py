"""The one Definitions object: assets, checks, jobs, schedules and resources of the review platform."""

from __future__ import annotations

import dagster as dg

from review_platform.defs.lake import raw_s3
from review_platform.defs.nlp import categorised_reviews
from review_platform.defs.privacy import anonymised_reviews
from review_platform.defs.serving import mongo_collections, snowflake_views
from review_platform.defs.source import LandingIOManager, postgres_reviews
from review_platform.partitions import daily_partitions
from review_platform.resources import build_resources
from review_platform.settings import load_settings

ALL_ASSETS = [
    postgres_reviews,
    raw_s3,
    anonymised_reviews,
    categorised_reviews,
    snowflake_views,
    mongo_collections,
]

review_pipeline = dg.define_asset_job(
    "review_pipeline",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    partitions_def=daily_partitions,
    description="Extract, keep, anonymise, categorise and serve one day of reviews.",
)


def build_definitions() -> dg.Definitions:
    resources = build_resources(load_settings())
    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[review_pipeline],
        resources={**resources, "landing_io_manager": LandingIOManager(lake=resources["lake"])},
    )


defs = build_definitions()
