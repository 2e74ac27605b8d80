"""The platform the benchmark measures: a fresh embedded state of its own, seeded with generated reviews."""

from __future__ import annotations

import datetime as dt
import math
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from review_platform.settings import Settings, load_settings

if TYPE_CHECKING:
    from review_platform.resources.mongo import MongoResource
    from review_platform.resources.postgres import PostgresResource

MAX_REVIEWS_PER_DAY = 20_000
FIRST_DAY = dt.date(2026, 10, 1)
SEED = 42
# On a MongoDB server (`mongo_url`) the benchmark writes to a database of this prefix, dropped when it ends.
BENCH_DATABASE_PREFIX = "review_platform_bench_"


def bench_settings(home: Path, mongo_url: str | None = None) -> Settings:
    """A fresh embedded platform in `home`, whatever this process's environment says (no production backend, no
    alerts, a generated key). With `mongo_url`, the Mongo layer alone goes to that server, in a database of its own
    named for this run."""
    environ = {"REVIEW_PLATFORM_HOME": str(home)}
    if mongo_url:
        environ["REVIEW_PLATFORM_MONGO_URL"] = mongo_url
        environ["REVIEW_PLATFORM_MONGO_DATABASE"] = f"{BENCH_DATABASE_PREFIX}{secrets.token_hex(4)}"
    return load_settings(environ)


def drop_bench_database(mongo: MongoResource) -> None:
    """Drop the throw-away database a `mongo_url` run wrote to; refuse any other."""
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


def seed_source(
    postgres: PostgresResource, sizes: list[int], on_progress: Callable[[str], None]
) -> tuple[list[str], float]:
    """Generate and load one day at a time (a day's rows depend only on seed and date), so memory stays flat.

    Returns the partitions loaded and the seconds it took."""
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
