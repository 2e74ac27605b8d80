"""The analytical warehouse: a DuckDB file by default, Snowflake in production; same tables, same views.

Both implementations share every statement (review_platform/sql/): the tables' DDL differs only in how a list of
strings is typed, and the views are written in SQL both engines read alike. What differs is how a connection is
opened, how a partition's rows reach the engine in bulk (DuckDB scans the Arrow table in place; Snowflake gets a
temporary table through `write_pandas`, that is Parquet, a stage and `COPY INTO`) and how results come back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from importlib import resources as package_files
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
import duckdb
import polars as pl
from dagster_snowflake import SnowflakeResource

from review_platform.contract import CATEGORISED_SCHEMA, REJECTED_SCHEMA, conform
from review_platform.errors import ServiceUnavailableError, first_line
from review_platform.quality.checks import views_answer
from review_platform.resources.serving import SERVED_TEXT_SCHEMA, Publication, ServingAssetInfo

# The tables a partition is loaded into, with the contract that fixes their columns.
WAREHOUSE_TABLES: dict[str, dict[str, pl.DataType]] = {
    "curated_reviews": CATEGORISED_SCHEMA,
    "rejected_reviews": REJECTED_SCHEMA,
}
WAREHOUSE_VIEWS = ("vw_reviews_by_product", "vw_reviews_by_category", "vw_data_quality")
# The relation a partition's rows are staged in before the swap (a registered Arrow table, or a temporary table).
INCOMING_ROWS = "incoming_rows"


class WarehouseUnavailableError(ServiceUnavailableError):
    """The warehouse could not be reached or refused the connection; the message says what to check."""


def _sql_statements(name: str, **types: str) -> list[str]:
    text = package_files.files("review_platform.sql").joinpath(name).read_text()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [statement.strip().format(**types) for statement in body.split(";") if statement.strip()]


class WarehouseResource(dg.ConfigurableResource):
    """Tables `curated_reviews` and `rejected_reviews`, and the three analyst views.

    The load logic lives here once; `DuckDBWarehouse` and `SnowflakeWarehouse` only say how to connect, how to
    stage rows and how to read results back. Asset code sees this interface and never asks which engine it is.
    It is a `ServingStore` (resources/serving.py): the serving layer, erasure, status and doctor use it as one.
    """

    store_name: ClassVar[str] = "warehouse"
    resource_key: ClassVar[str] = "warehouse"
    health_checks: ClassVar[tuple[str, ...]] = ("views_answer",)
    what_to_check: ClassVar[str] = "Check the warehouse is reachable and not locked by another process."
    serving_asset: ClassVar[ServingAssetInfo] = ServingAssetInfo(
        asset_name="snowflake_views",
        description="The analysts' warehouse: tables `curated_reviews` and `rejected_reviews`, and the views "
        "`vw_reviews_by_product`, `vw_reviews_by_category` and `vw_data_quality` (the reject reasons per day).",
        kinds=frozenset({"snowflake", "duckdb"}),
        owners=("team:data-engineering", "team:analytics"),
        metadata={"views": ", ".join(WAREHOUSE_VIEWS)},
    )

    # How each engine types `secondary_topics`; the DDL in sql/warehouse_tables.sql names it {string_list}.
    def _string_list_type(self) -> str:
        raise NotImplementedError

    def _connection(self) -> Any:  # a context manager yielding the engine's connection
        raise NotImplementedError

    def _execute(self, conn: Any, sql: str, parameters: list | None = None) -> None:
        raise NotImplementedError

    def _fetch(self, conn: Any, sql: str, parameters: list | None = None) -> pl.DataFrame:
        raise NotImplementedError

    def _stage(self, conn: Any, frame: pl.DataFrame) -> None:
        """Make `frame` readable as INCOMING_ROWS on `conn`, in bulk."""
        raise NotImplementedError

    def _staged_column(self, name: str, dtype: pl.DataType) -> str:
        return name

    def describe(self) -> str:
        raise NotImplementedError

    def ensure_schema(self) -> None:
        with self._connection() as conn:
            for statement in _sql_statements("warehouse_tables.sql", string_list=self._string_list_type()):
                self._execute(conn, statement)
            for statement in _sql_statements("warehouse_views.sql"):
                self._execute(conn, statement)

    def replace_partition(self, table: str, partition_date: dt.date, frame: pl.DataFrame) -> int:
        """Swap one partition of `table` for `frame`: rows staged in bulk, then delete + insert in one
        transaction, so readers see the old partition or the new one, never a mix; a failure rolls back."""
        if table not in WAREHOUSE_TABLES:
            raise ValueError(f"unknown warehouse table {table!r}")
        schema = WAREHOUSE_TABLES[table]
        columns = ", ".join(schema)
        staged = ", ".join(self._staged_column(name, dtype) for name, dtype in schema.items())
        with self._connection() as conn:
            if frame.height:
                self._stage(conn, conform(frame, schema))
            self._execute(conn, "BEGIN")
            try:
                self._execute(conn, f"DELETE FROM {table} WHERE partition_date = ?", [partition_date])
                if frame.height:
                    self._execute(conn, f"INSERT INTO {table} ({columns}) SELECT {staged} FROM {INCOMING_ROWS}")
                self._execute(conn, "COMMIT")
            except Exception:
                self._execute(conn, "ROLLBACK")
                raise
        return frame.height

    def _has_table(self, conn: Any, table: str) -> bool:
        found = self._fetch(
            conn, "SELECT count(*) AS n FROM information_schema.tables WHERE lower(table_name) = ?", [table]
        )
        return bool(found["n"][0])

    def delete_buyer(self, table: str, buyer_hash: str) -> int:
        """Delete one pseudonymised buyer's rows from `table` (GDPR erasure); returns how many went."""
        if table not in WAREHOUSE_TABLES:
            return 0
        with self._connection() as conn:
            if not self._has_table(conn, table):  # nothing loaded yet
                return 0
            where = f"FROM {table} WHERE buyer_hash = ?"
            removed = int(self._fetch(conn, f"SELECT count(*) AS n {where}", [buyer_hash])["n"][0])
            self._execute(conn, f"DELETE {where}", [buyer_hash])
        return removed

    def probe(self) -> tuple[bool, str]:
        counts = self.count_by_partition()
        return True, f"{self.describe()} answers, {sum(counts.values())} curated reviews over {len(counts)} day(s)"

    def publish_partition(self, partition: str, curated: pl.DataFrame, rejected: pl.DataFrame) -> Publication:
        """Both tables' partition swapped (each in one transaction), then read back: rows served, texts for the
        leak guard, and whether every view answers."""
        day = dt.date.fromisoformat(partition)
        self.ensure_schema()
        self.replace_partition("curated_reviews", day, curated)
        self.replace_partition("rejected_reviews", day, rejected)
        view_rows = {view: int(self.query(f"SELECT count(*) AS n FROM {view}")["n"][0]) for view in WAREHOUSE_VIEWS}
        with self._connection() as conn:
            served = self._fetch(conn, "SELECT count(*) AS n FROM curated_reviews WHERE partition_date = ?", [day])
        return Publication(
            reviews_served=int(served["n"][0]),
            served_texts=self.served_texts(partition),
            health={"views_answer": views_answer(view_rows)},
        )

    def served_texts(self, partition: str) -> pl.DataFrame:
        day = dt.date.fromisoformat(partition)
        with self._connection() as conn:
            if not self._has_table(conn, "curated_reviews"):
                return pl.DataFrame(schema=SERVED_TEXT_SCHEMA)
            served = self._fetch(
                conn,
                "SELECT review_id, title, text FROM curated_reviews WHERE partition_date = ? UNION ALL "
                "SELECT review_id, title, text FROM rejected_reviews WHERE partition_date = ?",
                [day, day],
            )
        return served.cast(SERVED_TEXT_SCHEMA)

    def erase_buyer(self, buyer_hash: str) -> dict[str, int]:
        return {table: self.delete_buyer(table, buyer_hash) for table in WAREHOUSE_TABLES}

    def count_by_partition(self, table: str = "curated_reviews") -> dict[str, int]:
        with self._connection() as conn:
            if not self._has_table(conn, table):  # nothing loaded yet
                return {}
            rows = self._fetch(
                conn, f"SELECT CAST(partition_date AS VARCHAR) AS day, count(*) AS n FROM {table} GROUP BY 1"
            )
        return {day: int(n) for day, n in rows.iter_rows()}

    def query(self, sql: str, parameters: list | None = None) -> pl.DataFrame:
        """Run one read-only statement (`?` placeholders); lower-case column names on every engine."""
        with self._connection() as conn:
            return self._fetch(conn, sql, parameters)


