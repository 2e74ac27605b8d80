"""The categoriser's trained heads as an asset: trained from real labelled reviews, evaluated on their sealed test
split, promoted for `categorised_reviews` only when its blocking checks pass.

Unpartitioned, upstream of `categorised_reviews` in the lineage, and outside the daily job: retraining is a decision,
not a nightly side effect. Materialised from its asset page in the UI, or through the same code by `review-platform
nlp train`. Until heads are promoted, those shipped with the package are used.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from review_platform.nlp.heads import SHIPPED_HEADS, Heads, heads_in_use
from review_platform.nlp.training.evaluate import MAX_SENTIMENT_TEST_REVIEWS
from review_platform.nlp.training.train import SENTIMENT_REVIEWS_PER_SOURCE
from review_platform.ops.nlp_model import train_evaluate_promote
from review_platform.resources.lake import LakeResource
from review_platform.resources.nlp import NlpResource

ASSET_KEY = dg.AssetKey("nlp_model")
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
        metadata=model_metadata(trained.heads, promoted=trained.promoted),
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


def model_metadata(heads: Heads, promoted: bool) -> dict[str, object]:
    """What the UI shows of a model: its version, encoder, learned labels, the days that trained it, its figures
    on the sealed split."""
    return {
        "heads_version": heads.version,
        "promoted": promoted,
        "encoder": heads.encoder,
        "learned_topics": ", ".join(heads.topics.labels),
        "trained_days": ", ".join(heads.trained_days) or "none",
        **{name: float(value) for name, value in heads.evaluation.items() if isinstance(value, float)},
    }


def record_heads_in_use(instance: dg.DagsterInstance, models_dir: Path | None) -> str | None:
    """Record the heads `categorised_reviews` uses as `nlp_model`'s latest materialization, unless it already is:
    the shipped heads on a fresh instance, or heads promoted by `review-platform nlp train`. Without it the UI
    shows the model as never materialised and asks whether to materialise the daily assets anyway. Returns the
    version recorded (None when nothing was)."""
    path = heads_in_use(models_dir)
    if path is None:
        return None
    heads = Heads.load(path)
    latest = instance.get_latest_materialization_event(ASSET_KEY)
    recorded = latest.asset_materialization.metadata.get("heads_version") if latest else None
    if recorded is not None and recorded.value == heads.version:
        return None
    shipped = path == SHIPPED_HEADS
    instance.report_runless_asset_event(
        dg.AssetMaterialization(
            ASSET_KEY,
            description="the heads shipped with the package" if shipped else "heads promoted by `nlp train`",
            metadata=model_metadata(heads, promoted=not shipped),
        )
    )
    return heads.version
