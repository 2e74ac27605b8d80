"""The Mongo serving store on the real embedded engine (litemongo): sessions, validators, failures midway."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import dagster as dg
import litemongo
import polars as pl
import pytest
from litemongo._vendor.mongomock.collection import Collection as EngineCollection
from pymongo.errors import AutoReconnect

from review_platform.contract import CATEGORISED_SCHEMA, REJECTED_SCHEMA, RejectionReason, conform
from review_platform.contract.mongo import NOT_NULL, PIPELINE_RUNS_SCHEMA, bson_type, json_schema_validator
from review_platform.defs.serving import SERVING_ASSETS
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.mongo import (
    REQUIRED_INDEXES,
    MongoResource,
    MongoSession,
    MongoUnavailableError,
    MongoWriteError,
    _documents,
    close_shared_clients,
    index_name,
    supports_transactions,
)
from review_platform.resources.postgres import PostgresResource
from review_platform.resources.privacy import PseudonymKeyResource

DAY, OTHER_DAY = "2026-11-01", "2026-11-02"


@pytest.fixture
def mongo(tmp_path) -> MongoResource:
    resource = MongoResource(url=f"litemongo://{tmp_path / 'mongo'}")
    resource.ensure_collections()
    return resource


@pytest.fixture
def connections(monkeypatch) -> list[str]:
    """Every litemongo connection opened during the test (the engine rebuilds its indexes on each), counted from
    an empty pool of shared clients."""
    close_shared_clients()
    opened: list[str] = []
    real_connect = litemongo.connect

    def counting_connect(path, *args, **kwargs):
        opened.append(str(path))
        return real_connect(path, *args, **kwargs)

    monkeypatch.setattr(litemongo, "connect", counting_connect)
    return opened


def categorised_row(review_id: int, day: str = DAY) -> dict[str, Any]:
    return {
        "review_id": review_id,
        "buyer_hash": "b_1f3a",
        "p_id": 10,
        "product_name": "Lamp",
        "product_price": 19.9,
        "category_id": 3,
        "category_name": "Home",
        "title": "Late",
        "text": "Arrived a week late, <PERSON> was kind though.",
        "rating": 2,
        "created_at": dt.datetime.fromisoformat(f"{day}T09:30:00+00:00"),
        "verified_buyer": True,
        "image_count": 0,
        "pii_redactions": 1,
        "partition_date": dt.date.fromisoformat(day),
        "topic": "delivery",
        "topic_score": 0.91,
        "secondary_topics": ["customer_service"],
        "sentiment": "negative",
        "sentiment_score": 0.8,
        "rating_mismatch": False,
        "language": "en",
        "relevance_score": 0.7,
        "nlp_error": None,
        "model_name": "all-MiniLM-L6-v2",
        "model_version": "w1-t1",
    }


def rejected_row(review_id: int, day: str = DAY) -> dict[str, Any]:
    return {
        "review_id": review_id,
        "buyer_hash": None,
        "p_id": 10,
        "title": None,
        "text": "🙂",
        "rating": 9,
        "created_at": dt.datetime.fromisoformat(f"{day}T10:00:00+00:00"),
        "reason": RejectionReason.MISSING_BUYER.value,
        "reason_detail": "buyer_id is null",
        "partition_date": dt.date.fromisoformat(day),
    }


def served(rows: list[dict[str, Any]], schema: dict[str, pl.DataType]) -> list[dict[str, Any]]:
    """Documents exactly as the mongo_collections asset builds them from a lake frame."""
    return _documents(conform(pl.DataFrame(rows), schema))


# --- a small $jsonSchema evaluator: the subset of MongoDB's rules the validators use ------------------------------


def bson_type_of(value: Any) -> str:
    """The BSON type pymongo gives a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -(2**31) <= value < 2**31 else "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"no BSON type for {type(value).__name__}")


def value_violations(path: str, value: Any, rule: dict[str, Any]) -> list[str]:
    allowed = [rule["bsonType"]] if isinstance(rule["bsonType"], str) else rule["bsonType"]
    kind = bson_type_of(value)
    if kind not in allowed:
        return [f"{path}: {kind} is not one of {allowed}"]
    problems = []
    if "enum" in rule and value not in rule["enum"]:
        problems.append(f"{path}: {value!r} not in enum")
    if kind == "string" and "pattern" in rule and not re.search(rule["pattern"], value):
        problems.append(f"{path}: {value!r} does not match {rule['pattern']}")
    if kind in {"int", "long", "double"} and not rule.get("minimum", value) <= value <= rule.get("maximum", value):
        problems.append(f"{path}: {value} out of range")
    if kind == "array" and "items" in rule:
        for position, item in enumerate(value):
            problems += value_violations(f"{path}.{position}", item, rule["items"])
    return problems


