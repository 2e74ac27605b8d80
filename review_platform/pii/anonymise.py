"""From a RAW extract to the PROCESSED and REJECTED layers: validate, redact, pseudonymise, conform."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from review_platform.contract import ANONYMISED_SCHEMA, REJECTED_SCHEMA, conform
from review_platform.pii.pseudonymise import pseudonymise_column
from review_platform.pii.redact import RedactionConfig, redact_frame, redaction_counts_by_type
from review_platform.quality.validation import split_rejects

TEXT_COLUMNS = ["title", "text"]


class AnonymisedExtract(NamedTuple):
    accepted: pl.DataFrame  # ANONYMISED_SCHEMA
    rejected: pl.DataFrame  # REJECTED_SCHEMA
    redactions_by_type: dict[str, int]  # PiiType value -> values redacted, accepted and rejected rows together


def anonymise_extract_with_report(
    extract: pl.DataFrame, pseudonym_key: bytes, partition_date: dt.date, config: RedactionConfig | None = None
) -> AnonymisedExtract:
    """`anonymise_extract`, plus how many values of each PII type were redacted (for the asset's metadata)."""
    accepted, rejected = split_rejects(extract)
    totals: dict[str, int] = {}

    def anonymise(frame: pl.DataFrame) -> pl.DataFrame:
        prepared = frame.rename({"r_desc": "text"}).with_columns(
            pl.lit(partition_date, dtype=pl.Date).alias("partition_date"),
            pl.col("buyer_has_orders").fill_null(False).alias("verified_buyer"),
        )
        result = redact_frame(prepared, TEXT_COLUMNS, config)
        for pii_type, count in redaction_counts_by_type(result.counts).items():
            totals[pii_type] = totals.get(pii_type, 0) + count
        return pseudonymise_column(result.frame, "buyer_id", "buyer_hash", pseudonym_key)

    # Rejected rows leave RAW too, so they get exactly the same treatment.
    return AnonymisedExtract(
        conform(anonymise(accepted), ANONYMISED_SCHEMA), conform(anonymise(rejected), REJECTED_SCHEMA), totals
    )


def anonymise_extract(
    extract: pl.DataFrame, pseudonym_key: bytes, partition_date: dt.date, config: RedactionConfig | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(anonymised accepted reviews, anonymised rejected reviews); no raw PII survives in either."""
    result = anonymise_extract_with_report(extract, pseudonym_key, partition_date, config)
    return result.accepted, result.rejected
