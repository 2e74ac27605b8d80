"""The warehouse's one interface, on both engines: the DuckDB file (real) and Snowflake.

Snowflake cannot run here: `fakesnow` stands in for it, in patch mode (the real snowflake-connector-python and
dagster-snowflake code run; the connector's `connect` and `write_pandas` are served by an in-process DuckDB that
speaks Snowflake SQL). Every test runs on both engines, so the SQL and the load path cannot drift apart.
"""

import datetime as dt
import json
from pathlib import Path

import fakesnow
import polars as pl
import pytest
from dagster_snowflake import SnowflakeResource

import review_platform
from review_platform.contract import CATEGORISED_SCHEMA, REJECTED_SCHEMA
from review_platform.ops.status import status_report
from review_platform.resources.warehouse import (
    WAREHOUSE_VIEWS,
    DuckDBWarehouse,
    SnowflakeWarehouse,
    WarehouseResource,
    WarehouseUnavailableError,
)
from review_platform_tests.platform_fixture import make_platform

# fakesnow's cursor warns about an Arrow copy on every result; it says nothing about our code.
pytestmark = pytest.mark.filterwarnings("ignore:Arrow output on a DB-API result:UserWarning")

DAY = dt.date(2026, 11, 1)


def contract_frame(schema: dict[str, pl.DataType], rows: int, **columns: list) -> pl.DataFrame:
    """A frame with every contract column: the given ones, nulls elsewhere."""
    data = {name: columns.get(name, [None] * rows) for name in schema}
    return pl.DataFrame(data, schema=schema)


def curated(ids: list[int], day: dt.date = DAY, **columns: list) -> pl.DataFrame:
    n = len(ids)
    defaults = {
        "review_id": ids,
        "buyer_hash": ["b_x"] * n,
        "p_id": [10] * n,
        "product_name": ["Lamp"] * n,
        "category_name": ["Home"] * n,
        "rating": [4] * n,
        "created_at": [dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=dt.UTC)] * n,
        "partition_date": [day] * n,
        "topic": ["delivery"] * n,
        "sentiment": ["negative"] * n,
        "secondary_topics": [["packaging", "price_value"]] * n,
    }
    return contract_frame(CATEGORISED_SCHEMA, n, **{**defaults, **columns})


def rejected(ids: list[int], reason: str, day: dt.date = DAY) -> pl.DataFrame:
    n = len(ids)
    return contract_frame(
        REJECTED_SCHEMA,
        n,
        review_id=ids,
        created_at=[dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)] * n,
        reason=[reason] * n,
        reason_detail=["planted"] * n,
        partition_date=[day] * n,
    )


def fake_snowflake_resource(**connection: object) -> SnowflakeResource:
    return SnowflakeResource(
        account="review-platform-test",
        user="review_loader",
        password="not-a-real-password",
        database="REVIEW_PLATFORM",
        schema="SERVING",
        paramstyle="qmark",
        **connection,
    )


@pytest.fixture(params=["duckdb", "snowflake"])
def warehouse(request, tmp_path) -> WarehouseResource:
    if request.param == "duckdb":
        resource = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
        resource.ensure_schema()
        yield resource
        return
    with fakesnow.patch():
        resource = SnowflakeWarehouse(snowflake=fake_snowflake_resource())
        resource.ensure_schema()
        yield resource


def test_warehouse_replaces_one_partition_and_views_answer(warehouse):
    next_day = DAY + dt.timedelta(days=1)
    warehouse.replace_partition("curated_reviews", DAY, curated([1, 2, 3]))
    warehouse.replace_partition("curated_reviews", next_day, curated([7], next_day, sentiment=["positive"]))
    warehouse.replace_partition("curated_reviews", DAY, curated([1, 2]))
    warehouse.replace_partition("rejected_reviews", DAY, rejected([5], "empty_text"))
    assert warehouse.count_by_partition("curated_reviews") == {"2026-11-01": 2, "2026-11-02": 1}
    by_product = warehouse.query(
        "SELECT review_count, delivery_reviews, negative_reviews, positive_reviews FROM vw_reviews_by_product"
    )
    assert by_product.row(0) == (3, 3, 2, 1)
    by_category = warehouse.query("SELECT topic, review_count, negative_share FROM vw_reviews_by_category")
    assert by_category.row(0) == ("delivery", 3, pytest.approx(0.6667))
    quality = warehouse.query(
        "SELECT status, reason, review_count, share_of_day FROM vw_data_quality "
        "WHERE partition_date = ? ORDER BY status",
        [DAY],
    )
    assert quality.rows() == [("accepted", None, 2, pytest.approx(0.6667)), ("rejected", "empty_text", 1, 0.3333)]
    for view in WAREHOUSE_VIEWS:
        assert warehouse.query(f"SELECT count(*) AS n FROM {view}")["n"][0] > 0


def test_lists_and_timestamps_survive_the_load(warehouse):
    warehouse.replace_partition("curated_reviews", DAY, curated([1], secondary_topics=[["packaging", "size_fit"]]))
    stored = warehouse.query("SELECT secondary_topics, created_at, partition_date FROM curated_reviews").row(0)
    topics = json.loads(stored[0]) if isinstance(stored[0], str) else list(stored[0])  # Snowflake: ARRAY as JSON
    assert topics == ["packaging", "size_fit"]
    assert stored[1].astimezone(dt.UTC) == dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    assert stored[2] == DAY


