"""The platform as the Docker image has it: a non-editable install, run from elsewhere, with DAGSTER_HOME set.

The wheel is built from this checkout and installed into a fresh virtualenv that has none of the checkout on its
path; the platform's dependencies come from the test's own environment (a path entry, so its editable install of
this checkout is not picked up). Every command then runs from an unrelated working directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import dagster as dg
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding the built wheel of review_platform; returns its bin folder."""
    build = tmp_path_factory.mktemp("wheel")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(build), "."],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = build.glob("review_platform-*.whl")
    venv = tmp_path_factory.mktemp("venv")
    assert _run([sys.executable, "-m", "venv", str(venv)], cwd=build, env=dict(os.environ)).returncode == 0
    python = venv / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], build, {})
    # The dependencies, as a plain path entry after the venv's own site-packages: the wheel's files come first.
    Path(site.stdout.strip(), "platform_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = _run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], build, dict(os.environ))
    assert installed.returncode == 0, installed.stderr[-2000:]
    return venv / "bin"


@pytest.mark.slow
def test_a_non_editable_install_runs_every_command_elsewhere_with_dagster_home_set(installed, tmp_path):
    workdir, dagster_home = tmp_path / "somewhere_else", tmp_path / "opt_dagster_home"
    workdir.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DAGSTER_HOME": str(dagster_home),
        "REVIEW_PLATFORM_HOME": str(workdir / "state"),
        "HF_HUB_OFFLINE": "1",
    }
    python = str(installed / "python")

    where = _run([python, "-c", "import review_platform, sys; print(review_platform.__file__)"], workdir, env)
    assert where.returncode == 0, where.stderr[-2000:]
    assert not where.stdout.strip().startswith(str(PROJECT_ROOT)), "the checkout must not be what runs"

    demo = _run([str(installed / "review-platform"), "demo"], workdir, env)
    assert demo.returncode in (0, 1), demo.stderr[-3000:]  # 1: a WARN check failed, which the demo reports
    assert "Demo finished" in demo.stdout

    # The runs are in the instance DAGSTER_HOME names, not in the state folder's default one.
    assert (dagster_home / "dagster.yaml").exists(), "the packaged instance config was copied there"
    assert not (workdir / "state" / "dagster_home").exists()
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    try:
        runs = instance.get_runs()
        assert sorted(run.tags["dagster/partition"] for run in runs) == ["2026-11-01", "2026-11-02", "2026-11-03"]
    finally:
        instance.dispose()

    status = _run([str(installed / "review-platform"), "status", "--json"], workdir, env)
    assert status.returncode == 0, status.stderr[-2000:]
    assert [entry["problems"] for entry in json.loads(status.stdout)] == [[], [], []]

    doctor = _run([str(installed / "review-platform"), "doctor", "--json"], workdir, env)
    findings = {finding["item"]: finding for finding in json.loads(doctor.stdout)}
    assert findings["dagster instance"]["detail"] == "loads, 3 run(s) recorded"
    assert findings["unhealthy days"]["verdict"] in ("ok", "warn")

    find_workspace = "from review_platform.settings import packaged_config; print(packaged_config('workspace.yaml'))"
    workspace = _run([python, "-c", find_workspace], workdir, env)
    assert workspace.returncode == 0 and str(installed.parent) in workspace.stdout, workspace.stderr[-2000:]
    validate = _run([python, "-m", "dagster", "definitions", "validate", "-w", workspace.stdout.strip()], workdir, env)
    assert validate.returncode == 0, (validate.stdout + validate.stderr)[-3000:]
