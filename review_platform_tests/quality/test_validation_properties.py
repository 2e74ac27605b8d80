"""Validation against arbitrary extracts: it never raises, loses, duplicates or alters a row, gives every rejected
row a reason and a detail, and lets through only rows that honour the contract.

Frames are generated with the extract's exact schema (`SOURCE_SCHEMA`), because that is all validation ever
receives: `PostgresResource.extract_reviews` types every column, and a value of the wrong type stops the extract
(review_platform_tests/resources/test_postgres_type_drift.py). Texts are what PostgreSQL can hold: valid UTF-8, so
never a lone surrogate; bytes that were not UTF-8 upstream arrive decoded with U+FFFD.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any

import polars as pl
import pytest
from hypothesis import example, given

from review_platform.contract import MAX_TEXT_CHARS, SOURCE_SCHEMA, RejectionReason
from review_platform.quality.checks import accepted_rows_valid
from review_platform.quality.validation import rejection_reasons, split_rejects
from review_platform_tests.source_strategies import DAY, PROPERTY_SETTINGS, extracts

REASON_COLUMNS = ["reason", "reason_detail"]


def has_letter_or_digit(text: str) -> bool:
    """The EMPTY_TEXT rule, written with Python's Unicode tables."""
    categories = {unicodedata.category(char) for char in text}
    if any(category[0] in "LN" for category in categories):
        return True
    if "Cn" in categories:
        # A code point unassigned in Python's Unicode 14 may be a letter in the newer tables of polars' regex
        # engine: only that engine can say.
        return bool(pl.select(pl.lit(text).str.contains(r"[\p{L}\p{N}]")).item())
    return False


def expected_reasons(frame: pl.DataFrame) -> list[str | None]:
    """The documented rules, written row by row: first failing rule, then repeated ids, then repeated content,
    the copy kept being the earliest by (created_at, review_id, position in the extract)."""
    rows = frame.to_dicts()
    reasons: list[str | None] = []
    for row in rows:
        text = row["r_desc"]
        if row["buyer_id"] is None:
            reasons.append(RejectionReason.MISSING_BUYER)
        elif row["p_id"] is None or row["product_name"] is None:
            reasons.append(RejectionReason.UNKNOWN_PRODUCT)
        elif row["rating"] is None or not 1 <= row["rating"] <= 5:
            reasons.append(RejectionReason.INVALID_RATING)
        elif text is None or not has_letter_or_digit(text):
            reasons.append(RejectionReason.EMPTY_TEXT)
        elif len(text) > MAX_TEXT_CHARS:
            reasons.append(RejectionReason.TEXT_TOO_LONG)
        else:
            reasons.append(None)
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["created_at"], rows[i]["review_id"], i))
    seen_ids: set[int] = set()
    for i in order:
        if reasons[i] is None:
            if rows[i]["review_id"] in seen_ids:
                reasons[i] = RejectionReason.DUPLICATE_REVIEW
            seen_ids.add(rows[i]["review_id"])
    seen_content: set[tuple] = set()
    for i in order:
        if reasons[i] is None:
            key = (rows[i]["buyer_id"], rows[i]["p_id"], rows[i]["r_desc"])
            if key in seen_content:
                reasons[i] = RejectionReason.DUPLICATE_REVIEW
            seen_content.add(key)
    return reasons


@PROPERTY_SETTINGS
@given(extracts)
@example(pl.DataFrame(schema=SOURCE_SCHEMA))
def test_every_row_ends_accepted_or_rejected_exactly_once_and_unchanged(frame: pl.DataFrame) -> None:
    accepted, rejected = split_rejects(frame)
    assert accepted.height + rejected.height == frame.height
    assert Counter(accepted["review_id"].to_list() + rejected["review_id"].to_list()) == Counter(
        frame["review_id"].to_list()
    )
    # Whole rows, not just ids: validation moves rows, it never edits one.
    assert accepted.schema == frame.schema
    assert Counter(accepted.rows() + rejected.drop(REASON_COLUMNS).rows()) == Counter(frame.rows())


@PROPERTY_SETTINGS
@given(extracts)
def test_every_rejected_row_has_a_known_reason_and_a_detail(frame: pl.DataFrame) -> None:
    _, rejected = split_rejects(frame)
    assert set(rejected["reason"].to_list()) <= {reason.value for reason in RejectionReason}
    details = rejected["reason_detail"].to_list()
    assert all(isinstance(detail, str) and detail.strip() for detail in details), details


@PROPERTY_SETTINGS
@given(extracts)
def test_accepted_rows_honour_the_contract(frame: pl.DataFrame) -> None:
    accepted, _ = split_rejects(frame)
    for row in accepted.iter_rows(named=True):
        assert row["buyer_id"] is not None
        assert row["p_id"] is not None and row["product_name"] is not None
        assert row["rating"] is not None and 1 <= row["rating"] <= 5
        assert row["r_desc"] is not None and has_letter_or_digit(row["r_desc"])
        assert len(row["r_desc"]) <= MAX_TEXT_CHARS
    assert accepted["review_id"].n_unique() == accepted.height, "a review id is served once (Mongo's unique key)"
    assert accepted.select("buyer_id", "p_id", "r_desc").n_unique() == accepted.height
    outcome = accepted_rows_valid(accepted, ["review_id", "buyer_id", "p_id", "r_desc", "rating", "created_at"])
    assert outcome.passed, outcome.description


@PROPERTY_SETTINGS
@given(extracts)
def test_reasons_follow_the_documented_rules_and_order(frame: pl.DataFrame) -> None:
    actual = rejection_reasons(frame)["reason"].to_list()
    assert actual == expected_reasons(frame)


@PROPERTY_SETTINGS
@given(extracts)
def test_validation_is_deterministic_and_keeps_row_order(frame: pl.DataFrame) -> None:
    first = rejection_reasons(frame)
    assert first.drop(REASON_COLUMNS).equals(frame)
    # Ties on (created_at, review_id) must not let a parallel sort pick another copy on another run.
    assert rejection_reasons(frame).equals(first)
    if not frame.select("created_at", "review_id").is_duplicated().any():
        # Without such ties, where a row sits in the extract decides nothing.
        assert rejection_reasons(frame.reverse()).equals(first.reverse())


def extract(rows: list[dict[str, Any]]) -> pl.DataFrame:
    base = {"buyer_id": 1, "p_id": 10, "product_name": "Lamp", "rating": 4, "r_desc": "Nice lamp", "created_at": DAY}
    return pl.DataFrame([{"review_id": i, **base, **row} for i, row in enumerate(rows, start=1)], schema=SOURCE_SCHEMA)


def test_an_unknown_product_without_an_id_still_says_why() -> None:
    checked = rejection_reasons(extract([{"p_id": None, "product_name": None}]))
    assert checked["reason"].to_list() == [RejectionReason.UNKNOWN_PRODUCT]
    assert checked["reason_detail"].to_list() == ["p_id=null not in product table"]


@pytest.mark.parametrize("second", [{}, {"r_desc": "Other text", "rating": 2}])
def test_a_repeated_review_id_is_accepted_once(second: dict[str, Any]) -> None:
    # The source's primary key forbids it, but a join that fans out (a product listed twice in a source without
    # keys) would repeat a review: serving keys on review_id, so only one copy may pass.
    frame = extract([{}, {"review_id": 1, **second}, {"review_id": 1, "rating": 9}])
    checked = rejection_reasons(frame)
    assert checked["reason"].to_list() == [None, RejectionReason.DUPLICATE_REVIEW, RejectionReason.INVALID_RATING]
    assert checked["reason_detail"][1] == "review id 1 appears more than once in the extract"
