"""JSON lines in, JSON lines out: the core of `review-platform categorise`.

Each input line is a review `{"text", "title"?, "rating"?, "image_count"?, "verified_buyer"?}`; each output line is
that object with the categoriser's fields added, or `{"error": ...}`, in input order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

from review_platform.nlp.categorise import OPTIONAL_INPUTS, OUTPUT_SCHEMA, ReviewCategoriser

_JSON_BATCH = 512


def _parse_line(number: int, line: str) -> dict[str, Any] | str:
    """The review of one input line, or the reason it cannot be read."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        return f"line {number}: not valid JSON ({error})"
    if not isinstance(record, dict):
        return f"line {number}: expected a JSON object with a text field"
    if "text" not in record:
        return f"line {number}: no text field"
    for field, kind in (("text", str), ("title", str), ("verified_buyer", bool)):
        if record.get(field) is not None and not isinstance(record[field], kind):
            return f"line {number}: {field} must be a {kind.__name__}"
    rating = record.get("rating")
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
        return f"line {number}: rating must be an integer from 1 to 5"
    images = record.get("image_count")
    if images is not None and (isinstance(images, bool) or not isinstance(images, int) or images < 0):
        return f"line {number}: image_count must be a non-negative integer"
    return record


def _categorise_batch(batch: list[dict[str, Any] | str], categoriser: ReviewCategoriser) -> Iterator[str]:
    records = [item for item in batch if isinstance(item, dict)]
    if records:
        frame = pl.DataFrame(
            {
                "title": [r.get("title") for r in records],
                "text": [r.get("text") for r in records],
                "rating": [r.get("rating") for r in records],
                "image_count": [r.get("image_count") for r in records],
                "verified_buyer": [r.get("verified_buyer") for r in records],
            },
            schema={"text": pl.String(), **OPTIONAL_INPUTS},
        )
        results = iter(
            categoriser.categorise(frame)
            .select(list(OUTPUT_SCHEMA))
            .with_columns(pl.col("topic_score", "sentiment_score", "relevance_score").cast(pl.Float64).round(4))
            .iter_rows(named=True)
        )
    for item in batch:
        if isinstance(item, str):
            yield json.dumps({"error": item}, ensure_ascii=False)
        else:
            yield json.dumps({**item, **next(results)}, ensure_ascii=False)


def categorise_json_lines(
    lines: Iterable[str], categoriser: ReviewCategoriser, batch_size: int = _JSON_BATCH
) -> Iterator[str]:
    """One output line per input line, in order: the input object plus the `OUTPUT_SCHEMA` fields, or
    `{"error": ...}` for a line that is not a JSON object with a string `text` (and, when present, a `rating` from
    1 to 5). Input fields: text (required), title, rating, image_count, verified_buyer; others are passed through.
    Lines are scored `batch_size` at a time, so the model never runs one line at a time."""
    batch: list[dict[str, Any] | str] = []
    for number, line in enumerate(lines, start=1):
        batch.append(_parse_line(number, line.rstrip("\r\n")))
        if len(batch) >= batch_size:
            yield from _categorise_batch(batch, categoriser)
            batch = []
    if batch:
        yield from _categorise_batch(batch, categoriser)
