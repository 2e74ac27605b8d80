"""Layer 3, PROCESSED zone: validated, anonymised reviews; rejected rows go to the REJECTED zone with a reason."""

import datetime as dt
import time
from typing import Literal

import dagster as dg
import polars as pl
from pydantic import Field

from review_platform.contract import ANONYMISED_SCHEMA
from review_platform.defs.privacy_guards import buyer_contacts, erased_buyers
from review_platform.defs.reporting import check_result, daily_check, layer_metadata, preview, table_schema
from review_platform.partitions import daily_partitions
from review_platform.pii.anonymise import (
    CATALOGUE_COLUMNS,
    TEXT_COLUMNS,
    anonymise_extract_with_report,
)
from review_platform.pii.guard import rows_with_buyer_values
from review_platform.pii.pseudonymise import without_erased
from review_platform.pii.redact import RedactionConfig
from review_platform.pii.shapes import rows_with_shapes
from review_platform.quality.checks import (
    accepted_rows_valid,
    counts_reconcile,
    lake_integrity,
    no_leaking_rows,
    reject_rate,
    withheld_rows,
)
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.postgres import PostgresResource
from review_platform.resources.privacy import PseudonymKeyResource

REQUIRED_COLUMNS = ["review_id", "buyer_hash", "p_id", "text", "rating", "created_at"]


class AnonymiseConfig(dg.Config):
    """Reject-rate thresholds (shares of the day's rows) and how each PII type is redacted."""

    warn_above: float = 0.01
    error_above: float = 0.05
    # PII type (EMAIL, PHONE, PERSON, ...; "*" for all others) -> placeholder | mask | hash | drop.
    pii_operators: dict[str, str] = Field(default_factory=dict)
    # A local token-classification model that also finds person names (never downloaded); empty for none.
    name_model_path: str = ""
    # spaCy's small English and French pipelines also look for person names (pii/ner.py): name recall 0.38 ->
    # 0.68 on unseen texts, for the anonymiser at a fifth of its speed (a few % end to end) and more celebrities
    # and authors redacted (README). On by default: a missed name is a leak, an extra one a lost word.
    spacy_names: bool = True
    # What becomes of a row in which the guard's shape detector (pii/shapes.py) still finds something shaped like a
    # personal value: "withhold" keeps it in RAW only and publishes the rest of the day (check
    # `suspected_rows_withheld` lists the ids); "block" stops the day instead, as a buyer's own value always does.
    suspected_rows: Literal["withhold", "block"] = "withhold"
    # Review ids a person has read in RAW and found free of personal data (an author, a place, a product code):
    # the shape detector no longer holds them back. The search for the buyers' own values still reads them.
    release_review_ids: list[str] = Field(default_factory=list)


