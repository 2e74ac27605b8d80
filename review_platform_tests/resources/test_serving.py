import datetime as dt

import polars as pl
import pytest

from review_platform.resources.mongo import MongoResource
from review_platform.resources.warehouse import WAREHOUSE_VIEWS, WarehouseResource

DAY = dt.date(2026, 11, 1)


def curated(ids: list[int], day: dt.date = DAY) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "review_id": ids,
            "buyer_hash": ["b_x"] * n,
            "p_id": [10] * n,
            "product_name": ["Lamp"] * n,
            "category_name": ["Home"] * n,
            "rating": [4] * n,
            "created_at": [dt.datetime(2026, 11, 1, tzinfo=dt.UTC)] * n,
            "partition_date": [day] * n,
            "topic": ["delivery"] * n,
            "sentiment": ["negative"] * n,
        }
    )


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    resource = WarehouseResource(path=str(tmp_path / "warehouse.duckdb"))
    resource.ensure_schema()
    return resource


def test_warehouse_replaces_one_partition_and_views_answer(warehouse):
    warehouse.replace_partition("curated_reviews", DAY, curated([1, 2, 3]))
    warehouse.replace_partition("curated_reviews", DAY + dt.timedelta(days=1), curated([7], DAY + dt.timedelta(days=1)))
    warehouse.replace_partition("curated_reviews", DAY, curated([1, 2]))
    assert warehouse.count_by_partition("curated_reviews") == {"2026-11-01": 2, "2026-11-02": 1}
    by_product = warehouse.query("SELECT review_count, delivery_reviews, negative_reviews FROM vw_reviews_by_product")
    assert by_product.row(0) == (3, 3, 3)
    quality = warehouse.query("SELECT status, review_count, share_of_day FROM vw_data_quality ORDER BY partition_date")
    assert quality.row(0) == ("accepted", 2, 1.0)
    for view in WAREHOUSE_VIEWS:
        assert warehouse.query(f"SELECT count(*) AS n FROM {view}")["n"][0] > 0


def test_warehouse_rolls_back_a_failed_load(warehouse):
    warehouse.replace_partition("curated_reviews", DAY, curated([1, 2]))
    broken = curated([3]).with_columns(pl.lit(None, dtype=pl.Int32).alias("rating"))  # rating is NOT NULL
    with pytest.raises(Exception, match="NOT NULL"):
        warehouse.replace_partition("curated_reviews", DAY, broken)
    assert warehouse.count_by_partition("curated_reviews") == {"2026-11-01": 2}, "the old partition is intact"


def test_mongo_partition_replace_indexes_and_runs(tmp_path):
    mongo = MongoResource(url=f"litemongo://{tmp_path / 'mongo'}")
    mongo.ensure_indexes()
    assert mongo.missing_indexes() == []
    docs = [{"review_id": i, "partition_date": "2026-11-01", "text": f"r{i}"} for i in (1, 2, 3)]
    mongo.replace_partition("reviews", "2026-11-01", docs)
    mongo.replace_partition("reviews", "2026-11-02", [{"review_id": 9, "partition_date": "2026-11-02"}])
    mongo.replace_partition("reviews", "2026-11-01", docs[:2])
    assert mongo.count_by_partition("reviews") == {"2026-11-01": 2, "2026-11-02": 1}
    mongo.record_run({"run_id": "r1", "partition_date": "2026-11-01", "reviews": 2})
    mongo.record_run({"run_id": "r1", "partition_date": "2026-11-01", "reviews": 2})
    with mongo.connect() as db:
        assert db.pipeline_runs.count_documents({}) == 1
        assert db.reviews.find_one({"review_id": 3}) is None
