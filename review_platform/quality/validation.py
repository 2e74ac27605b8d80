"""Validation rules that split a day's extract into accepted rows and rejected rows with a reason."""

from __future__ import annotations

import polars as pl

from review_platform.contract import MAX_TEXT_CHARS, RejectionReason

_HAS_LETTER_OR_DIGIT = r"[\p{L}\p{N}]"


def rejection_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `reason` (null when the row is valid) and `reason_detail`, first matching rule first.

    Duplicates are judged among rows that pass every other rule, so the copy kept is a valid one: the
    earliest by creation time, then by review id, then by position in the extract. A review id seen twice is
    settled first, so that a "duplicate of review N" always names the copy that was kept.
    """
    text = pl.col("r_desc")
    rules: list[tuple[RejectionReason, pl.Expr, pl.Expr]] = [
        (RejectionReason.MISSING_BUYER, pl.col("buyer_id").is_null(), pl.lit("buyer_id is null")),
        (
            RejectionReason.UNKNOWN_PRODUCT,
            pl.col("p_id").is_null() | pl.col("product_name").is_null(),
            # pl.format gives null when an argument is null: a missing p_id must still be explained.
            pl.format("p_id={} not in product table", pl.col("p_id").cast(pl.String).fill_null("null")),
        ),
        (
            RejectionReason.INVALID_RATING,
            pl.col("rating").is_null() | ~pl.col("rating").is_between(1, 5),
            pl.format("rating={}", pl.col("rating").cast(pl.String).fill_null("null")),
        ),
        (
            RejectionReason.EMPTY_TEXT,
            text.is_null() | ~text.str.contains(_HAS_LETTER_OR_DIGIT).fill_null(False),
            pl.lit("no letter or digit in the text"),
        ),
        (
            RejectionReason.TEXT_TOO_LONG,
            text.str.len_chars() > MAX_TEXT_CHARS,
            pl.format("{} characters > {}", text.str.len_chars(), pl.lit(MAX_TEXT_CHARS)),
        ),
    ]
    reason = pl.lit(None, dtype=pl.String)
    detail = pl.lit(None, dtype=pl.String)
    for rule, failed, explanation in reversed(rules):
        reason = pl.when(failed).then(pl.lit(rule.value)).otherwise(reason)
        detail = pl.when(failed).then(explanation).otherwise(detail)
    checked = frame.with_columns(reason.alias("reason"), detail.alias("reason_detail"))

    position = pl.col("_position")
    # The position ends every tie, so the copy kept never depends on how a parallel sort orders equal keys.
    ordered = (
        checked.with_row_index("_position")
        .sort("created_at", "review_id", "_position")
        .with_columns(pl.col("reason").is_null().alias("_valid"))
    )
    # A source without keys (or a join that fans out) can repeat a review id; serving is keyed on it.
    repeated_id = pl.col("_valid") & (position.first().over("review_id", "_valid") != position)
    ordered = ordered.with_columns(repeated_id.alias("_repeated_id")).with_columns(
        (pl.col("_valid") & ~pl.col("_repeated_id")).alias("_valid")
    )
    content_key = ["buyer_id", "p_id", "r_desc", "_valid"]
    repeated_content = pl.col("_valid") & (position.first().over(content_key) != position)
    first_review_id = pl.col("review_id").first().over(content_key)
    return (
        ordered.with_columns(
            pl.when(pl.col("_repeated_id") | repeated_content)
            .then(pl.lit(RejectionReason.DUPLICATE_REVIEW.value))
            .otherwise(pl.col("reason"))
            .alias("reason"),
            pl.when(pl.col("_repeated_id"))
            .then(pl.format("review id {} appears more than once in the extract", pl.col("review_id")))
            .when(repeated_content)
            .then(pl.format("duplicate of review {}", first_review_id))
            .otherwise(pl.col("reason_detail"))
            .alias("reason_detail"),
        )
        .sort("_position")
        .drop("_position", "_valid", "_repeated_id")
    )


def split_rejects(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(accepted rows, rejected rows with `reason` and `reason_detail`)."""
    checked = rejection_reasons(frame)
    accepted = checked.filter(pl.col("reason").is_null()).drop("reason", "reason_detail")
    rejected = checked.filter(pl.col("reason").is_not_null())
    return accepted, rejected
