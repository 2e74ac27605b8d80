"""anonymised_reviews with per-type operators chosen in run config (the UI's Launchpad or --config-json)."""

import datetime as dt

import polars as pl

from review_platform.pipeline import run_partitions
from review_platform.resources.lake import REVIEWS_DATASET, PartitionRef, Zone
from review_platform_tests.platform_fixture import make_platform

DAY = dt.date(2026, 4, 2)


def test_operators_per_pii_type_from_run_config(tmp_path, monkeypatch):
    platform = make_platform(monkeypatch, tmp_path)
    dataset = platform.seed(DAY, 200)
    operators = {"EMAIL": "hash", "PHONE": "mask", "*": "placeholder"}
    # Reject-rate thresholds loosened: this test is about operators, not about the generated day's defects.
    config = {"pii_operators": operators, "warn_above": 0.5, "error_above": 0.9}
    run_config = {"ops": {"anonymised_reviews": {"config": config}}}
    assert run_partitions(platform.instance, [DAY.isoformat()], run_config=run_config)[0].success

    processed = platform.resources["lake"].read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, str(DAY)))
    text = "\n".join(processed["title"].fill_null("").to_list() + processed["text"].fill_null("").to_list())
    assert "<EMAIL:" in text, "e-mails become keyed hash tokens"
    assert "<PHONE>" not in text and "*****" in text, "phones are masked"
    assert "<PERSON>" in text, "the other types keep their placeholder"
    planted = dataset.planted_pii.filter(pl.col("pii_type").is_in(["EMAIL", "PHONE"]))["value"].to_list()
    assert not [value for value in planted if value in text]
