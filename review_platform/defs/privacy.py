"""Layer 3, PROCESSED zone: validated, anonymised reviews; rejected rows go to the REJECTED zone with a reason."""

import datetime as dt
import time

import dagster as dg
import polars as pl

from review_platform.defs.lake import RAW_DATASET
from review_platform.defs.reporting import check_result, layer_metadata
from review_platform.partitions import daily_partitions
from review_platform.pii.anonymise import TEXT_COLUMNS, anonymise_extract
from review_platform.pii.redact import find_pii
from review_platform.quality.checks import counts_reconcile, no_leaking_rows, reject_rate
from review_platform.resources.lake import LakeResource, PartitionRef, Zone
from review_platform.resources.privacy import PseudonymKeyResource

REVIEWS_DATASET = "reviews"
REJECT_RATE_WARN = 0.05


@dg.asset(
    partitions_def=daily_partitions,
    deps=["raw_s3"],
    check_specs=[
        dg.AssetCheckSpec("no_pii_past_raw", asset="anonymised_reviews", blocking=True),
        dg.AssetCheckSpec("raw_equals_anonymised_plus_rejected", asset="anonymised_reviews", blocking=True),
        dg.AssetCheckSpec("reject_rate", asset="anonymised_reviews"),
    ],
)
def anonymised_reviews(context: dg.AssetExecutionContext, lake: LakeResource, pseudonym_key: PseudonymKeyResource):
    """Reviews that pass validation, with e-mails, phone numbers and card numbers replaced by `<EMAIL>`,
    `<PHONE>`, `<CARD>` and the buyer replaced by a keyed pseudonym (`buyer_hash`), so analysts can still count
    per buyer without knowing who they are. Invalid reviews are set aside in the REJECTED zone with a reason."""
    started = time.perf_counter()
    partition = context.partition_key
    raw = lake.read_partition(PartitionRef(Zone.RAW, RAW_DATASET, partition))
    anonymised, rejected = anonymise_extract(raw, pseudonym_key.secret(), dt.date.fromisoformat(partition))

    leaks = pl.concat([find_pii(anonymised, TEXT_COLUMNS), find_pii(rejected, TEXT_COLUMNS)], how="diagonal")
    leak_outcome = no_leaking_rows(leaks, anonymised.height + rejected.height)
    if not leak_outcome.passed:
        # The guard runs before anything is written: personal data never reaches PROCESSED.
        raise dg.Failure(description=leak_outcome.description, metadata=leak_outcome.metadata)

    lake.write_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, partition), anonymised)
    lake.write_partition(PartitionRef(Zone.REJECTED, REVIEWS_DATASET, partition), rejected)

    reasons = rejected.group_by("reason").len().sort("reason")
    yield dg.MaterializeResult(
        metadata={
            **layer_metadata(raw.height, anonymised.height, rejected.height, time.perf_counter() - started),
            **{f"rejected_{row['reason']}": dg.MetadataValue.int(row["len"]) for row in reasons.to_dicts()},
            "pii_redactions": dg.MetadataValue.int(int(anonymised["pii_redactions"].sum() or 0)),
        },
        check_results=[
            check_result("no_pii_past_raw", leak_outcome),
            check_result(
                "raw_equals_anonymised_plus_rejected",
                counts_reconcile(
                    "anonymised + rejected vs RAW",
                    raw.height,
                    anonymised.height + rejected.height,
                    "A row was lost or duplicated in validation: re-run the partition and report it to data "
                    "engineering (N2).",
                ),
            ),
            check_result(
                "reject_rate",
                reject_rate(anonymised.height, rejected.height, REJECT_RATE_WARN),
                dg.AssetCheckSeverity.WARN,
            ),
        ],
    )
