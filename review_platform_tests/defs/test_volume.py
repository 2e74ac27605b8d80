"""The daily volume review of the support documentation (4.2): products, reviews and orders of the day, each
against the median of the earlier days."""

import datetime as dt

import dagster as dg
import polars as pl

from review_platform_tests.platform_fixture import make_platform

FIRST_DAY = dt.date(2026, 6, 1)
DAYS = [FIRST_DAY + dt.timedelta(days=offset) for offset in range(4)]
LENIENT = {"ops": {"anonymised_reviews": {"config": {"warn_above": 0.5, "error_above": 0.9}}}}


def _evaluations(platform, run_id: str) -> dict[str, object]:
    records = platform.instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    return {
        evaluation.check_name: evaluation
        for record in records.records
        if (evaluation := record.event_log_entry.dagster_event.event_specific_data).asset_key.path
        == ["postgres_reviews"]
    }


def test_orders_and_products_of_the_day_are_checked_like_reviews(tmp_path, monkeypatch):
    platform = make_platform(monkeypatch, tmp_path)
    orders = pl.concat([platform.seed(day, 60).orders for day in DAYS])
    # The orders table loses the last day's orders (a loader that stopped), reviews and products are untouched.
    last = DAYS[-1]
    day_start = dt.datetime.combine(last, dt.time(), dt.UTC)
    with platform.resources.postgres.connect() as conn:
        conn.execute(
            "DELETE FROM orders WHERE order_date >= %s AND order_date < %s",
            [day_start, day_start + dt.timedelta(days=1)],
        )
        conn.commit()
    runs = platform.run([day.isoformat() for day in DAYS], run_config=LENIENT)
    assert all(run.success for run in runs), "the products and orders checks warn, they never block the reviews"

    def placed_on(day: dt.date) -> int:
        start = dt.datetime.combine(day, dt.time(), dt.UTC)
        return orders.filter(pl.col("order_date").is_between(start, start + dt.timedelta(days=1), closed="left")).height

    first = _evaluations(platform, runs[0].run_id)
    assert first["orders_vs_usual"].passed and "only 0 earlier days" in first["orders_vs_usual"].description
    usual = [placed_on(day) for day in DAYS[:3]]
    assert min(usual) > 0
    checks = _evaluations(platform, runs[-1].run_id)
    orders_check = checks["orders_vs_usual"]
    assert not orders_check.passed and orders_check.severity is dg.AssetCheckSeverity.ERROR
    assert orders_check.metadata["rows"].value == 0 and orders_check.metadata["history_days"].value == 3
    assert orders_check.description.startswith("no orders at all for this day")
    third = _evaluations(platform, runs[2].run_id)["orders_vs_usual"]
    assert third.metadata["rows"].value == usual[2]
    assert third.metadata["history_days"].value == 2, "each day's figures are kept for the days after it"
    assert checks["products_vs_usual"].passed and checks["volume_vs_usual"].passed
    products = checks["products_vs_usual"].metadata["rows"].value
    assert 0 < products <= 60
    assert orders_check.partition == last.isoformat()
