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
Nothing here is pipeline logic: it only orchestrates resources, `ops.runs.run_partitions` and the generator.

Modules: `platform_under_test` (settings, seeding), `runner` (the pipeline run and `run_benchmark`), `baselines`
(one comparison per stage), `sampling` (peak RSS and its growth), `timing`, `targets` and `report`.
"""

from review_platform.ops.bench.platform_under_test import (
    BENCH_DATABASE_PREFIX,
    MAX_REVIEWS_PER_DAY,
    bench_settings,
    day_sizes,
    drop_bench_database,
)
from review_platform.ops.bench.report import format_report
from review_platform.ops.bench.runner import run_benchmark
from review_platform.ops.bench.sampling import PeakRssSampler, growth_per_partition

__all__ = [
    "BENCH_DATABASE_PREFIX",
    "MAX_REVIEWS_PER_DAY",
    "PeakRssSampler",
    "bench_settings",
    "day_sizes",
    "drop_bench_database",
    "format_report",
    "growth_per_partition",
    "run_benchmark",
]