def violations(document: dict[str, Any], validator: dict[str, Any]) -> list[str]:
    schema = validator["$jsonSchema"]
    problems = [f"{name}: missing" for name in schema["required"] if name not in document]
    for name, rule in schema["properties"].items():
        if name in document:
            problems += value_violations(name, document[name], rule)
    return problems


# --- sessions and one-shot calls ----------------------------------------------------------------------------------


def test_a_session_does_all_of_an_assets_work_on_one_connection(mongo, connections):
    with mongo.session() as store:
        store.ensure_collections()
        store.replace_partition("reviews", DAY, served([categorised_row(1), categorised_row(2)], CATEGORISED_SCHEMA))
        store.replace_partition("rejected_reviews", DAY, served([rejected_row(3)], REJECTED_SCHEMA))
        assert store.count_partition("reviews", DAY) == 2
        assert store.partition_texts(DAY)["review_id"].sort().to_list() == [1, 2, 3]
        store.record_run({"run_id": "r1", "partition_date": DAY, "reviews": 2})
        assert store.missing_indexes() == []
        assert store.count_by_partition("rejected_reviews") == {DAY: 1}
    assert len(connections) == 1
    assert mongo.count_partition("reviews", DAY) == 2, "the one-shot call sees what the session wrote"
    assert len(connections) == 2, "a one-shot call opens (and closes) its own connection"


def test_a_mongodb_server_gets_one_client_per_process_and_url():
    """pymongo connects lazily: building clients needs no server."""
    url = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"
    with MongoResource(url=url).connect() as first, MongoResource(url=url, database="other").connect() as second:
        assert first.client is second.client, "one connection pool, whichever resource or database asks"
    with MongoResource(url=url).connect() as again:
        assert again.client is first.client, "leaving the block does not close the shared client"
    close_shared_clients()


def serving_resources(lake: LakeResource, **store: object) -> dict[str, object]:
    """What a serving asset needs besides its store (`store`: resource key -> store). No RAW partition is written
    in these tests, so the buyer-value search has no buyers to read and the source (an unreachable address) is
    never contacted."""
    return {
        "lake": lake,
        **store,
        "pseudonym_key": PseudonymKeyResource(key="serving-test-key"),
        "postgres": PostgresResource(url="postgresql://nobody@127.0.0.1:1/none"),
    }


def test_the_mongo_collections_asset_opens_one_connection(tmp_path, mongo, connections):
    lake = LakeResource(url=str(tmp_path / "lake"))
    lake.write_partition(
        PartitionRef(Zone.CURATED, REVIEWS_DATASET, DAY),
        conform(pl.DataFrame([categorised_row(1), categorised_row(2)]), CATEGORISED_SCHEMA),
    )
    lake.write_partition(
        PartitionRef(Zone.REJECTED, REVIEWS_DATASET, DAY), conform(pl.DataFrame([rejected_row(3)]), REJECTED_SCHEMA)
    )
    mongo_collections = next(asset for asset in SERVING_ASSETS if asset.key.to_user_string() == "mongo_collections")
    result = dg.materialize([mongo_collections], partition_key=DAY, resources=serving_resources(lake, mongo=mongo))
    assert result.success
    assert len(connections) == 1, "was one connection per call (7 per run), each rebuilding the engine's indexes"
    metadata = result.asset_materializations_for_node("mongo_collections")[0].metadata
    assert metadata["rows_out"].value == 2
    assert metadata["mongo_validators"].value.startswith("skipped")
    assert metadata["mongo_partition_replace"].value.startswith("delete then insert")
    assert all(check.passed for check in result.get_asset_check_evaluations())


def test_replace_partition_refuses_documents_of_another_day(mongo):
    mongo.replace_partition("reviews", DAY, [{"review_id": 1, "partition_date": DAY}])
    with pytest.raises(ValueError, match=r"1 document\(s\) for reviews partition 2026-11-01 carry another date"):
        mongo.replace_partition("reviews", DAY, [{"review_id": 2, "partition_date": OTHER_DAY}])
    assert mongo.count_by_partition("reviews") == {DAY: 1}, "nothing was deleted before the refusal"


