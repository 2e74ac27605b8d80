"""One daily partition per UTC day of review creation, shared by every asset."""

from __future__ import annotations

import datetime as dt

import dagster as dg

PARTITIONS_START = "2024-01-01"

daily_partitions = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone="UTC")


def partition_bounds(partition_key: str) -> tuple[dt.datetime, dt.datetime]:
    """The half-open UTC interval [start, end) covered by a daily partition key such as `2026-11-01`."""
    start = dt.datetime.combine(dt.date.fromisoformat(partition_key), dt.time(), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def previous_days(partition_key: str, days: int) -> list[str]:
    """The `days` partition keys just before `partition_key`, most recent first."""
    day = dt.date.fromisoformat(partition_key)
    return [(day - dt.timedelta(days=offset)).isoformat() for offset in range(1, days + 1)]
