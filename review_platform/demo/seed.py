"""Seed the source database with generated demo data (the demo's days, or any days asked for)."""

from __future__ import annotations

import datetime as dt

from review_platform.demo.generator import generate_demo_data
from review_platform.resources.postgres import SOURCE_TABLES, PostgresResource

DEMO_START = dt.date(2026, 11, 1)
DEMO_DAYS = 3
DEMO_REVIEWS_PER_DAY = 400
DEMO_SEED = 42


def seed_source(
    postgres: PostgresResource, start: dt.date, days: int, reviews_per_day: int, seed: int
) -> dict[str, int]:
    """Generate demo data and load it; days already present are left as they are (ids are derived from dates)."""
    postgres.ensure_schema()
    dataset = generate_demo_data(start, days, reviews_per_day, seed)
    frames = {name: getattr(dataset, name) for name in SOURCE_TABLES}
    return postgres.load_tables(frames)


def seed_if_empty(postgres: PostgresResource) -> dict[str, int] | None:
    """The demo's days, unless the source already holds reviews (then nothing, and None)."""
    postgres.ensure_schema()
    if postgres.review_count() > 0:
        return None
    return seed_source(postgres, DEMO_START, DEMO_DAYS, DEMO_REVIEWS_PER_DAY, DEMO_SEED)


def demo_partitions() -> list[str]:
    return [(DEMO_START + dt.timedelta(days=offset)).isoformat() for offset in range(DEMO_DAYS)]
