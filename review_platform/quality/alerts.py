"""The text of an alert: what failed in one run, grouped in one message a support person can act on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Figures worth showing in a one-line alert, in this order, when a check reports them.
KEY_FIGURES = (
    "rows",
    "baseline_median",
    "ratio",
    "reject_rate",
    "expected",
    "actual",
    "rows_with_pii",
    "problems",
    "missing",
)


@dataclass(frozen=True)
class FailedCheck:
    severity: str
    asset: str
    check: str
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


def alert_text(
    job: str,
    run_id: str,
    partition: str | None,
    run_url: str,
    failed_checks: list[FailedCheck],
    run_failure: str | None = None,
) -> str:
    """One Slack message for a run: the run failure (if any), then each failed check, errors first."""
    where = f"{job} · partition {partition}" if partition else job
    headline = (
        f":red_circle: Run failed: {where}"
        if run_failure
        else f":large_orange_circle: {len(failed_checks)} check(s) failed: {where}"
    )
    lines = [headline, f"Run {run_id[:8]}: {run_url}"]
    if run_failure:
        lines.append(f"Why: {run_failure}")
    ordered = sorted(failed_checks, key=lambda check: (check.severity != "ERROR", check.asset, check.check))
    for check in ordered:
        figures = ", ".join(f"{name}={check.metadata[name]}" for name in KEY_FIGURES if name in check.metadata)
        lines.append(f"• [{check.severity}] {check.asset} / {check.check}: {check.description}")
        if figures:
            lines.append(f"    {figures}")
    return "\n".join(lines)
