"""The categoriser's trained heads as an asset: trained from real labelled reviews, evaluated on their sealed test
split, promoted for `categorised_reviews` only when its blocking checks pass.

Unpartitioned and outside the daily job (retraining is a decision, not a nightly side effect). Not yet part of the
platform's Definitions: with it there, the UI's "Materialize all" would also train it, which the browser tests do
not cover yet. Materialised with `dg.materialize` (its tests) or, through the same code, `review-platform nlp
train`. Until heads are promoted, those shipped with the package are used.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from review_platform.nlp.training.evaluate import MAX_SENTIMENT_TEST_REVIEWS
from review_platform.nlp.training.train import SENTIMENT_REVIEWS_PER_SOURCE
from review_platform.ops.nlp_model import train_evaluate_promote
from review_platform.resources.lake import LakeResource
from review_platform.resources.nlp import NlpResource

CHECKS = {
    "sentiment_balanced_accuracy": ("sentiment_balanced_accuracy_en", "sentiment_balanced_accuracy_fr"),
    "topic_macro_f1": ("topic_macro_f1",),
    "delivery_recall": ("delivery_recall", "delivery_precision"),
}


class NlpModelConfig(dg.Config):
    """Where the training reviews are, the seed, platform days to add to the sentiment data, and the bars."""

    # A folder with the files of shared/data/reviews; empty: REVIEW_PLATFORM_TRAINING_DATA.
    data_dir: str = ""
    seed: int = 0
    # Days of the platform's own anonymised reviews (text + stars) added to the sentiment training data.
    platform_partitions: list[str] = Field(default_factory=list)
    # How much to read: reviews per source for the sentiment head, sealed reviews per language to measure it.
    reviews_per_source: int = SENTIMENT_REVIEWS_PER_SOURCE
    test_reviews_per_language: int = MAX_SENTIMENT_TEST_REVIEWS
    min_sentiment_balanced_accuracy_en: float = 0.92
    min_sentiment_balanced_accuracy_fr: float = 0.85
    min_topic_macro_f1: float = 0.75
    min_delivery_recall: float = 0.90
    min_delivery_precision: float = 0.80

    def bars(self) -> dict[str, float]:
        return {
            "sentiment_balanced_accuracy_en": self.min_sentiment_balanced_accuracy_en,
            "sentiment_balanced_accuracy_fr": self.min_sentiment_balanced_accuracy_fr,
            "topic_macro_f1": self.min_topic_macro_f1,
            "delivery_recall": self.min_delivery_recall,
            "delivery_precision": self.min_delivery_precision,
        }


@dg.asset(
    group_name="nlp",
    kinds={"pytorch", "scikitlearn"},
    owners=["team:data-engineering"],
    check_specs=[
        dg.AssetCheckSpec(
            name,
            asset="nlp_model",
            blocking=True,
            description=f"{' and '.join(figures)} on the sealed test split reach their bars (run config)",
        )
        for name, figures in CHECKS.items()
    ],
)
def nlp_model(context: dg.AssetExecutionContext, config: NlpModelConfig, nlp: NlpResource, lake: LakeResource):
    """Sentiment and topic heads over the encoder's embeddings, trained on real reviews (stars; the project's
    topic labels), with their figures on the sealed test split. Promoted only if every check passes."""
    data_dir = config.data_dir or nlp.training_data
    if not data_dir:
        raise dg.Failure(
            "no training data: set REVIEW_PLATFORM_TRAINING_DATA (or the data_dir run config) to a folder holding "
            "the files of shared/data/reviews; until then the shipped heads are used",
            allow_retries=False,
        )
    trained = train_evaluate_promote(
        nlp.encoder(),
        nlp.taxonomy(),
        Path(data_dir),
        Path(nlp.models_dir),
        lake=lake,
        partitions=config.platform_partitions,
        seed=config.seed,
        bars=config.bars(),
        progress=lambda stage, done, total: context.log.debug(f"{stage}: {done}/{total or '?'}"),
        reviews_per_source=config.reviews_per_source,
        test_reviews_per_language=config.test_reviews_per_language,
    )
    figures, bars = trained.heads.evaluation, config.bars()
    yield dg.MaterializeResult(
        metadata={
            "heads_version": trained.heads.version,
            "promoted": trained.promoted,
            "encoder": trained.heads.encoder,
            "learned_topics": ", ".join(trained.heads.topics.labels),
            "trained_days": ", ".join(trained.heads.trained_days) or "none",
            **{name: float(value) for name, value in figures.items() if isinstance(value, float)},
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=name,
                passed=all(trained.bars[figure] for figure in names),
                severity=dg.AssetCheckSeverity.ERROR,
                description="; ".join(f"{figure} {figures.get(figure)} (bar {bars[figure]})" for figure in names)
                + ("" if trained.promoted else "; model kept but not promoted"),
                metadata={figure: float(figures[figure] or 0.0) for figure in names},
            )
            for name, names in CHECKS.items()
        ],
    )
