"""Pure evaluations behind the asset checks: each returns whether it passed, a plain-language line and figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


def counts_reconcile(label: str, expected: int, actual: int, what_to_do: str) -> CheckOutcome:
    """`actual` rows must equal `expected` rows (the cross-layer reconciliation of the daily volume check)."""
    if expected == actual:
        return CheckOutcome(True, f"{label}: {actual} rows, as expected", {"expected": expected, "actual": actual})
    return CheckOutcome(
        False,
        f"{label}: {actual} rows where {expected} were expected ({actual - expected:+d}). {what_to_do}",
        {"expected": expected, "actual": actual, "difference": actual - expected},
    )


def reject_rate(accepted: int, rejected: int, warn_above: float) -> CheckOutcome:
    total = accepted + rejected
    rate = rejected / total if total else 0.0
    figures = {"reject_rate": round(rate, 4), "threshold": warn_above, "rejected": rejected, "total": total}
    if rate <= warn_above:
        return CheckOutcome(True, f"reject rate {rate:.2%} (threshold {warn_above:.0%})", figures)
    return CheckOutcome(
        False,
        f"reject rate {rate:.2%} is above {warn_above:.0%}: look at vw_data_quality for the reasons and at the "
        "source system for a change in how reviews are written",
        figures,
    )


def no_leaking_rows(leaking: pl.DataFrame, total: int, id_column: str = "review_id") -> CheckOutcome:
    """Passes when the PII detectors find nothing; otherwise names a few offending ids, never the values."""
    if leaking.is_empty():
        return CheckOutcome(True, f"no detectable PII in {total} rows", {"rows_scanned": total, "rows_with_pii": 0})
    sample = leaking.get_column(id_column).head(5).to_list()
    return CheckOutcome(
        False,
        f"{leaking.height} of {total} rows still contain detectable PII (review ids {sample}); nothing was "
        "published past RAW. Extend the detectors in review_platform/pii, then re-run the partition.",
        {"rows_scanned": total, "rows_with_pii": leaking.height},
    )


def fully_labelled(frame: pl.DataFrame, columns: list[str]) -> CheckOutcome:
    missing = frame.filter(pl.any_horizontal(pl.col(c).is_null() for c in columns))
    if missing.is_empty():
        return CheckOutcome(True, f"all {frame.height} rows have {', '.join(columns)}", {"rows": frame.height})
    return CheckOutcome(
        False,
        f"{missing.height} rows lack {', '.join(columns)} (review ids {missing['review_id'].head(5).to_list()})",
        {"rows": frame.height, "unlabelled": missing.height},
    )


def reconciliation_problems(counts: dict[str, int | None]) -> list[str]:
    """The support team's volume check for one partition: every layer must account for every source row.

    source = raw = anonymised + rejected; categorised = anonymised; warehouse = mongo = categorised.
    A layer not yet materialised (None) is reported as missing rather than as a mismatch.
    """
    problems = [f"{layer} not materialised" for layer, count in counts.items() if count is None]
    if problems:
        return problems
    expectations = [
        ("raw", counts["raw"], counts["source"]),
        ("anonymised + rejected", counts["anonymised"] + counts["rejected"], counts["raw"]),
        ("categorised", counts["categorised"], counts["anonymised"]),
        ("warehouse", counts["warehouse"], counts["categorised"]),
        ("mongo", counts["mongo"], counts["categorised"]),
    ]
    return [
        f"{label} has {actual}, expected {expected}" for label, actual, expected in expectations if actual != expected
    ]
