"""The one place that reads the environment: where state lives and which backend serves each layer.

With nothing set, every layer runs embedded under `$REVIEW_PLATFORM_HOME` (default `./.review_platform`):
PostgreSQL via pgserver, a local-folder lake, a DuckDB warehouse and an on-disk Mongo engine.
Deleting that folder resets everything.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources as package_files
from pathlib import Path

ENV_PREFIX = "REVIEW_PLATFORM_"
PSEUDONYM_KEY_ENV = "REVIEW_PLATFORM_PSEUDONYM_KEY"
SLACK_TOKEN_ENV = "REVIEW_PLATFORM_SLACK_TOKEN"
SNOWFLAKE_PASSWORD_ENV = "REVIEW_PLATFORM_SNOWFLAKE_PASSWORD"


@dataclass(frozen=True)
class SnowflakeSettings:
    """Where the warehouse lives when it is Snowflake; the password reaches the resource as `dg.EnvVar`."""

    account: str
    user: str
    database: str
    schema: str
    warehouse: str | None
    role: str | None


# Settings whose value may carry credentials (user:password@), by the variable that sets them.
URL_VARIABLES = {
    "postgres_url": f"{ENV_PREFIX}POSTGRES_URL",
    "lake_url": f"{ENV_PREFIX}LAKE_URL",
    "mongo_url": f"{ENV_PREFIX}MONGO_URL",
}


@dataclass(frozen=True)
class Settings:
    home: Path
    postgres_url: str | None
    lake_url: str
    s3_endpoint_url: str  # AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (MinIO and other S3-compatible stores)
    s3_allow_http: bool  # AWS_ALLOW_HTTP
    warehouse_path: Path
    snowflake: SnowflakeSettings | None  # set: the warehouse is Snowflake; unset: the DuckDB file
    mongo_url: str
    mongo_database: str
    nlp_model_path: str | None  # REVIEW_PLATFORM_NLP_MODEL: a local model folder, `minilm`, or unset for e5
    training_data_dir: Path | None  # REVIEW_PLATFORM_TRAINING_DATA: real reviews for `nlp_model` (shared/data/reviews)
    pseudonym_key_from_env: bool
    slack_channel: str | None  # alerts are on when this and the token are set
    slack_token_set: bool
    slack_api_url: str
    ui_url: str
    dagster_home: Path  # $DAGSTER_HOME when set, else <home>/dagster_home
    # The URL settings (postgres_url, lake_url, mongo_url) that came from the process environment, with their
    # variable: they reach Dagster as `dg.EnvVar`, so the UI and GraphQL show a name, never a password.
    url_variables: Mapping[str, str] = field(default_factory=dict)

    @property
    def alerts_enabled(self) -> bool:
        return bool(self.slack_channel) and self.slack_token_set

    @property
    def embedded_postgres_dir(self) -> Path:
        return self.home / "postgres"

    @property
    def models_dir(self) -> Path:
        """Heads trained here (`nlp_model`, `review-platform nlp train`) and the one promoted for use."""
        return self.home / "models"

    @property
    def pseudonym_key_file(self) -> Path:
        return self.home / "secrets" / "pseudonym.key"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read `REVIEW_PLATFORM_*` variables and `DAGSTER_HOME` once, from `environ` (the process environment by
    default); unset ones fall back to the embedded defaults.

    Callers that need other settings (tests, the benchmark) pass their own mapping instead of editing the
    environment: nothing else in the platform reads it.
    """
    env = os.environ if environ is None else environ
    home = Path(env.get(f"{ENV_PREFIX}HOME") or ".review_platform").absolute()
    # Only the process environment can be named to Dagster: an EnvVar is read from it when a run starts.
    url_variables = (
        {name: variable for name, variable in URL_VARIABLES.items() if env.get(variable)} if environ is None else {}
    )
    return Settings(
        home=home,
        postgres_url=env.get(f"{ENV_PREFIX}POSTGRES_URL") or None,
        lake_url=env.get(f"{ENV_PREFIX}LAKE_URL") or str(home / "lake"),
        s3_endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or "",
        s3_allow_http=(env.get("AWS_ALLOW_HTTP") or "").lower() in ("1", "true", "yes"),
        warehouse_path=Path(env.get(f"{ENV_PREFIX}WAREHOUSE_PATH") or home / "warehouse.duckdb"),
        snowflake=_snowflake_settings(env),
        mongo_url=env.get(f"{ENV_PREFIX}MONGO_URL") or f"litemongo://{home / 'mongo'}",
        mongo_database=env.get(f"{ENV_PREFIX}MONGO_DATABASE") or "review_platform",
        nlp_model_path=env.get(f"{ENV_PREFIX}NLP_MODEL") or None,
        training_data_dir=Path(env[f"{ENV_PREFIX}TRAINING_DATA"]) if env.get(f"{ENV_PREFIX}TRAINING_DATA") else None,
        pseudonym_key_from_env=bool(env.get(PSEUDONYM_KEY_ENV)),
        slack_channel=env.get(f"{ENV_PREFIX}SLACK_CHANNEL") or None,
        slack_token_set=bool(env.get(SLACK_TOKEN_ENV)),
        slack_api_url=env.get(f"{ENV_PREFIX}SLACK_API_URL") or "",
        ui_url=env.get(f"{ENV_PREFIX}UI_URL") or "http://127.0.0.1:3000",
        dagster_home=Path(env.get("DAGSTER_HOME") or home / "dagster_home").absolute(),
        url_variables=url_variables,
    )


def _snowflake_settings(env: Mapping[str, str]) -> SnowflakeSettings | None:
    account = env.get(f"{ENV_PREFIX}SNOWFLAKE_ACCOUNT")
    if not account:
        return None
    return SnowflakeSettings(
        account=account,
        user=env.get(f"{ENV_PREFIX}SNOWFLAKE_USER") or "review_loader",
        database=env.get(f"{ENV_PREFIX}SNOWFLAKE_DATABASE") or "REVIEW_PLATFORM",
        schema=env.get(f"{ENV_PREFIX}SNOWFLAKE_SCHEMA") or "SERVING",
        warehouse=env.get(f"{ENV_PREFIX}SNOWFLAKE_WAREHOUSE") or None,
        role=env.get(f"{ENV_PREFIX}SNOWFLAKE_ROLE") or None,
    )


def ensure_generated_pseudonym_key(settings: Settings) -> bool:
    """Create a random pseudonymisation key in the state folder unless the environment provides one.

    Returns True when the platform runs on a generated key (fine for a demo, not for production: hashes are only
    stable for as long as that file lives).
    """
    if settings.pseudonym_key_from_env:
        return False
    key_file = settings.pseudonym_key_file
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_hex(32))
    return True


def packaged_config(name: str) -> Path:
    """A Dagster config file shipped inside the package (`workspace.yaml`, `dagster.yaml`), so a non-editable
    install (the Docker image, a wheel) finds it wherever it runs from."""
    path = Path(str(package_files.files("review_platform.dagster_config").joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"{name} is missing from the installed package ({path}): reinstall review_platform")
    return path
