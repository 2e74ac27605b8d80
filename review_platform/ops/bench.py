"""A benchmark of every stage of the pipeline against a naive baseline, on the same data, in the same process.

`run_benchmark` builds a fresh embedded platform in a folder, generates and loads N reviews (at most
`MAX_REVIEWS_PER_DAY` a day), runs the six assets through Dagster for those days, then times, on the first day's
data, the core operation of each stage next to what a first implementation would do:

| stage       | core operation (the platform's)              | naive baseline                                  |
|-------------|----------------------------------------------|-------------------------------------------------|
| extraction  | `PostgresResource.extract_reviews`           | `COPY (EXTRACT_QUERY) TO STDOUT` into bytes      |
| anonymiser  | `redact_texts` on the RAW frame              | `redact_text` (detect + replace) row by row      |
| NLP         | `EmbeddingModel.embed` on the day's texts    | one text per forward pass, fp32, no autocast     |
| warehouse   | `WarehouseResource.replace_partition`        | DuckDB `executemany` INSERT into a fresh table   |
| Mongo       | `MongoResource.replace_partition`            | an `insert_one` loop into a scratch collection   |

Every figure is returned as a JSON-serialisable dict; `format_report` prints it as a table with the targets.
Nothing here is pipeline logic: it only orchestrates resources, `pipeline.run_partitions` and the generator.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import random
import resource
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from review_platform.memory import MIB, heap_in_use_bytes, rss_mib
from review_platform.resources import PlatformResources
from review_platform.settings import Settings, load_settings

MAX_REVIEWS_PER_DAY = 20_000
FIRST_DAY = dt.date(2026, 10, 1)
SEED = 42
NLP_NAIVE_SAMPLE = 1_000
MONGO_NAIVE_SAMPLE = 2_000
# On a MongoDB server (`mongo_url`) the benchmark writes to a database of this prefix, dropped when it ends.
BENCH_DATABASE_PREFIX = "review_platform_bench_"

# Targets the figures are judged against (issue 9).
TARGET_END_TO_END_REVIEWS_PER_S = 400.0
TARGET_EXTRACT_VS_COPY = 0.5
TARGET_WAREHOUSE_VS_EXECUTEMANY = 50.0
TARGET_MONGO_VS_INSERT_ONE = 10.0
TARGET_NLP_VS_NAIVE = 4.0
TARGET_NLP_MIN_COSINE = 0.999
TARGET_PEAK_RSS_MIB = 2048.0
# RSS may move a little between partitions (allocator caches); more than this per partition is growth.
RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION = 32.0

STAGE_LABELS = {
    "postgres_reviews": "extraction",
    "raw_s3": "RAW write",
    "anonymised_reviews": "anonymiser",
    "categorised_reviews": "NLP",
    "snowflake_views": "warehouse load",
    "mongo_collections": "Mongo load",
}


# ---------------------------------------------------------------------------------------------------------------
# Process figures
# ---------------------------------------------------------------------------------------------------------------


def _peak_rss_mib() -> float:
    """The process's peak resident memory so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if os.uname().sysname == "Darwin" else peak / 1024


class PeakRssSampler:
    """The highest RSS seen since the last `take`, sampled by a daemon thread (ru_maxrss only knows the whole run's)."""

    INTERVAL_S = 0.05

    def __init__(self) -> None:
        self._peak = 0.0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-peak-rss", daemon=True)

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stopped.wait(self.INTERVAL_S):
            rss = rss_mib()
            with self._lock:
                self._peak = max(self._peak, rss)

    def take(self, now: float) -> float:
        """The peak since the last call (at least `now`, the RSS just read), and start over."""
        with self._lock:
            peak, self._peak = max(self._peak, now), 0.0
        return peak


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _torch_threads() -> int | None:
    import sys

    torch = sys.modules.get("torch")  # only once the NLP stage has loaded it
    return torch.get_num_threads() if torch is not None else None


