"""Find personal data in review text and replace it with typed placeholders, over whole polars columns.

This first cut recognises e-mail addresses, payment card numbers and phone numbers (French and international
formats) with regular expressions evaluated by polars' native engine, so a partition is redacted without a
Python loop. Detectors run in order: a span taken by one is no longer visible to the next.
"""

from __future__ import annotations

import polars as pl

from review_platform.contract import PiiType

# Order matters: cards before phones (a card number also looks like a long phone number).
PII_PATTERNS: dict[PiiType, str] = {
    PiiType.EMAIL: r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    PiiType.CARD: r"\b\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d{1,7}\b",
    PiiType.PHONE: (
        r"(?:\+33[\s.\-]?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b"  # French: 06 12 34 56 78, +33 6 12 34 56 78
        r"|(?:\+1[\s.\-]?)?(?:\(\d{3}\)|\b\d{3})[\s.\-]?\d{3}[\s.\-]\d{4}\b"  # North American
        r"|\+\d{1,3}(?:[\s.\-]?\d{1,4}){2,5}\b"  # other international numbers
    ),
}


def placeholder(pii_type: PiiType) -> str:
    return f"<{pii_type.value}>"


def redact_column(column: str) -> tuple[pl.Expr, pl.Expr]:
    """Expressions giving `column` with PII replaced by placeholders, and the number of replacements per row."""
    text = pl.col(column)
    count = pl.lit(0, dtype=pl.UInt32)
    for pii_type, pattern in PII_PATTERNS.items():
        count = count + text.str.count_matches(pattern).fill_null(0)
        text = text.str.replace_all(pattern, placeholder(pii_type))
    return text.alias(column), count.cast(pl.Int32)


def redact_texts(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Redact `columns` in place and add `pii_redactions`, the number of values replaced across them."""
    redacted, counts = zip(*(redact_column(column) for column in columns), strict=True)
    total = pl.sum_horizontal(counts).cast(pl.Int32).alias("pii_redactions")
    return frame.with_columns(*redacted, total)


def find_pii(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Rows of `frame` in which any detector still matches: the leak guard behind the privacy checks."""
    pattern = "|".join(f"(?:{p})" for p in PII_PATTERNS.values())
    leaking = pl.any_horizontal(pl.col(column).str.contains(pattern).fill_null(False) for column in columns)
    return frame.filter(leaking)
