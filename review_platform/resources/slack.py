"""Slack, for alerts: the message one run's failures make, and dagster-slack's resource plus the channel and, for
tests, another API address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dagster_slack import SlackResource
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from review_platform.errors import ServiceUnavailableError, first_line

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


class SlackUnavailableError(ServiceUnavailableError):
    """Slack could not be reached or refused a message, after the client's own retries."""


# Server errors (5xx) and dropped connections are retried by the client with exponential backoff (about 1, 2, 4 s);
# what still fails is left to the alert sensor, which posts it again on its next tick.
SLACK_RETRIES = 3


class SlackAlertResource(SlackResource):
    """Posts alerts to `channel`. `api_url` is Slack's own unless set (a local stand-in in tests)."""

    channel: str
    api_url: str = ""

    def get_client(self) -> WebClient:
        backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
        retries = [
            ConnectionErrorRetryHandler(max_retry_count=SLACK_RETRIES, interval_calculator=backoff),
            ServerErrorRetryHandler(max_retry_count=SLACK_RETRIES, interval_calculator=backoff),
            RateLimitErrorRetryHandler(max_retry_count=SLACK_RETRIES),
        ]
        if self.api_url:
            return WebClient(self.token, base_url=self.api_url, retry_handlers=retries)
        return WebClient(self.token, retry_handlers=retries)

    def post(self, text: str) -> None:
        try:
            self.get_client().chat_postMessage(channel=self.channel, text=text, unfurl_links=False)
        except (SlackClientError, OSError) as error:
            raise SlackUnavailableError(
                f"Slack refused or could not be reached ({type(error).__name__}: {_slack_reason(error)}) after "
                f"{SLACK_RETRIES} retries; check REVIEW_PLATFORM_SLACK_TOKEN and REVIEW_PLATFORM_SLACK_CHANNEL"
            ) from None


def _slack_reason(error: Exception) -> str:
    """Slack's own error code when it gave one (`invalid_auth`, `channel_not_found`...), else the HTTP status
    (an outage answers 500 with no JSON), else the first line of the error."""
    response = getattr(error, "response", None)
    if response is None:
        return first_line(error, 200)
    code = response.get("error") if isinstance(response.data, dict) else None
    if code and " " not in code:
        return code
    return f"HTTP {response.status_code}"
