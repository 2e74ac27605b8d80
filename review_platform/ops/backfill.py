"""Backfills: Dagster's own (`dagster job backfill`, one queued run per day), and a daemon to run them now."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg


def _dagster_command(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def submit_backfill(dagster_home: Path, workspace: Path, first: str, last: str) -> str:
    """Queue one run of review_pipeline per partition in [first, last] with `dagster job backfill`."""
    result = subprocess.run(
        [
            _dagster_command("dagster"),
            "job",
            "backfill",
            "-w",
            str(workspace),
            "-j",
            "review_pipeline",
            "--from",
            first,
            "--to",
            last,
            "--noprompt",
        ],
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        capture_output=True,
        text=True,
        check=False,
    )
    launched = re.search(r"Launched backfill job `(\w+)`", result.stdout)
    if result.returncode != 0 or launched is None:
        raise RuntimeError(f"dagster job backfill failed: {(result.stderr or result.stdout).strip()[-800:]}")
    return launched.group(1)


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


def wait_for_backfill(
    instance: dg.DagsterInstance,
    backfill_id: str,
    expected_runs: int,
    on_progress: Callable[[dict[str, int]], None] = lambda _: None,
    timeout_s: float = 3600,
) -> list[dg.DagsterRun]:
    """Poll the instance until every run of the backfill has finished; returns them."""
    deadline = time.monotonic() + timeout_s
    last_seen: dict[str, int] = {}
    while True:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        by_status: dict[str, int] = {}
        for run in runs:
            by_status[run.status.value] = by_status.get(run.status.value, 0) + 1
        if by_status != last_seen:
            on_progress(by_status)
            last_seen = by_status
        if len(runs) >= expected_runs and all(run.is_finished for run in runs):
            return list(runs)
        if time.monotonic() > deadline:
            raise TimeoutError(f"backfill {backfill_id} still running after {timeout_s:.0f}s: see the Dagster UI")
        time.sleep(2)
