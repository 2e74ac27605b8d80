"""The guard's second line: the buyers' own values found verbatim, whatever the case, spacing or phone format."""

import polars as pl

from review_platform.pii.guard import buyer_values, rows_with_buyer_values

BUYERS = pl.DataFrame(
    {
        "buyer_id": [1, 2, 3],
        "fname": ["Marie", "Jürgen", "J"],
        "lname": ["Dupont", "Schmidt", ""],
        "email": ["marie.dupont@gmail.com", None, "x"],
        "phone": ["0612345678", "+49 151 23456789", "12"],
    }
)


def test_each_kind_is_found_in_any_case_order_spacing_and_format():
    frame = pl.DataFrame(
        {
            "review_id": [10, 11, 12, 13, 14, 15],
            "title": ["ok", None, "x", "y", "z", "SCHMIDT\u200b jürgen"],
            "text": [
                "merci marie  dupont!",
                "call +33 6-12-34-56-78",
                "nothing personal <PERSON> <PHONE>",
                "a Marie and a Dupont, apart",
                "mail MARIE.DUPONT@GMAIL.COM or 0151 2345 6789",
                "",
            ],
        }
    )
    found = rows_with_buyer_values(frame, ["title", "text"], BUYERS)
    assert dict(zip(found["review_id"], found["kinds"], strict=True)) == {
        10: "PERSON",
        11: "PHONE",
        14: "EMAIL,PHONE",
        15: "PERSON",
    }


def test_values_too_short_to_mean_anything_are_not_searched():
    values = buyer_values(BUYERS)
    assert "j " not in " ".join(values["PERSON"]) and "x" not in values["EMAIL"] and "12" not in values["PHONE"]


def test_no_buyers_or_no_rows_flag_nothing():
    frame = pl.DataFrame({"review_id": [1], "text": ["Marie Dupont"]})
    assert rows_with_buyer_values(frame, ["text"], BUYERS.clear()).is_empty()
    assert rows_with_buyer_values(frame.clear(), ["text"], BUYERS).is_empty()
