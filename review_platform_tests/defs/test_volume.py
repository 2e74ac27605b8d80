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
    datasets = [platform.seed(day, 60) for day in DAYS]
    orders = pl.concat([dataset.orders for dataset in datasets])
    reviews = pl.concat([dataset.review for dataset in datasets])
    # The orders table loses the orders behind the last day's reviews (a loader that stopped); reviews and products
    # are untouched.
    last = DAYS[-1]
    day_start = dt.datetime.combine(last, dt.time(), dt.UTC)
    with platform.resources.postgres.connect() as conn:
        conn.execute(
            "DELETE FROM orders o USING review r WHERE r.created_at >= %s AND r.created_at < %s "
            "AND r.buyer_id = o.buyer_id AND r.p_id = o.p_id",
            [day_start, day_start + dt.timedelta(days=1)],
        )
        conn.commit()
    runs = platform.run([day.isoformat() for day in DAYS], run_config=LENIENT)
    assert all(run.success for run in runs), "the products and orders checks warn, they never block the reviews"

    def placed_on(day: dt.date) -> int:
        """The orders behind the day's reviews, counted here from the generated frames."""
        start = dt.datetime.combine(day, dt.time(), dt.UTC)
        day_reviews = reviews.filter(
            pl.col("created_at").is_between(start, start + dt.timedelta(days=1), closed="left")
        )
        pairs = orders.join(day_reviews, on=["buyer_id", "p_id"]).filter(pl.col("order_date") <= pl.col("created_at"))
        return pairs.select("order_id").n_unique()

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