class DuckDBWarehouse(WarehouseResource):
    """The embedded warehouse: one DuckDB file."""

    path: str

    def describe(self) -> str:
        return f"DuckDB file {self.path}"

    def _string_list_type(self) -> str:
        return "VARCHAR[]"

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(self.path)
        try:
            yield conn
        finally:
            conn.close()

    def _connection(self) -> Any:
        return self.connect()

    def _execute(self, conn: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> None:
        conn.execute(sql, parameters)

    def _fetch(self, conn: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> pl.DataFrame:
        return pl.from_arrow(conn.sql(sql, params=parameters).to_arrow_table())

    def _stage(self, conn: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
        conn.register(INCOMING_ROWS, frame.to_arrow())  # scanned in place, no copy


class SnowflakeWarehouse(WarehouseResource):
    """The production warehouse: Snowflake through dagster-snowflake's `SnowflakeResource`.

    The loader's role needs CREATE TEMPORARY TABLE, INSERT and DELETE on the two tables and CREATE VIEW in the
    schema; analysts get SELECT on the views only (review_platform/sql/warehouse_roles.snowflake.sql).
    """

    snowflake: SnowflakeResource

    def describe(self) -> str:
        return f"Snowflake account {self.snowflake.account}, {self.snowflake.database}.{self.snowflake.schema_}"

    def _string_list_type(self) -> str:
        return "ARRAY"

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        with ExitStack() as stack:
            try:
                conn = stack.enter_context(self.snowflake.get_connection())
            except Exception as error:
                raise WarehouseUnavailableError(
                    f"Snowflake ({self.describe()}) unreachable or refusing the login ({first_line(error)}); check the "
                    "REVIEW_PLATFORM_SNOWFLAKE_* variables and the network, then re-run: nothing was loaded."
                ) from None
            yield conn

    def _execute(self, conn: Any, sql: str, parameters: list | None = None) -> None:
        conn.cursor().execute(sql, parameters)

    def _fetch(self, conn: Any, sql: str, parameters: list | None = None) -> pl.DataFrame:
        cursor = conn.cursor().execute(sql, parameters)
        names = [column.name.lower() for column in cursor.description]
        # Snowflake returns NUMBER columns as Decimal or float: counts become plain integers here.
        rows = [tuple(_plain(value) for value in row) for row in cursor.fetchall()]
        return pl.DataFrame(rows, schema=names, orient="row")

    def _stage(self, conn: Any, frame: pl.DataFrame) -> None:
        # Imported through its module so that a patched connector (fakesnow, in tests) is honoured.
        from snowflake.connector import pandas_tools

        lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
        # A list travels as JSON text and becomes an ARRAY again in the insert (PARSE_JSON). Encoded by polars,
        # not per row in Python: `{"name":[...]}` with the wrapper stripped.
        as_text = frame.with_columns(
            pl.struct(name).struct.json_encode().str.strip_prefix(f'{{"{name}":').str.strip_suffix("}").alias(name)
            for name in lists
        )
        pandas_tools.write_pandas(
            conn,
            as_text.to_pandas(),
            INCOMING_ROWS.upper(),
            auto_create_table=True,
            overwrite=True,
            table_type="temporary",
            quote_identifiers=False,
            use_logical_type=True,
        )

    def _staged_column(self, name: str, dtype: pl.DataType) -> str:
        return f"PARSE_JSON({name})::ARRAY" if isinstance(dtype, pl.List) else name


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
