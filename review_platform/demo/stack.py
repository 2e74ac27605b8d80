"""Bring up the embedded stack: state folder, pseudonymisation key, Dagster instance, source schema, demo data."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg

from review_platform.resources import build_resources
from review_platform.resources.postgres import SOURCE_TABLES, PostgresResource
from review_platform.settings import Settings, ensure_generated_pseudonym_key

DEMO_START = dt.date(2026, 11, 1)
DEMO_DAYS = 3
DEMO_REVIEWS_PER_DAY = 400
DEMO_SEED = 42

# The checkout this package runs from (installed editable), holding workspace.yaml and dagster.yaml.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The persistent instance `dagster dev` also reads, so runs started here show up in the UI."""
    home: Path = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config_file = home / "dagster.yaml"
    project_config = PROJECT_ROOT / "dagster.yaml"
    if not config_file.exists() and project_config.exists():
        shutil.copyfile(project_config, config_file)
    return dg.DagsterInstance.from_config(str(home))


def prepare_state(settings: Settings) -> bool:
    """Create the state folder and key; True when running on a generated (demo) pseudonymisation key."""
    settings.home.mkdir(parents=True, exist_ok=True)
    return ensure_generated_pseudonym_key(settings)


def seed_source(
    postgres: PostgresResource, start: dt.date, days: int, reviews_per_day: int, seed: int
) -> dict[str, int]:
    """Generate demo data and load it; days already present are left as they are (ids are derived from dates)."""
    from review_platform.demo.generator import generate_demo_data

    postgres.ensure_schema()
    dataset = generate_demo_data(start, days, reviews_per_day, seed)
    frames = {name: getattr(dataset, name) for name in SOURCE_TABLES}
    return postgres.load_tables(frames)


def seed_if_empty(settings: Settings) -> dict[str, int] | None:
    postgres = build_resources(settings)["postgres"]
    postgres.ensure_schema()
    if postgres.review_count() > 0:
        return None
    return seed_source(postgres, DEMO_START, DEMO_DAYS, DEMO_REVIEWS_PER_DAY, DEMO_SEED)


def demo_partitions() -> list[str]:
    return [(DEMO_START + dt.timedelta(days=offset)).isoformat() for offset in range(DEMO_DAYS)]
