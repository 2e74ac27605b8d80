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
        # No USAGE on the schema (schema-qualified, so the refusal is a privilege error, not "no such table").
        as_role(embedded_postgres, "review_analyst", f"SELECT * FROM public.{table}")


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


def test_ingestion_reads_only_the_columns_the_extract_needs(embedded_postgres):
    assert as_role(embedded_postgres, "review_ingestion", "SELECT p_name, price FROM product LIMIT 1") is not None
    for statement in ["SELECT p_desc FROM product", "SELECT * FROM product", "SELECT url FROM review_images"]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(embedded_postgres, "review_ingestion", statement)


def test_the_guard_reads_the_buyers_contact_columns_and_nothing_else(embedded_postgres):
    as_role(embedded_postgres, "review_guard", "SELECT buyer_id, fname, lname, email, phone FROM customer")
    for statement in [
        "SELECT r_desc FROM review",
        "SELECT * FROM orders",
        "SELECT p_name FROM product",
        "UPDATE customer SET email = NULL",
        "INSERT INTO customer (buyer_id) VALUES (-1)",
    ]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(embedded_postgres, "review_guard", statement)


def test_a_role_granted_nothing_gets_nothing_from_public(embedded_postgres):
    with embedded_postgres.connect() as conn:
        conn.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nobody_special') "
            "THEN CREATE ROLE nobody_special NOLOGIN; END IF; END $$"
        )
        conn.commit()
    for statement in ["SELECT * FROM public.review", "SELECT * FROM public.customer", "CREATE TABLE public.t (id int)"]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(embedded_postgres, "nobody_special", statement)


def test_buyer_contacts_returns_the_requested_buyers_only(embedded_postgres):
    with embedded_postgres.connect() as conn:
        conn.execute(
            "INSERT INTO customer (buyer_id, fname, lname, email, phone) VALUES "
            "(-3, 'Ann', 'Lee', 'a@x.io', '0612345678'), (-2, 'Bo', 'Li', NULL, NULL), (-1, 'Cy', 'Wu', NULL, NULL) "
            "ON CONFLICT DO NOTHING"
        )
        conn.commit()
    try:
        contacts = embedded_postgres.buyer_contacts([-3, -2])
        assert sorted(contacts["buyer_id"].to_list()) == [-3, -2]
        assert contacts.columns == ["buyer_id", "fname", "lname", "email", "phone"]
        assert embedded_postgres.buyer_contacts([]).is_empty()
    finally:
        with embedded_postgres.connect() as conn:
            conn.execute("DELETE FROM customer WHERE buyer_id < 0")
            conn.commit()
