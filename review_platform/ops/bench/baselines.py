"""Each stage's core operation timed next to what a first implementation would do, on one partition's data.

The platform's operation and its baseline run on the same rows in the same process; the scratch tables and
collections a baseline writes are dropped before it returns, and the layers it replaces end as they were.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from review_platform.ops.bench.platform_under_test import SEED
from review_platform.ops.bench.targets import (
    TARGET_EXTRACT_VS_COPY,
    TARGET_MONGO_VS_INSERT_ONE,
    TARGET_NLP_MIN_COSINE,
    TARGET_NLP_VS_NAIVE,
    TARGET_WAREHOUSE_VS_EXECUTEMANY,
)
from review_platform.ops.bench.timing import per_second, timed

if TYPE_CHECKING:
    from review_platform.resources import PlatformResources
    from review_platform.resources.mongo import MongoResource
    from review_platform.resources.nlp import NlpResource
    from review_platform.resources.postgres import PostgresResource
    from review_platform.resources.warehouse import WarehouseResource

# The naive NLP and Mongo baselines cost the same per review whatever their size: a sample of this many suffices.
NLP_NAIVE_SAMPLE = 1_000
MONGO_NAIVE_SAMPLE = 2_000


def compare(
    stage: str,
    operation: str,
    rows: int,
    timing: tuple[float, float],
    baseline: str,
    baseline_rows: int,
    baseline_timing: tuple[float, float],
    target: float | None,
    **extra: Any,
) -> dict[str, Any]:
    """One stage's core operation against its baseline; `timing` = (wall seconds, CPU seconds)."""
    (seconds, cpu), (baseline_seconds, baseline_cpu) = timing, baseline_timing
    speed, baseline_speed = per_second(rows, seconds), per_second(baseline_rows, baseline_seconds)
    ratio = speed / baseline_speed if baseline_speed else 0.0
    cpu_speed, baseline_cpu_speed = per_second(rows, cpu), per_second(baseline_rows, baseline_cpu)
    return {
        "stage": stage,
        "operation": operation,
        "rows": rows,
        "seconds": round(seconds, 4),
        "cpu_seconds": round(cpu, 4),
        "reviews_per_s": round(speed, 1),
        "baseline": baseline,
        "baseline_rows": baseline_rows,
        "baseline_seconds": round(baseline_seconds, 4),
        "baseline_cpu_seconds": round(baseline_cpu, 4),
        "baseline_reviews_per_s": round(baseline_speed, 1),
        "ratio": round(ratio, 3),
        # The same ratio on CPU seconds: steadier than wall time when other processes share the cores.
        "ratio_cpu": round(cpu_speed / baseline_cpu_speed, 3) if baseline_cpu_speed else 0.0,
        "target_ratio": target,
        "passed": None if target is None else ratio >= target,
        **extra,
    }


def extraction_vs_copy(postgres: PostgresResource, partition: str) -> dict[str, Any]:
    from psycopg import sql

    from review_platform.partitions import partition_bounds
    from review_platform.resources.postgres import EXTRACT_QUERY

    start, end = partition_bounds(partition)
    *timing, frame = timed(lambda: postgres.extract_reviews(start, end), repeats=3)

    query = sql.SQL(EXTRACT_QUERY).format(start=sql.Literal(start), end=sql.Literal(end))
    statement = sql.SQL("COPY ({}) TO STDOUT (FORMAT csv, HEADER)").format(query)

    def copy_to_bytes() -> int:
        buffer = io.BytesIO()
        with postgres.connect() as conn, conn.cursor().copy(statement) as copy:
            for chunk in copy:
                buffer.write(chunk)
        return buffer.getbuffer().nbytes

    *copy_timing, copied_bytes = timed(copy_to_bytes, repeats=3)
    return compare(
        "postgres_reviews",
        "PostgresResource.extract_reviews (COPY + polars parse)",
        frame.height,
        tuple(timing),
        "COPY (EXTRACT_QUERY) TO STDOUT into bytes",
        frame.height,
        tuple(copy_timing),
        TARGET_EXTRACT_VS_COPY,
        copied_bytes=copied_bytes,
    )


