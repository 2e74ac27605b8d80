"""Backfills the Dagster daemon manages (one run per day), and a daemon to run them now if none is alive."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

PIPELINE_JOB = "review_pipeline"


def _dagster_command(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def submit_backfill(instance: dg.DagsterInstance, workspace: Path, partitions: list[str]) -> str:
    """Request a backfill of review_pipeline over `partitions`: stored as REQUESTED, then launched, tracked and
    completed by the daemon's backfill loop (one run per day), with its status, retries and cancel in the UI's
    Backfills tab. What the UI's "Launch backfill" does, without a webserver; returns the backfill id.

    `dagster job backfill` instead launches every run itself and stores the backfill already completed, which the
    daemon never tracks (and Dagster deprecates)."""
    # Dagster's own CLI plumbing, pinned with dagster==1.13.27: no public API creates a job backfill.
    from dagster import __version__ as dagster_version
    from dagster._cli.workspace.cli_target import (
        get_code_location_from_workspace,
        get_remote_repository_from_code_location,
        get_workspace_from_cli_opts,
    )
    from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
    from dagster._core.utils import make_new_backfill_id
    from dagster_shared.cli import WorkspaceOpts

    with get_workspace_from_cli_opts(
        instance, version=dagster_version, workspace_opts=WorkspaceOpts(workspace=[str(workspace)])
    ) as context:
        repository = get_remote_repository_from_code_location(get_code_location_from_workspace(context, None), None)
        partition_set = next(ps for ps in repository.get_partition_sets() if ps.job_name == PIPELINE_JOB)
        backfill = PartitionBackfill(
            backfill_id=make_new_backfill_id(),
            partition_set_origin=partition_set.get_remote_origin(),
            status=BulkActionStatus.REQUESTED,
            partition_names=partitions,
            from_failure=False,
            reexecution_steps=None,
            tags={},
            backfill_timestamp=time.time(),
        )
        instance.add_backfill(backfill)
    return backfill.backfill_id


@contextmanager
def daemon_running(instance: dg.DagsterInstance, dagster_home: Path, workspace: Path) -> Iterator[bool]:
    """Make sure a dagster-daemon serves the instance; start one for the duration if none is alive.

    Yields True when this call started it (and will stop it).
    """
    from dagster._daemon.controller import all_daemons_live

    if all_daemons_live(instance):
        yield False
        return
    daemon = subprocess.Popen(
        [_dagster_command("dagster-daemon"), "run", "-w", str(workspace)],
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield True
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()


FINISHED_BACKFILL = ("COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED")


def wait_for_backfill(
    instance: dg.DagsterInstance,
    backfill_id: str,
    on_progress: Callable[[dict[str, int]], None] = lambda _: None,
    timeout_s: float = 3600,
) -> tuple[str, list[dg.DagsterRun]]:
    """Poll the instance until the daemon has finished the backfill; its final status and its runs."""
    deadline = time.monotonic() + timeout_s
    last_seen: dict[str, int] = {}
    while True:
        backfill = instance.get_backfill(backfill_id)
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        by_status: dict[str, int] = {}
        for run in runs:
            by_status[run.status.value] = by_status.get(run.status.value, 0) + 1
        if by_status != last_seen:
            on_progress(by_status)
            last_seen = by_status
        if backfill.status.value in FINISHED_BACKFILL and all(run.is_finished for run in runs):
            return backfill.status.value, list(runs)
        if time.monotonic() > deadline:
            raise TimeoutError(f"backfill {backfill_id} still running after {timeout_s:.0f}s: see the Dagster UI")
        time.sleep(2)


def outcome_by_day(runs: list[dg.DagsterRun]) -> dict[str, str]:
    """Each day's outcome: that of its latest run (`runs` newest first, as the instance lists them), so a day
    whose run was retried shows how the retry ended."""
    outcomes: dict[str, str] = {}
    for run in runs:
        outcomes.setdefault(run.tags.get("dagster/partition", "?"), run.status.value.lower())
    return dict(sorted(outcomes.items()))
