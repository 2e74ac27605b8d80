"""`dagster dev` as a child process of a test: started on a free port, spoken to over GraphQL, stopped whole."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _own_session_with_default_signals() -> None:
    # A process started from a background shell inherits SIGINT/SIGTERM as ignored, and `dagster dev` then outlives
    # any polite stop; its own session lets teardown signal the webserver, daemon, code server and run workers at once.
    os.setsid()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def _live_members(pgid: int) -> list[str]:
    """Processes of the group that are still running (zombies excluded): 'pid command' each."""
    members = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
        except OSError:
            continue
        command, _, rest = stat.rpartition(")")
        fields = rest.split()
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(f"{stat_file.parent.name} {command.partition('(')[2]}")
    return members


class DagsterDev:
    """`dagster dev -w workspace.yaml` on 127.0.0.1, with its output in `log_path`."""

    def __init__(self, project_root: Path, env: dict[str, str], log_path: Path) -> None:
        self.project_root = project_root
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 120) -> None:
        dagster = Path(sys.executable).parent / "dagster"
        command = [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(self.port)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.project_root,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_own_session_with_default_signals,
            )
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"dagster dev exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/server_info", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"dagster dev did not answer on {self.url} in {timeout_s:.0f}s:\n{self.log_tail()}")
            time.sleep(1)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        if answer.get("errors"):
            raise RuntimeError(f"GraphQL errors: {answer['errors']}")
        return answer["data"]

    def log_tail(self, characters: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:] if self.log_path.exists() else ""

    def _group_gone(self, pgid: int, within_s: float) -> bool:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None and not _live_members(pgid):
                return True
            time.sleep(0.25)
        return False

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL to whatever is left; fails when anything survives."""
        if self.process is None:
            return
        pgid = self.process.pid  # the session (and group) leader, by setsid
        for signum, grace_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(pgid, signum)
            except ProcessLookupError:
                break
            if self._group_gone(pgid, grace_s):
                break
        self.process.wait(timeout=10)
        survivors = _live_members(pgid)
        if survivors:
            raise RuntimeError(f"processes of dagster dev still alive after SIGKILL: {survivors}")
