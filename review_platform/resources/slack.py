"""Slack, for alerts: the message one run's failures make, and dagster-slack's resource plus the channel and, for
tests, another API address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dagster_slack import SlackResource
from slack_sdk import WebClient

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


class SlackAlertResource(SlackResource):
    """Posts alerts to `channel`. `api_url` is Slack's own unless set (a local stand-in in tests)."""

    channel: str
    api_url: str = ""

    def get_client(self) -> WebClient:
        if self.api_url:
            return WebClient(self.token, base_url=self.api_url)
        return WebClient(self.token)

    def post(self, text: str) -> None:
        self.get_client().chat_postMessage(channel=self.channel, text=text, unfurl_links=False)
