"""Keyed pseudonyms (HMAC-SHA256) for identifiers: stable per key, so analysts can still count per buyer."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl

PSEUDONYM_PREFIX = "b_"


def pseudonym(value: int | str, key: bytes) -> str:
    digest = hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


def pseudonymise_column(frame: pl.DataFrame, column: str, output: str, key: bytes) -> pl.DataFrame:
    """Replace `column` with its keyed hash in `output` (nulls stay null).

    HMAC has no polars kernel, so it is computed once per distinct value (a day has far fewer buyers than
    rows) and joined back.
    """
    if not key:
        raise ValueError("the pseudonymisation key is empty")
    distinct = frame.select(pl.col(column).drop_nulls().unique()).to_series()
    mapping = pl.DataFrame(
        {column: distinct, output: [pseudonym(value, key) for value in distinct.to_list()]},
        schema={column: frame.schema[column], output: pl.String()},
    )
    return frame.join(mapping, on=column, how="left", maintain_order="left").drop(column)


def without_erased(frame: pl.DataFrame, erased: set[str]) -> tuple[pl.DataFrame, int]:
    """`frame` less the rows of erased buyers (by pseudonym in `buyer_hash`), and how many rows that dropped."""
    if not erased or frame.is_empty():
        return frame, 0
    kept = frame.filter(~pl.col("buyer_hash").is_in(sorted(erased)).fill_null(False))
    return kept, frame.height - kept.height


def without_erased_ids(
    frame: pl.DataFrame, erased: set[str], key: bytes, column: str = "buyer_id"
) -> tuple[pl.DataFrame, int]:
    """`frame` less the rows whose raw buyer id (`column`) pseudonymises to an erased buyer, and how many rows
    that dropped: the extract and RAW hold ids, not pseudonyms, and must not bring an erased buyer back either."""
    if not erased or frame.is_empty():
        return frame, 0
    ids = frame.get_column(column).drop_nulls().unique().to_list()
    erased_ids = [value for value in ids if pseudonym(value, key) in erased]
    if not erased_ids:
        return frame, 0
    kept = frame.filter(~pl.col(column).is_in(erased_ids).fill_null(False))
    return kept, frame.height - kept.height
