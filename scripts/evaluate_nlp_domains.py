"""Heads trained on one real domain, measured on another: how the categoriser holds on reviews unlike its
training data. Prints, for each pairing, the same figures as `review-platform nlp evaluate`.

    .venv/bin/python scripts/evaluate_nlp_domains.py [--data ../shared/data/reviews] [--json]

Pairings: trained on the English clothing reviews only, measured on the sealed French book reviews; and trained on
the French book reviews only, measured on the sealed clothing reviews. Only train-split reviews train, only
test-split reviews measure (`nlp/training/data.py`). Each text is embedded once per run (about 10 minutes on 2
cores).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import polars as pl

from review_platform.nlp.categorise import ReviewCategoriser
from review_platform.nlp.model import EmbeddingModel, load_embedding_model
from review_platform.nlp.taxonomy import Taxonomy
from review_platform.nlp.training.data import load_real_reviews, load_topic_labels, training_rows
from review_platform.nlp.training.evaluate import evaluate
from review_platform.nlp.training.train import (
    SENTIMENT_REVIEWS_PER_SOURCE,
    TrainingSet,
    sentiment_training_reviews,
    train_heads,
)

PAIRINGS = {"clothing (en) -> books (fr)": ("en", "fr"), "books (fr) -> clothing (en)": ("fr", "en")}


def remember_embeddings(model: EmbeddingModel) -> None:
    """Embed each distinct text once in this process (the pairings share their test texts)."""
    embed, memory = model.embed, {}

    def remembered(texts: list[str], **options) -> np.ndarray:
        missing = list(dict.fromkeys(text for text in texts if text not in memory))
        if missing:
            memory.update(zip(missing, embed(missing, **options), strict=True))
        return np.stack([memory[text] for text in texts]) if texts else embed(texts)

    model.embed = remembered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/reviews"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    model = load_embedding_model()
    remember_embeddings(model)
    reviews = load_real_reviews(args.data)
    labels = load_topic_labels(reviews)
    report = {}
    for name, (trained_on, measured_on) in PAIRINGS.items():
        train_reviews = reviews.filter(pl.col("language") == trained_on)
        train_labels = training_rows(labels.filter(pl.col("language") == trained_on), reviews)
        data = TrainingSet(
            sentiment=sentiment_training_reviews(train_reviews, SENTIMENT_REVIEWS_PER_SOURCE, seed=0),
            topics=train_labels.select("text", "primary", "secondary"),
        )
        heads = train_heads(model, data, seed=0)
        categoriser = ReviewCategoriser(model, Taxonomy.load(None), heads)
        figures = evaluate(
            categoriser,
            reviews.filter(pl.col("language") == measured_on),
            labels.filter(pl.col("language") == measured_on),
        )
        report[name] = {"learned_topics": list(heads.topics.labels), **figures}
    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return
    for name, figures in report.items():
        print(f"\n{name}")
        for key, value in figures.items():
            print(f"  {key:<40} {value}")


if __name__ == "__main__":
    main()
