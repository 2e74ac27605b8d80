"""Layer 1, source: one day of reviews extracted from the operational PostgreSQL database."""

import time

import dagster as dg
import polars as pl

from review_platform.contract import SOURCE_SCHEMA
from review_platform.defs.privacy_guards import erased_buyers
from review_platform.defs.reporting import check_result, daily_check, layer_metadata, table_schema
from review_platform.partitions import daily_partitions, partition_bounds, previous_days
from review_platform.pii.pseudonymise import without_erased_ids
from review_platform.quality.checks import volume_against_baseline
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.postgres import PostgresResource, SourceSchemaError
from review_platform.resources.privacy import PseudonymKeyResource

# Output metadata that the landing manifest keeps, so that RAW and the later layers can account for those rows.
ERASED_ROWS = "erased_buyer_rows"


class LandingIOManager(dg.ConfigurableIOManager):
    """Hands the extract to `raw_s3` through the lake's restricted landing zone, so each step can run alone."""

    lake: dg.ResourceDependency[LakeResource]

    def _ref(self, context: dg.OutputContext | dg.InputContext) -> PartitionRef:
        return PartitionRef(Zone.LANDING, REVIEWS_DATASET, context.asset_partition_key)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        erased = context.output_metadata.get(ERASED_ROWS)
        self.lake.write_partition(self._ref(context), obj, extra={"erased_rows": getattr(erased, "value", erased) or 0})

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
    check_specs=[
        daily_check("volume_vs_usual", "postgres_reviews"),
        # Not blocking: odd order or product counts are worth a look, but do not make the reviews wrong.
        daily_check("products_vs_usual", "postgres_reviews", blocking=False),
        daily_check("orders_vs_usual", "postgres_reviews", blocking=False),
    ],
)
def postgres_reviews(
    context: dg.AssetExecutionContext,
    config: VolumeCheckConfig,
    postgres: PostgresResource,
    lake: LakeResource,
    pseudonym_key: PseudonymKeyResource,
):
    """One UTC day of customer reviews from the operational database, with the product, its category and whether
    the buyer ordered the product before reviewing it. Buyer names, e-mails and phones are never extracted, and
    the reviews of buyers erased under GDPR are left out, even when the source still holds them."""
    started = time.perf_counter()
    start, end = partition_bounds(context.partition_key)
    try:
        extract = postgres.extract_reviews(start, end)
    except SourceSchemaError as error:
        # A source whose schema drifted fails the same way on every attempt: no step retry, no run retry.
        raise dg.Failure(description=str(error), allow_retries=False) from None
    extract, erased = without_erased_ids(extract, erased_buyers(lake, pseudonym_key), pseudonym_key.secret())
    day = context.partition_key
    history = lake.row_counts(Zone.RAW, REVIEWS_DATASET, previous_days(day, config.baseline_days))
    volume = [config.min_history, config.warn_band, config.error_band]
    products, orders = extract["p_id"].drop_nulls().n_unique(), postgres.count_orders(start, end)
    earlier = _earlier_figures(context.instance, day, config.baseline_days)
    yield dg.Output(
        extract,
        metadata={
            **layer_metadata(extract.height, extract.height, 0, time.perf_counter() - started),
            "products": dg.MetadataValue.int(products),
            "orders": dg.MetadataValue.int(orders),
            ERASED_ROWS: dg.MetadataValue.int(erased),
        },
    )
    yield check_result("volume_vs_usual", volume_against_baseline(extract.height, history, *volume))
    yield check_result(
        "products_vs_usual",
        volume_against_baseline(products, earlier["products"], *volume, what="products reviewed"),
    )
    yield check_result("orders_vs_usual", volume_against_baseline(orders, earlier["orders"], *volume, what="orders"))


def _earlier_figures(instance: dg.DagsterInstance, partition: str, days: int) -> dict[str, list[int]]:
    """The products and orders counted by the latest extract of each of the `days` previous partitions."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(
            asset_key=dg.AssetKey("postgres_reviews"), asset_partitions=previous_days(partition, days)
        ),
        limit=days * 20,
    ).records  # newest first: the first record of a partition is its latest extract
    latest: dict[str, dict] = {}
    for record in records:
        latest.setdefault(record.partition_key, record.asset_materialization.metadata)
    return {
        figure: [metadata[figure].value for metadata in latest.values() if figure in metadata]
        for figure in ("products", "orders")
    }
