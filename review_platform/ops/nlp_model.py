"""Training, evaluating and promoting the categoriser's heads: what the `nlp_model` asset and `review-platform nlp
train | evaluate` both do, so the UI and the command line give the same model for the same data and seed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from review_platform.nlp.categorise import ReviewCategoriser
from review_platform.nlp.cleaning import model_text
from review_platform.nlp.heads import Heads, artefact_path, promote
from review_platform.nlp.model import EmbeddingModel
from review_platform.nlp.taxonomy import Taxonomy
from review_platform.nlp.training.data import load_real_reviews, load_topic_labels, sentiment_of_stars, training_rows
from review_platform.nlp.training.evaluate import BARS, MAX_SENTIMENT_TEST_REVIEWS, bars_met, evaluate
from review_platform.nlp.training.train import (
    SENTIMENT_REVIEWS_PER_SOURCE,
    TrainingSet,
    sentiment_training_reviews,
    train_heads,
)
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainedModel:
    heads: Heads  # with its evaluation on the sealed split
    artefact: Path
    bars: dict[str, bool]
    promoted: bool


def platform_sentiment_reviews(lake: LakeResource, partitions: list[str]) -> pl.DataFrame:
    """The platform's own anonymised reviews of `partitions` with a sentiment from their stars: a deployment's
    sentiment head adapts to its shop. The days are recorded in the model's version (`trained_days`)."""
    frames = []
    for partition in partitions:
        reviews = lake.read_partition(PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, partition))
        frames.append(
            reviews.filter(pl.col("rating").is_not_null() & pl.col("text").is_not_null()).select(
                pl.lit("platform").alias("source"),
                model_text(pl.col("title"), pl.col("text")).alias("text"),  # as categorise reads it
                sentiment_of_stars(pl.col("rating").cast(pl.Float64)).alias("sentiment"),
            )
        )
    return (
        pl.concat(frames)
        if frames
        else pl.DataFrame(schema={"source": pl.String, "text": pl.String, "sentiment": pl.String})
    )


def training_set(
    data_dir: Path,
    lake: LakeResource | None = None,
    partitions: list[str] | None = None,
    per_source: int = SENTIMENT_REVIEWS_PER_SOURCE,
    seed: int = 0,
) -> tuple[TrainingSet, pl.DataFrame, pl.DataFrame]:
    """The training set, plus all reviews and the labels (whose test rows only the evaluation reads)."""
    reviews = load_real_reviews(data_dir)
    labels = load_topic_labels(reviews)
    sentiment = sentiment_training_reviews(reviews, per_source, seed)
    days = sorted(partitions or [])
    if days:
        if lake is None:
            raise ValueError("training on platform partitions needs the lake")
        sentiment = pl.concat([sentiment, platform_sentiment_reviews(lake, days)])
    topics = training_rows(labels, reviews).select("text", "primary", "secondary")
    return TrainingSet(sentiment=sentiment, topics=topics, platform_partitions=tuple(days)), reviews, labels


def train_evaluate_promote(
    model: EmbeddingModel,
    taxonomy: Taxonomy,
    data_dir: Path,
    models_dir: Path,
    lake: LakeResource | None = None,
    partitions: list[str] | None = None,
    seed: int = 0,
    bars: dict[str, float] | None = None,
    progress: Progress = lambda *_: None,
    reviews_per_source: int = SENTIMENT_REVIEWS_PER_SOURCE,
    test_reviews_per_language: int = MAX_SENTIMENT_TEST_REVIEWS,
) -> TrainedModel:
    """Train on the train split, evaluate on the sealed test split, save, and promote only if every bar is met:
    a model below them is kept for inspection but never used."""
    data, reviews, labels = training_set(data_dir, lake, partitions, reviews_per_source, seed)
    heads = train_heads(model, data, seed=seed, progress=progress)
    progress("evaluating", 0, 1)
    figures = evaluate(ReviewCategoriser(model, taxonomy, heads), reviews, labels, test_reviews_per_language)
    progress("evaluating", 1, 1)
    heads = Heads(heads.encoder, heads.sentiment, heads.topics, heads.provenance, figures)
    met = bars_met(figures, bars or BARS)
    artefact = heads.save(artefact_path(models_dir, heads))
    if all(met.values()):
        promote(models_dir, artefact)
    return TrainedModel(heads=heads, artefact=artefact, bars=met, promoted=all(met.values()))


def evaluate_in_use(categoriser: ReviewCategoriser, data_dir: Path) -> dict[str, Any]:
    reviews = load_real_reviews(data_dir)
    return evaluate(categoriser, reviews, load_topic_labels(reviews))