def _per_s(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else 0.0


def _timed(function: Callable[[], Any], repeats: int = 1) -> tuple[float, float, Any]:
    """(best wall seconds over `repeats` calls, the process CPU seconds of that call, the last call's result).

    CPU seconds count every thread of the process; next to wall seconds they show how much of a figure is waiting
    (I/O, another process on the same cores) rather than work.
    """
    best, best_cpu, result = math.inf, math.inf, None
    for _ in range(max(repeats, 1)):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if wall < best:
            best, best_cpu = wall, cpu
    return best, best_cpu, result


# ---------------------------------------------------------------------------------------------------------------
# The platform under test
# ---------------------------------------------------------------------------------------------------------------


def bench_settings(home: Path, mongo_url: str | None = None) -> Settings:
    """A fresh embedded platform in `home`, whatever this process's environment says (no production backend, no
    alerts, a generated key). With `mongo_url`, the Mongo layer alone goes to that server, in a database of its own
    named for this run."""
    environ = {"REVIEW_PLATFORM_HOME": str(home)}
    if mongo_url:
        environ["REVIEW_PLATFORM_MONGO_URL"] = mongo_url
        environ["REVIEW_PLATFORM_MONGO_DATABASE"] = f"{BENCH_DATABASE_PREFIX}{secrets.token_hex(4)}"
    return load_settings(environ)


def _drop_bench_database(mongo) -> None:
    with mongo.connect() as db:
        if not db.name.startswith(BENCH_DATABASE_PREFIX):  # only ever the throw-away one this run created
            raise RuntimeError(f"refusing to drop database {db.name!r}: not a benchmark database")
        db.client.drop_database(db.name)


def day_sizes(reviews: int, max_per_day: int = MAX_REVIEWS_PER_DAY) -> list[int]:
    """Split `reviews` over as few days as keep each under `max_per_day`, as evenly as possible."""
    if reviews <= 0:
        raise ValueError("reviews must be positive")
    days = math.ceil(reviews / max_per_day)
    base, extra = divmod(reviews, days)
    return [base + 1 if day < extra else base for day in range(days)]


def _seed_source(postgres, sizes: list[int], on_progress: Callable[[str], None]) -> tuple[list[str], float]:
    """Generate and load one day at a time (a day's rows depend only on seed and date), so memory stays flat."""
    from review_platform.demo.generator import generate_demo_data
    from review_platform.resources.postgres import SOURCE_TABLES

    postgres.ensure_schema()
    partitions, started = [], time.perf_counter()
    for offset, size in enumerate(sizes):
        day = FIRST_DAY + dt.timedelta(days=offset)
        dataset = generate_demo_data(day, 1, size, seed=SEED)
        postgres.load_tables({name: getattr(dataset, name) for name in SOURCE_TABLES})
        partitions.append(day.isoformat())
        on_progress(f"seeded {day.isoformat()}: {size:,} reviews")
    return partitions, time.perf_counter() - started


def _run_pipeline(
    settings: Settings, instance, partitions: list[str], on_progress: Callable[[str], None]
) -> dict[str, Any]:
    from review_platform.ops.runs import LAYER_ORDER, run_partitions

    rss_after: list[float] = []
    peak_during: list[float] = []
    heap_after: list[float] = []

    def progress(index: int, total: int, partition: str, run) -> None:
        if run is None:
            peaks.take(rss_mib())  # the peak from here on is this partition's
            on_progress(f"pipeline {index}/{total}: {partition} ...")
            return
        rss_after.append(rss_mib())
        peak_during.append(peaks.take(rss_after[-1]))
        if (heap := heap_in_use_bytes()) is not None:
            heap_after.append(heap / MIB)
        on_progress(
            f"pipeline {index}/{total}: {partition} {'ok' if run.success else 'FAILED'} in {run.seconds:.1f} s, "
            f"RSS {rss_after[-1]:.0f} MiB (peak {peak_during[-1]:.0f})"
        )

    with PeakRssSampler() as peaks:
        started, started_cpu = time.perf_counter(), time.process_time()
        runs = run_partitions(settings, instance, partitions, on_progress=progress)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu

    stages = []
    for asset in LAYER_ORDER:
        layers = [run.layers.get(asset, {}) for run in runs]
        rows = int(sum(layer.get("rows_in", 0) for layer in layers))
        seconds = float(sum(layer.get("duration_s", 0.0) for layer in layers))
        stages.append(
            {
                "stage": asset,
                "label": STAGE_LABELS.get(asset, asset),
                "rows": rows,
                "rows_out": int(sum(layer.get("rows_out", 0) for layer in layers)),
                "seconds": round(seconds, 3),
                "reviews_per_s": round(_per_s(rows, seconds), 1),
                "materialised": sum(1 for layer in layers if layer),
            }
        )
    source_rows = stages[0]["rows"] if stages else 0
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),  # this process only: PostgreSQL's own work is in its server processes
        "rows": source_rows,
        "reviews_per_s": round(_per_s(source_rows, wall), 1),
        "stage_seconds_total": round(sum(stage["seconds"] for stage in stages), 3),
        "dagster_overhead_s": round(wall - sum(stage["seconds"] for stage in stages), 3),
        "success": all(run.success for run in runs),
        "failed_checks": sorted({check for run in runs for check in run.failed_checks}),
        "runs": [
            {
                "partition": run.partition,
                "success": run.success,
                "seconds": round(run.seconds, 3),
                "run_id": run.run_id,
                "layers": {asset: dict(figures) for asset, figures in run.layers.items()},
            }
            for run in runs
        ],
        "stages": stages,
        "rss_after_partition_mib": [round(value, 1) for value in rss_after],
        "peak_rss_during_partition_mib": [round(value, 1) for value in peak_during],
        "heap_in_use_after_partition_mib": [round(value, 1) for value in heap_after],
    }


