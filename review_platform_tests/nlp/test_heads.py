"""The trained heads' plumbing, on real reviews from shared/data/reviews (present on developer machines and in CI)
and the real all-MiniLM-L6-v2 (fast; the heads do not care which encoder): training is deterministic for a seed,
a model below its bars is kept but never promoted, a taxonomy label nobody labelled falls back to prototypes,
platform days are named in the version. Accuracy figures belong to `review-platform nlp evaluate`, not here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl
import pytest
import yaml

from review_platform.contract import ANONYMISED_SCHEMA, conform
from review_platform.defs.nlp_model import nlp_model, record_heads_in_use
from review_platform.nlp.categorise import ReviewCategoriser
from review_platform.nlp.heads import SHIPPED_HEADS, Heads, artefact_path, heads_in_use, promote
from review_platform.nlp.model import MINILM, load_embedding_model
from review_platform.nlp.taxonomy import Taxonomy
from review_platform.nlp.training.data import LABELS_PATH, load_real_reviews, load_topic_labels, training_rows
from review_platform.nlp.training.train import TrainingSet, sentiment_training_reviews, train_heads
from review_platform.ops.nlp_model import training_set
from review_platform.resources.lake import REVIEWS_DATASET, LakeResource, PartitionRef, Zone
from review_platform.resources.nlp import NlpResource

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "reviews"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="needs shared/data/reviews (developer machines, CI)")


@pytest.fixture(scope="module")
def minilm():
    return load_embedding_model(MINILM)


@pytest.fixture(scope="module")
def small_set() -> TrainingSet:
    reviews = load_real_reviews(DATA)
    labels = training_rows(load_topic_labels(reviews), reviews).head(300)
    return TrainingSet(
        sentiment=sentiment_training_reviews(reviews, per_source=80, seed=0),
        topics=labels.select("text", "primary", "secondary"),
    )


@needs_data
def test_training_never_reads_the_sealed_split_and_is_deterministic_for_a_seed(minilm, small_set):
    reviews = load_real_reviews(DATA)
    sealed = set(reviews.filter(pl.col("split") == "test")["text"])
    assert not sealed & set(small_set.sentiment["text"]) and not sealed & set(small_set.topics["text"])
    first, again = train_heads(minilm, small_set, seed=3), train_heads(minilm, small_set, seed=3)
    assert first.version == again.version
    np.testing.assert_array_equal(first.topics.coef, again.topics.coef)
    assert first.sentiment.negative_below <= first.sentiment.positive_from


@needs_data
def test_an_artefact_round_trips_and_its_version_is_its_content(minilm, small_set, tmp_path):
    heads = train_heads(minilm, small_set, seed=0)
    loaded = Heads.load(heads.save(tmp_path / "heads.npz"))
    assert loaded.version == heads.version and loaded.topics.labels == heads.topics.labels
    assert not list(tmp_path.glob(".*partial")), "written under a temporary name, then renamed"


@needs_data
def test_a_taxonomy_label_nobody_labelled_is_scored_by_its_prototypes(minilm, small_set, tmp_path):
    heads = train_heads(minilm, small_set, seed=0)
    document = yaml.safe_load((Path(Taxonomy.load.__code__.co_filename).parent / "taxonomy.yaml").read_text())
    document["topics"]["sustainability"] = {
        "description": "Eco-friendly, sustainable, recycled materials, carbon footprint of the product.",
        "keywords": ["recycled", "sustainab*", "eco-friendly"],
        "examples": {"positive": ["Made from recycled plastic, great for the planet."], "negative": [], "neutral": []},
    }
    del document["topics"]["packaging"]
    edited = tmp_path / "taxonomy.yaml"
    edited.write_text(yaml.safe_dump(document, allow_unicode=True))
    categoriser = ReviewCategoriser(minilm, Taxonomy.load(edited), heads)
    assert "sustainability" not in categoriser.learned_topics and "packaging" not in categoriser.labels
    assert "learned=" in categoriser.model_version and "learned=all" not in categoriser.model_version
    texts = ["Made from recycled plastic bottles, sustainable and eco-friendly, great for the planet.", "Too small."]
    out = categoriser.categorise(pl.DataFrame({"text": texts}))
    assert out["topic"][0] == "sustainability", "the prototype-scored label can win"
    assert "packaging" not in set(out["topic"]) | {t for ts in out["secondary_topics"] for t in ts}
    # Labels with fewer than MIN_TOPIC_EXAMPLES among these 300 reviews got no head either, and the version says so.
    untouched = ReviewCategoriser(minilm, Taxonomy.load(None), heads)
    assert untouched.model_version.endswith("learned=" + ",".join(untouched.learned_topics))
    assert set(untouched.learned_topics) == set(heads.topics.labels) and "packaging" not in heads.topics.labels


@needs_data
def test_heads_of_another_encoder_are_ignored(minilm, small_set):
    heads = train_heads(minilm, small_set, seed=0)
    foreign = Heads("another-encoder", heads.sentiment, heads.topics)
    categoriser = ReviewCategoriser(minilm, Taxonomy.load(None), foreign)
    assert categoriser.heads is None and "heads@" not in categoriser.model_version


@needs_data
def test_platform_days_join_the_sentiment_data_and_are_named_in_the_version(minilm, tmp_path):
    lake = LakeResource(url=str(tmp_path / "lake"))
    day = dt.date(2026, 9, 1)
    frame = pl.DataFrame(
        {
            "review_id": [1, 2],
            "title": ["Great", None],
            "text": ["Lovely shop, fast and friendly.", "Awful, broke in a day."],
            "rating": [5, 1],
            "partition_date": [day, day],
        }
    )
    complete = frame.with_columns(
        pl.lit(None, dtype=dtype).alias(name) for name, dtype in ANONYMISED_SCHEMA.items() if name not in frame.columns
    )
    lake.write_partition(
        PartitionRef(Zone.PROCESSED, REVIEWS_DATASET, day.isoformat()), conform(complete, ANONYMISED_SCHEMA)
    )
    data, _, _ = training_set(DATA, lake, [day.isoformat()], per_source=40)
    platform = data.sentiment.filter(pl.col("source") == "platform")
    assert platform.sort("sentiment").rows() == [
        ("platform", "Awful, broke in a day", "negative"),  # the text as `categorise` reads it
        ("platform", "Great. Lovely shop, fast and friendly", "positive"),
    ]
    small = TrainingSet(data.sentiment, data.topics.head(200), data.platform_partitions)
    heads = train_heads(minilm, small, seed=0)
    assert heads.trained_days == [day.isoformat()]
    assert "days=2026-09-01..2026-09-01(1)" in ReviewCategoriser(minilm, Taxonomy.load(None), heads).model_version


@needs_data
@pytest.mark.parametrize(("bar", "promoted"), [(1.01, False), (0.0, True)])
def test_nlp_model_promotes_only_a_model_that_meets_its_bars(tmp_path, bar, promoted):
    models = tmp_path / "models"
    resources = {
        "nlp": NlpResource(model_path=MINILM, models_dir=str(models), training_data=str(DATA)),
        "lake": LakeResource(url=str(tmp_path / "lake")),
    }
    bars = {
        name: bar
        for name in (
            "min_sentiment_balanced_accuracy_en",
            "min_sentiment_balanced_accuracy_fr",
            "min_topic_macro_f1",
            "min_delivery_recall",
            "min_delivery_precision",
        )
    }
    config = {"reviews_per_source": 60, "test_reviews_per_language": 60, **bars}
    result = dg.materialize(
        [nlp_model], resources=resources, run_config={"ops": {"nlp_model": {"config": config}}}, raise_on_error=False
    )
    checks = {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}
    assert set(checks) == {"sentiment_balanced_accuracy", "topic_macro_f1", "delivery_recall"}
    assert all(checks.values()) is promoted
    assert len(list(models.glob("heads-*.npz"))) == 1, "a refused model is kept for inspection"
    in_use = heads_in_use(models)
    assert (in_use != SHIPPED_HEADS) is promoted
    if promoted:
        version = Heads.load(in_use).version
        assert f"heads@{version}" in resources["nlp"].categoriser().model_version, "later runs use them"
        assert version in in_use.name


def test_the_shipped_heads_belong_to_the_default_encoder_and_the_taxonomy():
    heads, encoder = Heads.load(SHIPPED_HEADS), load_embedding_model()
    assert encoder.name == "intfloat/multilingual-e5-small" and encoder.text_prefix == "query: "
    assert heads.encoder == encoder.version, "retrain them when the default encoder changes"
    assert set(heads.topics.labels) == set(Taxonomy.load(None).labels)
    assert heads.trained_days == [] and heads.evaluation, "trained on the shipped data only, with its figures"
    assert LABELS_PATH.is_file()


def test_the_heads_in_use_are_recorded_as_the_model_s_materialization_once_per_version(tmp_path: Path):
    instance = dg.DagsterInstance.ephemeral()
    models = tmp_path / "models"
    shipped = Heads.load(SHIPPED_HEADS)
    assert record_heads_in_use(instance, models) == shipped.version
    assert record_heads_in_use(instance, models) is None, "already recorded: not again"
    latest = instance.get_latest_materialization_event(dg.AssetKey("nlp_model")).asset_materialization
    assert latest.metadata["heads_version"].value == shipped.version
    assert latest.metadata["promoted"].value is False and "shipped" in latest.description

    # Heads promoted later (another version) are recorded in their turn.
    other = Heads(shipped.encoder, shipped.sentiment, shipped.topics, {"seed": 1}, shipped.evaluation)
    promote(models, other.save(artefact_path(models, other)))
    assert record_heads_in_use(instance, models) == other.version != shipped.version
    latest = instance.get_latest_materialization_event(dg.AssetKey("nlp_model")).asset_materialization
    assert latest.metadata["promoted"].value is True
