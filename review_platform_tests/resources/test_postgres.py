import datetime as dt

import polars as pl
import pytest

from review_platform.contract import SOURCE_SCHEMA
from review_platform.resources.postgres import PostgresResource, SourceSchemaError, SourceUnavailableError

UTC = dt.UTC
DAY = dt.datetime(2026, 11, 1, tzinfo=UTC)


def load_sample(postgres: PostgresResource) -> None:
    postgres.load_tables(
        {
            "category": pl.DataFrame({"category_id": [1], "name": ["Books"]}),
            "product": pl.DataFrame(
                {"p_id": [10], "p_name": ['Atlas, "deluxe"'], "p_desc": [None], "price": [19.9], "category_id": [1]}
            ),
            "customer": pl.DataFrame(
                {"buyer_id": [5], "fname": ["Ana"], "lname": ["Lopez"], "email": ["ana@x.org"], "phone": ["0600"]}
            ),
            "orders": pl.DataFrame(
                {"order_id": [1], "buyer_id": [5], "p_id": [10], "order_date": [DAY - dt.timedelta(days=3)]}
            ),
            "review": pl.DataFrame(
                {
                    "review_id": [1, 2, 3, 4],
                    "buyer_id": [5, None, 6, 5],
                    "p_id": [10, 10, 99, 10],
                    "title": ["", None, "t", "next day"],
                    "r_desc": ['line one\nline two, "quoted"', "", None, "x"],
                    "rating": [5, None, 3, 4],
                    "created_at": [
                        DAY,
                        DAY + dt.timedelta(hours=23, minutes=59, seconds=59),
                        DAY,
                        DAY + dt.timedelta(days=1),
                    ],
                }
            ),
            "review_images": pl.DataFrame({"review_id": [1, 1], "url": ["u1", "u2"]}),
        }
    )


def test_extract_is_one_day_with_facts_and_no_customer_pii(clean_source):
    load_sample(clean_source)
    extract = clean_source.extract_reviews(DAY, DAY + dt.timedelta(days=1))
    assert extract.schema == pl.Schema(SOURCE_SCHEMA)
    assert extract["review_id"].to_list() == [1, 2, 3], "the next day's review stays out"
    first = extract.row(0, named=True)
    assert first["r_desc"] == 'line one\nline two, "quoted"'
    assert first["title"] == "", "an empty string stays an empty string"
    assert extract["title"][1] is None and extract["rating"][1] is None, "NULL stays NULL"
    assert first["product_name"] == 'Atlas, "deluxe"' and first["category_name"] == "Books"
    assert extract["buyer_has_orders"].to_list() == [True, False, False]
    assert extract["image_count"].to_list() == [2, 0, 0]
    assert extract["product_name"][2] is None, "unknown products come through for validation to reject"
    assert not {"fname", "lname", "email", "phone"} & set(extract.columns)


def test_loading_twice_inserts_nothing_new(clean_source):
    load_sample(clean_source)
    again = clean_source.load_tables({"review_images": pl.DataFrame({"review_id": [1], "url": ["u3"]})})
    assert again.get("review_images", 0) == 0
    assert clean_source.review_count() == 4
    assert clean_source.count_reviews_by_day() == {"2026-11-01": 3, "2026-11-02": 1}


def test_unreachable_source_gives_one_clear_line():
    postgres = PostgresResource(url="postgresql://nobody@127.0.0.1:1/none", connect_timeout_s=2)
    with pytest.raises(SourceUnavailableError, match=r"PostgreSQL source unreachable.*REVIEW_PLATFORM_POSTGRES_URL"):
        postgres.review_count()


def test_a_renamed_source_column_is_a_clear_schema_error(clean_source):
    load_sample(clean_source)
    with clean_source.connect() as conn:
        conn.execute("ALTER TABLE review RENAME COLUMN r_desc TO body")
        conn.execute("ALTER TABLE review ADD COLUMN helpful_votes integer")
        conn.commit()
    try:
        with pytest.raises(SourceSchemaError, match=r"source schema changed: column r\.r_desc does not exist"):
            clean_source.extract_reviews(DAY, DAY + dt.timedelta(days=1))
    finally:
        with clean_source.connect() as conn:
            conn.execute("ALTER TABLE review RENAME COLUMN body TO r_desc")
            conn.commit()
    # An added column is simply not read.
    assert clean_source.extract_reviews(DAY, DAY + dt.timedelta(days=1)).columns == list(SOURCE_SCHEMA)
    with clean_source.connect() as conn:
        conn.execute("ALTER TABLE review DROP COLUMN helpful_votes")
        conn.commit()


def test_a_connection_dropped_during_the_extract_is_reported_as_such(clean_source):
    load_sample(clean_source)
    # The server ends the extract's own session in the middle of its query, as a crash or failover would.
    with clean_source.connect() as conn:
        conn.execute("ALTER TABLE orders RENAME TO orders_real")
        conn.execute(
            "CREATE FUNCTION end_this_session() RETURNS boolean LANGUAGE sql SECURITY DEFINER "
            "AS $$ SELECT pg_terminate_backend(pg_backend_pid()) $$"
        )
        conn.execute("CREATE VIEW orders AS SELECT o.* FROM orders_real o WHERE end_this_session()")
        conn.execute("GRANT SELECT ON orders TO review_ingestion")
        conn.commit()
    try:
        with pytest.raises(SourceUnavailableError, match="broke during the extract"):
            clean_source.extract_reviews(DAY, DAY + dt.timedelta(days=1))
    finally:
        with clean_source.connect() as conn:
            conn.execute("DROP VIEW orders")
            conn.execute("DROP FUNCTION end_this_session()")
            conn.execute("ALTER TABLE orders_real RENAME TO orders")
            conn.commit()
