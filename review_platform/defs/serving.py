"""Layers 5 and 6, serving: the analysts' warehouse and the applications' Mongo collections."""

import datetime as dt
import time

import dagster as dg
import polars as pl

from review_platform.contract import CATEGORISED_SCHEMA
from review_platform.defs.reporting import check_result, layer_metadata, partition_journal, table_schema
from review_platform.partitions import daily_partitions
from review_platform.pii.anonymise import TEXT_COLUMNS
from review_platform.pii.redact import find_pii
from review_platform.quality.checks import counts_reconcile, indexes_present, no_leaking_rows, views_answer
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.mongo import MongoResource
from review_platform.resources.warehouse import WAREHOUSE_VIEWS, WarehouseResource

# The layers whose figures the run journal collects; serving layers report their own on their asset pages.
LINEAGE_BEFORE_SERVING = ["postgres_reviews", "raw_s3", "anonymised_reviews", "categorised_reviews", "snowflake_views"]


def _curated_and_rejected(lake: LakeResource, partition: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return (
        lake.read_partition(PartitionRef(Zone.CURATED, REVIEWS_DATASET, partition)),
        lake.read_partition(PartitionRef(Zone.REJECTED, REVIEWS_DATASET, partition)),
    )


@dg.asset(
    partitions_def=daily_partitions,
    deps=["categorised_reviews"],
    group_name="serving",
    kinds={"snowflake", "duckdb"},
    metadata={"dagster/column_schema": table_schema(CATEGORISED_SCHEMA), "views": ", ".join(WAREHOUSE_VIEWS)},
    owners=["team:data-engineering", "team:analytics"],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    check_specs=[
        dg.AssetCheckSpec("warehouse_equals_curated", asset="snowflake_views", blocking=True),
        dg.AssetCheckSpec("views_answer", asset="snowflake_views", blocking=True),
        dg.AssetCheckSpec("no_pii_in_warehouse", asset="snowflake_views", blocking=True),
    ],
)
def snowflake_views(context: dg.AssetExecutionContext, lake: LakeResource, warehouse: WarehouseResource):
    """The analysts' warehouse: tables `curated_reviews` and `rejected_reviews`, and the views
    `vw_reviews_by_product`, `vw_reviews_by_category` and `vw_data_quality` (the reject reasons per day)."""
    started = time.perf_counter()
    partition = context.partition_key
    curated, rejected = _curated_and_rejected(lake, partition)
    warehouse.ensure_schema()
    day = dt.date.fromisoformat(partition)
    warehouse.replace_partition("curated_reviews", day, curated)
    warehouse.replace_partition("rejected_reviews", day, rejected)

    loaded = warehouse.count_by_partition("curated_reviews").get(partition, 0)
    # The leak guard reads back what the warehouse now serves, not what was sent to it.
    stored = warehouse.query(
        "SELECT review_id, title, text FROM curated_reviews WHERE partition_date = ? UNION ALL "
        "SELECT review_id, title, text FROM rejected_reviews WHERE partition_date = ?",
        [day, day],
    )
    view_rows = {view: warehouse.query(f"SELECT count(*) AS n FROM {view}")["n"][0] for view in WAREHOUSE_VIEWS}
    yield dg.MaterializeResult(
        metadata=layer_metadata(curated.height, loaded, rejected.height, time.perf_counter() - started),
        check_results=[
            check_result("no_pii_in_warehouse", no_leaking_rows(find_pii(stored, TEXT_COLUMNS), stored.height)),
            check_result(
                "warehouse_equals_curated",
                counts_reconcile("warehouse vs CURATED", curated.height, loaded, "Re-run snowflake_views."),
            ),
            check_result("views_answer", views_answer(view_rows)),
        ],
    )


def _documents(frame: pl.DataFrame) -> list[dict]:
    # BSON has no date-only type: the partition date travels as its ISO string, which is also the filter key.
    return frame.with_columns(pl.col("partition_date").cast(pl.String)).to_dicts()


@dg.asset(
    partitions_def=daily_partitions,
    deps=["categorised_reviews"],
    group_name="serving",
    kinds={"mongodb"},
    metadata={"collections": "reviews, rejected_reviews, pipeline_runs"},
    owners=["team:data-engineering", "team:applications"],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    check_specs=[
        dg.AssetCheckSpec("mongo_equals_curated", asset="mongo_collections", blocking=True),
        dg.AssetCheckSpec("mongo_indexes_present", asset="mongo_collections", blocking=True),
        dg.AssetCheckSpec("no_pii_in_mongo", asset="mongo_collections", blocking=True),
    ],
)
def mongo_collections(context: dg.AssetExecutionContext, lake: LakeResource, mongo: MongoResource):
    """Collections for applications and front-ends: `reviews` (categorised), `rejected_reviews` (with the reason)
    and `pipeline_runs` (what each run did to each partition), indexed for fast look-ups."""
    started = time.perf_counter()
    partition = context.partition_key
    curated, rejected = _curated_and_rejected(lake, partition)
    journal = partition_journal(context.instance, context.run_id, partition, LINEAGE_BEFORE_SERVING)
    # One connection for the whole asset: the embedded engine rebuilds its query indexes on every connect.
    with mongo.session() as store:
        store.ensure_collections()
        store.replace_partition("reviews", partition, _documents(curated))
        store.replace_partition("rejected_reviews", partition, _documents(rejected))
        stored = store.count_partition("reviews", partition)
        documents = store.partition_texts(partition)
        seconds = time.perf_counter() - started
        store.record_run(
            {
                "run_id": context.run_id,
                "partition_date": partition,
                "reviews": curated.height,
                "rejected_reviews": rejected.height,
                "model_version": curated["model_version"][0] if curated.height else None,
                "recorded_at": dt.datetime.now(dt.UTC),
                **journal,
            }
        )
        missing = store.missing_indexes()
        guarantees = store.guarantees()
    yield dg.MaterializeResult(
        metadata={**layer_metadata(curated.height, stored, rejected.height, seconds), **guarantees},
        check_results=[
            check_result("no_pii_in_mongo", no_leaking_rows(find_pii(documents, TEXT_COLUMNS), documents.height)),
            check_result(
                "mongo_equals_curated",
                counts_reconcile("Mongo reviews vs CURATED", curated.height, stored, "Re-run mongo_collections."),
            ),
            check_result("mongo_indexes_present", indexes_present(missing)),
        ],
    )
