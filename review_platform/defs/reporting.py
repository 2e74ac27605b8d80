"""How assets report to Dagster: check outcomes become check results, figures become plottable metadata."""

from __future__ import annotations

import dagster as dg

from review_platform.quality.checks import CheckOutcome


def check_result(check_name: str, outcome: CheckOutcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity(outcome.severity.value),
        description=outcome.description,
        metadata={**outcome.metadata, "summary": outcome.description},
    )


def layer_metadata(rows_in: int, rows_out: int, rows_rejected: int, seconds: float) -> dict[str, object]:
    """The figures every layer reports, under the same names, so the UI plots them across partitions."""
    return {
        "rows_in": dg.MetadataValue.int(rows_in),
        "rows_out": dg.MetadataValue.int(rows_out),
        "rows_rejected": dg.MetadataValue.int(rows_rejected),
        "duration_s": dg.MetadataValue.float(round(seconds, 3)),
        "dagster/row_count": dg.MetadataValue.int(rows_out),
    }
