"""The state folder and the Dagster instance every command, `dagster dev` and the daemon share."""

from __future__ import annotations

import shutil

import dagster as dg

from review_platform.settings import Settings, ensure_generated_pseudonym_key, packaged_config


def prepare_state(settings: Settings) -> bool:
    """Create the state folder and key; True when running on a generated (demo) pseudonymisation key."""
    settings.home.mkdir(parents=True, exist_ok=True)
    return ensure_generated_pseudonym_key(settings)


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The persistent instance at `settings.dagster_home` ($DAGSTER_HOME when set), so runs started here show up
    in the UI. An instance without its own `dagster.yaml` gets the packaged one (run queue, retries); one that
    has it (a deployment's, with PostgreSQL storage) keeps it."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config_file = home / "dagster.yaml"
    if not config_file.exists():
        shutil.copyfile(packaged_config("dagster.yaml"), config_file)
    return dg.DagsterInstance.from_config(str(home))