def anonymiser_vs_per_row(raw: pl.DataFrame, key: bytes, partition: str) -> dict[str, Any]:
    from review_platform.pii import redact_text
    from review_platform.pii.anonymise import anonymise_extract
    from review_platform.pii.redact import redact_texts

    def per_row_redact(texts: list[str | None]) -> list[str | None]:
        # What a first implementation does: each text on its own through the detectors, then the replacements.
        return [redact_text(text)[0] for text in texts]

    columns = ["title", "r_desc"]
    *timing, redacted = timed(lambda: redact_texts(raw, columns))
    full_seconds, full_cpu, (accepted, rejected) = timed(
        lambda: anonymise_extract(raw, key, dt.date.fromisoformat(partition))
    )
    titles, texts = raw["title"].to_list(), raw["r_desc"].to_list()
    *naive_timing, (naive_titles, naive_texts) = timed(lambda: (per_row_redact(titles), per_row_redact(texts)))
    same = sum(
        1
        for row in range(raw.height)
        if naive_titles[row] == redacted["title"][row] and naive_texts[row] == redacted["r_desc"][row]
    )
    comparison = compare(
        "anonymised_reviews",
        "redact_texts on the RAW frame (title, r_desc)",
        raw.height,
        tuple(timing),
        "redact_text (detect + replace) row by row",
        raw.height,
        tuple(naive_timing),
        None,
        same_output_share=round(same / raw.height, 4) if raw.height else 1.0,
        redactions=int(redacted["pii_redactions"].sum() or 0),
    )
    comparison["anonymise_extract"] = {
        "seconds": round(full_seconds, 4),
        "cpu_seconds": round(full_cpu, 4),
        "reviews_per_s": round(per_second(raw.height, full_seconds), 1),
        "accepted": accepted.height,
        "rejected": rejected.height,
        "ratio": round(naive_timing[0] / full_seconds, 3) if full_seconds else 0.0,
    }
    return comparison


def model_texts(processed: pl.DataFrame) -> list[str]:
    """The texts the categoriser sends to the model: title and text joined, placeholders out, scorable only."""
    from review_platform.nlp.cleaning import model_text, nlp_error

    features = processed.select(
        model_text(pl.col("title"), pl.col("text")).alias("t"),
        nlp_error(pl.col("title"), pl.col("text")).alias("e"),
    )
    return features.filter(pl.col("e").is_null())["t"].to_list()


def nlp_vs_naive(nlp: NlpResource, processed: pl.DataFrame, sample_size: int) -> dict[str, Any]:
    from review_platform.nlp.benchmark import naive_embed

    model = nlp.categoriser().model  # the categoriser's model: loaded once per process, already warm
    texts = model_texts(processed)
    model.embed(texts[:64])
    *timing, embeddings = timed(lambda: model.embed(texts))
    sample = sorted(random.Random(SEED).sample(range(len(texts)), min(sample_size, len(texts))))
    *naive_timing, reference = timed(lambda: naive_embed(model, [texts[row] for row in sample]))
    cosine = (embeddings[sample] * reference).sum(axis=1) if sample else embeddings[:0, 0]
    mean_cosine = float(cosine.mean()) if len(sample) else 1.0
    min_cosine = float(cosine.min()) if len(sample) else 1.0
    comparison = compare(
        "categorised_reviews",
        f"EmbeddingModel.embed ({getattr(model, 'precision', '?')}, sorted token-budget batches)",
        len(texts),
        tuple(timing),
        "one review per forward pass, fp32",
        len(sample),
        tuple(naive_timing),
        TARGET_NLP_VS_NAIVE,
        cosine_mean=round(min(max(mean_cosine, 0.0), 1.0), 6),
        cosine_min=round(min(max(min_cosine, 0.0), 1.0), 6),
        target_cosine=TARGET_NLP_MIN_COSINE,
    )
    comparison["passed"] = comparison["passed"] and min_cosine >= TARGET_NLP_MIN_COSINE
    return comparison


