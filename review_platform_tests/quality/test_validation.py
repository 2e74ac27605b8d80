import datetime as dt

import polars as pl

from review_platform.contract import MAX_TEXT_CHARS, RejectionReason
from review_platform.quality.validation import rejection_reasons, split_rejects

T0 = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)


def extract(rows: list[dict]) -> pl.DataFrame:
    base = {"buyer_id": 1, "p_id": 10, "product_name": "Lamp", "rating": 4, "r_desc": "Nice lamp", "created_at": T0}
    return pl.DataFrame([{**base, "review_id": index, **row} for index, row in enumerate(rows, start=1)])


def reasons_of(frame: pl.DataFrame) -> list[str | None]:
    return rejection_reasons(frame)["reason"].to_list()


def test_each_rule_names_its_reason():
    frame = extract(
        [
            {},
            {"buyer_id": None},
            {"product_name": None, "p_id": 99},
            {"rating": 6},
            {"rating": None},
            {"r_desc": "   "},
            {"r_desc": "👍👍🔥"},
            {"r_desc": None},
            {"r_desc": "a" * (MAX_TEXT_CHARS + 1)},
        ]
    )
    assert reasons_of(frame) == [
        None,
        RejectionReason.MISSING_BUYER,
        RejectionReason.UNKNOWN_PRODUCT,
        RejectionReason.INVALID_RATING,
        RejectionReason.INVALID_RATING,
        RejectionReason.EMPTY_TEXT,
        RejectionReason.EMPTY_TEXT,
        RejectionReason.EMPTY_TEXT,
        RejectionReason.TEXT_TOO_LONG,
    ]


def test_first_matching_rule_wins_and_detail_explains():
    checked = rejection_reasons(extract([{"buyer_id": None, "rating": 9}, {"rating": 0}]))
    assert checked["reason"].to_list() == [RejectionReason.MISSING_BUYER, RejectionReason.INVALID_RATING]
    assert checked["reason_detail"][1] == "rating=0"


def test_duplicates_keep_the_earliest_valid_copy():
    later = T0 + dt.timedelta(hours=1)
    frame = extract(
        [
            {"created_at": later},  # id 1: a later copy of id 2
            {},  # id 2: the earliest, kept
            {"created_at": later, "rating": 7},  # id 3: invalid, so not counted as the original
            {"r_desc": "Different text"},  # id 4: not a duplicate
        ]
    )
    checked = rejection_reasons(frame)
    assert checked["review_id"].to_list() == [1, 2, 3, 4], "row order is preserved"
    assert checked["reason"].to_list() == [RejectionReason.DUPLICATE_REVIEW, None, RejectionReason.INVALID_RATING, None]
    assert checked["reason_detail"][0] == "duplicate of review 2"


def test_split_accounts_for_every_row():
    frame = extract([{}, {"buyer_id": None}, {"r_desc": ""}, {"r_desc": "Other"}])
    accepted, rejected = split_rejects(frame)
    assert accepted.height + rejected.height == frame.height
    assert sorted(accepted["review_id"].to_list() + rejected["review_id"].to_list()) == [1, 2, 3, 4]
    assert "reason" not in accepted.columns
