"""The Mongo serving store on the embedded engine."""

from review_platform.resources.mongo import MongoResource


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
