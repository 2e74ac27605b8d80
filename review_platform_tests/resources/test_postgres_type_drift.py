"""Wrong types can only come from the source's schema drifting: the typed extract then stops, it never coerces.

After the extract every column has its contract type, so validation (and its property tests) only ever sees
well-typed frames. This is where a wrong type has to be caught instead.
"""

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest

from review_platform.contract import SOURCE_SCHEMA
from review_platform.resources.postgres import PostgresResource, SourceSchemaError

DAY = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def drift(postgres: PostgresResource, column: str, sql_type: str, value: str) -> None:
    """Give `review.column` another type and load one review holding `value` there."""
    with postgres.connect() as conn:
        conn.execute(f"ALTER TABLE review ALTER COLUMN {column} TYPE {sql_type} USING NULL")
        conn.execute(
            "INSERT INTO review (review_id, p_id, title, r_desc, created_at) VALUES (1, 10, 't', 'Nice lamp', %s)",
            (DAY,),
        )
        conn.execute(f"UPDATE review SET {column} = %s", (value,))
        conn.commit()


@pytest.fixture
def drifting_source(clean_source: PostgresResource) -> Iterator[PostgresResource]:
    yield clean_source
    with clean_source.connect() as conn:
        conn.execute("TRUNCATE review_images, review")
        for column, sql_type in (("rating", "integer"), ("buyer_id", "bigint")):
            conn.execute(f"ALTER TABLE review ALTER COLUMN {column} TYPE {sql_type} USING NULL")
        conn.commit()


@pytest.mark.parametrize(
    ("column", "sql_type", "value"),
    [
        ("rating", "numeric(3,1)", "4.5"),  # must not become 4
        ("rating", "bigint", "3000000000"),  # must not wrap around in Int32
        ("rating", "text", "five"),
        ("rating", "text", " 4 "),
        ("rating", "boolean", "true"),
        ("buyer_id", "text", "ana@x.org"),
    ],
)
def test_a_value_of_the_wrong_type_stops_the_extract(
    drifting_source: PostgresResource, column: str, sql_type: str, value: str
) -> None:
    drift(drifting_source, column, sql_type, value)
    # Whether PostgreSQL refuses (a join on mismatched types) or the typed CSV read does (a value that does not
    # parse), the run stops before RAW with one schema error, rather than loading a coerced value.
    with pytest.raises(SourceSchemaError, match=r"a source column changed type: .*source_schema\.sql") as raised:
        drifting_source.extract_reviews(DAY, DAY + dt.timedelta(days=1))
    assert value.strip() not in str(raised.value), "the error names the column, never a source value"


def test_a_text_column_holding_a_well_formed_number_still_extracts_typed(drifting_source: PostgresResource) -> None:
    drift(drifting_source, "rating", "text", "4")
    with drifting_source.connect() as conn:
        conn.execute("UPDATE review SET buyer_id = 5")
        conn.commit()
    extract = drifting_source.extract_reviews(DAY, DAY + dt.timedelta(days=1))
    assert extract.schema == pl.Schema(SOURCE_SCHEMA)
    assert extract["rating"].to_list() == [4]
