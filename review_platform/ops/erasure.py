"""GDPR: the right to be forgotten and RAW retention, applied to every store, with an audit trail.

An erasure removes one buyer's reviews from the lake (RAW and the landing area hold the raw buyer id; the other
zones hold its keyed pseudonym) and every serving store, then appends an audit record that names stores and row
counts but no personal data. The pseudonym is also kept in the erasure register, so that re-running an old
partition (the source may still hold the reviews) never brings them back.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

import polars as pl

from review_platform.pii.pseudonymise import pseudonym
from review_platform.resources import PlatformResources
from review_platform.resources.lake import AUDIT_PARTITION, REVIEWS_DATASET, LakeResource, PartitionRef, Zone

AUDIT_DATASET = "erasure_log"


@dataclass(frozen=True)
class ErasureReport:
    action: str
    rows_removed: dict[str, int]
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    @property
    def total(self) -> int:
        return sum(self.rows_removed.values())


def _rewrite_without(lake: LakeResource, zone: Zone, column: str, value: object) -> int:
    """Rewrite every partition of `zone` that holds rows where `column == value`; returns rows removed."""
    removed = 0
    for partition in lake.list_partitions(zone, REVIEWS_DATASET):
        ref = PartitionRef(zone, REVIEWS_DATASET, partition)
        frame = lake.read_partition(ref)
        if column not in frame.columns:
            continue
        kept = frame.filter(pl.col(column).ne_missing(value))
        if kept.height != frame.height:
            manifest = lake.read_manifest(ref) or {}
            extra = {key: manifest[key] for key in ("extracted_at", "withheld_rows") if key in manifest}
            # The manifest counts erased rows, so that the day still reconciles with its source.
            extra["erased_rows"] = manifest.get("erased_rows", 0) + frame.height - kept.height
            lake.write_partition(ref, kept, extra=extra)
            removed += frame.height - kept.height
    return removed


def _append_audit(lake: LakeResource, report: ErasureReport) -> None:
    """One row per request: when, what, how many rows per store. No buyer id, no pseudonym, no text."""
    ref = PartitionRef(Zone.AUDIT, AUDIT_DATASET, AUDIT_PARTITION)
    existing = lake.read_partition(ref) if lake.read_manifest(ref) is not None else pl.DataFrame()
    row = pl.DataFrame(
        [
            {
                "request_id": report.request_id,
                "at": report.at,
                "action": report.action,
                "stores": json.dumps(report.rows_removed, sort_keys=True),
                "rows_removed": report.total,
            }
        ]
    )
    lake.write_partition(ref, pl.concat([existing, row], how="diagonal_relaxed"))


def erasure_log(lake: LakeResource) -> pl.DataFrame:
    ref = PartitionRef(Zone.AUDIT, AUDIT_DATASET, AUDIT_PARTITION)
    return lake.read_partition(ref) if lake.read_manifest(ref) is not None else pl.DataFrame()


def erase_buyer(buyer_id: int, resources: PlatformResources) -> ErasureReport:
    """Remove every review of `buyer_id` from the lake and every serving store; idempotent (a second call removes
    nothing)."""
    lake = resources.lake
    buyer_hash = pseudonym(buyer_id, resources.pseudonym_key.secret())
    # Registered first: from now on no run can bring these reviews back, even if the rest fails midway.
    lake.register_erasure(buyer_hash, resources.pseudonym_key.fingerprint())
    removed = {
        "lake.landing": _rewrite_without(lake, Zone.LANDING, "buyer_id", buyer_id),
        "lake.raw": _rewrite_without(lake, Zone.RAW, "buyer_id", buyer_id),
        "lake.processed": _rewrite_without(lake, Zone.PROCESSED, "buyer_hash", buyer_hash),
        "lake.rejected": _rewrite_without(lake, Zone.REJECTED, "buyer_hash", buyer_hash),
        "lake.curated": _rewrite_without(lake, Zone.CURATED, "buyer_hash", buyer_hash),
    }
    for store in resources.serving_stores:
        for table, rows in store.erase_buyer(buyer_hash).items():
            removed[f"{store.store_name}.{table}"] = rows
    report = ErasureReport("erase_buyer", removed)
    _append_audit(lake, report)
    return report


def purge_raw(lake: LakeResource, older_than_days: int, today: dt.date | None = None) -> ErasureReport:
    """Delete RAW and landing partitions older than the retention period; the lake keeps their anonymised forms."""
    cutoff = (today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(days=older_than_days)
    removed: dict[str, int] = {}
    for zone in (Zone.LANDING, Zone.RAW):
        for partition in lake.list_partitions(zone, REVIEWS_DATASET):
            if dt.date.fromisoformat(partition) < cutoff:
                ref = PartitionRef(zone, REVIEWS_DATASET, partition)
                removed[f"lake.{zone}.{partition}"] = lake.delete_partition(ref)
    report = ErasureReport(f"purge_raw_older_than_{older_than_days}d", removed)
    _append_audit(lake, report)
    return report
