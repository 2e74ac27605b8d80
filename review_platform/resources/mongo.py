"""The serving store for applications: MongoDB via pymongo, or the on-disk litemongo engine by default.

`url` is either `mongodb://...` (a real server) or `litemongo:///path/to/folder` (embedded, same pymongo API).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import dagster as dg
import polars as pl
import pymongo
from pymongo.database import Database

# (collection, keys, unique): the look-ups front-ends make, and the upsert key of each collection.
REQUIRED_INDEXES: tuple[tuple[str, tuple[tuple[str, int], ...], bool], ...] = (
    ("reviews", (("review_id", 1),), True),
    ("reviews", (("partition_date", 1),), False),
    ("reviews", (("p_id", 1), ("created_at", -1)), False),
    ("reviews", (("topic", 1), ("sentiment", 1)), False),
    ("rejected_reviews", (("review_id", 1),), True),
    ("rejected_reviews", (("partition_date", 1), ("reason", 1)), False),
    ("pipeline_runs", (("run_id", 1), ("partition_date", 1)), True),
)

EMBEDDED_SCHEME = "litemongo://"


def index_name(keys: Sequence[tuple[str, int]]) -> str:
    return "_".join(f"{field}_{direction}" for field, direction in keys)


class MongoResource(dg.ConfigurableResource):
    """Collections `reviews`, `rejected_reviews` and `pipeline_runs`."""

    url: str
    database: str = "review_platform"

    @contextmanager
    def connect(self) -> Iterator[Database]:
        if self.url.startswith(EMBEDDED_SCHEME):
            import litemongo  # the embedded engine; a real deployment never imports it

            client = litemongo.connect(self.url.removeprefix(EMBEDDED_SCHEME))
        else:
            client = pymongo.MongoClient(self.url, serverSelectionTimeoutMS=10_000)
        try:
            yield client[self.database]
        finally:
            client.close()

    def ensure_indexes(self) -> list[str]:
        with self.connect() as db:
            for collection, keys, unique in REQUIRED_INDEXES:
                db[collection].create_index(list(keys), unique=unique, name=index_name(keys))
        return [index_name(keys) for _, keys, _ in REQUIRED_INDEXES]

    def missing_indexes(self) -> list[str]:
        with self.connect() as db:
            present = {name: set(db[name].index_information()) for name in {c for c, _, _ in REQUIRED_INDEXES}}
        return [
            f"{collection}.{index_name(keys)}"
            for collection, keys, _ in REQUIRED_INDEXES
            if index_name(keys) not in present[collection]
        ]

    def replace_partition(self, collection: str, partition_date: str, documents: list[dict[str, Any]]) -> int:
        """Make the partition's documents exactly `documents`: drop the partition, then one bulk insert.

        Cheaper than per-document upserts on any engine (one delete by an indexed key, one batch of inserts);
        readers may see the partition empty for that instant, never half of an old and half of a new one
        mixed. A failed insert leaves it to the next run, which replaces it whole again.
        """
        with self.connect() as db:
            target = db[collection]
            target.delete_many({"partition_date": partition_date})
            if documents:
                target.insert_many(documents, ordered=False)
        return len(documents)

    def record_run(self, document: dict[str, Any]) -> None:
        with self.connect() as db:
            db.pipeline_runs.replace_one(
                {"run_id": document["run_id"], "partition_date": document["partition_date"]},
                document,
                upsert=True,
            )

    def delete_buyer(self, collection: str, buyer_hash: str) -> int:
        with self.connect() as db:
            return db[collection].delete_many({"buyer_hash": buyer_hash}).deleted_count

    def partition_texts(self, partition_date: str) -> pl.DataFrame:
        """review_id, title and text of a partition's reviews and rejected reviews, as served."""
        rows = []
        with self.connect() as db:
            for collection in ("reviews", "rejected_reviews"):
                rows += db[collection].find(
                    {"partition_date": partition_date}, {"_id": 0, "review_id": 1, "title": 1, "text": 1}
                )
        schema = {"review_id": pl.Int64(), "title": pl.String(), "text": pl.String()}
        return pl.DataFrame(rows, schema=schema)

    def count_partition(self, collection: str, partition_date: str) -> int:
        """One partition's documents, through the partition_date index (no sweep of the collection)."""
        with self.connect() as db:
            return db[collection].count_documents({"partition_date": partition_date})

    def count_by_partition(self, collection: str) -> dict[str, int]:
        with self.connect() as db:
            rows = db[collection].aggregate([{"$group": {"_id": "$partition_date", "n": {"$sum": 1}}}])
            return {row["_id"]: row["n"] for row in rows}
