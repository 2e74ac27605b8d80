"""One ConfigurableResource per external system; the only code that touches the outside world."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import dagster as dg
from dagster_snowflake import SnowflakeResource

from review_platform.resources.lake import LakeResource
from review_platform.resources.mongo import MongoResource
from review_platform.resources.nlp import NlpResource
from review_platform.resources.postgres import PostgresResource
from review_platform.resources.privacy import PseudonymKeyResource
from review_platform.resources.serving import ServingStore
from review_platform.resources.slack import SlackAlertResource
from review_platform.resources.warehouse import DuckDBWarehouse, SnowflakeWarehouse, WarehouseResource
from review_platform.settings import PSEUDONYM_KEY_ENV, SLACK_TOKEN_ENV, SNOWFLAKE_PASSWORD_ENV, Settings


def build_warehouse(settings: Settings) -> WarehouseResource:
    """Snowflake when its account is configured, else the DuckDB file."""
    if settings.snowflake is None:
        return DuckDBWarehouse(path=str(settings.warehouse_path))
    snowflake = settings.snowflake
    return SnowflakeWarehouse(
        snowflake=SnowflakeResource(
            account=snowflake.account,
            user=snowflake.user,
            password=dg.EnvVar(SNOWFLAKE_PASSWORD_ENV),
            database=snowflake.database,
            schema=snowflake.schema,
            warehouse=snowflake.warehouse,
            role=snowflake.role,
            paramstyle="qmark",  # the platform's statements use `?` placeholders on every engine
        )
    )


# Every serving store, listed once: the serving assets, erasure, status, reconciliation and doctor loop over it.
SERVING_STORE_TYPES: tuple[type[ServingStore], ...] = (WarehouseResource, MongoResource)


@dataclass(frozen=True)
class PlatformResources:
    """The resources every asset and operator command uses, typed; `as_dagster()` hands them to Definitions."""

    postgres: PostgresResource
    lake: LakeResource
    warehouse: WarehouseResource
    mongo: MongoResource
    nlp: NlpResource
    pseudonym_key: PseudonymKeyResource
    slack: SlackAlertResource | None = None  # alerts are off without a token and a channel

    @property
    def serving_stores(self) -> list[ServingStore]:
        return [getattr(self, store_type.resource_key) for store_type in SERVING_STORE_TYPES]

    def as_dagster(self, url_variables: Mapping[str, str] | None = None) -> dict[str, dg.ConfigurableResource]:
        """The resources for Definitions. A URL set by an environment variable (`Settings.url_variables`) is
        handed over as `dg.EnvVar`, so the UI, GraphQL and the repository snapshot name the variable and never
        show a password; Dagster reads the value when a run starts."""
        resources = {
            "postgres": self.postgres,
            "lake": self.lake,
            "warehouse": self.warehouse,
            "mongo": self.mongo,
            "nlp": self.nlp,
            "pseudonym_key": self.pseudonym_key,
        }
        for key, setting in (("postgres", "postgres_url"), ("lake", "lake_url"), ("mongo", "mongo_url")):
            if variable := (url_variables or {}).get(setting):
                resources[key] = _with_url_from(resources[key], variable)
        return resources if self.slack is None else {**resources, "slack": self.slack}


def _with_url_from(resource: dg.ConfigurableResource, variable: str) -> dg.ConfigurableResource:
    fields = {name: getattr(resource, name) for name in type(resource).model_fields}
    return type(resource)(**{**fields, "url": dg.EnvVar(variable)})


def build_resources(settings: Settings) -> PlatformResources:
    """The resources every asset uses, wired to embedded or production backends by `settings` alone."""
    return PlatformResources(
        postgres=PostgresResource(url=settings.postgres_url or "", embedded_dir=str(settings.embedded_postgres_dir)),
        lake=LakeResource(
            url=settings.lake_url, s3_endpoint_url=settings.s3_endpoint_url, s3_allow_http=settings.s3_allow_http
        ),
        warehouse=build_warehouse(settings),
        mongo=MongoResource(url=settings.mongo_url, database=settings.mongo_database),
        nlp=NlpResource(
            model_path=settings.nlp_model_path or "",
            models_dir=str(settings.models_dir),
            training_data=str(settings.training_data_dir or ""),
        ),
        pseudonym_key=(
            PseudonymKeyResource(key=dg.EnvVar(PSEUDONYM_KEY_ENV))
            if settings.pseudonym_key_from_env
            else PseudonymKeyResource(key_file=str(settings.pseudonym_key_file))
        ),
        slack=SlackAlertResource(
            token=dg.EnvVar(SLACK_TOKEN_ENV), channel=settings.slack_channel, api_url=settings.slack_api_url
        )
        if settings.alerts_enabled
        else None,
    )
