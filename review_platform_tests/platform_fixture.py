"""A throw-away platform: a state folder, its embedded services, and generated days loaded into the source."""

import datetime as dt
from dataclasses import dataclass

import pytest

from review_platform.demo.generator import DemoDataset, generate_demo_data
from review_platform.demo.stack import dagster_instance, prepare_state
from review_platform.resources import build_resources
from review_platform.resources.postgres import SOURCE_TABLES
from review_platform.settings import Settings, load_settings


@dataclass
class Platform:
    settings: Settings
    resources: dict[str, object]
    instance: object

    def seed(self, day: dt.date, reviews: int, seed: int = 7) -> DemoDataset:
        dataset = generate_demo_data(day, 1, reviews, seed=seed)
        self.resources["postgres"].load_tables({name: getattr(dataset, name) for name in SOURCE_TABLES})
        return dataset


def make_platform(monkeypatch: pytest.MonkeyPatch, home, **env: str) -> Platform:
    """Point every layer at `home` (plus any REVIEW_PLATFORM_* overrides in `env`) and start it."""
    monkeypatch.setenv("REVIEW_PLATFORM_HOME", str(home))
    monkeypatch.delenv("REVIEW_PLATFORM_PSEUDONYM_KEY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    prepare_state(settings)
    resources = build_resources(settings)
    resources["postgres"].ensure_schema()
    return Platform(settings, resources, dagster_instance(settings))
