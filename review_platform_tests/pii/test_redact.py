import polars as pl
import pytest

from review_platform.pii.redact import find_pii, redact_texts


def redact(text: str) -> tuple[str, int]:
    out = redact_texts(pl.DataFrame({"text": [text]}), ["text"])
    return out["text"][0], out["pii_redactions"][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to jean.dupont+avis@exemple.fr please", "Write to <EMAIL> please"),
        ("Appelez le 06 12 34 56 78 svp", "Appelez le <PHONE> svp"),
        ("Appelez le +33 6 12 34 56 78 svp", "Appelez le <PHONE> svp"),
        ("ou 06.12.34.56.78", "ou <PHONE>"),
        ("call (415) 555-0134 now", "call <PHONE> now"),
        ("call +1 415-555-0134 now", "call <PHONE> now"),
        ("card 4111 1111 1111 1111 was charged twice", "card <CARD> was charged twice"),
        ("card 4111111111111111.", "card <CARD>."),
    ],
)
def test_known_formats_become_typed_placeholders(text, expected):
    redacted, count = redact(text)
    assert redacted == expected
    assert count == 1


@pytest.mark.parametrize(
    "text",
    [
        "Paid 25.99 euros, size 42, arrived after 2 weeks",
        "Model 2024 with 3 speeds, 1200 W",
        "Order 12345 arrived on 12/11/2026",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert redact(text) == (text, 0)


def test_counts_add_up_across_columns_and_nulls_survive():
    frame = pl.DataFrame({"title": ["a@b.co", None], "text": ["x 06 12 34 56 78 y a@b.co", None]})
    out = redact_texts(frame, ["title", "text"])
    assert out["pii_redactions"].to_list() == [3, 0]
    assert out["title"].to_list() == ["<EMAIL>", None]


def test_find_pii_flags_only_rows_with_pii():
    frame = pl.DataFrame({"review_id": [1, 2], "text": ["clean text", "mail me: x@y.org"]})
    assert find_pii(frame, ["text"])["review_id"].to_list() == [2]
    assert find_pii(redact_texts(frame, ["text"]), ["text"]).is_empty()
