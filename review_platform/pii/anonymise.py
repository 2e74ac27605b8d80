"""From a RAW extract to the PROCESSED and REJECTED layers: validate, redact, pseudonymise, conform."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import NamedTuple

import polars as pl

from review_platform.contract import ANONYMISED_SCHEMA, REJECTED_SCHEMA, PiiType, conform
from review_platform.pii.pseudonymise import pseudonymise_column
from review_platform.pii.redact import DEFAULT_CONFIG, RedactionConfig, redact_frame, redaction_counts_by_type
from review_platform.quality.validation import split_rejects

TEXT_COLUMNS = ["title", "text"]
# Catalogue text that every later layer carries beside the review. The shop wrote it, not the buyer, and a
# person's name in it is mostly a brand or a designer ("Calvin Klein Jeans"): contact data is redacted there
# (e-mails, phones, addresses, cards, URLs...), names are not; a buyer's own name is still caught by the guard's
# verbatim search, which reads these columns too.
CATALOGUE_COLUMNS = ["product_name", "category_name"]


class AnonymisedExtract(NamedTuple):
    accepted: pl.DataFrame  # ANONYMISED_SCHEMA
    rejected: pl.DataFrame  # REJECTED_SCHEMA
    redactions_by_type: dict[str, int]  # PiiType value -> values redacted, accepted and rejected rows together


def catalogue_config(config: RedactionConfig | None = None) -> RedactionConfig:
    """`config` for catalogue columns: every type but PERSON, and no name detector run for nothing."""
    config = config or DEFAULT_CONFIG
    return dataclasses.replace(
        config,
        types=config.types - {PiiType.PERSON},
        detectors=tuple(d for d in config.detectors if not d.types <= {PiiType.PERSON}),
    )


def redact_catalogue(frame: pl.DataFrame, config: RedactionConfig | None = None) -> tuple[pl.DataFrame, dict[str, int]]:
    """`frame` with its catalogue columns redacted (`catalogue_config`), and the values redacted per type. A day
    names a few hundred products in thousands of rows: each distinct value is redacted once, then joined back."""
    config, totals = catalogue_config(config), {}
    for column in (c for c in CATALOGUE_COLUMNS if c in frame.columns):
        distinct = frame.select(pl.col(column).cast(pl.String).unique().drop_nulls())
        result = redact_frame(distinct, [column], config)
        changed = result.frame.get_column(column) != distinct.get_column(column)
        if not changed.any():
            continue
        for pii_type, count in redaction_counts_by_type(result.counts).items():
            totals[pii_type] = totals.get(pii_type, 0) + count
        mapping = dict(
            zip(
                distinct.get_column(column).filter(changed),
                result.frame.get_column(column).filter(changed),
                strict=True,
            )
        )
        frame = frame.with_columns(pl.col(column).replace(mapping))
    return frame, totals


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
        redacted, catalogue_counts = redact_catalogue(result.frame, config)
        for pii_type, count in [*redaction_counts_by_type(result.counts).items(), *catalogue_counts.items()]:
            totals[pii_type] = totals.get(pii_type, 0) + count
        return pseudonymise_column(redacted, "buyer_id", "buyer_hash", pseudonym_key)

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
