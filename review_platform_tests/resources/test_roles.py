"""Least privilege on the source, checked on the real embedded PostgreSQL."""

import datetime as dt

import psycopg
import pytest

DAY = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def as_role(postgres, role: str, statement: str):
    with postgres.connect() as conn:
        conn.execute(f"SET ROLE {role}")
        return conn.execute(statement).fetchall()


@pytest.mark.parametrize("table", ["review", "customer", "orders", "product"])
def test_the_analyst_role_reads_nothing_at_the_source(embedded_postgres, table):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(embedded_postgres, "review_analyst", f"SELECT * FROM {table}")


def test_ingestion_reads_what_it_extracts_but_not_customer_pii_and_cannot_write(embedded_postgres):
    assert as_role(embedded_postgres, "review_ingestion", "SELECT count(*) FROM review")[0][0] >= 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(embedded_postgres, "review_ingestion", "SELECT email FROM customer")
    for statement in [
        "INSERT INTO category VALUES (999, 'x')",
        "UPDATE review SET rating = 1",
        "DELETE FROM review",
        "CREATE TABLE review_copy (id int)",
    ]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(embedded_postgres, "review_ingestion", statement)


def test_the_extract_runs_under_the_ingestion_role(embedded_postgres):
    extract = embedded_postgres.extract_reviews(DAY, DAY + dt.timedelta(days=1))
    assert "buyer_id" in extract.columns
    with embedded_postgres.connect() as conn:
        conn.execute("SET ROLE review_ingestion")
        assert conn.execute("SELECT current_user").fetchone()[0] == "review_ingestion"


def test_admin_can_manage_the_source(embedded_postgres):
    assert as_role(embedded_postgres, "review_admin", "SELECT count(*) FROM customer")[0][0] >= 0
