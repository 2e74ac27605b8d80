"""The served collections' contract: what each MongoDB document holds, as `$jsonSchema` validators.

Pure: derived from the column schemas of the data contract, with no driver import, so the validators can be read,
tested and diffed without a server. `resources/mongo.py` applies them.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from review_platform.contract import CATEGORISED_SCHEMA, REJECTED_SCHEMA, RejectionReason

# What `mongo_collections` writes to `pipeline_runs` besides the free-form journal (`layers`, `checks`).
PIPELINE_RUNS_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "partition_date": pl.Date(),
    "reviews": pl.Int64(),
    "rejected_reviews": pl.Int64(),
    "model_version": pl.String(),
    "recorded_at": pl.Datetime("us", "UTC"),
}

SERVED_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "reviews": CATEGORISED_SCHEMA,
    "rejected_reviews": REJECTED_SCHEMA,
    "pipeline_runs": PIPELINE_RUNS_SCHEMA,
}

# Every contract column is present in every document (polars writes a missing value as BSON null), so all are
# required; only these must also hold a value: the index and partition keys, plus what validation guarantees for
# accepted reviews (a buyer, a known product, a rating, a text) and what categorisation always sets.
NOT_NULL: dict[str, frozenset[str]] = {
    "reviews": frozenset(
        {"review_id", "partition_date", "buyer_hash", "p_id", "rating", "text", "created_at", "topic", "sentiment"}
    ),
    "rejected_reviews": frozenset({"review_id", "partition_date", "reason"}),
    "pipeline_runs": frozenset({"run_id", "partition_date", "reviews", "rejected_reviews", "recorded_at"}),
}

# Value rules the contract states beyond types: the rating rule of validation, the rejection reasons enum.
VALUE_RULES: dict[str, dict[str, dict[str, Any]]] = {
    "reviews": {"rating": {"minimum": 1, "maximum": 5}},
    "rejected_reviews": {"reason": {"enum": [reason.value for reason in RejectionReason]}},
}

ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def bson_type(dtype: pl.DataType) -> dict[str, Any]:
    """The `$jsonSchema` type of a contract column once pymongo has encoded the value polars hands it."""
    if dtype.is_integer():
        return {"bsonType": ["int", "long"]}  # pymongo writes an int as int32 when it fits, else int64
    if dtype.is_float():
        return {"bsonType": ["double"]}
    if dtype == pl.String():
        return {"bsonType": ["string"]}
    if dtype == pl.Boolean():
        return {"bsonType": ["bool"]}
    if isinstance(dtype, pl.Datetime):
        return {"bsonType": ["date"]}
    if dtype == pl.Date():
        # BSON has no date-only type: a partition date travels as its ISO string, which is also the filter key.
        return {"bsonType": ["string"], "pattern": ISO_DATE_PATTERN}
    if isinstance(dtype, pl.List):
        return {"bsonType": ["array"], "items": bson_type(dtype.inner)}
    raise ValueError(f"no BSON type mapped for the contract type {dtype}: add it to bson_type")


def json_schema_validator(collection: str) -> dict[str, Any]:
    """The `$jsonSchema` validator of one served collection, derived from the data contract."""
    schema, not_null, rules = SERVED_SCHEMAS[collection], NOT_NULL[collection], VALUE_RULES.get(collection, {})
    properties = {}
    for name, dtype in schema.items():
        rule = bson_type(dtype)
        if name not in not_null:
            rule["bsonType"] = [*rule["bsonType"], "null"]
        properties[name] = {**rule, **rules.get(name, {})}
    return {
        "$jsonSchema": {
            "bsonType": "object",
            "title": f"review_platform.{collection}",
            "required": list(schema),
            "properties": properties,
        }
    }


def validator_options(collection: str) -> dict[str, Any]:
    """The collection options a server is given: the validator, applied to every write, refusing bad documents."""
    return {"validator": json_schema_validator(collection), "validationLevel": "strict", "validationAction": "error"}
