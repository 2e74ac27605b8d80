"""The operational PostgreSQL database the reviews come from: embedded (pgserver) unless a URL is configured."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources as package_files
from pathlib import Path

import dagster as dg
import polars as pl
import psycopg
from psycopg import sql

from review_platform.contract import SOURCE_SCHEMA
from review_platform.errors import PlatformError, ServiceUnavailableError, first_line

# Product, category and buyer facts ride along with each review; customer PII (names, e-mails, phones) is
# never selected: data minimisation starts at the extract.
EXTRACT_QUERY = """
SELECT r.review_id, r.buyer_id, r.p_id, r.title, r.r_desc, r.rating,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
       p.p_name AS product_name, p.price::float8 AS product_price,
       p.category_id, c.name AS category_name,
       EXISTS (SELECT 1 FROM orders o
               WHERE o.buyer_id = r.buyer_id AND o.p_id = r.p_id AND o.order_date <= r.created_at)::int
           AS buyer_has_orders,
       (SELECT count(*) FROM review_images i WHERE i.review_id = r.review_id)::int AS image_count
FROM review r
LEFT JOIN product p ON p.p_id = r.p_id
LEFT JOIN category c ON c.category_id = p.category_id
WHERE r.created_at >= {start} AND r.created_at < {end}
ORDER BY r.review_id
"""

ORDERS_EXTRACTED_QUERY = """
SELECT count(*) FROM orders o
WHERE EXISTS (SELECT 1 FROM review r
              WHERE r.created_at >= %s AND r.created_at < %s
                AND r.buyer_id = o.buyer_id AND r.p_id = o.p_id AND o.order_date <= r.created_at)
