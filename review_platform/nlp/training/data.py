"""Real reviews to train and evaluate on: the files of `../shared/data/reviews/` (or any folder holding them), their
stars, the project's topic labels, and the sealed test split.

The split is a pure function of a review's source and id (`review_split`), fixed before any training: the same
reviews are held out for sentiment and for topics, on every machine, whatever the file order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from review_platform.errors import PlatformError

LABELS_PATH = Path(__file__).resolve().parent.parent / "labels" / "topics.jsonl"
TEST_SHARE_MODULUS = 5  # one review in five is held out


@dataclass(frozen=True)
class ReviewSource:
    """One file of real reviews: where its text and stars are, its language and domain."""

    name: str
    file: str
    language: str
    domain: str


SOURCES = (
    ReviewSource("clothing", "womens_clothing_ecommerce_reviews.csv", "en", "clothing"),
    ReviewSource("babelio", "french_book_reviews_babelio.jsonl", "fr", "books"),
    ReviewSource("critiques_libres", "french_book_reviews_critiques_libres.jsonl", "fr", "books"),
)

REVIEW_SCHEMA = {
    "source": pl.String(),
    "id": pl.String(),
    "language": pl.String(),
    "domain": pl.String(),
    "text": pl.String(),
    "stars": pl.Float64(),
    "split": pl.String(),
}


class TrainingDataError(PlatformError):
    """The training data folder is missing, incomplete or does not match the labels."""


def review_split(source: str, review_id: str) -> str:
    digest = hashlib.sha256(f"{source}:{review_id}".encode()).hexdigest()
    return "test" if int(digest[:8], 16) % TEST_SHARE_MODULUS == 0 else "train"


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def sentiment_of_stars(stars: pl.Expr) -> pl.Expr:
    """1-2 stars negative, 4-5 positive, in between neutral (French ratings come in half stars)."""
    return (
        pl.when(stars <= 2)
        .then(pl.lit("negative"))
        .when(stars >= 4)
        .then(pl.lit("positive"))
        .otherwise(pl.lit("neutral"))
    )


def _read_source(folder: Path, source: ReviewSource) -> list[tuple[str, str, float]]:
    path = folder / source.file
    if source.file.endswith(".csv"):
        frame = pl.read_csv(path, infer_schema=False)
        rows = []
        for row_id, title, text, rating in frame.select(["", "Title", "Review Text", "Rating"]).iter_rows():
            # Line ends as a text reader gives them: a few reviews carry Windows line ends inside their text.
            text, title = (text or "").replace("\r\n", "\n").strip(), (title or "").replace("\r\n", "\n").strip()
            if text:
                rows.append((row_id, f"{title}. {text}" if title else text, float(rating)))
        return rows
    rows = []
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        text = (record.get("reader_review") or "").strip()
        if text:
            rows.append((str(line_number), text, float(record["rating"])))
    return rows


def load_real_reviews(folder: Path) -> pl.DataFrame:
    """Every review with a text in `folder`, one row each (`REVIEW_SCHEMA`)."""
    missing = [source.file for source in SOURCES if not (folder / source.file).is_file()]
    if missing:
        raise TrainingDataError(
            f"training data folder {folder} lacks {', '.join(missing)}; point --data at a copy of "
            "shared/data/reviews (see its README for where each file comes from)"
        )
    frames = []
    for source in SOURCES:
        rows = _read_source(folder, source)
        frames.append(
            pl.DataFrame(
                {
                    "source": [source.name] * len(rows),
                    "id": [row[0] for row in rows],
                    "language": [source.language] * len(rows),
                    "domain": [source.domain] * len(rows),
                    "text": [row[1] for row in rows],
                    "stars": [row[2] for row in rows],
                    "split": [review_split(source.name, row[0]) for row in rows],
                },
                schema=REVIEW_SCHEMA,
            )
        )
    return pl.concat(frames)


def training_rows(frame: pl.DataFrame, reviews: pl.DataFrame) -> pl.DataFrame:
    """`frame`'s train-split rows, less any whose text is also a sealed review's: the same short text posted twice
    ("Coup de coeur !") must not be learned under one id and measured under the other."""
    sealed = reviews.filter(pl.col("split") == "test")["text"]
    return frame.filter((pl.col("split") == "train") & ~pl.col("text").is_in(sealed.implode()))


def load_topic_labels(reviews: pl.DataFrame, labels_path: Path = LABELS_PATH) -> pl.DataFrame:
    """The labelled reviews: `reviews`' columns plus `primary` and `secondary`. Refuses labels whose review text
    changed (a different copy of a file) rather than train on texts nobody read."""
    labels = pl.read_ndjson(
        labels_path,
        schema={
            "source": pl.String(),
            "id": pl.String(),
            "text_sha256": pl.String(),
            "primary": pl.String(),
            "secondary": pl.List(pl.String()),
            "split": pl.String(),
        },
    )
    joined = labels.join(reviews.drop("split"), on=["source", "id"], how="left")
    absent = joined.filter(pl.col("text").is_null()).height
    changed = joined.filter(
        pl.col("text").is_not_null()
        & (pl.col("text").map_elements(text_fingerprint, return_dtype=pl.String) != pl.col("text_sha256"))
    ).height
    if absent or changed:
        raise TrainingDataError(
            f"{absent} labelled review(s) missing and {changed} with a different text in the training data; "
            "the labels were made on the files described in shared/data/reviews/README.md"
        )
    return joined.drop("text_sha256")