def warehouse_vs_executemany(warehouse: WarehouseResource, partition: str, curated: pl.DataFrame) -> dict[str, Any]:
    day = dt.date.fromisoformat(partition)
    # The same partition replaced by the same rows: the layer ends as it was.
    *timing, loaded = timed(lambda: warehouse.replace_partition("curated_reviews", day, curated))
    with warehouse.connect() as conn:
        conn.execute("DROP TABLE IF EXISTS bench_executemany")
        conn.execute("CREATE TABLE bench_executemany AS SELECT * FROM curated_reviews LIMIT 0")
        table_columns = [row[0] for row in conn.execute("DESCRIBE bench_executemany").fetchall()]
        columns = [name for name in curated.columns if name in table_columns]
        statement = f"INSERT INTO bench_executemany ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"

        def executemany() -> int:
            conn.executemany(statement, curated.select(columns).rows())
            return conn.execute("SELECT count(*) FROM bench_executemany").fetchone()[0]

        *naive_timing, inserted = timed(executemany)
        conn.execute("DROP TABLE bench_executemany")
    return compare(
        "snowflake_views",
        "WarehouseResource.replace_partition (Arrow, one transaction)",
        loaded,
        tuple(timing),
        "DuckDB executemany INSERT, fresh table",
        int(inserted),
        tuple(naive_timing),
        TARGET_WAREHOUSE_VS_EXECUTEMANY,
    )


def mongo_vs_insert_one(
    mongo: MongoResource, partition: str, curated: pl.DataFrame, sample_size: int
) -> dict[str, Any]:
    from review_platform.resources.mongo import REQUIRED_INDEXES, index_name

    def documents() -> list[dict[str, Any]]:
        # As the serving asset sends them: BSON has no date-only type, the partition date travels as a string.
        return curated.with_columns(pl.col("partition_date").cast(pl.String)).to_dicts()

    bulk_docs = documents()
    single_docs = documents()[:sample_size]
    bulk, single = "bench_replace_partition", "bench_insert_one"
    with mongo.connect() as db:
        for name in (bulk, single):
            db.drop_collection(name)
            for collection, keys, unique in REQUIRED_INDEXES:
                if collection == "reviews":  # the scratch collections are indexed like `reviews`
                    db[name].create_index(list(keys), unique=unique, name=index_name(keys))
    *timing, loaded = timed(lambda: mongo.replace_partition(bulk, partition, bulk_docs))

    def insert_one_loop() -> int:
        with mongo.connect() as db:
            target = db[single]
            for document in single_docs:
                target.insert_one(document)
            return target.count_documents({})

    *naive_timing, inserted = timed(insert_one_loop)
    with mongo.connect() as db:
        stored = db[bulk].count_documents({"partition_date": partition})
        for name in (bulk, single):
            db.drop_collection(name)
    return compare(
        "mongo_collections",
        "MongoResource.replace_partition (delete + bulk insert)",
        loaded,
        tuple(timing),
        f"insert_one loop, {len(single_docs):,} docs (scaled per doc)",
        int(inserted),
        tuple(naive_timing),
        TARGET_MONGO_VS_INSERT_ONE,
        stored=int(stored),
    )


def run_baselines(
    resources: PlatformResources, partition: str, nlp_sample: int, mongo_sample: int, on_progress: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Every stage's comparison on `partition`, in pipeline order, each layer read from the lake as it needs it."""
    from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone

    lake = resources.lake
    comparisons = []
    on_progress(f"baseline extraction vs COPY on {partition}")
    comparisons.append(extraction_vs_copy(resources.postgres, partition))
    raw = lake.read_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, partition))
    on_progress(f"baseline anonymiser vs per-row loop on {raw.height:,} rows")
    comparisons.append(anonymiser_vs_per_row(raw, resources.pseudonym_key.secret(), partition))
    del raw
    processed = lake.read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, partition))
    on_progress(f"baseline NLP vs naive fp32 on {processed.height:,} texts (naive: at most {nlp_sample:,})")
    comparisons.append(nlp_vs_naive(resources.nlp, processed, nlp_sample))
    del processed
    curated = lake.read_partition(PartitionRef(Zone.CURATED, REVIEWS_DATASET, partition))
    on_progress(f"baseline warehouse vs executemany on {curated.height:,} rows")
    comparisons.append(warehouse_vs_executemany(resources.warehouse, partition, curated))
    on_progress(f"baseline Mongo vs insert_one (at most {mongo_sample:,} docs)")
    comparisons.append(mongo_vs_insert_one(resources.mongo, partition, curated, mongo_sample))
    return comparisons
