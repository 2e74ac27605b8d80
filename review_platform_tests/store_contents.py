"""Everything a platform's stores hold for some partitions, in a form two states can be compared with `==`.

Only what the data is, never when or by which run it was written: manifests' timestamps and file names, Mongo's
`_id` and the run journal's ids are left out (the journal is counted instead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from review_platform.resources.lake import MANIFEST_NAME, REVIEWS_DATASET, PartitionRef, Zone
from review_platform.resources.warehouse import WAREHOUSE_TABLES, WAREHOUSE_VIEWS
from review_platform_tests.platform_fixture import Platform

# Every zone a run of the pipeline writes, the landing hand-over included.
PIPELINE_ZONES = (Zone.LANDING, Zone.RAW, Zone.PROCESSED, Zone.REJECTED, Zone.CURATED)


@dataclass
class StoreContents:
    lake_rows: dict[str, dict[str, int]]  # zone -> partition -> manifest row count
    lake_frames: dict[str, dict[str, pl.DataFrame]]  # zone -> partition -> rows, sorted by review_id
    lake_stray_files: dict[str, list[str]]  # partition folder -> files on disk its manifest does not list
    lake_files_per_manifest: dict[str, int]  # partition folder -> data files its manifest lists
    warehouse: dict[str, pl.DataFrame]  # table or view -> rows, sorted
    mongo: dict[str, list[dict[str, Any]]]  # collection -> documents without _id, sorted by review_id
    mongo_duplicates: dict[str, int]  # collection -> documents beyond one per review_id
    runs_journalled: dict[str, int]  # partition -> pipeline_runs documents

    def data(self) -> tuple:
        """What must be identical between two states holding the same data (frames compared row for row)."""
        return (
            self.lake_rows,
            {zone: {p: frame.rows() for p, frame in frames.items()} for zone, frames in self.lake_frames.items()},
            {name: frame.rows() for name, frame in self.warehouse.items()},
            self.mongo,
        )


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    # List columns (secondary_topics) cannot be sort keys; the others identify a row.
    keys = [name for name, dtype in frame.schema.items() if not isinstance(dtype, pl.List)]
    return frame.sort(keys, nulls_last=True) if keys else frame


def store_contents(platform: Platform, partitions: list[str]) -> StoreContents:
    lake = platform.resources.lake
    lake_root = Path(platform.settings.lake_url)
    lake_rows: dict[str, dict[str, int]] = {}
    lake_frames: dict[str, dict[str, pl.DataFrame]] = {}
    stray: dict[str, list[str]] = {}
    files_per_manifest: dict[str, int] = {}
    for zone in PIPELINE_ZONES:
        for partition in partitions:
            ref = PartitionRef(zone, REVIEWS_DATASET, partition)
            manifest = lake.read_manifest(ref)
            if manifest is None:
                continue
            listed = {entry["path"] for entry in manifest["files"]}
            on_disk = {path.name for path in (lake_root / ref.folder).iterdir()}
            stray[ref.folder] = sorted(on_disk - listed - {MANIFEST_NAME})
            files_per_manifest[ref.folder] = len(listed)
            lake_rows.setdefault(str(zone), {})[partition] = manifest["row_count"]
            lake_frames.setdefault(str(zone), {})[partition] = _sorted(lake.read_partition(ref, verify=True))

    warehouse = platform.resources.warehouse
    days = [dt.date.fromisoformat(partition) for partition in partitions]
    relations = {
        table: _sorted(
            warehouse.query(f"SELECT * FROM {table} WHERE partition_date IN ({', '.join('?' * len(days))})", days)
        )
        for table in WAREHOUSE_TABLES
    }
    relations.update({view: _sorted(warehouse.query(f"SELECT * FROM {view}")) for view in WAREHOUSE_VIEWS})

    mongo: dict[str, list[dict[str, Any]]] = {}
    duplicates: dict[str, int] = {}
    with platform.resources.mongo.connect() as db:
        for collection in ("reviews", "rejected_reviews"):
            documents = list(db[collection].find({"partition_date": {"$in": partitions}}, {"_id": 0}))
            mongo[collection] = sorted(documents, key=lambda document: document["review_id"])
            duplicates[collection] = len(documents) - len({document["review_id"] for document in documents})
        runs = {partition: db.pipeline_runs.count_documents({"partition_date": partition}) for partition in partitions}
    return StoreContents(lake_rows, lake_frames, stray, files_per_manifest, relations, mongo, duplicates, runs)
