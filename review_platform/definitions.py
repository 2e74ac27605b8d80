"""The one Definitions object: assets, checks, jobs, schedules and resources of the review platform."""

from __future__ import annotations

import warnings

import dagster as dg

from review_platform.defs.alerts import build_alert_sensor
from review_platform.defs.journal import build_journal_sensor
from review_platform.defs.lake import raw_s3
from review_platform.defs.nlp import categorised_reviews
from review_platform.defs.nlp_model import nlp_model
from review_platform.defs.privacy import anonymised_reviews
from review_platform.defs.serving import SERVING_ASSETS
from review_platform.defs.source import LandingIOManager, postgres_reviews
from review_platform.resources import build_resources
from review_platform.settings import Settings, load_settings

# One day of reviews, layer by layer: what the daily job, its schedule and the backfills materialise.
DAILY_ASSETS = [postgres_reviews, raw_s3, anonymised_reviews, categorised_reviews, *SERVING_ASSETS]
# The serving layers must hold yesterday's reviews by then (UTC), when analysts and front-ends start reading.
SERVING_DEADLINE_CRON = "0 6 * * *"

# Freshness *checks* rather than the newer FreshnessPolicy, whose supersession warning is silenced here on purpose:
# in Dagster 1.13 a FreshnessPolicy judges an asset's latest materialization of any partition, so re-running an old
# day would count as fresh, while these checks ask for yesterday's partition by the deadline; and checks land in
# the event log as evaluations, which the Slack alerts read like every other check. Their sensor starts stopped
# (the demo's days are in the past): `dagster sensor start serving_freshness` in production.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    freshness_checks = dg.build_time_partition_freshness_checks(
        assets=SERVING_ASSETS, deadline_cron=SERVING_DEADLINE_CRON, timezone="UTC"
    )
    freshness_sensor = dg.build_sensor_for_freshness_checks(freshness_checks=freshness_checks, name="serving_freshness")


review_pipeline = dg.define_asset_job(
    "review_pipeline",
    # Freshness is judged against the clock by its own sensor, not as part of loading a (possibly old) day.
    selection=dg.AssetSelection.assets(*DAILY_ASSETS) - dg.AssetSelection.checks(*freshness_checks),
    description="Extract, keep, anonymise, categorise and serve one day of reviews.",
)


# Yesterday's partition, every night; switch it on in the UI (Automation) or with `dagster schedule start`.
daily_schedule = dg.build_schedule_from_partitioned_job(
    review_pipeline,
    name="review_pipeline_daily",
    hour_of_day=2,
    minute_of_hour=30,
    description="Materialises yesterday's partition at 02:30 UTC.",
)


def build_definitions(settings: Settings) -> dg.Definitions:
    """The platform's Definitions, with resources wired to the backends `settings` describe."""
    dagster_resources = build_resources(settings).as_dagster(settings.url_variables)
    sensors = [freshness_sensor, build_journal_sensor()]
    if settings.alerts_enabled:
        sensors.append(build_alert_sensor(settings.ui_url))
    return dg.Definitions(
        # nlp_model (unpartitioned) is upstream of categorised_reviews but retrained on purpose, never nightly.
        assets=[*DAILY_ASSETS, nlp_model],
        asset_checks=freshness_checks,
        jobs=[review_pipeline],
        schedules=[daily_schedule],
        sensors=sensors,
        # One process per run: the NLP model loads once and the steps, mostly sequential, skip a Python start each.
        executor=dg.in_process_executor,
        resources={**dagster_resources, "landing_io_manager": LandingIOManager(lake=dagster_resources["lake"])},
    )


# What `dagster dev`, the daemon and the code server load: the settings of the process's environment.
defs = build_definitions(load_settings())
