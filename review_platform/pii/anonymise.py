"""From a RAW extract to the PROCESSED and REJECTED layers: validate, redact, pseudonymise, conform."""

from __future__ import annotations

import datetime as dt

import polars as pl

from review_platform.contract import ANONYMISED_SCHEMA, REJECTED_SCHEMA, conform
from review_platform.pii.pseudonymise import pseudonymise_column
from review_platform.pii.redact import redact_texts
from review_platform.quality.validation import split_rejects

TEXT_COLUMNS = ["title", "text"]


def anonymise_extract(
    extract: pl.DataFrame, pseudonym_key: bytes, partition_date: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(anonymised accepted reviews, anonymised rejected reviews); no raw PII survives in either."""
    accepted, rejected = split_rejects(extract)

    def anonymise(frame: pl.DataFrame) -> pl.DataFrame:
        prepared = frame.rename({"r_desc": "text"}).with_columns(
            pl.lit(partition_date, dtype=pl.Date).alias("partition_date"),
            pl.col("buyer_has_orders").fill_null(False).alias("verified_buyer"),
        )
        redacted = redact_texts(prepared, TEXT_COLUMNS)
        return pseudonymise_column(redacted, "buyer_id", "buyer_hash", pseudonym_key)

    # Rejected rows leave RAW too, so they get exactly the same treatment.
    return conform(anonymise(accepted), ANONYMISED_SCHEMA), conform(anonymise(rejected), REJECTED_SCHEMA)
