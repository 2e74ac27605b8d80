"""The analytical warehouse: a DuckDB file by default (Snowflake in production, same tables and views)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources as package_files
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

WAREHOUSE_TABLES = ("curated_reviews", "rejected_reviews")
WAREHOUSE_VIEWS = ("vw_reviews_by_product", "vw_reviews_by_category", "vw_data_quality")


def _sql_file(name: str) -> str:
    return package_files.files("review_platform.sql").joinpath(name).read_text()


class WarehouseResource(dg.ConfigurableResource):
    """Tables `curated_reviews` and `rejected_reviews`, and the three analyst views, in a DuckDB file."""

    path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(self.path)
        try:
            yield conn
        finally:
            conn.close()

    def ensure_schema(self) -> None:
        with self.connect() as conn:
            conn.execute(_sql_file("warehouse_tables.sql"))
            conn.execute(_sql_file("warehouse_views.sql"))

    def replace_partition(self, table: str, partition_date: dt.date, frame: pl.DataFrame) -> int:
        """Swap one partition of `table` for `frame` in a single transaction (a bulk insert from Arrow)."""
        if table not in WAREHOUSE_TABLES:
            raise ValueError(f"unknown warehouse table {table!r}")
        arrow_rows = frame.to_arrow()
        with self.connect() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute(f"DELETE FROM {table} WHERE partition_date = ?", [partition_date])
                conn.register("incoming_rows", arrow_rows)
                conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise
        return frame.height

    def delete_buyer(self, table: str, buyer_hash: str) -> int:
        """Delete one pseudonymised buyer's rows from `table` (GDPR erasure); returns how many went."""
        if table not in WAREHOUSE_TABLES or not Path(self.path).exists():
            return 0
        with self.connect() as conn:
            try:
                (removed,) = conn.execute(f"DELETE FROM {table} WHERE buyer_hash = ?", [buyer_hash]).fetchone()
            except duckdb.CatalogException:  # nothing loaded yet
                return 0
        return int(removed)

    def count_by_partition(self, table: str) -> dict[str, int]:
        if not Path(self.path).exists():
            return {}
        with self.connect() as conn:
            try:
                rows = conn.execute(
                    f"SELECT strftime(partition_date, '%Y-%m-%d'), count(*) FROM {table} GROUP BY 1"
                ).fetchall()
            except duckdb.CatalogException:  # nothing loaded yet
                return {}
        return dict(rows)

    def query(self, sql: str, parameters: list | None = None) -> pl.DataFrame:
        with self.connect() as conn:
            return pl.from_arrow(conn.sql(sql, params=parameters).to_arrow_table())
