import polars as pl
import pytest

from review_platform.quality.checks import (
    Severity,
    accepted_rows_valid,
    reconciliation_problems,
    reject_rate,
    volume_against_baseline,
)

BANDS = {"min_history": 3, "warn_band": 2.0, "error_band": 5.0}


def test_first_partitions_without_history_raise_no_alarm():
    outcome = volume_against_baseline(40, [], **BANDS)
    assert outcome.passed and "only 0 earlier days" in outcome.description
    assert volume_against_baseline(40, [400, 410], **BANDS).passed


def test_zero_rows_is_an_error_even_without_history():
    outcome = volume_against_baseline(0, [], **BANDS)
    assert not outcome.passed and outcome.severity is Severity.ERROR


@pytest.mark.parametrize(
    ("rows", "passed", "severity", "word"),
    [
        (400, True, Severity.ERROR, "usual"),
        (250, True, Severity.ERROR, "usual"),
        (150, False, Severity.WARN, "drop"),
        (60, False, Severity.ERROR, "drop"),
        (1000, False, Severity.WARN, "surge"),
        (2500, False, Severity.ERROR, "surge"),
    ],
)
def test_volume_bands_around_the_median(rows, passed, severity, word):
    outcome = volume_against_baseline(rows, [380, 400, 420, 9000, 390], **BANDS)
    assert outcome.passed is passed
    assert outcome.metadata["baseline_median"] == 400
    if not passed:
        assert outcome.severity is severity
    assert word in outcome.description


@pytest.mark.parametrize(
    ("rejected", "passed", "severity"), [(1, True, None), (3, False, Severity.WARN), (6, False, Severity.ERROR)]
)
def test_reject_rate_warns_above_one_percent_and_errors_above_five(rejected, passed, severity):
    outcome = reject_rate(100 - rejected, rejected, warn_above=0.01, error_above=0.05)
    assert outcome.passed is passed
    if severity:
        assert outcome.severity is severity
    assert outcome.metadata["reject_rate"] == rejected / 100


def test_accepted_rows_valid_names_each_problem():
    good = pl.DataFrame(
        {"review_id": [1, 2], "text": ["a", "b"], "rating": [1, 5], "product_name": ["x", "y"]},
    )
    assert accepted_rows_valid(good, ["review_id", "text"]).passed
    bad = pl.DataFrame(
        {"review_id": [1, 1, 3], "text": ["a", None, "c"], "rating": [0, 5, 3], "product_name": ["x", "y", None]},
    )
    outcome = accepted_rows_valid(bad, ["review_id", "text"])
    assert not outcome.passed
    assert outcome.metadata == {
        "rows": 3,
        "duplicate_ids": 1,
        "missing_required": 1,
        "rating_out_of_range": 1,
        "unknown_products": 1,
    }


def test_reconciliation_names_the_layer_that_differs():
    counts = dict(source=10, raw=10, anonymised=8, rejected=2, categorised=8, warehouse=8, mongo=8)
    assert reconciliation_problems(counts) == []
    assert reconciliation_problems({**counts, "mongo": 7}) == ["mongo has 7, expected 8"]
    assert reconciliation_problems({**counts, "raw": None}) == ["raw not materialised"]


def test_views_answer_fails_on_an_empty_view_and_indexes_name_what_is_missing():
    from review_platform.quality.checks import indexes_present, views_answer

    assert views_answer({"vw_a": 3, "vw_b": 1}).passed
    empty = views_answer({"vw_a": 3, "vw_b": 0})
    assert not empty.passed and empty.metadata == {"vw_a": 3, "vw_b": 0}
    assert indexes_present([]).passed
    missing = indexes_present(["reviews.review_id_1"])
    assert not missing.passed and "reviews.review_id_1" in missing.description


def test_withheld_rows_is_a_warn_with_ids_kinds_and_what_to_do():
    from review_platform.quality.checks import Severity, withheld_rows

    none = withheld_rows(
        pl.DataFrame({"review_id": [], "kinds": []}, schema={"review_id": pl.Int64, "kinds": pl.String}), 10
    )
    assert none.passed and none.metadata["rows_withheld"] == 0
    found = withheld_rows(pl.DataFrame({"review_id": [7, 3, 7], "kinds": ["PERSON", "EMAIL,PHONE", "PERSON"]}), 10)
    assert not found.passed and found.severity is Severity.WARN
    assert found.metadata["rows_withheld"] == 2 and found.metadata["withheld_review_ids"] == "3, 7"
    assert found.metadata["withheld_kinds"] == "EMAIL, PERSON, PHONE"
    assert "release_review_ids" in found.description and "kept in RAW only" in found.description