@dg.asset(
    partitions_def=daily_partitions,
    group_name="privacy",
    kinds={"polars", "parquet"},
    owners=["team:data-engineering", "team:privacy"],
    metadata={"dagster/column_schema": table_schema(ANONYMISED_SCHEMA), "zone": "PROCESSED (+ REJECTED)"},
    deps=["raw_s3"],
    check_specs=[
        daily_check(name, "anonymised_reviews")
        for name in (
            "no_pii_past_raw",
            "suspected_rows_withheld",
            "accepted_rows_valid",
            "raw_equals_anonymised_plus_rejected",
            "reject_rate",
            "processed_matches_manifest",
        )
    ],
)
def anonymised_reviews(
    context: dg.AssetExecutionContext,
    config: AnonymiseConfig,
    lake: LakeResource,
    pseudonym_key: PseudonymKeyResource,
    postgres: PostgresResource,
):
    """Reviews that pass validation, with personal data in titles, texts (and contact data in product and
    category names) replaced by typed placeholders
    (`<PERSON>`, `<EMAIL>`, `<PHONE>`, `<ADDRESS>`, `<CARD>`, `<IBAN>`, `<IP_ADDRESS>`, `<URL>`,
    `<SOCIAL_HANDLE>`) and the buyer replaced by a keyed pseudonym (`buyer_hash`), so analysts can still count per
    buyer without knowing who they are.
    Invalid reviews are set aside in the REJECTED zone with a reason, anonymised the same way."""
    started = time.perf_counter()
    partition = context.partition_key
    raw_ref = PartitionRef(Zone.RAW, REVIEWS_DATASET, partition)
    raw = lake.read_partition(raw_ref)
    redaction = RedactionConfig.from_options(
        config.pii_operators,
        hash_key=pseudonym_key.secret(),
        name_model_path=config.name_model_path or None,
        spacy_names=config.spacy_names,
    )
    anonymised, rejected, redactions = anonymise_extract_with_report(
        raw, pseudonym_key.secret(), dt.date.fromisoformat(partition), redaction
    )
    # Buyers who asked to be forgotten stay forgotten: the extract left them out, and so does every later layer
    # (a RAW partition written before the request, a request made while this run is in flight).
    erased = erased_buyers(lake, pseudonym_key)
    anonymised, erased_accepted = without_erased(anonymised, erased)
    rejected, erased_rejected = without_erased(rejected, erased)
    forgotten = {"accepted": erased_accepted, "rejected": erased_rejected}

    # The guard, in two lines, neither of them the redactor again (its detectors would miss what it missed): a
    # detector of shapes rather than formats, and the day's buyers' own values searched verbatim (read with the
    # review_guard role, compared here in memory, then dropped).
    guarded = [*TEXT_COLUMNS, *CATALOGUE_COLUMNS]  # REJECTED keeps no product or category name: read if present
    buyers = buyer_contacts(postgres, raw.get_column("buyer_id"))
    own_values = pl.concat([rows_with_buyer_values(rows, guarded, buyers) for rows in (anonymised, rejected)])
    del buyers
    released = pl.Series(config.release_review_ids, dtype=pl.String)
    suspected = pl.concat(
        [rows_with_shapes(rows, TEXT_COLUMNS, catalogue=CATALOGUE_COLUMNS) for rows in (anonymised, rejected)]
    ).filter(~pl.col("review_id").cast(pl.String).is_in(released.implode()))
    blocking = suspected if config.suspected_rows == "block" else suspected.clear()
    leak_outcome = no_leaking_rows(blocking, anonymised.height + rejected.height, buyer_values=own_values)
    if not leak_outcome.passed:
        # The guard runs before anything is written: personal data never reaches PROCESSED. The failed ERROR check
        # is what the UI, doctor and the alerts show for the day; the step then fails without a retry, since the
        # same data would leak the same way.
        yield check_result("no_pii_past_raw", leak_outcome)
        raise dg.Failure(description=leak_outcome.description, metadata=leak_outcome.metadata, allow_retries=False)
    # Withheld: left in RAW only, out of PROCESSED and REJECTED alike (both hold texts).
    kept = ~pl.col("review_id").is_in(suspected.get_column("review_id").implode())
    withheld = anonymised.height + rejected.height
    anonymised, rejected = anonymised.filter(kept), rejected.filter(kept)
    withheld -= anonymised.height + rejected.height

    processed_ref = PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, partition)
    rejected_ref = PartitionRef(Zone.REJECTED, REVIEWS_DATASET, partition)
    # The manifests count every row of the source day kept out for erasure (the extract's included) or withheld, so
    # that `review-platform status` reconciles source = anonymised + rejected + erased + withheld.
    before_raw = (lake.read_manifest(raw_ref) or {}).get("erased_rows", 0)
    lake.write_partition(
        processed_ref,
        anonymised,
        extra={"erased_rows": forgotten["accepted"] + before_raw, "withheld_rows": withheld},
    )
    lake.write_partition(rejected_ref, rejected, extra={"erased_rows": forgotten["rejected"]})

    reasons = rejected.group_by("reason").len().sort("reason")
    yield dg.MaterializeResult(
        metadata={
            **layer_metadata(raw.height, anonymised.height, rejected.height, time.perf_counter() - started),
            "reject_rate": dg.MetadataValue.float(round(rejected.height / raw.height, 4) if raw.height else 0.0),
            **{f"rejected_{row['reason']}": dg.MetadataValue.int(row["len"]) for row in reasons.to_dicts()},
            "erased_buyer_rows": dg.MetadataValue.int(sum(forgotten.values())),
            "withheld_rows": dg.MetadataValue.int(withheld),
            "pii_redactions": dg.MetadataValue.int(sum(redactions.values())),
            **{f"pii_redactions_{pii_type}": dg.MetadataValue.int(count) for pii_type, count in redactions.items()},
            # Ids, labels and counts only: a value the detectors missed must not reach the UI's metadata too.
            "preview": preview(anonymised, ["review_id", "p_id", "rating", "pii_redactions"]),
            "rejected_preview": preview(rejected, ["review_id", "reason"]),
        },
        check_results=[
            check_result("no_pii_past_raw", leak_outcome),
            check_result("suspected_rows_withheld", withheld_rows(suspected, raw.height)),
            check_result("accepted_rows_valid", accepted_rows_valid(anonymised, REQUIRED_COLUMNS)),
            check_result(
                "raw_equals_anonymised_plus_rejected",
                counts_reconcile(
                    "anonymised + rejected + erased + withheld vs RAW",
                    raw.height,
                    anonymised.height + rejected.height + sum(forgotten.values()) + withheld,
                    "A row was lost or duplicated in validation: re-run the partition and report it to data "
                    "engineering (N2).",
                ),
            ),
            check_result(
                "reject_rate", reject_rate(anonymised.height, rejected.height, config.warn_above, config.error_above)
            ),
            check_result(
                "processed_matches_manifest",
                lake_integrity(lake.verify_partition(processed_ref) + lake.verify_partition(rejected_ref), 2),
            ),
        ],
    )
