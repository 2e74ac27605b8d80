"""The second line of the leak guard: the day's buyers' own names, e-mails and phones, looked for verbatim in what
is about to leave RAW. Built differently from the redactor on purpose: no pattern, no lexicon, no model, so a
value the detectors miss (a lowercase name, a foreign one, an odd phone format) is still caught when it is the
buyer's own, which is the most likely personal value in a review.

The values are compared in memory and never written anywhere (nor logged, nor put in metadata): a hit reports
the review id and the kind of value only. Matching is case-insensitive on NFKC-normalised text with invisible
characters removed; a full name is found in either order ("Marie Dupont", "DUPONT marie"); a phone by its last
nine digits, whatever the separators ("06 12 34 56 78", "+33 6-12-34-56-78"); an e-mail whole.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from review_platform.pii.normalise import INVISIBLE

BUYER_COLUMNS = ("buyer_id", "fname", "lname", "email", "phone")
PHONE_DIGITS = 9  # enough to be a number, few enough to ignore country codes and trunk prefixes
MIN_NAME_LENGTH = 2  # a one-letter first or last name alone says nothing; both together still do


def _folded(column: pl.Expr) -> pl.Expr:
    invisible = "[" + "".join(INVISIBLE) + "]"
    return column.str.normalize("NFKC").str.replace_all(invisible, "").str.replace_all(r"\s+", " ").str.to_lowercase()


def buyer_values(buyers: pl.DataFrame) -> dict[str, list[str]]:
    """The searchable forms of the buyers' own values, by kind (PERSON, EMAIL, PHONE); empty kinds dropped."""
    folded = buyers.select(
        _folded(pl.col("fname").cast(pl.String)).str.strip_chars().alias("first"),
        _folded(pl.col("lname").cast(pl.String)).str.strip_chars().alias("last"),
        _folded(pl.col("email").cast(pl.String)).str.strip_chars().alias("email"),
        pl.col("phone").cast(pl.String).str.replace_all(r"[^0-9]", "").alias("digits"),
    )
    names = [
        name
        for first, last in zip(folded["first"], folded["last"], strict=True)
        if first and last and len(first) + len(last) > MIN_NAME_LENGTH
        for name in (f"{first} {last}", f"{last} {first}")
    ]
    emails = [email for email in folded["email"] if email and "@" in email]
    phones = [digits[-PHONE_DIGITS:] for digits in folded["digits"] if digits and len(digits) >= PHONE_DIGITS]
    values = {"PERSON": names, "EMAIL": emails, "PHONE": phones}
    return {kind: sorted(set(found)) for kind, found in values.items() if found}


def rows_with_buyer_values(
    frame: pl.DataFrame, columns: Sequence[str], buyers: pl.DataFrame, id_column: str = "review_id"
) -> pl.DataFrame:
    """(`id_column`, `kinds`) for each row of `frame` in which one of `columns` holds a buyer's own value verbatim;
    `kinds` lists what was found (PERSON, EMAIL, PHONE), never the value."""
    values = buyer_values(buyers)
    present = [column for column in columns if column in frame.columns]
    if frame.is_empty() or not values or not present:
        return pl.DataFrame(schema={id_column: frame.schema[id_column], "kinds": pl.String})
    text = pl.concat_str([_folded(pl.col(c).cast(pl.String)).fill_null("") for c in present], separator="\n")
    digits = text.str.replace_all(r"[\s.\-()/\u00a0\u202f+]", "")
    hits = {kind: (digits if kind == "PHONE" else text).str.contains_any(found) for kind, found in values.items()}
    flagged = frame.select(
        pl.col(id_column),
        pl.concat_str(
            [pl.when(hit).then(pl.lit(kind)) for kind, hit in hits.items()], separator=",", ignore_nulls=True
        ).alias("kinds"),
    )
    return flagged.filter(pl.col("kinds") != "")
