"""How assets report to Dagster: check outcomes become check results, figures become plottable metadata."""

from __future__ import annotations

import warnings

import dagster as dg
import polars as pl

from review_platform.partitions import daily_partitions
from review_platform.quality.checks import CheckOutcome


def daily_check(name: str, asset: str, description: str | None = None, blocking: bool = True) -> dg.AssetCheckSpec:
    """A check evaluated per day, blocking unless said otherwise: its history in the UI and in `doctor` says which
    partition failed.

    Partitioned checks are a preview feature of Dagster 1.13, used on purpose; its warning is not repeated for
    every check of every asset at every import."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
        )
        return dg.AssetCheckSpec(
            name, asset=asset, blocking=blocking, partitions_def=daily_partitions, description=description
        )


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


LAYER_FIGURES = ("rows_in", "rows_out", "rows_rejected", "duration_s")


def table_schema(schema: dict[str, pl.DataType]) -> dg.TableSchema:
    """The UI's column list for a layer, straight from the data contract."""
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype in schema.items()])


def preview(frame: pl.DataFrame, columns: list[str], rows: int = 5, width: int = 80) -> dg.MetadataValue:
    """A few rows as a Markdown table, of ids, labels and counts: never free text, never RAW."""
    sample = frame.head(rows).select(
        [
            pl.col(name).cast(pl.String).str.replace_all(r"[\r\n|]+", " ").str.slice(0, width).alias(name)
            for name in columns
        ]
    )
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if value is None else value for value in row) + " |" for row in sample.rows()]
    return dg.MetadataValue.md("\n".join(lines))
