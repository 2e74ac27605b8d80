"""The categoriser measured on the sealed test split of real reviews: what a user's data would get.

Sentiment is judged against the stars (1-2 negative, 4-5 positive): balanced accuracy of the head's decision
(P(positive) >= 0.5) per language, the bar of the model card; "served" balanced accuracy, where a 1-2 or 4-5 star
review the calibrated band calls neutral counts as wrong (what a user reads); and macro-F1 over negative / neutral /
positive with 3-star reviews as neutral. Topics are judged against the project's
labels: macro-F1 of the primary topic over the labels with at least `MIN_TEST_SUPPORT` test reviews, and delivery
recall and precision where delivery counts when it is the primary or a secondary topic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.metrics import balanced_accuracy_score, f1_score, precision_recall_fscore_support

from review_platform.nlp.categorise import ReviewCategoriser
from review_platform.nlp.heads import SENTIMENT_LABELS
from review_platform.nlp.training.data import sentiment_of_stars

MIN_TEST_SUPPORT = 10
# Sentiment is measured on at most this many sealed reviews per language (a fixed sample): +-1 point at this size,
# and the encoder reads ~20 real reviews/s on 2 cores.
MAX_SENTIMENT_TEST_REVIEWS = 2_000
# The bars a model must reach on the sealed split to be used (`nlp_model`'s blocking checks).
BARS = {
    "sentiment_balanced_accuracy_en": 0.92,
    "sentiment_balanced_accuracy_fr": 0.85,
    "topic_macro_f1": 0.75,
    "delivery_recall": 0.90,
    "delivery_precision": 0.80,
}


def _categorised(categoriser: ReviewCategoriser, texts: list[str]) -> pl.DataFrame:
    return categoriser.categorise(pl.DataFrame({"text": texts}, schema={"text": pl.String()}))


def sentiment_figures(
    categoriser: ReviewCategoriser, test: pl.DataFrame, per_language: int = MAX_SENTIMENT_TEST_REVIEWS
) -> dict[str, Any]:
    """`test`: text, language, stars. Per language: balanced accuracy on 1-2 vs 4-5 stars, 3-class macro-F1.

    Texts are embedded once: the served label is the head's P(positive) against its calibrated band, exactly as
    `categorise` decides it."""
    if categoriser.heads is None:
        raise ValueError("sentiment figures need trained heads for this encoder")
    head = categoriser.heads.sentiment
    figures: dict[str, Any] = {}
    test = test.with_columns(sentiment_of_stars(pl.col("stars")).alias("truth"))
    for language in sorted(test["language"].unique()):
        subset = test.filter(pl.col("language") == language)
        if subset.height > per_language:  # a fixed sample of the sealed split, the same every time
            subset = subset.sort("source", "id").sample(per_language, seed=0)
        probability = categoriser.positive_probability(subset["text"].to_list())
        truth = subset["truth"].to_numpy()
        polar = truth != "neutral"
        figures[f"sentiment_balanced_accuracy_{language}"] = round(
            float(balanced_accuracy_score(truth[polar] == "positive", probability[polar] >= 0.5)), 4
        )
        served = np.array(SENTIMENT_LABELS)[head.label_of(probability)]
        figures[f"sentiment_served_balanced_accuracy_{language}"] = round(
            float(np.mean([(served[truth == label] == label).mean() for label in ("negative", "positive")])), 4
        )
        figures[f"sentiment_macro_f1_3class_{language}"] = round(
            float(f1_score(truth, served, average="macro", labels=["negative", "neutral", "positive"])), 4
        )
        figures[f"sentiment_test_reviews_{language}"] = {
            label: int((truth == label).sum()) for label in ("negative", "neutral", "positive")
        }
    return figures


def topic_figures(categoriser: ReviewCategoriser, test: pl.DataFrame) -> dict[str, Any]:
    """`test`: text, primary, secondary (the labelled test split)."""
    predicted = _categorised(categoriser, test["text"].to_list())
    truth = test["primary"].to_numpy()
    guess = predicted["topic"].to_numpy()
    support = {label: int((truth == label).sum()) for label in sorted(set(truth))}
    scored = [label for label, count in support.items() if count >= MIN_TEST_SUPPORT]
    precision, recall, f1, _ = precision_recall_fscore_support(truth, guess, labels=scored, zero_division=0.0)
    per_label = {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4)}
        for label, p, r, f in zip(scored, precision, recall, f1, strict=True)
    }
    about_delivery = np.array(
        ["delivery" in {primary, *secondary} for primary, secondary in test.select("primary", "secondary").iter_rows()]
    )
    said_delivery = np.array(
        [
            "delivery" in {topic, *secondary}
            for topic, secondary in predicted.select("topic", "secondary_topics").iter_rows()
        ]
    )
    hits = int((about_delivery & said_delivery).sum())
    return {
        "topic_macro_f1": round(float(np.mean(f1)) if len(f1) else 0.0, 4),
        "topic_accuracy": round(float((truth == guess).mean()), 4),
        "topic_scored_labels": scored,
        "topic_per_label": per_label,
        "topic_test_support": support,
        "delivery_recall": round(hits / int(about_delivery.sum()), 4) if about_delivery.any() else None,
        "delivery_precision": round(hits / int(said_delivery.sum()), 4) if said_delivery.any() else None,
        "delivery_test_reviews": int(about_delivery.sum()),
    }


def evaluate(
    categoriser: ReviewCategoriser,
    reviews: pl.DataFrame,
    labels: pl.DataFrame,
    sentiment_per_language: int = MAX_SENTIMENT_TEST_REVIEWS,
) -> dict[str, Any]:
    """Every figure on the sealed split: `reviews` and `labels` as `data.load_real_reviews` / `load_topic_labels`
    give them; only their `test` rows are read."""
    return {
        **sentiment_figures(categoriser, reviews.filter(pl.col("split") == "test"), sentiment_per_language),
        **topic_figures(categoriser, labels.filter(pl.col("split") == "test")),
    }


def bars_met(figures: dict[str, Any], bars: dict[str, float] = BARS) -> dict[str, bool]:
    return {name: figures.get(name) is not None and figures[name] >= bar for name, bar in bars.items()}
