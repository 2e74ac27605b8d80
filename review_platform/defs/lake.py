"""Layer 2, RAW zone: the extract kept as Parquet with a manifest, replaced atomically per partition."""

import datetime as dt
import time

import dagster as dg
import polars as pl

from review_platform.contract import SOURCE_SCHEMA
from review_platform.defs.reporting import check_result, daily_check, layer_metadata, table_schema
from review_platform.partitions import daily_partitions
from review_platform.quality.checks import counts_reconcile, lake_integrity
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone


@dg.asset(
    partitions_def=daily_partitions,
    group_name="lake",
    kinds={"s3", "parquet"},
    owners=["team:data-engineering"],
    metadata={"dagster/column_schema": table_schema(SOURCE_SCHEMA), "zone": "RAW (restricted: holds PII)"},
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    check_specs=[
        daily_check("raw_matches_manifest", "raw_s3"),
        daily_check("raw_equals_source", "raw_s3"),
    ],
)
def raw_s3(context: dg.AssetExecutionContext, postgres_reviews: pl.DataFrame, lake: LakeResource):
    """The day's extract as it came from the source, in the lake's RAW zone: Parquet plus a manifest (row
    count, checksum, extraction time). Holds personal data: restricted to the ingestion role."""
    started = time.perf_counter()
    ref = PartitionRef(Zone.RAW, REVIEWS_DATASET, context.partition_key)
    landing = lake.read_manifest(PartitionRef(Zone.LANDING, REVIEWS_DATASET, context.partition_key)) or {}
    extracted_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    # The rows of erased buyers the extract left out, so that the day still reconciles with its source.
    manifest = lake.write_partition(
        ref, postgres_reviews, extra={"extracted_at": extracted_at, "erased_rows": landing.get("erased_rows", 0)}
    )
    yield dg.MaterializeResult(
        metadata={
            **layer_metadata(postgres_reviews.height, manifest["row_count"], 0, time.perf_counter() - started),
            "sha256": manifest["files"][0]["sha256"],
            "bytes": dg.MetadataValue.int(manifest["files"][0]["bytes"]),
        },
        check_results=[
            check_result("raw_matches_manifest", lake_integrity(lake.verify_partition(ref), 1)),
            check_result(
                "raw_equals_source",
                counts_reconcile(
                    "RAW vs source extract",
                    postgres_reviews.height,
                    manifest["row_count"],
                    "Re-run raw_s3 for this partition.",
                ),
            ),
        ],
    )