def test_warehouse_rolls_back_a_failed_load(warehouse):
    warehouse.replace_partition("curated_reviews", DAY, curated([1, 2]))
    broken = curated([3, 4], rating=[5, None])  # rating is NOT NULL: the insert fails after the delete ran
    with pytest.raises(Exception, match=r"(?i)NOT NULL"):
        warehouse.replace_partition("curated_reviews", DAY, broken)
    assert warehouse.count_by_partition("curated_reviews") == {"2026-11-01": 2}, "the old partition is intact"
    assert sorted(warehouse.query("SELECT review_id FROM curated_reviews")["review_id"]) == [1, 2]


def test_a_frame_missing_contract_columns_is_refused_before_anything_changes(warehouse):
    warehouse.replace_partition("curated_reviews", DAY, curated([1]))
    with pytest.raises(ValueError, match="columns missing from the data contract: topic"):
        warehouse.replace_partition("curated_reviews", DAY, curated([2]).drop("topic"))
    assert warehouse.count_by_partition("curated_reviews") == {"2026-11-01": 1}


def test_erasure_deletes_one_buyer_and_counts_it(warehouse):
    warehouse.replace_partition("curated_reviews", DAY, curated([1, 2, 3], buyer_hash=["b_a", "b_b", "b_a"]))
    assert warehouse.delete_buyer("curated_reviews", "b_a") == 2
    assert warehouse.delete_buyer("curated_reviews", "b_a") == 0
    assert warehouse.query("SELECT buyer_hash FROM curated_reviews")["buyer_hash"].to_list() == ["b_b"]


def test_an_empty_warehouse_answers_with_no_counts(tmp_path):
    assert DuckDBWarehouse(path=str(tmp_path / "none.duckdb")).count_by_partition("curated_reviews") == {}
    with fakesnow.patch():
        fresh = SnowflakeWarehouse(snowflake=fake_snowflake_resource())
        assert fresh.count_by_partition("curated_reviews") == {}
        assert fresh.delete_buyer("rejected_reviews", "b_a") == 0


def test_an_unreachable_snowflake_is_one_clear_error():
    """No fakesnow here: the real connector tries a closed local port and gives up after its login timeout."""
    unreachable = SnowflakeWarehouse(
        snowflake=fake_snowflake_resource(
            login_timeout=2, additional_snowflake_connection_args={"host": "127.0.0.1", "port": 9, "protocol": "http"}
        )
    )
    with pytest.raises(WarehouseUnavailableError) as raised:
        unreachable.count_by_partition("curated_reviews")
    message = str(raised.value)
    assert "Snowflake" in message and "REVIEW_PLATFORM_SNOWFLAKE_" in message and "re-run" in message
    assert "not-a-real-password" not in message


@pytest.mark.slow
def test_whole_graph_with_the_warehouse_on_snowflake(tmp_path, monkeypatch):
    """Configuration alone switches the warehouse: the same assets load Snowflake (fakesnow) instead of DuckDB,
    and the password, given only through the environment, appears in no event, metadata or error."""
    password = "sn0wflake-pa55word-never-logged"
    with fakesnow.patch():
        platform = make_platform(
            monkeypatch,
            tmp_path,
            REVIEW_PLATFORM_SNOWFLAKE_ACCOUNT="review-platform-test",
            REVIEW_PLATFORM_SNOWFLAKE_PASSWORD=password,
        )
        assert isinstance(platform.resources.warehouse, SnowflakeWarehouse)
        platform.seed(DAY, 60)
        for _ in range(2):  # the second run proves the partition is replaced, not appended
            run = platform.run([DAY.isoformat()])[0]
            assert run.success and not [check for check in run.failed_checks if "(ERROR)" in check]
        entry = status_report(platform.resources)[0]
        assert entry["problems"] == [] and entry["warehouse"] == entry["categorised"] > 0
        warehouse = platform.resources.warehouse
        for view in WAREHOUSE_VIEWS:
            assert warehouse.query(f"SELECT count(*) AS n FROM {view}")["n"][0] > 0
        rejects = warehouse.query("SELECT sum(review_count) AS n FROM vw_data_quality WHERE status = 'rejected'")
        assert rejects["n"][0] == entry["rejected"]
    assert not (tmp_path / "warehouse.duckdb").exists(), "nothing went to the DuckDB file"
    events = "\n".join(
        (entry.user_message or "") + str(entry.dagster_event) for entry in platform.instance.all_logs(run.run_id)
    )
    assert "snowflake_views" in events and password not in events


def test_snowflake_roles_give_analysts_the_three_views_and_nothing_else():
    """Snowflake's grants cannot be exercised here (fakesnow ignores roles): the script is read and checked."""
    import sqlglot

    script = (Path(review_platform.__file__).parent / "sql" / "warehouse_roles.snowflake.sql").read_text()
    statements = [statement for statement in sqlglot.parse(script, read="snowflake") if statement is not None]
    grants = [statement.sql(dialect="snowflake").upper() for statement in statements]
    analyst = [grant for grant in grants if grant.endswith("TO ROLE REVIEW_ANALYST") and "SELECT" in grant]
    assert sorted(grant.split(".")[-1].split()[0] for grant in analyst) == sorted(v.upper() for v in WAREHOUSE_VIEWS)
    assert not [grant for grant in grants if "REVIEW_ANALYST" in grant and ("TABLE" in grant or "ALL" in grant)]
    loader = " ".join(grant for grant in grants if grant.endswith("TO ROLE REVIEW_LOADER"))
    assert "CREATE TABLE" in loader and "CREATE VIEW" in loader and "ACCOUNT" not in loader
