"""The synthetic source data: deterministic, shaped like the source tables, and planted with known defects and PII."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from importlib import resources as package_files

import polars as pl
import pytest

from review_platform.contract import MAX_TEXT_CHARS, SOURCE_TABLE_SCHEMAS, PiiType, RejectionReason
from review_platform.demo import catalogue, generator
from review_platform.demo.generator import DemoDataset, expected_rejections, generate_demo_data

START = dt.date(2024, 5, 1)
DAYS = 3
PER_DAY = 500
UTC_US = pl.Datetime("us", "UTC")

# Written out here rather than imported, so a change to the generator's schemas fails the test.
SCHEMAS = {
    "category": {"category_id": pl.Int32, "name": pl.String},
    "product": {
        "p_id": pl.Int64,
        "p_name": pl.String,
        "p_desc": pl.String,
        "price": pl.Float64,
        "category_id": pl.Int32,
    },
    "customer": {
        "buyer_id": pl.Int64,
        "fname": pl.String,
        "lname": pl.String,
        "email": pl.String,
        "phone": pl.String,
    },
    "orders": {"order_id": pl.Int64, "buyer_id": pl.Int64, "p_id": pl.Int64, "order_date": UTC_US},
    "review": {
        "review_id": pl.Int64,
        "buyer_id": pl.Int64,
        "p_id": pl.Int64,
        "title": pl.String,
        "r_desc": pl.String,
        "rating": pl.Int32,
        "created_at": UTC_US,
    },
    "review_images": {"review_id": pl.Int64, "url": pl.String},
    "planted_pii": {"review_id": pl.Int64, "field": pl.String, "pii_type": pl.String, "value": pl.String},
}


def frames(dataset: DemoDataset) -> dict[str, pl.DataFrame]:
    return {field.name: getattr(dataset, field.name) for field in dataclasses.fields(dataset)}


@pytest.fixture(scope="module")
def generated() -> tuple[DemoDataset, pl.DataFrame]:
    return generator._generate(START, DAYS, PER_DAY, 42)


@pytest.fixture(scope="module")
def dataset(generated: tuple[DemoDataset, pl.DataFrame]) -> DemoDataset:
    return generated[0]


@pytest.fixture(scope="module")
def good_reviews(dataset: DemoDataset) -> pl.DataFrame:
    return dataset.review.join(expected_rejections(dataset), on="review_id", how="anti")


def test_same_arguments_give_identical_frames(dataset: DemoDataset) -> None:
    catalogue.build_catalogue.cache_clear()  # rebuild the catalogue too, rather than reuse the cached one
    again = generate_demo_data(START, DAYS, PER_DAY, seed=42)
    for name, frame in frames(dataset).items():
        assert frame.equals(getattr(again, name)), name


def test_another_seed_gives_other_data(dataset: DemoDataset) -> None:
    other = generate_demo_data(START, 1, PER_DAY, seed=7)
    assert not other.customer.equals(dataset.customer)
    assert not other.product.equals(dataset.product)
    first_day = dataset.review.filter(pl.col("created_at").dt.date() == START)
    assert not other.review.equals(first_day)


def test_days_generated_separately_equal_days_generated_together(dataset: DemoDataset) -> None:
    days = [generate_demo_data(START + dt.timedelta(days=d), 1, PER_DAY, seed=42) for d in range(DAYS)]
    for name, frame in frames(dataset).items():
        if name in ("category", "product", "customer"):
            assert all(getattr(day, name).equals(frame) for day in days), name
        else:
            assert pl.concat([getattr(day, name) for day in days]).equals(frame), name


def test_schemas_are_exact(dataset: DemoDataset) -> None:
    for name, frame in frames(dataset).items():
        assert dict(frame.schema) == SCHEMAS[name], name
    assert dict(expected_rejections(dataset).schema) == {"review_id": pl.Int64, "reason": pl.String}


def test_source_frames_have_the_columns_of_the_source_tables(dataset: DemoDataset) -> None:
    # The loader COPYs the frames as they are, so their columns are those of sql/source_schema.sql, in its order.
    sql = package_files.files("review_platform.sql").joinpath("source_schema.sql").read_text(encoding="utf-8")
    tables = {
        name: re.findall(r"^\s+(\w+)\s", body, flags=re.MULTILINE)
        for name, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", sql, flags=re.DOTALL)
    }
    assert tables == {name: list(schema) for name, schema in SOURCE_TABLE_SCHEMAS.items()}
    for name, schema in SOURCE_TABLE_SCHEMAS.items():
        assert getattr(dataset, name).schema == pl.Schema(schema), name


def test_no_days_gives_empty_frames_with_the_schemas() -> None:
    empty = generate_demo_data(START, 0, PER_DAY)
    assert empty.review.is_empty() and empty.orders.is_empty() and empty.planted_pii.is_empty()
    for name, frame in frames(empty).items():
        assert dict(frame.schema) == SCHEMAS[name], name


def test_ids_are_unique_and_derived_from_the_date(dataset: DemoDataset) -> None:
    for frame, key in [
        (dataset.category, "category_id"),
        (dataset.product, "p_id"),
        (dataset.customer, "buyer_id"),
        (dataset.orders, "order_id"),
        (dataset.review, "review_id"),
    ]:
        assert frame[key].is_unique().all(), key
    assert dataset.review_images["url"].is_unique().all()
    review = dataset.review.with_columns(
        day=pl.col("created_at").dt.date(),
        offset=pl.col("review_id") - (pl.col("created_at").dt.date() - dt.date(2000, 1, 1)).dt.total_days() * 1_000_000,
    )
    assert review["offset"].min() >= 0 and review["offset"].max() < PER_DAY
    assert review.group_by("day").len()["len"].to_list() == [PER_DAY] * DAYS


def test_catalogue_and_references(dataset: DemoDataset) -> None:
    assert dataset.category.height == 8
    assert dataset.product.height == 8 * 40
    assert 1_000 <= dataset.customer.height <= 10_000
    assert dataset.product["price"].min() > 0
    assert dataset.product["p_name"].is_unique().all()
    # The source tables' foreign keys hold: orders and images only point at existing rows.
    assert dataset.orders["buyer_id"].is_in(dataset.customer["buyer_id"].implode()).all()
    assert dataset.orders["p_id"].is_in(dataset.product["p_id"].implode()).all()
    assert dataset.review_images["review_id"].is_in(dataset.review["review_id"].implode()).all()
    assert dataset.product["category_id"].is_in(dataset.category["category_id"].implode()).all()


def test_ratings_are_j_shaped(dataset: DemoDataset) -> None:
    valid = dataset.review.filter(pl.col("rating").is_between(1, 5))["rating"]
    share = {star: (valid == star).mean() for star in range(1, 6)}
    for star, target, tolerance in [
        (5, 0.55, 0.05),
        (4, 0.20, 0.04),
        (3, 0.08, 0.03),
        (2, 0.05, 0.025),
        (1, 0.12, 0.03),
    ]:
        assert abs(share[star] - target) <= tolerance, (star, share[star])
    assert share[5] > share[4] > share[1] > share[3] > share[2]


def test_both_languages_are_present(good_reviews: pl.DataFrame) -> None:
    text = good_reviews["r_desc"].str.to_lowercase()
    french = text.str.contains(r"\b(le|la|les|et|est|pas|très|je|colis|livraison|ça|pour|qualité)\b")
    english = text.str.contains(r"\b(the|and|it|was|is|for|my|with|very|i)\b")
    assert 0.20 <= (french & ~english).mean() <= 0.50
    assert 0.45 <= (english & ~french).mean() <= 0.80


def test_text_lengths_look_like_real_reviews(good_reviews: pl.DataFrame) -> None:
    length = good_reviews["r_desc"].str.len_chars()
    assert 50 <= length.median() <= 150
    assert length.max() > 1_000
    assert length.max() <= MAX_TEXT_CHARS
    assert good_reviews["r_desc"].str.contains(r"[\p{L}\p{N}]").all()


def test_texts_are_varied(good_reviews: pl.DataFrame) -> None:
    # Templates with random slot fills, not a handful of fixed sentences.
    sentences = good_reviews.select(pl.col("r_desc").str.split(". ")).explode("r_desc")["r_desc"]
    assert sentences.n_unique() >= 0.45 * sentences.len()
    assert good_reviews["r_desc"].n_unique() >= 0.75 * good_reviews.height
    assert good_reviews["title"].n_unique() >= 150


def test_every_rejection_reason_is_planted_in_a_small_share(
    dataset: DemoDataset, generated: tuple[DemoDataset, pl.DataFrame]
) -> None:
    expected = expected_rejections(dataset)
    # Read back from the data, the bad rows are exactly those the generator planted, with the same reasons.
    assert expected.equals(generated[1])
    assert set(expected["reason"]) == {reason.value for reason in RejectionReason}
    assert 0.012 <= expected.height / dataset.review.height <= 0.04
    empty_share = (expected["reason"] == RejectionReason.EMPTY_TEXT).sum() / dataset.review.height
    assert 0.008 <= empty_share <= 0.025
    too_long = dataset.review.join(expected, on="review_id").filter(pl.col("reason") == "text_too_long")
    assert too_long["created_at"].dt.date().n_unique() == DAYS  # at least one a day
    assert (too_long["r_desc"].str.len_chars() > MAX_TEXT_CHARS).all()


def test_each_bad_row_has_exactly_one_defect(dataset: DemoDataset) -> None:
    flags = generator._defect_flags(dataset)
    defects = flags.select(pl.sum_horizontal(pl.exclude("review_id")).alias("n"))["n"]
    assert defects.max() == 1
    assert (defects == 1).sum() == expected_rejections(dataset).height


def test_duplicates_are_later_copies_from_the_same_day(dataset: DemoDataset) -> None:
    expected = expected_rejections(dataset)
    dup_ids = expected.filter(pl.col("reason") == RejectionReason.DUPLICATE_REVIEW)["review_id"]
    review = dataset.review.with_columns(day=pl.col("created_at").dt.date())
    dups = review.filter(pl.col("review_id").is_in(dup_ids.implode()))
    originals = dups.join(review, on=["buyer_id", "p_id", "r_desc", "day"], suffix="_orig").filter(
        pl.col("created_at_orig") < pl.col("created_at")
    )
    assert dups.height > 0
    assert set(originals["review_id"]) == set(dups["review_id"])
    # The earliest copy is a good row: the duplicate is the only defect.
    first = originals.group_by("review_id").agg(pl.col("review_id_orig").min())["review_id_orig"]
    assert not first.is_in(expected["review_id"].implode()).any()


def test_bad_rows_carry_the_documented_values(dataset: DemoDataset) -> None:
    bad = dataset.review.join(expected_rejections(dataset), on="review_id")
    ratings = bad.filter(pl.col("reason") == "invalid_rating")["rating"]
    assert set(ratings.to_list()) <= {None, 0, 6, -1}
    unknown = bad.filter(pl.col("reason") == "unknown_product")["p_id"]
    assert not unknown.is_in(dataset.product["p_id"].implode()).any()
    empty = bad.filter(pl.col("reason") == "empty_text")["r_desc"]
    assert empty.fill_null("").str.strip_chars().str.contains(r"[\p{L}\p{N}]").not_().all()


def test_planted_pii_occurs_in_its_field(dataset: DemoDataset) -> None:
    pii = dataset.planted_pii.join(dataset.review, on="review_id")
    assert pii.height == dataset.planted_pii.height
    for row in pii.iter_rows(named=True):
        assert row["value"] in row[row["field"]], row
    assert set(pii["field"]) == {"title", "r_desc"}
    assert set(pii["pii_type"]) == {PiiType.PERSON, PiiType.EMAIL, PiiType.PHONE, PiiType.ADDRESS, PiiType.CARD}
    share = dataset.planted_pii["review_id"].n_unique() / dataset.review.height
    assert 0.15 <= share <= 0.25


def test_phone_and_address_formats_cover_both_countries(dataset: DemoDataset) -> None:
    pii = dataset.planted_pii
    phones = pii.filter(pl.col("pii_type") == PiiType.PHONE)["value"]
    assert phones.str.contains(r"^0[67]( \d\d){4}$").any()
    assert phones.str.contains(r"^\+33 [67]( \d\d){4}$").any()
    assert phones.str.contains(r"^\(\d{3}\) 555-01\d\d$").any()
    assert phones.str.contains(r"^\+1 \d{3}-555-01\d\d$").any()
    addresses = pii.filter(pl.col("pii_type") == PiiType.ADDRESS)["value"]
    assert addresses.str.contains(r"^\d+ .+, \d{5} \p{Lu}").any()  # 12 rue de la Paix, 75002 Paris
    assert addresses.str.contains(r"^\d+ .+, .+, [A-Z]{2} \d{5}$").any()  # 742 Evergreen Terrace, ..., IL 62704


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()][::-1]
    total = sum(d if k % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for k, d in enumerate(digits))
    return total % 10 == 0


def test_luhn_helper() -> None:
    assert luhn_ok("4111 1111 1111 1111")
    assert not luhn_ok("4111 1111 1111 1112")


def test_card_numbers_pass_luhn(dataset: DemoDataset) -> None:
    cards = dataset.planted_pii.filter(pl.col("pii_type") == PiiType.CARD)["value"].to_list()
    assert cards
    for card in cards:
        assert len([c for c in card if c.isdigit()]) == 16, card
        assert luhn_ok(card), card
    assert any(" " in card for card in cards) and any(card.isdigit() for card in cards)


def test_verified_buyers_and_images(dataset: DemoDataset) -> None:
    review = dataset.review
    verified = (
        review.join(dataset.orders, on=["buyer_id", "p_id"], how="left")
        .group_by("review_id")
        .agg((pl.col("order_date") < pl.col("created_at")).any().fill_null(False).alias("verified"))
    )
    assert 0.62 <= verified["verified"].mean() <= 0.78
    per_review = dataset.review_images.group_by("review_id").len()
    assert 0.10 <= per_review.height / review.height <= 0.20
    assert per_review["len"].min() >= 1 and per_review["len"].max() <= 3
    assert dataset.review_images["url"].str.contains(r"^https://img\.example\.com/reviews/\d+/[1-3]\.jpg$").all()


def test_reviews_spread_over_the_utc_day(dataset: DemoDataset) -> None:
    hours = dataset.review["created_at"].dt.hour()
    assert hours.n_unique() == 24
    assert dataset.review["created_at"].is_sorted()
