"""Layers 5 and 6, serving: one asset per serving store (the analysts' warehouse, the applications' Mongo).

Every store in `resources.SERVING_STORE_TYPES` gets the same asset shape: read the partition from CURATED and
REJECTED, leave out the buyers erased since (the register is read again just before publishing), publish it
through the `ServingStore` interface, read back what the store holds, and check it: counts against CURATED
(`<store>_equals_curated`), no PII in what it serves (`no_pii_in_<store>`: the detectors, and the day's buyers'
own names, e-mails and phones searched verbatim, as the guard before PROCESSED does), and its own health.
"""

import dataclasses
import time

import dagster as dg
import polars as pl

from review_platform.contract import CATEGORISED_SCHEMA
from review_platform.defs.privacy_guards import buyer_contacts, erased_buyers
from review_platform.defs.reporting import check_result, daily_check, layer_metadata, table_schema
from review_platform.partitions import daily_partitions
from review_platform.pii.anonymise import TEXT_COLUMNS
from review_platform.pii.guard import rows_with_buyer_values
from review_platform.pii.pseudonymise import without_erased
from review_platform.pii.redact import find_pii
from review_platform.quality.checks import CheckOutcome, counts_reconcile, no_leaking_rows
from review_platform.resources import SERVING_STORE_TYPES
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.postgres import PostgresResource
from review_platform.resources.privacy import PseudonymKeyResource
from review_platform.resources.serving import ServingStore

# What a failed `no_pii_in_<store>` means: unlike the guard before PROCESSED, it reads what is already served.
SERVED_LEAK_ADVICE = (
    "the store serves them now: extend the detectors in review_platform/pii, then re-run the partition from "
    "anonymised_reviews (each layer replaces it whole)"
)

# The layers whose latest figures the run journal collects, besides the other serving stores'.
LINEAGE_BEFORE_SERVING = ["postgres_reviews", "raw_s3", "anonymised_reviews", "categorised_reviews"]


def equals_curated_check(store_type: type[ServingStore]) -> str:
    return f"{store_type.store_name}_equals_curated"


def no_pii_check(store_type: type[ServingStore]) -> str:
    return f"no_pii_in_{store_type.store_name}"


def build_serving_asset(store_type: type[ServingStore]) -> dg.AssetsDefinition:
    """The asset that publishes each partition to one serving store, with its checks."""
    info = store_type.serving_asset
    check_names = (equals_curated_check(store_type), *store_type.health_checks, no_pii_check(store_type))

    @dg.asset(
        name=info.asset_name,
        partitions_def=daily_partitions,
        deps=["categorised_reviews"],
        group_name="serving",
        kinds=set(info.kinds),
        description=info.description,
        metadata={"dagster/column_schema": table_schema(CATEGORISED_SCHEMA), **info.metadata},
        owners=list(info.owners),
        required_resource_keys={"lake", "pseudonym_key", "postgres", store_type.resource_key},
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
        check_specs=[daily_check(name, info.asset_name) for name in check_names],
    )
    def serving_asset(context: dg.AssetExecutionContext):
        started = time.perf_counter()
        partition = context.partition_key
        lake: LakeResource = context.resources.lake
        store: ServingStore = getattr(context.resources, store_type.resource_key)
        pseudonym_key: PseudonymKeyResource = context.resources.pseudonym_key
        curated = lake.read_partition(PartitionRef(Zone.CURATED, REVIEWS_DATASET, partition))
        rejected = lake.read_partition(PartitionRef(Zone.REJECTED, REVIEWS_DATASET, partition))
        # Read last thing before publishing: a buyer erased while this run was in flight is not served.
        erased = erased_buyers(lake, pseudonym_key)
        curated, erased_curated = without_erased(curated, erased)
        rejected, erased_rejected = without_erased(rejected, erased)

        published = store.publish_partition(partition, curated, rejected)
        served = published.served_texts
        seconds = time.perf_counter() - started
        yield dg.MaterializeResult(
            metadata={
                **layer_metadata(curated.height, published.reviews_served, rejected.height, seconds),
                "erased_buyer_rows": dg.MetadataValue.int(erased_curated + erased_rejected),
                **published.metadata,
            },
            check_results=[
                # The leak guard reads back what the store now serves, not what was sent to it.
                check_result(no_pii_check(store_type), _served_leaks(context, served)),
                check_result(
                    equals_curated_check(store_type),
                    counts_reconcile(
                        f"{store_type.store_name} vs CURATED",
                        curated.height,
                        published.reviews_served,
                        f"Re-run {info.asset_name}.",
                    ),
                ),
                *(check_result(name, outcome) for name, outcome in published.health.items()),
            ],
        )

    return serving_asset


def _served_leaks(context: dg.AssetExecutionContext, served: pl.DataFrame) -> CheckOutcome:
    """The detectors, then the day's buyers' own values, over what the store serves. The buyers are those of the
    day's RAW partition; once RAW is purged (retention), only the detectors can look, and the check says so."""
    lake: LakeResource = context.resources.lake
    postgres: PostgresResource = context.resources.postgres
    raw_ref = PartitionRef(Zone.RAW, REVIEWS_DATASET, context.partition_key)
    own_values = None
    if lake.read_manifest(raw_ref) is not None:
        buyers = buyer_contacts(postgres, lake.read_partition(raw_ref).get_column("buyer_id"))
        own_values = rows_with_buyer_values(served, TEXT_COLUMNS, buyers)
        del buyers
    outcome = no_leaking_rows(
        find_pii(served, TEXT_COLUMNS), served.height, buyer_values=own_values, advice=SERVED_LEAK_ADVICE
    )
    if own_values is None:
        note = " (RAW is purged for this day: the buyers' own values were not searched for)"
        outcome = dataclasses.replace(outcome, description=outcome.description + note)
    return outcome


SERVING_ASSETS = [build_serving_asset(store_type) for store_type in SERVING_STORE_TYPES]