# --- validators ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("collection", "schema"),
    [("reviews", CATEGORISED_SCHEMA), ("rejected_reviews", REJECTED_SCHEMA), ("pipeline_runs", PIPELINE_RUNS_SCHEMA)],
)
def test_validators_require_every_contract_field_with_its_bson_type(collection, schema):
    validator = json_schema_validator(collection)["$jsonSchema"]
    assert validator["required"] == list(schema)
    assert list(validator["properties"]) == list(schema)
    for name, dtype in schema.items():
        types = validator["properties"][name]["bsonType"]
        assert set(types) - {"null"} == set(bson_type(dtype)["bsonType"]), name
        assert ("null" in types) is (name not in NOT_NULL[collection]), name
    assert {"review_id", "run_id"} & NOT_NULL[collection], "the upsert key never admits null"


def test_contract_types_map_to_the_bson_types_pymongo_writes():
    assert bson_type(pl.Int64())["bsonType"] == ["int", "long"]
    assert bson_type(pl.Float32())["bsonType"] == ["double"]
    assert bson_type(pl.Datetime("us", "UTC"))["bsonType"] == ["date"]
    assert bson_type(pl.Date()) == {"bsonType": ["string"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    assert bson_type(pl.List(pl.String())) == {"bsonType": ["array"], "items": {"bsonType": ["string"]}}
    with pytest.raises(ValueError, match="no BSON type mapped"):
        bson_type(pl.Decimal(10, 2))


def test_validators_accept_what_the_asset_writes_and_reject_bad_documents():
    reviews, rejected = json_schema_validator("reviews"), json_schema_validator("rejected_reviews")
    review = served([categorised_row(1)], CATEGORISED_SCHEMA)[0]
    reject = served([rejected_row(2)], REJECTED_SCHEMA)[0]
    assert violations(review, reviews) == []
    assert violations(reject, rejected) == [], "a rejected review may lack a buyer and carry a bad rating"
    run = {
        "run_id": "r1",
        "partition_date": DAY,
        "reviews": 2,
        "rejected_reviews": 1,
        "model_version": None,
        "recorded_at": dt.datetime.now(dt.UTC),
        "layers": {},
        "checks": [],
    }
    assert violations(run, json_schema_validator("pipeline_runs")) == []

    assert violations({k: v for k, v in review.items() if k != "topic"}, reviews) == ["topic: missing"]
    assert violations({**review, "rating": "2"}, reviews) == ["rating: string is not one of ['int', 'long']"]
    assert violations({**review, "rating": 6}, reviews) == ["rating: 6 out of range"]
    assert violations({**review, "buyer_hash": None}, reviews) == ["buyer_hash: null is not one of ['string']"]
    assert violations({**review, "nlp_error": None, "title": None}, reviews) == [], "optional fields admit null"
    assert violations({**review, "partition_date": "01/11/2026"}, reviews) == [
        r"partition_date: '01/11/2026' does not match ^\d{4}-\d{2}-\d{2}$"
    ]
    assert violations({**review, "secondary_topics": ["price", 3]}, reviews) == [
        "secondary_topics.1: int is not one of ['string']"
    ]
    assert violations({**reject, "reason": "bad_mood"}, rejected) == ["reason: 'bad_mood' not in enum"]


def test_the_embedded_engine_skips_validators_without_error(mongo):
    with mongo.session() as store:
        assert store.validators_enforced is False
        assert store.ensure_validators() == [] and store.missing_validators() == []
        assert store.ensure_collections() == [index_name(keys) for _, keys, _ in REQUIRED_INDEXES]
        assert store.guarantees()["mongo_validators"].startswith("skipped")
        # Why they are skipped: litemongo refuses collection options, and so enforces nothing.
        with pytest.raises(NotImplementedError):
            store.db.create_collection("validated", validator=json_schema_validator("reviews"))
        store.db.reviews.insert_one({"review_id": "not a number", "partition_date": DAY})
        assert store.count_partition("reviews", DAY) == 1


class ServerDatabaseStandIn:
    """listCollections, create and collMod of a MongoDB server: no mongod runs on the test machine."""

    def __init__(self) -> None:
        self.options: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []

    def command(self, name: str, collection: str | None = None, **options: Any) -> dict[str, Any]:
        if name == "hello":
            return {"isWritablePrimary": True, "ok": 1.0}  # a standalone: no setName, no transactions
        assert name == "collMod"
        self.calls.append(("collMod", collection))
        self.options[collection].update(options)
        return {"ok": 1.0}

    def create_collection(self, name: str, **options: Any) -> None:
        self.calls.append(("create", name))
        self.options[name] = dict(options)

    def list_collections(self, filter: dict[str, str]) -> list[dict[str, Any]]:
        name = filter["name"]
        return [{"name": name, "options": self.options[name]}] if name in self.options else []


def test_a_server_gets_validators_created_then_kept_up_to_date():
    db = ServerDatabaseStandIn()
    store = MongoSession(db, server=True, where="db.example:27017 (database review_platform)")
    assert store.validators_enforced and not store.transactional
    assert store.missing_validators() == ["reviews", "rejected_reviews", "pipeline_runs"]
    assert store.ensure_validators() == ["reviews", "rejected_reviews", "pipeline_runs"]
    assert db.options["reviews"]["validationAction"] == "error"
    assert db.options["reviews"]["validator"] == json_schema_validator("reviews")
    assert store.ensure_validators() == [] and store.missing_validators() == [], (
        "an unchanged contract costs no collMod"
    )
    db.options["rejected_reviews"]["validator"] = {"$jsonSchema": {"required": ["review_id"]}}  # an older contract
    assert store.missing_validators() == ["rejected_reviews"]
    assert store.ensure_validators() == ["rejected_reviews"]
    assert db.calls[-1] == ("collMod", "rejected_reviews")
    assert db.options["rejected_reviews"]["validator"] == json_schema_validator("rejected_reviews")


def test_transactions_are_used_only_where_the_server_has_them():
    assert supports_transactions({"setName": "rs0", "logicalSessionTimeoutMinutes": 30})
    assert supports_transactions({"msg": "isdbgrid", "logicalSessionTimeoutMinutes": 30})
    assert not supports_transactions({"isWritablePrimary": True, "logicalSessionTimeoutMinutes": 30}), "standalone"
    assert not supports_transactions({"setName": "rs0"}), "no sessions"
    assert not supports_transactions({}), "the embedded engine answers no hello"


# --- failures midway ----------------------------------------------------------------------------------------------


def docs(ids: range | list[int], day: str, text: str) -> list[dict[str, Any]]:
    return [{"review_id": i, "partition_date": day, "text": text} for i in ids]


def texts(mongo: MongoResource, collection: str, day: str) -> dict[int, str]:
    with mongo.connect() as db:
        return {doc["review_id"]: doc["text"] for doc in db[collection].find({"partition_date": day})}


@pytest.fixture
def loaded(mongo) -> MongoResource:
    """Two partitions of reviews and one of rejected reviews, all 'old'."""
    mongo.replace_partition("reviews", DAY, docs(range(1, 11), DAY, "old"))
    mongo.replace_partition("reviews", OTHER_DAY, docs(range(100, 105), OTHER_DAY, "old"))
    mongo.replace_partition("rejected_reviews", DAY, docs([50], DAY, "old"))
    return mongo


def assert_failed_cleanly(mongo: MongoResource, error: MongoWriteError) -> None:
    message = str(error)
    assert message.startswith("MongoDB write to reviews for partition 2026-11-01 failed")
    assert "Re-run the mongo_collections asset for 2026-11-01" in message
    assert "\n" not in message and "Traceback" not in message
    assert texts(mongo, "reviews", DAY) == {}, "neither half-written nor a mix of old and new"
    assert texts(mongo, "reviews", OTHER_DAY) == dict.fromkeys(range(100, 105), "old"), "other partitions untouched"
    assert texts(mongo, "rejected_reviews", DAY) == {50: "old"}, "other collections untouched"
    mongo.replace_partition("reviews", DAY, docs(range(1, 13), DAY, "new"))
    assert texts(mongo, "reviews", DAY) == dict.fromkeys(range(1, 13), "new"), "the next run repairs it"


def test_a_connection_lost_in_the_middle_of_the_bulk_insert_leaves_no_half_partition(loaded, monkeypatch):
    # Fault injection: the real engine stores the first half of the batch, then the "connection" drops.
    real_insert_many = EngineCollection.insert_many
    seen_at_failure: dict[int, str] = {}

    def insert_half_then_drop(self, documents, *args, **kwargs):
        real_insert_many(self, documents[: len(documents) // 2], *args, **kwargs)
        seen_at_failure.update({doc["review_id"]: doc["text"] for doc in self.find({"partition_date": DAY})})
        raise AutoReconnect("connection closed by the server")

    monkeypatch.setattr(EngineCollection, "insert_many", insert_half_then_drop)
    with pytest.raises(MongoWriteError) as raised:
        loaded.replace_partition("reviews", DAY, docs(range(1, 13), DAY, "new"))
    monkeypatch.undo()
    assert seen_at_failure == dict.fromkeys(range(1, 7), "new"), "the failure really struck midway"
    assert "AutoReconnect: connection closed by the server" in str(raised.value)
    assert "what this attempt wrote was removed" in str(raised.value)
    assert_failed_cleanly(loaded, raised.value)


@pytest.mark.parametrize(
    ("bad_document", "cause"),
    [
        ({"review_id": 7, "text": object()}, "InvalidDocument: Invalid document: cannot encode object"),
        ({"review_id": 100, "text": "new"}, "BulkWriteError: 1 document(s) refused, first: E11000"),
    ],
    ids=["a value the engine cannot encode", "a review id another partition holds"],
)
def test_a_document_the_engine_refuses_midway_leaves_no_half_partition(loaded, bad_document, cause):
    batch = [*docs(range(1, 7), DAY, "new"), {**bad_document, "partition_date": DAY}, *docs(range(8, 13), DAY, "new")]
    with pytest.raises(MongoWriteError) as raised:
        loaded.replace_partition("reviews", DAY, batch)
    assert cause in str(raised.value)
    assert_failed_cleanly(loaded, raised.value)


def test_an_unreachable_mongodb_is_one_clear_error_without_the_password():
    mongo = MongoResource(url="mongodb://reviewer:s3cret-pw@127.0.0.1:1/?serverSelectionTimeoutMS=300")
    with mongo.connect() as db:  # pymongo connects lazily: this only builds the client
        assert db.client.options.server_selection_timeout == 0.3, "the URL's own serverSelectionTimeoutMS wins"
    with pytest.raises(MongoUnavailableError) as raised:
        mongo.count_by_partition("reviews")
    message = str(raised.value)
    assert message.startswith("MongoDB at 127.0.0.1:1 (database review_platform) unreachable")
    assert "check REVIEW_PLATFORM_MONGO_URL" in message and "re-run mongo_collections" in message
    assert "s3cret-pw" not in message and "reviewer" not in message
    assert "Topology Description" not in message and "\n" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_malformed_mongodb_url_is_the_same_clear_error_without_the_password():
    mongo = MongoResource(url="mongodb://reviewer:s3cret@pw@127.0.0.1:1/")  # an unescaped '@' in the password
    with pytest.raises(MongoUnavailableError) as raised:
        mongo.missing_indexes()
    assert re.match(r"MongoDB at 127\.0\.0\.1:1 .*InvalidURI.*check REVIEW_PLATFORM_MONGO_URL", str(raised.value))
    assert "s3cret" not in str(raised.value)
    assert "s3cret" not in str(mongo._unavailable(ValueError(f"cannot parse {mongo.url}")))


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


def test_rejections_of_a_repeated_review_id_are_all_kept_and_old_unique_indexes_are_replaced(tmp_path):
    mongo = MongoResource(url=f"litemongo://{tmp_path / 'mongo'}")
    with mongo.connect() as db:  # the unique index an earlier release created
        db.rejected_reviews.create_index([("review_id", 1)], unique=True, name="review_id_1")
    mongo.ensure_indexes()
    mongo.ensure_indexes()  # idempotent once the options match
    with mongo.connect() as db:
        assert not db.rejected_reviews.index_information()["review_id_1"].get("unique")
    copies = [
        {"review_id": 4, "partition_date": "2026-11-01", "reason": reason}
        for reason in ("empty_text", "duplicate_review", "duplicate_review")
    ]
    assert mongo.replace_partition("rejected_reviews", "2026-11-01", copies) == 3
    assert mongo.count_partition("rejected_reviews", "2026-11-01") == 3
