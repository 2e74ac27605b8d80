"""Column-wise redaction: same result as text by text, counts per type, the leak guard, the Rust prefilters."""

import datetime as dt
import random

import polars as pl
import pytest

from review_platform.contract import PiiType
from review_platform.demo.generator import generate_demo_data
from review_platform.pii.anonymise import TEXT_COLUMNS, anonymise_extract, anonymise_extract_with_report
from review_platform.pii.evaluation import load_eval_set
from review_platform.pii.redact import (
    COUNT_COLUMN,
    DEFAULT_DETECTORS,
    find_pii,
    redact_frame,
    redact_text,
    redact_texts,
    redaction_counts_by_type,
)


@pytest.fixture(scope="module")
def demo_texts() -> pl.DataFrame:
    review = generate_demo_data(dt.date(2026, 11, 1), 3, 400, 42).review
    return review.select("review_id", "title", pl.col("r_desc").alias("text"))


@pytest.fixture(scope="module")
def eval_texts() -> list[str]:
    return [example["text"] for example in load_eval_set()]


def fuzz_texts(count: int = 400, seed: int = 3) -> list[str]:
    """Random mixtures of PII-like fragments, separators and noise."""
    rnd = random.Random(seed)
    fragments = [
        "Marie", "Dupont", "DUPONT", "Thanks,", "Merci,", "—", "my wife", "mon mari", "Mme", "M.", "for", "pour",
        "06", "12", "34", "+33", "(0)", "415", "555-0134", "4111", "1111", "FR76", "3000", "@", "x", "exemple.fr",
        "rue", "de la", "Paix", "75002", "Paris", "Street", "742", "Evergreen", "Terrace", "IL", "62704",
        "192.168.1.1", "fe80::1", "https://x.io/users/", "www.", "?email=", "é", "\n", ",", ".", "  ", "\u00a0",
    ]  # fmt: skip
    return [
        "".join(rnd.choice([" ", "", " "]) + rnd.choice(fragments) for _ in range(rnd.randint(1, 30)))
        for _ in range(count)
    ]


def test_columns_are_redacted_in_place_with_the_total_count():
    frame = pl.DataFrame(
        {
            "review_id": [1, 2, 3, 4],
            "title": ["Call 06 12 34 56 78", None, "fine", ""],
            "text": ["Thanks, Marie Dupont (marie@exemple.fr)", "nothing here", None, "x@y.co"],
            "rating": [5, 4, 3, 2],
        }
    )
    out = redact_texts(frame, ["title", "text"])
    assert out.columns == [*frame.columns, COUNT_COLUMN]
    assert out.schema[COUNT_COLUMN] == pl.Int32
    assert out["title"].to_list() == ["Call <PHONE>", None, "fine", ""]
    assert out["text"].to_list() == ["Thanks, <PERSON> (<EMAIL>)", "nothing here", None, "<EMAIL>"]
    assert out[COUNT_COLUMN].to_list() == [3, 0, 0, 1]
    assert out.select("review_id", "rating").equals(frame.select("review_id", "rating"))


def test_counts_by_type():
    frame = pl.DataFrame({"a": ["06 12 34 56 78 and 07 12 34 56 78", "a@b.fr"], "b": ["Thanks, Marie Dupont", None]})
    result = redact_frame(frame, ["a", "b"])
    assert result.counts.columns == [t.value for t in PiiType]
    assert result.counts["PHONE"].to_list() == [2, 0]
    by_type = redaction_counts_by_type(result)
    assert by_type == {**dict.fromkeys((t.value for t in PiiType), 0), "PHONE": 2, "EMAIL": 1, "PERSON": 1}
    assert sum(by_type.values()) == result.frame[COUNT_COLUMN].sum()
    assert result.by_type() == by_type


def test_vectorised_path_equals_text_by_text(demo_texts, eval_texts):
    # Large enough to go through the polars prefilter (small frames skip it).
    frame = pl.concat([demo_texts.select("text"), pl.DataFrame({"text": eval_texts + fuzz_texts()})])
    out = redact_texts(frame, ["text"])
    expected = [redact_text(text) for text in frame["text"].to_list()]
    assert out["text"].to_list() == [text for text, _ in expected]
    # Counts include what a re-scan finds once neighbours are redacted (redact_text reports the first pass only):
    # one-row frames skip the prefilter, so they are the text-by-text reference.
    one_by_one = [redact_texts(frame.slice(i, 1), ["text"])[COUNT_COLUMN][0] for i in range(frame.height)]
    assert out[COUNT_COLUMN].to_list() == one_by_one
    small = redact_texts(frame.head(20), ["text"])
    assert small.equals(out.head(20))


def test_each_prefilter_is_a_superset_of_its_detector(demo_texts, eval_texts):
    texts = demo_texts["text"].drop_nulls().to_list() + demo_texts["title"].to_list() + eval_texts + fuzz_texts()
    series = pl.Series(texts)
    for detector in DEFAULT_DETECTORS:
        flags = series.str.contains(detector.prefilter).to_list()
        missed = [t for t, flagged in zip(texts, flags, strict=True) if not flagged and detector.detect(t)]
        assert missed == [], f"{detector.name}: prefilter misses {missed[:3]}"
        assert sum(flags) < len(texts), f"{detector.name}: prefilter flags everything"


