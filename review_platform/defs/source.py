"""Layer 1, source: one day of reviews extracted from the operational PostgreSQL database."""

import time

import dagster as dg
import polars as pl

from review_platform.contract import SOURCE_SCHEMA
from review_platform.defs.reporting import check_result, daily_check, layer_metadata, table_schema
from review_platform.partitions import daily_partitions, partition_bounds, previous_days
from review_platform.quality.checks import volume_against_baseline
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.postgres import PostgresResource, SourceSchemaError


class LandingIOManager(dg.ConfigurableIOManager):
    """Hands the extract to `raw_s3` through the lake's restricted landing zone, so each step can run alone."""

    lake: dg.ResourceDependency[LakeResource]

    def _ref(self, context: dg.OutputContext | dg.InputContext) -> PartitionRef:
        return PartitionRef(Zone.LANDING, REVIEWS_DATASET, context.asset_partition_key)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        self.lake.write_partition(self._ref(context), obj)

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        return self.lake.read_partition(self._ref(context))


class VolumeCheckConfig(dg.Config):
    """How a day's volume is compared with usual activity: the median of the previous days kept in RAW."""

    baseline_days: int = 7
    min_history: int = 3
    warn_band: float = 2.0  # WARN below half or above twice the usual volume
    error_band: float = 5.0  # ERROR below a fifth or above five times the usual volume, and at zero rows


@dg.asset(
    partitions_def=daily_partitions,
    io_manager_key="landing_io_manager",
    group_name="source",
    kinds={"postgres", "polars"},
    owners=["team:data-engineering"],
    metadata={"dagster/column_schema": table_schema(SOURCE_SCHEMA)},
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    check_specs=[daily_check("volume_vs_usual", "postgres_reviews")],
)
def postgres_reviews(
    context: dg.AssetExecutionContext, config: VolumeCheckConfig, postgres: PostgresResource, lake: LakeResource
):
    """One UTC day of customer reviews from the operational database, with the product, its category and whether
    the buyer ordered the product before reviewing it. Buyer names, e-mails and phones are never extracted."""
    started = time.perf_counter()
    start, end = partition_bounds(context.partition_key)
    try:
        extract = postgres.extract_reviews(start, end)
    except SourceSchemaError as error:
        # A source whose schema drifted fails the same way on every attempt: no step retry, no run retry.
        raise dg.Failure(description=str(error), allow_retries=False) from None
    history = lake.row_counts(Zone.RAW, REVIEWS_DATASET, previous_days(context.partition_key, config.baseline_days))
    outcome = volume_against_baseline(extract.height, history, config.min_history, config.warn_band, config.error_band)
    yield dg.Output(extract, metadata=layer_metadata(extract.height, extract.height, 0, time.perf_counter() - started))
    yield check_result("volume_vs_usual", outcome)