# ---------------------------------------------------------------------------------------------------------------
# Baselines, one per stage, on one partition's data
# ---------------------------------------------------------------------------------------------------------------


def _comparison(
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
    speed, baseline_speed = _per_s(rows, seconds), _per_s(baseline_rows, baseline_seconds)
    ratio = speed / baseline_speed if baseline_speed else 0.0
    cpu_speed, baseline_cpu_speed = _per_s(rows, cpu), _per_s(baseline_rows, baseline_cpu)
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


def _extraction_vs_copy(postgres, partition: str) -> dict[str, Any]:
    from psycopg import sql

    from review_platform.partitions import partition_bounds
    from review_platform.resources.postgres import EXTRACT_QUERY

    start, end = partition_bounds(partition)
    *timing, frame = _timed(lambda: postgres.extract_reviews(start, end), repeats=3)

    query = sql.SQL(EXTRACT_QUERY).format(start=sql.Literal(start), end=sql.Literal(end))
    statement = sql.SQL("COPY ({}) TO STDOUT (FORMAT csv, HEADER)").format(query)

    def copy_to_bytes() -> int:
        buffer = io.BytesIO()
        with postgres.connect() as conn, conn.cursor().copy(statement) as copy:
            for chunk in copy:
                buffer.write(chunk)
        return buffer.getbuffer().nbytes

    *copy_timing, copied_bytes = _timed(copy_to_bytes, repeats=3)
    return _comparison(
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


def _naive_redact(texts: list[str | None]) -> list[str | None]:
    """What a first implementation does: each text on its own through the detectors, then the replacements."""
    try:
        from review_platform.pii import redact_text
    except ImportError:  # an older pii package: detect + replace by hand
        from review_platform.pii import detect

        def redact_text(text):
            if text is None:
                return None, []
            entities = detect(text)
            for entity in sorted(entities, key=lambda e: e.start, reverse=True):
                text = f"{text[: entity.start]}<{entity.type.value}>{text[entity.end :]}"
            return text, entities

    return [redact_text(text)[0] for text in texts]


def _anonymiser_vs_per_row(raw: pl.DataFrame, key: bytes, partition: str) -> dict[str, Any]:
    from review_platform.pii.anonymise import anonymise_extract
    from review_platform.pii.redact import redact_texts

    columns = ["title", "r_desc"]
    *timing, redacted = _timed(lambda: redact_texts(raw, columns))
    full_seconds, full_cpu, (accepted, rejected) = _timed(
        lambda: anonymise_extract(raw, key, dt.date.fromisoformat(partition))
    )
    titles, texts = raw["title"].to_list(), raw["r_desc"].to_list()
    *naive_timing, (naive_titles, naive_texts) = _timed(lambda: (_naive_redact(titles), _naive_redact(texts)))
    same = sum(
        1
        for row in range(raw.height)
        if naive_titles[row] == redacted["title"][row] and naive_texts[row] == redacted["r_desc"][row]
    )
    comparison = _comparison(
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
        "reviews_per_s": round(_per_s(raw.height, full_seconds), 1),
        "accepted": accepted.height,
        "rejected": rejected.height,
        "ratio": round(naive_timing[0] / full_seconds, 3) if full_seconds else 0.0,
    }
    return comparison


def _model_texts(processed: pl.DataFrame) -> list[str]:
    """The texts the categoriser sends to the model: title and text joined, placeholders out, scorable only."""
    try:
        from review_platform.nlp.cleaning import model_text, nlp_error

        features = processed.select(
            model_text(pl.col("title"), pl.col("text")).alias("t"),
            nlp_error(pl.col("title"), pl.col("text")).alias("e"),
        )
        return features.filter(pl.col("e").is_null())["t"].to_list()
    except ImportError:  # an older nlp package: title and text as they are
        joined = pl.concat_str([pl.col("title").fill_null(""), pl.col("text").fill_null("")], separator=". ")
        return processed.select(joined.alias("t"))["t"].to_list()


def _naive_embed(model, texts: list[str]):
    """One text per forward pass, fp32, no autocast, no padding: the reference for the optimised path."""
    import numpy as np
    import torch

    from review_platform.nlp.model import MAX_TOKENS

    output = np.empty((len(texts), model.dimension), dtype=np.float32)
    with torch.inference_mode():
        for row, text in enumerate(texts):
            encoded = model.tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            hidden = model.model(**encoded).last_hidden_state[0].to(torch.float32)
            output[row] = torch.nn.functional.normalize(hidden.mean(dim=0), dim=0).numpy()
    return output


def _nlp_vs_naive(nlp, processed: pl.DataFrame, sample_size: int) -> dict[str, Any]:
    model = nlp.categoriser().model  # the categoriser's model: loaded once per process, already warm
    texts = _model_texts(processed)
    model.embed(texts[:64])
    *timing, embeddings = _timed(lambda: model.embed(texts))
    sample = sorted(random.Random(SEED).sample(range(len(texts)), min(sample_size, len(texts))))
    *naive_timing, reference = _timed(lambda: _naive_embed(model, [texts[row] for row in sample]))
    cosine = (embeddings[sample] * reference).sum(axis=1) if sample else embeddings[:0, 0]
    mean_cosine = float(cosine.mean()) if len(sample) else 1.0
    min_cosine = float(cosine.min()) if len(sample) else 1.0
    comparison = _comparison(
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


def _warehouse_vs_executemany(warehouse, partition: str, curated: pl.DataFrame) -> dict[str, Any]:
    day = dt.date.fromisoformat(partition)
    # The same partition replaced by the same rows: the layer ends as it was.
    *timing, loaded = _timed(lambda: warehouse.replace_partition("curated_reviews", day, curated))
    with warehouse.connect() as conn:
        conn.execute("DROP TABLE IF EXISTS bench_executemany")
        conn.execute("CREATE TABLE bench_executemany AS SELECT * FROM curated_reviews LIMIT 0")
        table_columns = [row[0] for row in conn.execute("DESCRIBE bench_executemany").fetchall()]
        columns = [name for name in curated.columns if name in table_columns]
        statement = f"INSERT INTO bench_executemany ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"

        def executemany() -> int:
            conn.executemany(statement, curated.select(columns).rows())
            return conn.execute("SELECT count(*) FROM bench_executemany").fetchone()[0]

        *naive_timing, inserted = _timed(executemany)
        conn.execute("DROP TABLE bench_executemany")
    return _comparison(
        "snowflake_views",
        "WarehouseResource.replace_partition (Arrow, one transaction)",
        loaded,
        tuple(timing),
        "DuckDB executemany INSERT, fresh table",
        int(inserted),
        tuple(naive_timing),
        TARGET_WAREHOUSE_VS_EXECUTEMANY,
    )


def _mongo_vs_insert_one(mongo, partition: str, curated: pl.DataFrame, sample_size: int) -> dict[str, Any]:
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
    *timing, loaded = _timed(lambda: mongo.replace_partition(bulk, partition, bulk_docs))

    def insert_one_loop() -> int:
        with mongo.connect() as db:
            target = db[single]
            for document in single_docs:
                target.insert_one(document)
            return target.count_documents({})

    *naive_timing, inserted = _timed(insert_one_loop)
    with mongo.connect() as db:
        stored = db[bulk].count_documents({"partition_date": partition})
        for name in (bulk, single):
            db.drop_collection(name)
    return _comparison(
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


def _baselines(
    resources: PlatformResources, partition: str, nlp_sample: int, mongo_sample: int, on_progress: Callable[[str], None]
) -> list[dict]:
    from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone

    lake = resources.lake
    comparisons = []
    on_progress(f"baseline extraction vs COPY on {partition}")
    comparisons.append(_extraction_vs_copy(resources.postgres, partition))
    raw = lake.read_partition(PartitionRef(Zone.RAW, REVIEWS_DATASET, partition))
    on_progress(f"baseline anonymiser vs per-row loop on {raw.height:,} rows")
    comparisons.append(_anonymiser_vs_per_row(raw, resources.pseudonym_key.secret(), partition))
    del raw
    processed = lake.read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, partition))
    on_progress(f"baseline NLP vs naive fp32 on {processed.height:,} texts (naive: at most {nlp_sample:,})")
    comparisons.append(_nlp_vs_naive(resources.nlp, processed, nlp_sample))
    del processed
    curated = lake.read_partition(PartitionRef(Zone.CURATED, REVIEWS_DATASET, partition))
    on_progress(f"baseline warehouse vs executemany on {curated.height:,} rows")
    comparisons.append(_warehouse_vs_executemany(resources.warehouse, partition, curated))
    on_progress(f"baseline Mongo vs insert_one (at most {mongo_sample:,} docs)")
    comparisons.append(_mongo_vs_insert_one(resources.mongo, partition, curated, mongo_sample))
    return comparisons


# ---------------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------------


def _growth_per_partition(values: list[float]) -> float | None:
    """Last minus first over the partitions between them; None with fewer than two (nothing to compare)."""
    return (values[-1] - values[0]) / (len(values) - 1) if len(values) >= 2 else None


def _memory(
    rss_after: list[float],
    peak_during: list[float],
    heap_after: list[float],
    peak: float,
    peak_after_pipeline: float,
) -> dict[str, Any]:
    growth = rss_after[-1] - rss_after[0] if len(rss_after) >= 2 else None
    per_partition = _growth_per_partition(rss_after)
    peak_per_partition = _growth_per_partition(peak_during)
    return {
        "peak_rss_mib": round(peak, 1),
        "peak_rss_after_pipeline_mib": round(peak_after_pipeline, 1),
        "rss_after_partition_mib": rss_after,
        # Sampled every 50 ms while each partition ran: where the run's peak was, and whether it moves with the data.
        "peak_rss_during_partition_mib": peak_during,
        # What the C libraries' heap still holds (no allocator slack): growth here is a cache or a leak.
        "heap_in_use_after_partition_mib": heap_after,
        "rss_growth_mib": None if growth is None else round(growth, 1),
        "rss_growth_per_partition_mib": None if per_partition is None else round(per_partition, 1),
        # With one partition there is nothing to compare: not judged.
        "growing": None if per_partition is None else per_partition > RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION,
        "peak_growth_per_partition_mib": None if peak_per_partition is None else round(peak_per_partition, 1),
        "peak_growing": (
            None if peak_per_partition is None else peak_per_partition > RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION
        ),
    }


def _targets(pipeline: dict, comparisons: list[dict], memory: dict) -> list[dict[str, Any]]:
    by_stage = {comparison["stage"]: comparison for comparison in comparisons}
    targets = [
        {
            "name": "end to end, reviews/s (incl. NLP)",
            "value": pipeline["reviews_per_s"],
            "target": f">= {TARGET_END_TO_END_REVIEWS_PER_S:.0f}",
            "passed": pipeline["reviews_per_s"] >= TARGET_END_TO_END_REVIEWS_PER_S,
        }
    ]
    for stage, name in (
        ("postgres_reviews", "extraction vs COPY"),
        ("snowflake_views", "warehouse vs executemany"),
        ("mongo_collections", "Mongo vs insert_one"),
        ("categorised_reviews", "NLP vs naive fp32"),
    ):
        comparison = by_stage[stage]
        target = f">= {comparison['target_ratio']:g}x"
        value = f"{comparison['ratio']:.2f}x"
        if stage == "categorised_reviews":
            target += f" at cosine >= {TARGET_NLP_MIN_COSINE}"
            value += f" (cosine min {comparison['cosine_min']:.5f})"
        targets.append({"name": name, "value": value, "target": target, "passed": comparison["passed"]})
    targets.append(
        {
            "name": "peak RSS, MiB",
            "value": memory["peak_rss_mib"],
            "target": f"< {TARGET_PEAK_RSS_MIB:.0f}",
            "passed": memory["peak_rss_mib"] < TARGET_PEAK_RSS_MIB,
        }
    )
    targets.append(
        {
            "name": "RSS growth per partition, MiB",
            "value": memory["rss_growth_per_partition_mib"],
            "target": f"<= {RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION:g} (not growing)",
            "passed": None if memory["growing"] is None else not memory["growing"],
        }
    )
    targets.append(
        {
            "name": "peak RSS growth per partition, MiB",
            "value": memory["peak_growth_per_partition_mib"],
            "target": f"<= {RSS_GROWTH_TOLERANCE_MIB_PER_PARTITION:g} (not growing)",
            "passed": None if memory["peak_growing"] is None else not memory["peak_growing"],
        }
    )
    return targets


def run_benchmark(
    reviews: int,
    home: Path,
    on_progress: Callable[[str], None] = lambda _: None,
    *,
    nlp_sample: int = NLP_NAIVE_SAMPLE,
    mongo_sample: int = MONGO_NAIVE_SAMPLE,
    mongo_url: str | None = None,
) -> dict[str, Any]:
    """Build a fresh embedded platform in `home`, load `reviews` generated reviews, run and measure every stage.

    Returns a JSON-serialisable dict: the pipeline's per-stage figures, one baseline comparison per stage (on the
    first partition), memory figures and the targets with pass/fail. `home` should be empty or absent: an existing
    state would mix older partitions into the figures. `nlp_sample` and `mongo_sample` bound the texts and
    documents the slow naive baselines process (their speed is per review, so a sample suffices). `mongo_url`
    measures the Mongo stage on that MongoDB server instead of the embedded engine (whose per-document cost is
    the same for a bulk insert as for `insert_one`), in a fresh database dropped at the end.
    """
    from review_platform.ops.instance import dagster_instance, prepare_state
    from review_platform.resources import build_resources

    home = Path(home).absolute()
    sizes = day_sizes(reviews)
    started = time.perf_counter()
    load_before = os.getloadavg()
    settings = bench_settings(home, mongo_url)
    prepare_state(settings)
    resources = build_resources(settings)
    mongo = resources.mongo
    on_progress(f"state in {home}; {reviews:,} reviews over {len(sizes)} day(s); Mongo: {mongo.describe()}")
    try:
        partitions, seed_seconds = _seed_source(resources.postgres, sizes, on_progress)
        instance = dagster_instance(settings)
        try:
            pipeline = _run_pipeline(settings, instance, partitions, on_progress)
        finally:
            instance.dispose()
        peak_after_pipeline = _peak_rss_mib()
        comparisons = _baselines(resources, partitions[0], nlp_sample, mongo_sample, on_progress)
    finally:
        if mongo_url:
            _drop_bench_database(mongo)
    memory = _memory(
        pipeline.pop("rss_after_partition_mib"),
        pipeline.pop("peak_rss_during_partition_mib"),
        pipeline.pop("heap_in_use_after_partition_mib"),
        _peak_rss_mib(),
        peak_after_pipeline,
    )
    return {
        "reviews": reviews,
        "partitions": partitions,
        "reviews_per_partition": dict(zip(partitions, sizes, strict=True)),
        "baseline_partition": partitions[0],
        "cores": _usable_cores(),
        "mongo": {"embedded": mongo.embedded, "where": mongo.describe()},
        # Other processes on the same cores slow every figure down: the load says how busy the machine was.
        "load_average_1m": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        # How torch ran: its thread count, and whether idle OpenMP threads spin (the default) or sleep.
        "torch_threads": _torch_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
        "home": str(home),
        "seed_seconds": round(seed_seconds, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
        "pipeline": pipeline,
        "comparisons": comparisons,
        "memory": memory,
        "targets": _targets(pipeline, comparisons, memory),
    }


def _verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def format_report(result: dict[str, Any]) -> str:
    """The benchmark as a plain-text table: stages, baselines, ratios, end to end, memory, targets."""
    pipeline, memory = result["pipeline"], result["memory"]
    by_stage = {comparison["stage"]: comparison for comparison in result["comparisons"]}
    lines = [
        f"Benchmark: {result['reviews']:,} reviews over {len(result['partitions'])} partition(s) "
        f"({result['partitions'][0]} .. {result['partitions'][-1]}), {result['cores']} core(s); "
        f"baselines on {result['baseline_partition']}; load average {result['load_average_1m']['before']:.1f} "
        f"before, {result['load_average_1m']['after']:.1f} after; torch threads {result['torch_threads']}, "
        f"OMP_WAIT_POLICY {result['omp_wait_policy'] or 'unset'}; Mongo: {result['mongo']['where']}",
        "",
        "Pipeline through Dagster (each asset's own duration_s, all partitions):",
        f"{'stage':<22}{'label':<16}{'rows':>9}{'seconds':>10}{'reviews/s':>11}",
    ]
    for stage in pipeline["stages"]:
        lines.append(
            f"{stage['stage']:<22}{stage['label']:<16}{stage['rows']:>9,}{stage['seconds']:>10.2f}"
            f"{stage['reviews_per_s']:>11,.0f}"
        )
    lines += [
        f"{'sum of stages':<38}{'':>9}{pipeline['stage_seconds_total']:>10.2f}",
        f"{'Dagster/run overhead':<38}{'':>9}{pipeline['dagster_overhead_s']:>10.2f}",
        f"{'end to end':<38}{pipeline['rows']:>9,}{pipeline['wall_s']:>10.2f}{pipeline['reviews_per_s']:>11,.0f}"
        f"   target >= {TARGET_END_TO_END_REVIEWS_PER_S:.0f}/s "
        f"{_verdict(pipeline['reviews_per_s'] >= TARGET_END_TO_END_REVIEWS_PER_S)}",
        f"{'(process CPU seconds)':<38}{'':>9}{pipeline['cpu_s']:>10.2f}",
    ]
    if not pipeline["success"] or pipeline["failed_checks"]:
        lines.append(f"runs successful: {pipeline['success']}; failed checks: {', '.join(pipeline['failed_checks'])}")

    lines += [
        "",
        "Core operation vs naive baseline (same data, same process):",
        f"{'stage':<22}{'rows':>8}{'seconds':>9}{'reviews/s':>11} | {'baseline rows':>13}{'seconds':>9}"
        f"{'reviews/s':>11} | {'ratio':>8}{'cpu ratio':>10}  {'target':<24}{'pass':<5}",
    ]
    for comparison in result["comparisons"]:
        target = "" if comparison["target_ratio"] is None else f">= {comparison['target_ratio']:g}x"
        if comparison["stage"] == "categorised_reviews":
            target += f" @cos>={TARGET_NLP_MIN_COSINE}"
        lines.append(
            f"{STAGE_LABELS[comparison['stage']]:<22}{comparison['rows']:>8,}{comparison['seconds']:>9.3f}"
            f"{comparison['reviews_per_s']:>11,.0f} | {comparison['baseline_rows']:>13,}"
            f"{comparison['baseline_seconds']:>9.3f}{comparison['baseline_reviews_per_s']:>11,.0f} | "
            f"{comparison['ratio']:>7.2f}x{comparison['ratio_cpu']:>9.2f}x  "
            f"{target:<24}{_verdict(comparison['passed']):<5}"
        )
    for comparison in result["comparisons"]:
        lines.append(f"  {STAGE_LABELS[comparison['stage']]}: {comparison['operation']}  vs  {comparison['baseline']}")
    nlp = by_stage.get("categorised_reviews")
    if nlp:
        lines.append(f"  NLP cosine vs naive fp32: mean {nlp['cosine_mean']:.6f}, min {nlp['cosine_min']:.6f}")
    anonymiser = by_stage.get("anonymised_reviews")
    if anonymiser:
        full = anonymiser["anonymise_extract"]
        lines.append(
            f"  anonymiser: same output as the per-row loop on {anonymiser['same_output_share']:.2%} of rows; "
            f"whole anonymise_extract (validate + redact + pseudonymise) {full['reviews_per_s']:,.0f} reviews/s, "
            f"{full['ratio']:.2f}x the per-row loop"
        )

    rss = ", ".join(f"{value:.0f}" for value in memory["rss_after_partition_mib"])
    growth = memory["rss_growth_per_partition_mib"]
    lines += [
        "",
        f"peak RSS {memory['peak_rss_mib']:.0f} MiB (after the pipeline, before baselines: "
        f"{memory['peak_rss_after_pipeline_mib']:.0f} MiB)   target < {TARGET_PEAK_RSS_MIB:.0f} MiB "
        f"{_verdict(memory['peak_rss_mib'] < TARGET_PEAK_RSS_MIB)}",
        f"RSS after each partition, MiB: {rss}   growth "
        + ("n/a (one partition)" if growth is None else f"{growth:+.1f} MiB/partition")
        + f"   {_verdict(None if memory['growing'] is None else not memory['growing'])}",
        "peak RSS during each partition (sampled every 50 ms), MiB: "
        + ", ".join(f"{value:.0f}" for value in memory["peak_rss_during_partition_mib"]),
        "glibc heap in use after each partition, MiB: "
        + (", ".join(f"{value:.0f}" for value in memory["heap_in_use_after_partition_mib"]) or "n/a (no mallinfo2)"),
        "",
        "Targets:",
    ]
    for target in result["targets"]:
        lines.append(
            f"  {_verdict(target['passed']):<5} {target['name']:<38} {target['value']!s:<32} {target['target']}"
        )
    if result["mongo"]["embedded"]:
        lines.append(
            "  (Mongo measured on the embedded engine: it does the same work per document for a bulk insert as for "
            "insert_one, and rebuilds an in-memory index of every stored document each time it is opened, so the "
            "Mongo load's time and the partition's peak grow with the stored data; --mongo-url measures it on a "
            "MongoDB server)"
        )
    return "\n".join(lines)
