"""Shared fixtures: real embedded services in temporary folders."""

from __future__ import annotations

import pytest

from review_platform.resources.postgres import PostgresResource


@pytest.fixture(scope="session")
def embedded_postgres(tmp_path_factory: pytest.TempPathFactory) -> PostgresResource:
    """A real PostgreSQL 16 (pgserver) for the whole session, with the source schema."""
    postgres = PostgresResource(embedded_dir=str(tmp_path_factory.mktemp("source") / "postgres"))
    postgres.ensure_schema()
    return postgres


@pytest.fixture
def clean_source(embedded_postgres: PostgresResource) -> PostgresResource:
    """The session's PostgreSQL with every source table emptied."""
    with embedded_postgres.connect() as conn:
        conn.execute("TRUNCATE review_images, review, orders, customer, product, category")
        conn.commit()
    return embedded_postgres
