"""Accuracy of the categoriser on a labelled set of reviews (JSON lines with text, title?, rating, topic, sentiment,
lang and, for reviews about several things, secondary).

The repository's set is `review_platform_tests/nlp/eval_reviews.jsonl`: hand-written English and French reviews,
independent of the demo generator's templates and never copied into the taxonomy's examples.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from review_platform.nlp.categorise import ReviewCategoriser
from review_platform.nlp.taxonomy import SENTIMENTS

TARGETS = {"sentiment_accuracy": 0.85, "topic_macro_f1": 0.70, "delivery_recall": 0.85}
LABELLED_SCHEMA: dict[str, pl.DataType] = {
    "title": pl.String(),
    "text": pl.String(),
    "rating": pl.Int32(),
    "topic": pl.String(),
    "sentiment": pl.String(),
    "lang": pl.String(),
    "secondary": pl.List(pl.String()),
}


def load_labelled_reviews(path: str | Path) -> pl.DataFrame:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return pl.DataFrame(
        [{name: row.get(name, [] if name == "secondary" else None) for name in LABELLED_SCHEMA} for row in rows],
        schema=LABELLED_SCHEMA,
    )


@dataclass(frozen=True)
class LabelFigures:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvaluationReport:
    reviews: int
    sentiment_accuracy: float
    topic_accuracy: float
    topic_macro_f1: float
    delivery_recall: float
    delivery_precision: float
    topic_in_primary_or_secondary: float  # the labelled topic is the primary or a secondary one
    language_accuracy: float
    mismatch_precision: float  # rating_mismatch against "5 stars + labelled negative or 1 star + labelled positive"
    mismatch_recall: float
    per_topic: dict[str, LabelFigures]
    per_sentiment: dict[str, LabelFigures]
    sentiment_confusion: dict[str, dict[str, int]]  # labelled -> predicted -> count
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)

    def targets_met(self) -> dict[str, bool]:
        return {name: getattr(self, name) >= target for name, target in TARGETS.items()}

    def as_dict(self) -> dict:
        return asdict(self)


def _label_figures(truth: np.ndarray, predicted: np.ndarray, labels: list[str]) -> dict[str, LabelFigures]:
    figures = {}
    for label in labels:
        true_positive = int(((predicted == label) & (truth == label)).sum())
        predicted_count, support = int((predicted == label).sum()), int((truth == label).sum())
        precision = true_positive / predicted_count if predicted_count else 0.0
        recall = true_positive / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        figures[label] = LabelFigures(round(precision, 4), round(recall, 4), round(f1, 4), support)
    return figures


def evaluate_categoriser(categoriser: ReviewCategoriser, labelled: pl.DataFrame) -> EvaluationReport:
    """Sentiment accuracy, topic macro-F1 (over the labels present in the set), per-topic precision and recall,
    delivery recall and language accuracy of `categoriser` on `labelled`."""
    out = categoriser.categorise(labelled.select("title", "text", "rating"))
    topic_truth, topic_predicted = labelled["topic"].to_numpy(), out["topic"].to_numpy()
    sentiment_truth, sentiment_predicted = labelled["sentiment"].to_numpy(), out["sentiment"].to_numpy()
    topics = sorted(set(topic_truth))
    per_topic = _label_figures(topic_truth, topic_predicted, topics)
    secondary_hit = [
        truth == predicted or truth in (secondary or [])
        for truth, predicted, secondary in zip(
            topic_truth, topic_predicted, out["secondary_topics"].to_list(), strict=True
        )
    ]
    by_language = {}
    for lang in sorted(set(labelled["lang"].drop_nulls().to_list())):
        rows = (labelled["lang"] == lang).to_numpy()
        by_language[lang] = {
            "reviews": int(rows.sum()),
            "sentiment_accuracy": round(float((sentiment_truth[rows] == sentiment_predicted[rows]).mean()), 4),
            "topic_accuracy": round(float((topic_truth[rows] == topic_predicted[rows]).mean()), 4),
        }
    languages = labelled["lang"].to_numpy()
    ratings = labelled["rating"].to_numpy()
    mismatch_truth = ((ratings == 5) & (sentiment_truth == "negative")) | (
        (ratings == 1) & (sentiment_truth == "positive")
    )
    mismatch_predicted = out["rating_mismatch"].to_numpy()
    flagged, true_flags = int(mismatch_predicted.sum()), int((mismatch_predicted & mismatch_truth).sum())
    return EvaluationReport(
        reviews=labelled.height,
        sentiment_accuracy=round(float((sentiment_truth == sentiment_predicted).mean()), 4),
        topic_accuracy=round(float((topic_truth == topic_predicted).mean()), 4),
        topic_macro_f1=round(float(np.mean([f.f1 for f in per_topic.values()])), 4),
        delivery_recall=per_topic["delivery"].recall if "delivery" in per_topic else 0.0,
        delivery_precision=per_topic["delivery"].precision if "delivery" in per_topic else 0.0,
        topic_in_primary_or_secondary=round(float(np.mean(secondary_hit)), 4),
        language_accuracy=round(float((languages == out["language"].to_numpy()).mean()), 4),
        mismatch_precision=round(true_flags / flagged, 4) if flagged else 0.0,
        mismatch_recall=round(true_flags / int(mismatch_truth.sum()), 4) if mismatch_truth.any() else 0.0,
        per_topic=per_topic,
        per_sentiment=_label_figures(sentiment_truth, sentiment_predicted, list(SENTIMENTS)),
        sentiment_confusion={
            truth: {
                predicted: int(((sentiment_truth == truth) & (sentiment_predicted == predicted)).sum())
                for predicted in SENTIMENTS
            }
            for truth in SENTIMENTS
        },
        by_language=by_language,
    )
