"""A throw-away platform: a state folder, its embedded services, and generated days loaded into the source.

Settings are passed in (`load_settings(mapping)`), never read from the test process's environment; only secrets,
which reach Dagster as `dg.EnvVar`, go through the environment, as they do in production.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from review_platform.demo.generator import DemoDataset, generate_demo_data
from review_platform.ops.instance import dagster_instance, prepare_state
from review_platform.ops.runs import PartitionRun, run_partitions
from review_platform.resources import PlatformResources, build_resources
from review_platform.resources.postgres import SOURCE_TABLES
from review_platform.settings import PSEUDONYM_KEY_ENV, SLACK_TOKEN_ENV, SNOWFLAKE_PASSWORD_ENV, Settings, load_settings

SECRET_VARIABLES = (PSEUDONYM_KEY_ENV, SLACK_TOKEN_ENV, SNOWFLAKE_PASSWORD_ENV)


@dataclass
class Platform:
    settings: Settings
    resources: PlatformResources
    instance: object
    environ: dict[str, str] = field(default_factory=dict)  # what a child process needs to see the same platform

    def seed(self, day: dt.date, reviews: int, seed: int = 7) -> DemoDataset:
        dataset = generate_demo_data(day, 1, reviews, seed=seed)
        self.resources.postgres.load_tables({name: getattr(dataset, name) for name in SOURCE_TABLES})
        return dataset

    def export_to(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Put this platform's settings in the environment, for what reads it: the CLI and child processes
        (`dagster`, the daemon)."""
        for name, value in {**self.environ, "DAGSTER_HOME": str(self.settings.dagster_home)}.items():
            monkeypatch.setenv(name, value)

    def run(self, partitions: list[str], run_config: dict | None = None) -> list[PartitionRun]:
        return run_partitions(self.settings, self.instance, partitions, run_config=run_config)


def make_platform(monkeypatch: pytest.MonkeyPatch, home, **env: str) -> Platform:
    """A platform whose every layer lives in `home`, plus any REVIEW_PLATFORM_* overrides in `env`; secrets among
    them are set in the environment (and only they), where `dg.EnvVar` reads them."""
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        if name in env:
            monkeypatch.setenv(name, env[name])
    environ = {"REVIEW_PLATFORM_HOME": str(home), **env}
    settings = load_settings(environ)
    prepare_state(settings)
    resources = build_resources(settings)
    resources.postgres.ensure_schema()
    return Platform(settings, resources, dagster_instance(settings), environ)
