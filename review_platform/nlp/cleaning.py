"""What the model reads for each review, and why a review cannot be scored, as polars expressions.

The model reads the title and the text joined by ". ", with the PII placeholders left by the anonymiser
(`<PERSON>`, `<EMAIL>`, ...) taken out: they carry no meaning for topic or sentiment and would pull every review
that has one towards the others. A review is *unscorable* (its `nlp_error` says why) when nothing readable is
left; it then gets topic `other`, sentiment `neutral` and never fails the partition.
"""

from __future__ import annotations

from enum import StrEnum

import polars as pl

PLACEHOLDER_PATTERN = r"<[A-Z][A-Z_]*>"
# U+FFFD (a byte that was not valid UTF-8), C0 control characters other than tab and newlines, and the
# commonest mojibake (UTF-8 read as Latin-1/cp1252: "Ã©" for "é", "â€™" for "’").
GARBLED_PATTERN = r"[\x{FFFD}\x00-\x08\x0B\x0C\x0E-\x1F]|Ã[\x{80}-\x{BF}]|â€"
# More than one garbled sequence per this many letters and the text is too damaged to read.
LETTERS_PER_GARBLED = 10


class NlpError(StrEnum):
    """Why a review could not be scored (the `nlp_error` column); null when it was."""

    EMPTY_TEXT = "empty_text"  # no title and no text, or only whitespace
    PLACEHOLDERS_ONLY = "placeholders_only"  # nothing left once <PERSON>, <EMAIL>... are taken out
    NO_WORDS = "no_words"  # no letter at all: emoji, punctuation, digits
    ENCODING_ERROR = "encoding_error"  # replacement characters, control characters or mojibake throughout


def joined_text(title: pl.Expr, text: pl.Expr) -> pl.Expr:
    """Title and text as one string ("" when both are missing)."""
    return (
        pl.concat_str([title.fill_null("").str.strip_chars(), text.fill_null("").str.strip_chars()], separator=". ")
        .str.strip_chars(". \t\r\n")
        .fill_null("")
    )


def model_text(title: pl.Expr, text: pl.Expr) -> pl.Expr:
    """What the model reads: title and text joined, placeholders removed, whitespace collapsed."""
    return (
        joined_text(title, text)
        .str.replace_all(PLACEHOLDER_PATTERN, " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars(" .,;:-")
    )


def model_texts(texts: list[str]) -> list[str]:
    """`model_text` of plain texts (no title): what the model reads of them, for training and evaluation."""
    frame = pl.DataFrame({"title": [None] * len(texts), "text": texts}, schema={"title": pl.String, "text": pl.String})
    return frame.select(model_text(pl.col("title"), pl.col("text"))).to_series().to_list()


def nlp_error(title: pl.Expr, text: pl.Expr) -> pl.Expr:
    """The `NlpError` value explaining why the review cannot be scored, or null when it can."""
    raw = joined_text(title, text)
    readable = model_text(title, text)
    letters = readable.str.count_matches(r"\p{L}")
    garbled = raw.str.count_matches(GARBLED_PATTERN)
    return (
        pl.when(raw.str.strip_chars().str.len_chars() == 0)
        .then(pl.lit(NlpError.EMPTY_TEXT.value))
        .when(~readable.str.contains(r"[\p{L}\p{N}]") & raw.str.contains(PLACEHOLDER_PATTERN))
        .then(pl.lit(NlpError.PLACEHOLDERS_ONLY.value))
        .when(garbled * LETTERS_PER_GARBLED > letters)
        .then(pl.lit(NlpError.ENCODING_ERROR.value))
        .when(letters == 0)
        .then(pl.lit(NlpError.NO_WORDS.value))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
