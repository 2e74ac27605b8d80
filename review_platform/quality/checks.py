"""Pure evaluations behind the asset checks: each returns whether it passed, a plain-language line and figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import polars as pl


class Severity(StrEnum):
    WARN = "WARN"  # worth a look; never blocks downstream
    ERROR = "ERROR"  # the data is wrong; blocks downstream when the check is blocking


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)
    severity: Severity = Severity.ERROR


def counts_reconcile(label: str, expected: int, actual: int, what_to_do: str) -> CheckOutcome:
    """`actual` rows must equal `expected` rows (the cross-layer reconciliation of the daily volume check)."""
    if expected == actual:
        return CheckOutcome(True, f"{label}: {actual} rows, as expected", {"expected": expected, "actual": actual})
    return CheckOutcome(
        False,
        f"{label}: {actual} rows where {expected} were expected ({actual - expected:+d}). {what_to_do}",
        {"expected": expected, "actual": actual, "difference": actual - expected},
    )


def reject_rate(accepted: int, rejected: int, warn_above: float, error_above: float) -> CheckOutcome:
    """The share of rejected rows: WARN above `warn_above`, ERROR above `error_above`."""
    total = accepted + rejected
    rate = rejected / total if total else 0.0
    figures = {
        "reject_rate": round(rate, 4),
        "warn_above": warn_above,
        "error_above": error_above,
        "rejected": rejected,
        "total": total,
    }
    if rate <= warn_above:
        return CheckOutcome(True, f"reject rate {rate:.2%} (warns above {warn_above:.0%})", figures)
    severity = Severity.ERROR if rate > error_above else Severity.WARN
    limit = error_above if severity is Severity.ERROR else warn_above
    return CheckOutcome(
        False,
        f"reject rate {rate:.2%} is above {limit:.0%}: see vw_data_quality for the reasons, then ask the source "
        "system's owners whether something changed in how reviews are written",
        figures,
        severity,
    )


def volume_against_baseline(
    rows: int, history: list[int], min_history: int, warn_band: float, error_band: float, what: str = "reviews"
) -> CheckOutcome:
    """A day's row count against the median of earlier days (the support team's 4.2 volume check).

    WARN when the ratio to the median leaves [1/warn_band, warn_band], ERROR beyond [1/error_band, error_band]
    or at zero rows. With fewer than `min_history` earlier days there is nothing to compare with: it passes
    and says so, so the first partitions raise no false alarm.
    """
    if rows == 0:
        return CheckOutcome(
            False,
            f"no {what} at all for this day: check that the source database is up and its tables are fed, then "
            "re-run the partition",
            {"rows": 0, "history_days": len(history)},
            Severity.ERROR,
        )
    if len(history) < min_history:
        return CheckOutcome(
            True,
            f"{rows} {what}; only {len(history)} earlier days to compare with (need {min_history})",
            {"rows": rows, "history_days": len(history)},
        )
    baseline = float(pl.Series(history).median())
    ratio = rows / baseline if baseline else float("inf")
    figures = {
        "rows": rows,
        "baseline_median": baseline,
        "ratio": round(ratio, 3),
        "warn_band": warn_band,
        "error_band": error_band,
        "history_days": len(history),
    }
    if 1 / warn_band <= ratio <= warn_band:
        return CheckOutcome(True, f"{rows} {what}, {ratio:.0%} of the usual {baseline:.0f}", figures)
    severity = Severity.ERROR if not 1 / error_band <= ratio <= error_band else Severity.WARN
    if ratio < 1:
        advice = "a drop: check the source database, its loaders and the network during the extract"
    else:
        advice = "a surge: look for duplicated or re-injected rows, or a change of business logic at the source"
    return CheckOutcome(
        False, f"{rows} {what} is {ratio:.0%} of the usual {baseline:.0f} per day, {advice}", figures, severity
    )


def accepted_rows_valid(frame: pl.DataFrame, required: list[str]) -> CheckOutcome:
    """What validation promises downstream: unique ids, required fields present, ratings 1..5, known products."""
    problems = {
        "duplicate_ids": frame.height - frame["review_id"].n_unique(),
        "missing_required": frame.filter(pl.any_horizontal(pl.col(c).is_null() for c in required)).height,
        "rating_out_of_range": frame.filter(~pl.col("rating").is_between(1, 5)).height,
        "unknown_products": frame.filter(pl.col("product_name").is_null()).height,
    }
    failing = {name: count for name, count in problems.items() if count}
    if not failing:
        return CheckOutcome(True, f"{frame.height} accepted rows are valid", {"rows": frame.height, **problems})
    return CheckOutcome(
        False,
        "validation let invalid rows through ("
        + ", ".join(f"{name} {count}" for name, count in failing.items())
        + "): report it to data engineering (N2); nothing downstream was updated",
        {"rows": frame.height, **problems},
    )


# What a failed leak guard before PROCESSED means and asks.
UNPUBLISHED_LEAK_ADVICE = (
    "nothing was published past RAW. Extend the detectors in review_platform/pii, then re-run the partition"
)


def no_leaking_rows(
    leaking: pl.DataFrame,
    total: int,
    id_column: str = "review_id",
    buyer_values: pl.DataFrame | None = None,
    advice: str = UNPUBLISHED_LEAK_ADVICE,
) -> CheckOutcome:
    """Passes when the PII detectors find nothing and no buyer's own value is found verbatim (`buyer_values`:
    `pii.guard.rows_with_buyer_values`); otherwise names a few offending ids and the kinds found, never the values,
    and says what it means (`advice`)."""
    known = buyer_values if buyer_values is not None else pl.DataFrame({id_column: [], "kinds": []})
    ids = sorted({*leaking.get_column(id_column).to_list(), *known.get_column(id_column).to_list()})
    metadata = {"rows_scanned": total, "rows_with_pii": len(ids), "rows_with_buyer_values": known.height}
    if not ids:
        return CheckOutcome(True, f"no detectable PII in {total} rows", metadata)
    kinds = sorted({kind for found in known.get_column("kinds").to_list() for kind in found.split(",")})
    own = (
        f"; {known.height} hold the buyer's own {'/'.join(k.lower() for k in kinds)} verbatim, which the detectors "
        "missed"
        if known.height
        else ""
    )
    return CheckOutcome(
        False,
        f"{len(ids)} of {total} rows still contain personal data (review ids {ids[:5]}){own}; {advice}.",
        {**metadata, **({"buyer_value_kinds": ", ".join(kinds)} if kinds else {})},
    )


def withheld_rows(suspected: pl.DataFrame, total: int, id_column: str = "review_id") -> CheckOutcome:
    """A WARN when the guard's shape detector held rows back (`suspected`: `pii.shapes.rows_with_shapes`): they
    stay in RAW only, the rest of the day is published. Names the ids and kinds, never a value, and what to do."""
    ids = sorted(set(suspected.get_column(id_column).to_list()))
    metadata = {"rows_scanned": total, "rows_withheld": len(ids)}
    if not ids:
        return CheckOutcome(True, f"no row of {total} looks like it holds personal data", metadata, Severity.WARN)
    kinds = sorted({kind for found in suspected.get_column("kinds").to_list() for kind in found.split(",")})
    return CheckOutcome(
        False,
        f"{len(ids)} of {total} rows were withheld, kept in RAW only: something in them is shaped like "
        f"{'/'.join(k.lower() for k in kinds)} (review ids {ids[:5]}). Read them in RAW: if one holds personal data "
        "the redactor missed, extend the detectors in review_platform/pii and re-run the partition; if not (an "
        "author, a place, a product code), re-run it with its id in `release_review_ids`",
        {**metadata, "withheld_kinds": ", ".join(kinds), "withheld_review_ids": ", ".join(map(str, ids[:20]))},
        Severity.WARN,
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


# The layers up to CURATED, by their status names; any other layer in a count is a serving store.
LAKE_LAYERS = ("source", "raw", "anonymised", "rejected", "erased", "withheld", "categorised")


def reconciliation_problems(counts: dict[str, int | None]) -> list[str]:
    """The support team's volume check for one partition: every layer must account for every source row.

    source = raw = anonymised + rejected + erased + withheld; categorised = anonymised; every serving store (any
    layer not in `LAKE_LAYERS`: warehouse, mongo, ...) = categorised. `erased` counts the rows of buyers erased
    under GDPR (RAW holds them again after a re-run, not before), `withheld` those the leak guard kept in RAW. A
    layer not yet materialised (None) is reported as missing rather than as a mismatch.
    """
    erased = counts.get("erased") or 0
    withheld = counts.get("withheld") or 0
    optional = ("erased", "withheld")
    problems = [
        f"{layer} not materialised" for layer, count in counts.items() if count is None and layer not in optional
    ]
    if problems:
        return problems
    raw_expected = counts["raw"] if counts["raw"] in (counts["source"], counts["source"] - erased) else counts["source"]
    expectations = [
        ("raw", counts["raw"], raw_expected),
        (
            "anonymised + rejected + erased + withheld",
            counts["anonymised"] + counts["rejected"] + erased + withheld,
            counts["source"],
        ),
        ("categorised", counts["categorised"], counts["anonymised"]),
        *((layer, count, counts["categorised"]) for layer, count in counts.items() if layer not in LAKE_LAYERS),
    ]
    return [
        f"{label} has {actual}, expected {expected}" for label, actual, expected in expectations if actual != expected
    ]


def lake_integrity(problems: list[str], partitions_checked: int) -> CheckOutcome:
    """Lake partitions against their manifests (missing, small, unreadable or miscounted files)."""
    if not problems:
        return CheckOutcome(True, f"{partitions_checked} lake partition(s) match their manifests", {"problems": 0})
    return CheckOutcome(
        False,
        f"{len(problems)} lake problem(s): {'; '.join(problems[:3])}. Re-run the asset for this partition to "
        "rewrite it; if it happens again, check the lake's storage (N3).",
        {"problems": len(problems)},
    )


def views_answer(rows_by_view: dict[str, int]) -> CheckOutcome:
    """Every analyst view answers and returns rows (an empty view after a load means a broken definition)."""
    return CheckOutcome(
        all(rows > 0 for rows in rows_by_view.values()),
        "views answer: " + ", ".join(f"{view} {rows} rows" for view, rows in rows_by_view.items()),
        {view: int(rows) for view, rows in rows_by_view.items()},
    )


def indexes_present(missing: list[str]) -> CheckOutcome:
    if not missing:
        return CheckOutcome(True, "all required indexes present", {"missing": 0})
    return CheckOutcome(
        False,
        f"missing indexes: {', '.join(missing)}; re-run mongo_collections to rebuild them",
        {"missing": len(missing)},
    )


def nlp_error_share(frame: pl.DataFrame) -> float:
    """Share of rows the model could not score (non-null `nlp_error`); 0 for an empty frame."""
    return float(frame["nlp_error"].is_not_null().mean()) if frame.height else 0.0


def nlp_error_outcome(frame: pl.DataFrame, max_share: float) -> CheckOutcome:
    """Fails when more than `max_share` of the rows could not be scored, naming the reasons and a few ids."""
    share = nlp_error_share(frame)
    errors = frame.filter(pl.col("nlp_error").is_not_null())
    reasons = {row["nlp_error"]: row["len"] for row in errors.group_by("nlp_error").len().sort("nlp_error").to_dicts()}
    figures = {"nlp_error_share": round(share, 4), "threshold": max_share, "nlp_errors": errors.height, **reasons}
    if share <= max_share:
        return CheckOutcome(
            True, f"{errors.height} unscorable reviews ({share:.2%}, threshold {max_share:.0%})", figures
        )
    sample = errors["review_id"].head(5).to_list() if "review_id" in errors.columns else []
    return CheckOutcome(
        False,
        f"{errors.height} of {frame.height} reviews ({share:.2%}) could not be scored, above {max_share:.0%}: "
        f"{', '.join(f'{reason} {count}' for reason, count in reasons.items())} (review ids {sample}). They are "
        "published as topic other / sentiment neutral; look for an upstream change (encoding, redaction).",
        figures,
    )
