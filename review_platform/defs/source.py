"""Layer 1, source: one day of reviews extracted from the operational PostgreSQL database."""

import time

import dagster as dg
import polars as pl

from review_platform.defs.reporting import check_result, layer_metadata
from review_platform.partitions import daily_partitions, partition_bounds
from review_platform.quality.checks import CheckOutcome
from review_platform.resources.lake import LakeResource, PartitionRef, Zone
from review_platform.resources.postgres import PostgresResource


class LandingIOManager(dg.ConfigurableIOManager):
    """Hands the extract to `raw_s3` through the lake's restricted landing zone, so each step can run alone."""

    lake: dg.ResourceDependency[LakeResource]

    def _ref(self, context: dg.OutputContext | dg.InputContext) -> PartitionRef:
        return PartitionRef(Zone.LANDING, context.asset_key.path[-1], context.asset_partition_key)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        self.lake.write_partition(self._ref(context), obj)

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        return self.lake.read_partition(self._ref(context))


@dg.asset(
    partitions_def=daily_partitions,
    io_manager_key="landing_io_manager",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    check_specs=[dg.AssetCheckSpec("extract_not_empty", asset="postgres_reviews", blocking=True)],
)
def postgres_reviews(context: dg.AssetExecutionContext, postgres: PostgresResource):
    """One UTC day of customer reviews from the operational database, with the product, its category and whether
    the buyer ordered the product before reviewing it. Buyer names, e-mails and phones are never extracted."""
    started = time.perf_counter()
    start, end = partition_bounds(context.partition_key)
    extract = postgres.extract_reviews(start, end)
    outcome = CheckOutcome(
        extract.height > 0,
        f"{extract.height} reviews created on {context.partition_key}"
        + ("" if extract.height else ": the source returned nothing; check the source database and its loaders"),
        {"rows": extract.height},
    )
    yield dg.Output(extract, metadata=layer_metadata(extract.height, extract.height, 0, time.perf_counter() - started))
    yield check_result("extract_not_empty", outcome)