def test_find_pii_flags_leaks_and_passes_redacted_text(demo_texts):
    assert find_pii(demo_texts, ["title", "text"]).height > 100
    redacted = redact_texts(demo_texts, ["title", "text"])
    assert find_pii(redacted, ["title", "text"]).is_empty()
    placeholders = pl.DataFrame({"text": [f"Thanks, <{t.value}> and <{t.value}> <PERSON>" for t in PiiType]})
    assert find_pii(placeholders, ["text"]).is_empty()
    leaking = pl.DataFrame({"review_id": [7, 8], "text": ["<PHONE> then 06 12 34 56 78", "<EMAIL>"]})
    assert find_pii(leaking, ["text"])["review_id"].to_list() == [7]


def test_planted_demo_pii_is_gone_after_redaction(demo_texts):
    dataset = generate_demo_data(dt.date(2026, 11, 1), 3, 400, 42)
    redacted = redact_texts(demo_texts, ["title", "text"])
    by_id = {row["review_id"]: row for row in redacted.iter_rows(named=True)}
    fields = {"title": "title", "r_desc": "text"}
    for row in dataset.planted_pii.iter_rows(named=True):
        assert row["value"] not in (by_id[row["review_id"]][fields[row["field"]]] or "")


def test_redaction_reaches_a_fixed_point():
    # Dropping the phone number puts the name right after "My husband": only a second pass can see it.
    from review_platform.pii.operators import Drop
    from review_platform.pii.redact import RedactionConfig

    config = RedactionConfig(operators={PiiType.PHONE: Drop()})
    text = "My husband 0612345678 Zbigniew loves it"
    assert [e.type for e in redact_text(text, config)[1]] == [PiiType.PHONE]
    frame = pl.DataFrame({"text": [text] * 70})  # enough rows for the polars path
    for out in (redact_texts(frame, ["text"], config), redact_texts(frame.head(3), ["text"], config)):
        assert out["text"][0] == "My husband  <PERSON> loves it"
        assert out[COUNT_COLUMN][0] == 2
        assert find_pii(out, ["text"]).is_empty()
    assert redact_text(text, config)[0] == "My husband  <PERSON> loves it"


def test_non_string_and_empty_columns():
    frame = pl.DataFrame({"text": [None, None]}, schema={"text": pl.Null})
    assert redact_texts(frame, ["text"])[COUNT_COLUMN].to_list() == [0, 0]
    empty = pl.DataFrame({"text": []}, schema={"text": pl.String})
    assert redact_texts(empty, ["text"]).columns == ["text", COUNT_COLUMN]
    assert find_pii(empty, ["text"]).is_empty()


def test_anonymise_extract_reports_redactions_by_type():
    dataset = generate_demo_data(dt.date(2026, 11, 1), 1, 200, 7)
    review = dataset.review
    extract = review.join(
        dataset.product.select("p_id", pl.col("p_name").alias("product_name"), pl.col("price").alias("product_price"),
                               pl.col("category_id").cast(pl.Int64)), on="p_id", how="left",
    ).join(dataset.category.select(pl.col("category_id").cast(pl.Int64), pl.col("name").alias("category_name")),
           on="category_id", how="left").with_columns(
        pl.lit(True).alias("buyer_has_orders"), pl.lit(0, dtype=pl.Int32).alias("image_count")
    )  # fmt: skip
    report = anonymise_extract_with_report(extract, b"key", dt.date(2026, 11, 1))
    accepted, rejected = anonymise_extract(extract, b"key", dt.date(2026, 11, 1))
    assert report.accepted.equals(accepted) and report.rejected.equals(rejected)
    # Rejected rows are redacted too (their schema has no count column): the report covers both.
    assert sum(report.redactions_by_type.values()) >= int(accepted[COUNT_COLUMN].sum()) > 0
    assert report.redactions_by_type["PERSON"] > 0
    assert find_pii(accepted, TEXT_COLUMNS).is_empty() and find_pii(rejected, TEXT_COLUMNS).is_empty()


def test_product_and_category_names_lose_contact_data_but_keep_brand_names():
    from review_platform.pii.anonymise import CATALOGUE_COLUMNS, catalogue_config, redact_catalogue

    names = [
        "Lampe de bureau - vendeur joignable au 06 12 34 56 78",
        "Calvin Klein Jeans slim",
        "Mug écrivez à boutique.dupont@gmail.com",
        None,
        "Calvin Klein Jeans slim",
    ]
    frame = pl.DataFrame(
        {"review_id": range(5), "product_name": names, "category_name": ["Maison", "Mode", "Maison", None, "Mode"]}
    )
    redacted, counts = redact_catalogue(frame)
    assert redacted["product_name"].to_list() == [
        "Lampe de bureau - vendeur joignable au <PHONE>",
        "Calvin Klein Jeans slim",
        "Mug écrivez à <EMAIL>",
        None,
        "Calvin Klein Jeans slim",
    ]
    assert redacted["category_name"].equals(frame["category_name"]) and redacted["review_id"].equals(frame["review_id"])
    assert counts == {"PHONE": 1, "EMAIL": 1} | {t.value: 0 for t in PiiType if t.value not in {"PHONE", "EMAIL"}}
    assert find_pii(redacted, CATALOGUE_COLUMNS, catalogue_config()).is_empty()
    assert not find_pii(frame, CATALOGUE_COLUMNS, catalogue_config()).is_empty()
