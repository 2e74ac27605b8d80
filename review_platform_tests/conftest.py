"""Shared fixtures: real embedded services in temporary folders."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest

from review_platform.resources.postgres import PostgresResource
from review_platform_tests.slack_stand_in import SlackStandIn


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


@pytest.fixture
def slack_api():
    """The base URL of a Slack Web API stand-in on localhost; `SlackStandIn.received` holds the calls."""
    SlackStandIn.received, SlackStandIn.refused, SlackStandIn.down_until = [], 0, 0.0
    SlackStandIn.outage_s = 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlackStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