"""

SOURCE_TABLES = ("category", "product", "customer", "orders", "review", "review_images")


class SourceUnavailableError(ServiceUnavailableError):
    """PostgreSQL could not be reached; the message says what to check."""


class SourceSchemaError(PlatformError):
    """The source tables no longer have the columns the extract reads: the schema changed upstream."""


def _schema_drift(problem: str) -> SourceSchemaError:
    return SourceSchemaError(
        f"{problem}. The extract reads the columns and types of review_platform/sql/source_schema.sql; align the "
        "source or the extract (and the data contract), then re-run the partition: nothing was written for it."
    )


class PostgresResource(dg.ConfigurableResource):
    """The review source. `url` empty means the embedded server whose data lives in `embedded_dir`."""

    url: str = ""
    embedded_dir: str = ""
    connect_timeout_s: int = 10
    # The extract reads with this role's rights only (sql/source_roles.sql); empty to skip, e.g. when the
    # login user already is a least-privilege one.
    extract_role: str = "review_ingestion"
    # The leak guard reads the day's buyers' own names, e-mails and phones with this role's rights only
    # (column grants on customer); empty to use the login user's.
    guard_role: str = "review_guard"

    def connection_uri(self) -> str:
        if self.url:
            return self.url
        data_dir = Path(self.embedded_dir)
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            # pgserver falls back to /tmp for its lock file when XDG_RUNTIME_DIR is unset, and says so each time.
            warnings.simplefilter("ignore")
            import pgserver  # imported lazily: production deployments never start it

            return pgserver.get_server(data_dir, cleanup_mode="stop").get_uri()

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        try:
            conn = psycopg.connect(self.connection_uri(), connect_timeout=self.connect_timeout_s)
        except psycopg.OperationalError as error:
            where = "the embedded PostgreSQL" if not self.url else "REVIEW_PLATFORM_POSTGRES_URL"
            raise SourceUnavailableError(
                f"PostgreSQL source unreachable ({first_line(error)}); check that {where} is up and reachable, "
                "then re-run the partition."
            ) from None
        try:
            yield conn
        finally:
            conn.close()

    def ensure_schema(self) -> None:
        """Create the source tables (if missing) and the least-privilege roles."""
        sql_files = package_files.files("review_platform.sql")
        with self.connect() as conn:
            conn.execute(sql_files.joinpath("source_schema.sql").read_text())
            conn.execute(sql_files.joinpath("source_roles.sql").read_text())
            conn.commit()

    def review_count(self) -> int:
        with self.connect() as conn:
            return conn.execute("SELECT count(*) FROM review").fetchone()[0]

    def load_tables(self, frames: dict[str, pl.DataFrame]) -> dict[str, int]:
        """Bulk-load frames into same-named tables with COPY; rows whose key exists are left as they are."""
        inserted: dict[str, int] = {}
        new_review_ids: list[int] = []
        with self.connect() as conn:
            for table in SOURCE_TABLES:
                frame = frames.get(table)
                if frame is None or frame.is_empty():
                    continue
                staging = f"_load_{table}"
                conn.execute(f"CREATE TEMP TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
                columns = ", ".join(frame.columns)
                with conn.cursor().copy(f"COPY {staging} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                    copy.write(frame.write_csv(include_header=False, null_value=""))
                if table == "review":
                    cursor = conn.execute(
                        f"INSERT INTO review SELECT * FROM {staging} ON CONFLICT DO NOTHING RETURNING review_id"
                    )
                    new_review_ids = [row[0] for row in cursor.fetchall()]
                elif table == "review_images":
                    # review_images has no key: load it only for reviews this call inserted.
                    cursor = conn.execute(
                        f"INSERT INTO review_images SELECT * FROM {staging} WHERE review_id = ANY(%s)",
                        (new_review_ids,),
                    )
                else:
                    cursor = conn.execute(f"INSERT INTO {table} SELECT * FROM {staging} ON CONFLICT DO NOTHING")
                inserted[table] = cursor.rowcount
            conn.commit()
        return inserted

    def extract_reviews(self, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
        """One window of reviews with their facts, streamed by COPY into a polars frame (no per-row Python)."""
        query = sql.SQL(EXTRACT_QUERY).format(start=sql.Literal(start), end=sql.Literal(end))
        copy_statement = sql.SQL("COPY ({}) TO STDOUT (FORMAT csv, HEADER)").format(query)
        buffer = io.BytesIO()
        with self.connect() as conn:
            try:
                if self.extract_role:
                    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(self.extract_role)))
                with conn.cursor().copy(copy_statement) as copy:
                    for chunk in copy:
                        buffer.write(chunk)
            except (psycopg.errors.UndefinedColumn, psycopg.errors.UndefinedTable) as error:
                raise _schema_drift(f"the source schema changed: {error.diag.message_primary}") from None
            except (psycopg.errors.UndefinedFunction, psycopg.errors.DatatypeMismatch) as error:
                raise _schema_drift(f"a source column changed type: {error.diag.message_primary}") from None
            except psycopg.OperationalError as error:
                raise SourceUnavailableError(
                    f"the connection to PostgreSQL broke during the extract ({type(error).__name__}); nothing was "
                    "written for this partition: re-run it once the database is back."
                ) from None
        buffer.seek(0)
        # CSV carries timestamps and booleans as text and 0/1; both are typed here in one vectorised pass.
        raw_types = {**SOURCE_SCHEMA, "created_at": pl.String(), "buyer_has_orders": pl.Int8()}
        try:
            frame = pl.read_csv(buffer, schema=raw_types)
        except pl.exceptions.ComputeError as error:  # a value the contract type cannot hold, never coerced
            # polars quotes the offending value, which may be personal: only the column is named.
            column = re.search(r"at column '([^']+)'", str(error))
            where = f"column {column.group(1)!r}" if column else "a column"
            problem = f"a source column changed type: {where} holds values its contract type cannot"
            raise _schema_drift(problem) from None
        return frame.with_columns(
            pl.col("created_at").str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ", time_unit="us", time_zone="UTC"),
            pl.col("buyer_has_orders").cast(pl.Boolean),
        )

    def buyer_contacts(self, buyer_ids: list[int]) -> pl.DataFrame:
        """The names, e-mails and phones of `buyer_ids` only (`pii.guard.BUYER_COLUMNS`), read with the guard's
        role, for the leak guard to compare in memory; never written anywhere."""
        from review_platform.pii.guard import BUYER_COLUMNS

        schema = {"buyer_id": pl.Int64(), **{column: pl.String() for column in BUYER_COLUMNS[1:]}}
        if not buyer_ids:
            return pl.DataFrame(schema=schema)
        query = sql.SQL("SELECT {} FROM customer WHERE buyer_id = ANY(%s)").format(
            sql.SQL(", ").join(sql.Identifier(column) for column in BUYER_COLUMNS)
        )
        with self.connect() as conn:
            try:
                if self.guard_role:
                    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(self.guard_role)))
                rows = conn.execute(query, [buyer_ids]).fetchall()
            except psycopg.errors.InsufficientPrivilege:
                raise SourceSchemaError(
                    f"the leak guard's role {self.guard_role or 'of the login user'} cannot read the buyers' "
                    "contact columns; apply review_platform/sql/source_roles.sql (or grant SELECT (buyer_id, fname, "
                    "lname, email, phone) ON customer to it), then re-run the partition: nothing was written for it."
                ) from None
            except psycopg.OperationalError as error:
                raise SourceUnavailableError(
                    f"the connection to PostgreSQL broke while the leak guard read ({type(error).__name__}); "
                    "nothing was written for this partition: re-run it once the database is back."
                ) from None
        return pl.DataFrame(rows, schema=schema, orient="row")

    def count_orders(self, start: dt.datetime, end: dt.datetime) -> int:
        """The orders the extract reads for one window: those behind its reviews (the buyer ordered the product
        before reviewing it), read with the extract's role. The support team's daily volume review counts the
        products, reviews and orders extracted."""
        with self.connect() as conn:
            if self.extract_role:
                conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(self.extract_role)))
            try:
                row = conn.execute(ORDERS_EXTRACTED_QUERY, [start, end]).fetchone()
            except (psycopg.errors.UndefinedColumn, psycopg.errors.UndefinedTable) as error:
                raise _schema_drift(f"the source schema changed: {error.diag.message_primary}") from None
        return int(row[0])

    def count_reviews_by_day(self) -> dict[str, int]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*) FROM review GROUP BY 1"
            ).fetchall()
        return dict(rows)
