"""The data contract: what each layer holds, why rows are rejected, which PII types exist.

Every layer, every check and the warehouse's `vw_data_quality` speak this vocabulary, so a count in one place
can be reconciled with a count in another.
"""

from __future__ import annotations

from enum import StrEnum

import polars as pl


class RejectionReason(StrEnum):
    """Why a source review is kept out of the curated layers. The first rule that matches wins, in this order
    (review_platform/quality/validation.py puts a row-specific explanation in `reason_detail`)."""

    MISSING_BUYER = "missing_buyer"  # no buyer id
    UNKNOWN_PRODUCT = "unknown_product"  # the product id is not in the product table
    INVALID_RATING = "invalid_rating"  # missing or outside 1..5
    EMPTY_TEXT = "empty_text"  # empty, blank, or no letter or digit (emoji only)
    TEXT_TOO_LONG = "text_too_long"  # longer than MAX_TEXT_CHARS
    # same buyer, product and text as an earlier review that day, or a review id already in the extract
    DUPLICATE_REVIEW = "duplicate_review"


MAX_TEXT_CHARS = 20_000


class PiiType(StrEnum):
    """Personal data types the anonymiser recognises; each becomes a typed placeholder such as `<EMAIL>`.

    This is where a type is registered. The order is the tie-break between overlapping detections of the same
    length, most specific (checksum- or syntax-backed) first; a type's detector joins
    `review_platform.pii.redact.DEFAULT_DETECTORS`, which refuses to import while a type has none.
    """

    EMAIL = "EMAIL"
    # Before URL: a profile URL ("https://www.instagram.com/marie.dupont/") that the URL detector also flags is
    # named a handle.
    SOCIAL_HANDLE = "SOCIAL_HANDLE"
    URL = "URL"
    IBAN = "IBAN"
    CARD = "CARD"
    IP_ADDRESS = "IP_ADDRESS"
    PHONE = "PHONE"
    ADDRESS = "ADDRESS"
    PERSON = "PERSON"


# What the extraction from PostgreSQL produces, and RAW stores. Holds PII (free text): RAW is restricted.
SOURCE_SCHEMA: dict[str, pl.DataType] = {
    "review_id": pl.Int64(),
    "buyer_id": pl.Int64(),
    "p_id": pl.Int64(),
    "title": pl.String(),
    "r_desc": pl.String(),
    "rating": pl.Int32(),
    "created_at": pl.Datetime("us", "UTC"),
    "product_name": pl.String(),
    "product_price": pl.Float64(),
    "category_id": pl.Int64(),
    "category_name": pl.String(),
    "buyer_has_orders": pl.Boolean(),
    "image_count": pl.Int32(),
}

# PROCESSED zone: validated reviews with PII redacted and the buyer id replaced by a keyed hash.
ANONYMISED_SCHEMA: dict[str, pl.DataType] = {
    "review_id": pl.Int64(),
    "buyer_hash": pl.String(),
    "p_id": pl.Int64(),
    "product_name": pl.String(),
    "product_price": pl.Float64(),
    "category_id": pl.Int64(),
    "category_name": pl.String(),
    "title": pl.String(),
    "text": pl.String(),
    "rating": pl.Int32(),
    "created_at": pl.Datetime("us", "UTC"),
    "verified_buyer": pl.Boolean(),
    "image_count": pl.Int32(),
    "pii_redactions": pl.Int32(),
    "partition_date": pl.Date(),
}

# REJECTED zone: the rows kept out, anonymised the same way, with the reason.
REJECTED_SCHEMA: dict[str, pl.DataType] = {
    "review_id": pl.Int64(),
    "buyer_hash": pl.String(),
    "p_id": pl.Int64(),
    "title": pl.String(),
    "text": pl.String(),
    "rating": pl.Int32(),
    "created_at": pl.Datetime("us", "UTC"),
    "reason": pl.String(),
    "reason_detail": pl.String(),
    "partition_date": pl.Date(),
}

# CURATED zone: what analysts and applications read. Scores are probabilities in [0, 1]; `secondary_topics` lists
# the other likely topics, most likely first; `nlp_error` says why a review could not be scored (null when it was;
# such a review is topic "other", sentiment "neutral", scores 0); `model_version` is the weights hash + taxonomy hash.
CATEGORISED_SCHEMA: dict[str, pl.DataType] = {
    **ANONYMISED_SCHEMA,
    "topic": pl.String(),
    "topic_score": pl.Float32(),
    "secondary_topics": pl.List(pl.String()),
    "sentiment": pl.String(),
    "sentiment_score": pl.Float32(),
    "rating_mismatch": pl.Boolean(),
    "language": pl.String(),
    "relevance_score": pl.Float32(),
    "nlp_error": pl.String(),
    "model_name": pl.String(),
    "model_version": pl.String(),
}


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select and cast `frame` to exactly `schema`; raises a clear error naming any missing column."""
    missing = [name for name in schema if name not in frame.columns]
    if missing:
        raise ValueError(f"columns missing from the data contract: {', '.join(missing)}")
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


# The operational database's tables (review_platform/sql/source_schema.sql; `resources.postgres.SOURCE_TABLES`), typed
# as polars reads and writes them: `numeric` prices as Float64, `timestamptz` as UTC microseconds. The demo generator
# produces exactly these frames and the loader COPYs them as they are.
SOURCE_TABLE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "category": {"category_id": pl.Int32(), "name": pl.String()},
    "product": {
        "p_id": pl.Int64(),
        "p_name": pl.String(),
        "p_desc": pl.String(),
        "price": pl.Float64(),
        "category_id": pl.Int32(),
    },
    "customer": {
        "buyer_id": pl.Int64(),
        "fname": pl.String(),
        "lname": pl.String(),
        "email": pl.String(),
        "phone": pl.String(),
    },
    "orders": {
        "order_id": pl.Int64(),
        "buyer_id": pl.Int64(),
        "p_id": pl.Int64(),
        "order_date": pl.Datetime("us", "UTC"),
    },
    # The review table's columns, typed as the extract reads them back.
    "review": {
        name: SOURCE_SCHEMA[name]
        for name in ("review_id", "buyer_id", "p_id", "title", "r_desc", "rating", "created_at")
    },
    "review_images": {"review_id": pl.Int64(), "url": pl.String()},
}
